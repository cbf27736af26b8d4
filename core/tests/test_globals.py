from __future__ import annotations

import typing as t

import pytest

from vial import current_app
from vial import g
from vial import request
from vial import session
from vial import Vial
from vial.ctx import _AppCtxGlobals
from vial.globals import _cv_app
from vial.globals import _cv_request
from vial.globals import app_ctx
from vial.globals import request_ctx
from vial.testing import VialClient

# -- proxies outside contexts ------------------------------------------------------


@pytest.mark.parametrize(
    "proxy", [current_app, g, app_ctx], ids=["current_app", "g", "app_ctx"]
)
def test_app_proxies_outside_context(proxy: t.Any) -> None:
    with pytest.raises(RuntimeError) as exc_info:
        proxy.anything  # noqa: B018
    message = str(exc_info.value)
    assert message.startswith("Working outside of application context.")
    assert "with app.app_context():" in message
    assert not proxy


@pytest.mark.parametrize(
    "proxy", [request, session, request_ctx], ids=["request", "session", "request_ctx"]
)
def test_request_proxies_outside_context(proxy: t.Any, app: Vial) -> None:
    with pytest.raises(RuntimeError) as exc_info:
        proxy.anything  # noqa: B018
    message = str(exc_info.value)
    assert message.startswith("Working outside of request context.")
    assert "app.test_request_context()" in message
    # An app context alone is not enough.
    with app.app_context(), pytest.raises(RuntimeError, match="request context"):
        proxy.anything  # noqa: B018


def test_proxies_inside_request(app: Vial) -> None:
    with app.test_request_context("/here") as ctx:
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert request._get_current_object() is ctx.request  # type: ignore[attr-defined]
        assert session._get_current_object() is ctx.session  # type: ignore[attr-defined]
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert app_ctx._get_current_object() is _cv_app.get()  # type: ignore[attr-defined]
        assert g._get_current_object() is _cv_app.get().g
        assert request.path == "/here"
        assert current_app
        assert request


def test_context_variables(app: Vial) -> None:
    assert _cv_app.get(None) is None
    assert _cv_request.get(None) is None
    with app.test_request_context() as ctx:
        assert _cv_request.get() is ctx
        assert _cv_app.get().app is app


def test_current_app_follows_the_innermost_app(app: Vial) -> None:
    other = Vial("other")
    with app.app_context():
        assert current_app.name == "testapp"
        with other.app_context():
            assert current_app.name == "other"
        assert current_app.name == "testapp"


