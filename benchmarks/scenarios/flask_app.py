"""The scenarios written once with Flask's API.

The same module runs on the real Flask and, unchanged, on vial: the vial
launcher calls ``vial.compat.alias_flask()`` before importing it, so
``import flask`` below resolves to vial there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import TYPE_CHECKING

from flask import Blueprint
from flask import Flask
from flask import g
from flask import render_template
from flask import session
from flask import url_for

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

if TYPE_CHECKING:
    from flask import Response


def _new_app() -> Flask:
    return Flask(__name__)


def hello() -> Flask:
    """Plain text hello world."""
    app = _new_app()

    @app.route("/")
    def index() -> str:
        return HELLO_BODY

    return app


def json_view() -> Flask:
    """Two converters, a small dict returned as JSON."""
    app = _new_app()

    @app.route("/user/<int:user_id>/post/<slug>")
    def post(user_id: int, slug: str) -> dict[str, Any]:
        return json_payload(user_id, slug)

    return app


def template() -> Flask:
    """A Jinja template rendering a 20-row table."""
    app = _new_app()

    @app.route("/table")
    def table() -> str:
        return render_template("table.html", title=TABLE_TITLE, rows=TABLE_ROWS)

    return app


def not_found() -> Flask:
    """The hello app asked for a path it does not have."""
    return hello()


def _route_view(index: int) -> Callable[[int], str]:
    def view(item_id: int) -> str:
        return route_body(index, item_id)

    return view


def routes_1000() -> Flask:
    """1000 routes with a converter each; the benchmark hits the last one."""
    app = _new_app()
    for index in range(ROUTE_COUNT):
        app.add_url_rule(
            f"/r{index}/<int:item_id>", f"route_{index}", _route_view(index)
        )
    return app


def session_counter() -> Flask:
    """Read and write the signed-cookie session on every request."""
    app = _new_app()
    app.config["SECRET_KEY"] = SECRET_KEY

    @app.route("/session")
    def counter() -> str:
        count = int(session.get("count", 0)) + 1
        session["count"] = count
        return str(count)

    return app


def hooks() -> Flask:
    """A before_request and after_request hook pair around a plain view."""
    app = _new_app()

    @app.before_request
    def load_user() -> None:
        g.user = HOOK_USER

    @app.after_request
    def mark(response: Response) -> Response:
        response.headers[HOOK_HEADER] = "1"
        return response

    @app.route("/hooked")
    def hooked() -> str:
        return hook_body(g.user)

    return app


def blueprint() -> Flask:
    """A route in a blueprint nested in a blueprint, building a URL."""
    app = _new_app()
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")

    @inner.route("/item/<int:item_id>")
    def item(item_id: int) -> str:
        return url_for(".item", item_id=item_id + 1)

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    return app


APPS: dict[str, Callable[[], Flask]] = {
    "hello": hello,
    "json": json_view,
    "template": template,
    "not_found": not_found,
    "routes_1000": routes_1000,
    "session": session_counter,
    "hooks": hooks,
    "blueprint": blueprint,
}
