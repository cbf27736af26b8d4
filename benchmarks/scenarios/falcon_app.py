"""The scenarios as idiomatic Falcon (WSGI) apps.

Falcon has no template engine, so the template scenario renders the same Jinja
template through a Jinja ``Environment`` with autoescaping, as a Falcon app
would. Hooks are a middleware's ``process_request``/``process_response``.
Falcon has neither sessions nor URL building, so those scenarios are n/a.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

import falcon
import jinja2

from .spec import HELLO_BODY
from .spec import hook_body
from .spec import HOOK_HEADER
from .spec import HOOK_USER
from .spec import json_payload
from .spec import route_body

if TYPE_CHECKING:
    from typing import TypeAlias

    _FalconApp: TypeAlias = falcon.App[falcon.Request, falcon.Response]
from .spec import ROUTE_COUNT
from .spec import TABLE_ROWS
from .spec import TABLE_TITLE


class _Hello:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = HELLO_BODY


def hello() -> _FalconApp:
    """Plain text hello world."""
    app = falcon.App()
    app.add_route("/", _Hello())
    return app


class _Post:
    def on_get(
        self, req: falcon.Request, resp: falcon.Response, user_id: int, slug: str
    ) -> None:
        resp.media = json_payload(user_id, slug)


def json_view() -> _FalconApp:
    """Two converters, a small dict returned as JSON."""
    app = falcon.App()
    app.add_route("/user/{user_id:int}/post/{slug}", _Post())
    return app


class _Table:
    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
            autoescape=jinja2.select_autoescape(),
        )

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.env.get_template("table.html").render(
            title=TABLE_TITLE, rows=TABLE_ROWS
        )


def template() -> _FalconApp:
    """A Jinja template rendering a 20-row table."""
    app = falcon.App()
    app.add_route("/table", _Table())
    return app


def not_found() -> _FalconApp:
    """The hello app asked for a path it does not have."""
    return hello()


class _Numbered:
    def __init__(self, index: int) -> None:
        self.index = index

    def on_get(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = route_body(self.index, item_id)


def routes_1000() -> _FalconApp:
    """1000 routes with a converter each; the benchmark hits the last one."""
    app = falcon.App()
    for index in range(ROUTE_COUNT):
        app.add_route(f"/r{index}/{{item_id:int}}", _Numbered(index))
    return app


class _HookPair:
    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.user = HOOK_USER

    def process_response(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        resp.set_header(HOOK_HEADER, "1")


class _Hooked:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = hook_body(req.context.user)


def hooks() -> _FalconApp:
    """A middleware pair around a plain resource."""
    app = falcon.App(middleware=[_HookPair()])
    app.add_route("/hooked", _Hooked())
    return app


APPS: dict[str, Callable[[], Any]] = {
    "hello": hello,
    "json": json_view,
    "template": template,
    "not_found": not_found,
    "routes_1000": routes_1000,
    "hooks": hooks,
}
