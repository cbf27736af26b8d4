"""The scenarios as bare werkzeug apps: a ``Map``, ``Request`` and ``Response``.

This is the floor a werkzeug-based framework builds on: routing, request and
response objects, nothing else. Nested blueprints become nested ``Submount``
rules and ``url_for`` becomes ``MapAdapter.build``. werkzeug has no hooks and
no sessions, so those scenarios are n/a.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

import jinja2
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing import MapAdapter
from werkzeug.routing import Rule
from werkzeug.routing import Submount
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from .spec import HELLO_BODY
from .spec import json_payload
from .spec import route_body
from .spec import ROUTE_COUNT
from .spec import TABLE_ROWS
from .spec import TABLE_TITLE

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

View = Callable[..., Response]


class _App:
    """Match the URL, call the view, turn HTTP errors into responses."""

    def __init__(self, rules: list[Any], views: dict[str, View]) -> None:
        self.url_map = Map(rules)
        self.views = views

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        request = Request(environ)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, args = adapter.match()
            response = self.views[endpoint](request, adapter, **args)
        except HTTPException as error:
            return error(environ, start_response)
        return response(environ, start_response)


def hello() -> _App:
    """Plain text hello world."""

    def index(request: Request, adapter: MapAdapter) -> Response:
        return Response(HELLO_BODY)

    return _App([Rule("/", endpoint="index")], {"index": index})


def json_view() -> _App:
    """Two converters, a small dict returned as JSON."""

    def post(
        request: Request, adapter: MapAdapter, user_id: int, slug: str
    ) -> Response:
        return Response(
            json.dumps(json_payload(user_id, slug)), mimetype="application/json"
        )

    rule = Rule("/user/<int:user_id>/post/<slug>", endpoint="post")
    return _App([rule], {"post": post})


def template() -> _App:
    """A Jinja template rendering a 20-row table."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=jinja2.select_autoescape(),
    )

    def table(request: Request, adapter: MapAdapter) -> Response:
        html = env.get_template("table.html").render(title=TABLE_TITLE, rows=TABLE_ROWS)
        return Response(html, mimetype="text/html")

    return _App([Rule("/table", endpoint="table")], {"table": table})


def not_found() -> _App:
    """The hello app asked for a path it does not have."""
    return hello()


def _route_view(index: int) -> View:
    def view(request: Request, adapter: MapAdapter, item_id: int) -> Response:
        return Response(route_body(index, item_id))

    return view


def routes_1000() -> _App:
    """1000 routes with a converter each; the benchmark hits the last one."""
    rules = [
        Rule(f"/r{index}/<int:item_id>", endpoint=f"route_{index}")
        for index in range(ROUTE_COUNT)
    ]
    views = {f"route_{index}": _route_view(index) for index in range(ROUTE_COUNT)}
    return _App(rules, views)


def blueprint() -> _App:
    """A rule in a ``Submount`` nested in a ``Submount``, building a URL."""

    def item(request: Request, adapter: MapAdapter, item_id: int) -> Response:
        return Response(adapter.build("outer.inner.item", {"item_id": item_id + 1}))

    rules = [
        Submount(
            "/outer",
            [
                Submount(
                    "/inner",
                    [Rule("/item/<int:item_id>", endpoint="outer.inner.item")],
                )
            ],
        )
    ]
    return _App(rules, {"outer.inner.item": item})


APPS: dict[str, Callable[[], Any]] = {
    "hello": hello,
    "json": json_view,
    "template": template,
    "not_found": not_found,
    "routes_1000": routes_1000,
    "blueprint": blueprint,
}
