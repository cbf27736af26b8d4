"""The scenarios as idiomatic Bottle apps.

Templates use Bottle's own Jinja2 adapter (``jinja2_template``) with
autoescaping on, so the template work matches Flask's. Sessions are Bottle's
signed cookies (HMAC-SHA256), its nearest built-in equivalent of a signed
cookie session. Nested blueprints are Bottle apps mounted in Bottle apps, and
``url_for`` is ``Bottle.get_url`` on the serving app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import bottle  # type: ignore[import-untyped]

from .spec import HELLO_BODY
from .spec import hook_body
from .spec import HOOK_HEADER
from .spec import HOOK_USER
from .spec import json_payload
from .spec import route_body
from .spec import ROUTE_COUNT
from .spec import SECRET_KEY
from .spec import TABLE_ROWS
from .spec import TABLE_TITLE

# Bottle caches compiled templates by the identity of the lookup list, so it
# must be one long-lived list, as it is in a real Bottle app.
_TEMPLATE_LOOKUP = [str(Path(__file__).with_name("templates"))]
_TEMPLATE_SETTINGS = {"autoescape": True}


def hello() -> Any:
    """Plain text hello world."""
    app = bottle.Bottle()

    def index() -> str:
        return HELLO_BODY

    app.route("/", callback=index)
    return app


def json_view() -> Any:
    """Two converters, a small dict returned as JSON."""
    app = bottle.Bottle()

    def post(user_id: int, slug: str) -> dict[str, Any]:
        return json_payload(user_id, slug)

    app.route("/user/<user_id:int>/post/<slug>", callback=post)
    return app


def template() -> Any:
    """A Jinja template rendering a 20-row table."""
    app = bottle.Bottle()

    def table() -> str:
        return str(
            bottle.jinja2_template(
                "table.html",
                template_lookup=_TEMPLATE_LOOKUP,
                template_settings=_TEMPLATE_SETTINGS,
                title=TABLE_TITLE,
                rows=TABLE_ROWS,
            )
        )

    app.route("/table", callback=table)
    return app


def not_found() -> Any:
    """The hello app asked for a path it does not have."""
    return hello()


def _route_view(index: int) -> Callable[[int], str]:
    def view(item_id: int) -> str:
        return route_body(index, item_id)

    return view


def routes_1000() -> Any:
    """1000 routes with a converter each; the benchmark hits the last one."""
    app = bottle.Bottle()
    for index in range(ROUTE_COUNT):
        app.route(
            f"/r{index}/<item_id:int>",
            callback=_route_view(index),
            name=f"route_{index}",
        )
    return app


def session_counter() -> Any:
    """Read and write a signed cookie on every request."""
    app = bottle.Bottle()

    def counter() -> str:
        count = int(bottle.request.get_cookie("count", "0", secret=SECRET_KEY)) + 1
        bottle.response.set_cookie(
            "count",
            str(count),
            secret=SECRET_KEY,
            path="/",
            httponly=True,
            samesite="lax",
        )
        return str(count)

    app.route("/session", callback=counter)
    return app


def hooks() -> Any:
    """A before_request and after_request hook pair around a plain view."""
    app = bottle.Bottle()

    def load_user() -> None:
        bottle.request.environ["bench.user"] = HOOK_USER

    def mark() -> None:
        bottle.response.set_header(HOOK_HEADER, "1")

    def hooked() -> str:
        return hook_body(bottle.request.environ["bench.user"])

    app.add_hook("before_request", load_user)
    app.add_hook("after_request", mark)
    app.route("/hooked", callback=hooked)
    return app


def blueprint() -> Any:
    """A route in an app mounted in an app mounted in the app, building a URL."""
    root = bottle.Bottle()
    outer = bottle.Bottle()
    inner = bottle.Bottle()

    def item(item_id: int) -> str:
        return str(bottle.request.app.get_url("inner.item", item_id=item_id + 1))

    inner.route("/item/<item_id:int>", callback=item, name="inner.item")
    outer.mount("/inner/", inner)
    root.mount("/outer/", outer)
    return root


APPS: dict[str, Callable[[], Any]] = {
    "hello": hello,
    "json": json_view,
    "template": template,
    "not_found": not_found,
    "routes_1000": routes_1000,
    "session": session_counter,
    "hooks": hooks,
    "blueprint": blueprint,
}