def test_proxies_in_view(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> dict[str, t.Any]:
        g.user = "ann"
        session["count"] = session.get("count", 0) + 1
        return {
            "app": current_app.name,
            "path": request.path,
            "user": g.user,
            "count": session["count"],
        }

    assert client.get("/").get_json() == {
        "app": "testapp",
        "path": "/",
        "user": "ann",
        "count": 1,
    }
    assert client.get("/").get_json()["count"] == 2


# -- g ----------------------------------------------------------------------------


def test_g_attributes(app_ctx: t.Any) -> None:
    g.name = "value"
    assert g.name == "value"
    assert "name" in g
    assert "other" not in g
    del g.name
    assert "name" not in g
    with pytest.raises(AttributeError, match="missing"):
        g.missing  # noqa: B018
    with pytest.raises(AttributeError, match="missing"):
        del g.missing


def test_g_get(app_ctx: t.Any) -> None:
    assert g.get("x") is None
    assert g.get("x", 42) == 42
    g.x = 1
    assert g.get("x", 42) == 1


def test_g_pop(app_ctx: t.Any) -> None:
    g.x = 1
    assert g.pop("x") == 1
    assert "x" not in g
    assert g.pop("x", "default") == "default"
    with pytest.raises(KeyError):
        g.pop("x")


def test_g_setdefault(app_ctx: t.Any) -> None:
    assert g.setdefault("items", []) == []
    g.items.append(1)
    assert g.setdefault("items", ["ignored"]) == [1]
    assert g.setdefault("none") is None
    assert "none" in g


def test_g_iteration(app_ctx: t.Any) -> None:
    g.a = 1
    g.b = 2
    assert sorted(g) == ["a", "b"]


def test_g_repr(app: Vial) -> None:
    with app.app_context():
        assert repr(g) == "<vial.g of 'testapp'>"
        plain = g._get_current_object()
    assert repr(plain).startswith("<vial.ctx._AppCtxGlobals object at")


def test_g_shared_by_request_and_app_context(app: Vial) -> None:
    with app.app_context():
        g.db = "connection"
        with app.test_request_context():
            assert g.db == "connection"


def test_g_is_per_request(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        seen = g.get("seen", False)
        g.seen = True
        return str(seen)

    assert client.get("/").text == "False"
    assert client.get("/").text == "False"


def test_custom_g_class(app: Vial) -> None:
    class MyGlobals(_AppCtxGlobals):
        def double(self, value: int) -> int:
            return value * 2

    app.app_ctx_globals_class = MyGlobals
    with app.app_context():
        assert isinstance(g._get_current_object(), MyGlobals)
        assert t.cast(t.Any, g).double(2) == 4


def test_g_works_in_templates(app: Vial) -> None:
    from vial import render_template_string

    with app.app_context():
        g.user = "ann"
        assert render_template_string("{{ g.user }}") == "ann"


# -- the proxy class ---------------------------------------------------------------


def test_the_globals_are_werkzeug_local_proxies() -> None:
    from werkzeug.local import LocalProxy

    from vial.globals import ContextProxy

    proxies: tuple[object, ...] = (
        current_app,
        g,
        request,
        session,
        app_ctx,
        request_ctx,
    )
    for proxy in proxies:
        assert type(proxy) is ContextProxy
        assert isinstance(proxy, LocalProxy)


def test_proxy_reads_and_writes_reach_the_bound_object(app: Vial) -> None:
    app.secret_key = "proxy test"
    with app.test_request_context("/items?page=2", method="POST") as ctx:
        assert request.method == "POST"
        assert request.args["page"] == "2"
        # Methods come back bound to the real object.
        assert request.args.get("page", type=int) == 2
        assert current_app.config is app.config

        g.user = "ada"
        assert _cv_app.get().g.user == "ada"
        assert "user" in g
        del g.user
        assert "user" not in g

        session["cart"] = [1]
        assert ctx.session["cart"] == [1]
        assert session["cart"] == [1]
        assert "cart" in session
        assert session.modified

        # The proxy class's own names keep werkzeug's meaning.
        assert request.__class__ is type(ctx.request)
        assert isinstance(request, type(ctx.request))
        assert request == ctx.request
        assert request._get_current_object() is ctx.request  # type: ignore[attr-defined]
        assert "Request" in repr(request)


def test_a_missing_attribute_on_the_bound_object_is_an_attribute_error(
    app: Vial,
) -> None:
    with app.app_context():
        assert not hasattr(g, "missing")
        with pytest.raises(AttributeError, match="missing"):
            g.missing  # noqa: B018
        with pytest.raises(AttributeError, match="no_such_thing"):
            current_app.no_such_thing  # type: ignore[attr-defined]  # noqa: B018


def test_writes_and_item_access_outside_a_context_raise_the_context_error() -> None:
    with pytest.raises(RuntimeError, match="outside of application context"):
        g.user = "ada"
    with pytest.raises(RuntimeError, match="outside of request context"):
        session["cart"] = [1]
    with pytest.raises(RuntimeError, match="outside of request context"):
        session["cart"]
    with pytest.raises(RuntimeError, match="outside of application context"):
        "user" in g  # noqa: B015


def test_truth_follows_the_bound_object(app: Vial) -> None:
    app.secret_key = "proxy test"
    with app.test_request_context():
        assert not session  # an empty session is falsy, like a dict
        session["a"] = 1
        assert session
    assert not session  # unbound
