from __future__ import annotations

import contextvars
import io
import threading
import typing as t

import pytest

from vial import after_this_request
from vial import copy_current_request_context
from vial import current_app
from vial import g
from vial import has_app_context
from vial import has_request_context
from vial import request
from vial import Response
from vial import session
from vial import stream_with_context
from vial import Vial
from vial.ctx import AppContext
from vial.ctx import RequestContext
from vial.globals import app_ctx
from vial.globals import request_ctx
from vial.sessions import NullSession
from vial.sessions import SecureCookieSession
from vial.sessions import SecureCookieSessionInterface
from vial.testing import VialClient

# -- application context ---------------------------------------------------------------


def test_app_context(app: Vial) -> None:
    assert not has_app_context()
    with app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        assert has_app_context()
        assert not has_request_context()
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert app_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert g._get_current_object() is ctx.g
    assert not has_app_context()


def test_app_context_push_pop(app: Vial) -> None:
    ctx = app.app_context()
    ctx.push()
    try:
        assert current_app.name == "testapp"
    finally:
        ctx.pop()
    assert not has_app_context()


def test_each_app_context_has_its_own_g(app: Vial) -> None:
    with app.app_context():
        g.value = "outer"
        with app.app_context():
            assert "value" not in g
            g.value = "inner"
        assert g.value == "outer"
    with app.app_context():
        assert "value" not in g


def test_teardown_appcontext(app: Vial) -> None:
    calls: list[BaseException | None] = []

    @app.teardown_appcontext
    def teardown(exc: BaseException | None) -> None:
        calls.append(exc)

    with app.app_context():
        assert calls == []
    assert calls == [None]

    with pytest.raises(ValueError, match="inside"), app.app_context():
        raise ValueError("inside")
    assert isinstance(calls[1], ValueError)


def test_teardown_appcontext_order(app: Vial) -> None:
    calls: list[str] = []
    app.teardown_appcontext(lambda exc: calls.append("first"))
    app.teardown_appcontext(lambda exc: calls.append("second"))
    with app.app_context():
        pass
    assert calls == ["second", "first"]


def test_app_context_pushed_twice_tears_down_once(app: Vial) -> None:
    calls: list[BaseException | None] = []
    app.teardown_appcontext(calls.append)
    ctx = app.app_context()
    with ctx:
        with ctx:
            assert current_app.name == "testapp"
        assert calls == []
        assert has_app_context()
    assert calls == [None]


def test_pop_uses_current_exception(app: Vial) -> None:
    calls: list[BaseException | None] = []
    app.teardown_appcontext(calls.append)
    ctx = app.app_context()
    ctx.push()
    try:
        raise KeyError("k")
    except KeyError:
        ctx.pop()
    assert isinstance(calls[0], KeyError)


def test_app_context_wrong_order(app: Vial) -> None:
    def run() -> None:
        first, second = app.app_context(), app.app_context()
        first.push()
        second.push()
        with pytest.raises(AssertionError, match="Popped the wrong application"):
            first.pop()

    # The contexts are left in disorder, so they are pushed in a copy of the
    # current context that is thrown away.
    contextvars.copy_context().run(run)
    assert not has_app_context()


def test_app_context_url_adapter(app: Vial) -> None:
    assert app.app_context().url_adapter is None
    app.config["SERVER_NAME"] = "example.test"
    adapter = app.app_context().url_adapter
    assert adapter is not None
    assert adapter.server_name == "example.test"


def test_app_context_repr(app: Vial) -> None:
    assert repr(app.app_context()) == "<AppContext of 'testapp'>"


# -- request context -------------------------------------------------------------------


def test_test_request_context(app: Vial) -> None:
    with app.test_request_context(
        "/path?x=1", method="POST", data={"field": "value"}
    ) as ctx:
        assert isinstance(ctx, RequestContext)
        assert has_request_context()
        assert has_app_context()
        assert request.path == "/path"
        assert request.method == "POST"
        assert request.args["x"] == "1"
        assert request.form["field"] == "value"
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
    assert not has_request_context()
    assert not has_app_context()


def test_request_context_from_environ(app: Vial) -> None:
    from werkzeug.test import create_environ

    with app.request_context(create_environ("/env", "http://site.test/")):
        assert request.url == "http://site.test/env"


def test_request_context_reuses_app_context_of_same_app(app: Vial) -> None:
    with app.app_context() as outer:
        g.shared = "yes"
        with app.test_request_context():
            assert app_ctx._get_current_object() is outer  # type: ignore[attr-defined]
            assert g.shared == "yes"
        assert has_app_context()


def test_request_context_pushes_app_context_of_its_app(app: Vial) -> None:
    other = Vial("other")
    with app.app_context():
        with other.test_request_context():
            assert current_app.name == "other"
            assert "shared" not in g
        assert current_app.name == "testapp"


def test_request_context_is_matched_on_push(app: Vial) -> None:
    @app.route("/item/<int:n>")
    def item(n: int) -> str:
        return ""

    ctx = app.test_request_context("/item/3")
    assert ctx.request.url_rule is None
    with ctx:
        assert request.endpoint == "item"
        assert request.view_args == {"n": 3}


def test_request_teardown(app: Vial) -> None:
    calls: list[tuple[str, BaseException | None]] = []

    @app.teardown_request
    def request_teardown(exc: BaseException | None) -> None:
        calls.append(("request", exc))

    @app.teardown_appcontext
    def app_teardown(exc: BaseException | None) -> None:
        calls.append(("app", exc))

    with app.test_request_context():
        assert calls == []
    assert calls == [("request", None), ("app", None)]

    calls.clear()
    with pytest.raises(LookupError), app.test_request_context():
        raise LookupError()
    assert [name for name, _ in calls] == ["request", "app"]
    assert all(isinstance(exc, LookupError) for _, exc in calls)


def test_teardown_request_order(app: Vial) -> None:
    calls: list[str] = []
    app.teardown_request(lambda exc: calls.append("first"))
    app.teardown_request(lambda exc: calls.append("second"))
    with app.test_request_context():
        pass
    assert calls == ["second", "first"]


def test_request_context_pushed_twice_tears_down_once(app: Vial) -> None:
    calls: list[BaseException | None] = []
    app.teardown_request(calls.append)
    ctx = app.test_request_context()
    with ctx:
        with ctx:
            assert request.path == "/"
        assert calls == []
        assert request.path == "/"
    assert calls == [None]
    assert not has_request_context()


def test_request_context_wrong_order(app: Vial) -> None:
    def run() -> None:
        first = app.test_request_context("/first")
        second = app.test_request_context("/second")
        first.push()
        second.push()
        with pytest.raises(AssertionError, match="Popped the wrong request context"):
            first.pop()

    contextvars.copy_context().run(run)
    assert not has_request_context()


def test_request_closed_on_pop(app: Vial) -> None:
    with app.test_request_context(
        method="POST", data={"upload": (io.BytesIO(b"data"), "a.txt")}
    ) as ctx:
        stream = request.files["upload"].stream
        closed_during_request = stream.closed
        environ = ctx.request.environ
        linked = environ["werkzeug.request"]
        assert linked is ctx.request
    assert not closed_during_request
    assert stream.closed
    # The request -> environ -> request cycle is broken.
    assert environ["werkzeug.request"] is None


def test_request_context_repr(app: Vial) -> None:
    ctx = app.test_request_context("/x?y=1", method="PUT")
    assert repr(ctx) == "<RequestContext 'http://localhost/x?y=1' [PUT] of testapp>"


def test_untrusted_host_keeps_error_and_no_adapter(app: Vial) -> None:
    from vial import url_for

    app.config["TRUSTED_HOSTS"] = ["good.test"]
    with app.test_request_context(base_url="http://evil.test") as ctx:
        assert ctx.url_adapter is None
        assert ctx.request.routing_exception is not None
        assert ctx.request.routing_exception.code == 400
        with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
            url_for("static", filename="x")


# -- sessions in the request context ---------------------------------------------------


def has_session(ctx: RequestContext) -> bool:
    return ctx._session is not None


def test_session_opened_on_first_use(app: Vial) -> None:
    with app.test_request_context() as ctx:
        assert not has_session(ctx)
        session["user"] = "ann"
        assert isinstance(ctx._session, SecureCookieSession)
        assert ctx.session is ctx._session
        assert ctx.session["user"] == "ann"


def test_session_without_secret_key_is_null(app: Vial) -> None:
    app.secret_key = None
    with app.test_request_context() as ctx:
        assert isinstance(ctx.session, NullSession)
        assert session.get("x") is None
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            session["x"] = 1


def test_session_can_be_replaced(app: Vial) -> None:
    with app.test_request_context() as ctx:
        replacement = SecureCookieSession({"replaced": True})
        ctx.session = replacement
        assert session["replaced"] is True


def test_custom_session_interface_opened_on_push(app: Vial) -> None:
    opened: list[str] = []

    class RecordingInterface(SecureCookieSessionInterface):
        def open_session(
            self, app: t.Any, request: t.Any
        ) -> SecureCookieSession | None:
            opened.append(request.path)
            return super().open_session(app, request)

    app.session_interface = RecordingInterface()
    with app.test_request_context("/page"):
        # A custom interface may have side effects, so it opens at push.
        assert opened == ["/page"]
    assert opened == ["/page"]


def test_copy_shares_request_and_session(app: Vial) -> None:
    with app.test_request_context("/original") as ctx:
        session["k"] = "v"
        copy = ctx.copy()
        assert copy is not ctx
        assert copy.request is ctx.request
        assert copy.session is ctx.session


# -- copy_current_request_context ------------------------------------------------------


def test_copy_current_request_context_in_thread(app: Vial, client: VialClient) -> None:
    seen: dict[str, t.Any] = {}

    @app.route("/")
    def index() -> str:
        session["user"] = "ann"

        @copy_current_request_context
        def work(suffix: str) -> str:
            seen["path"] = request.path
            seen["user"] = session["user"]
            seen["app"] = current_app.name
            return f"done {suffix}"

        results: list[str] = []
        thread = threading.Thread(target=lambda: results.append(work("x")))
        thread.start()
        thread.join()
        seen["result"] = results[0]
        return "ok"

    assert client.get("/?a=1").text == "ok"
    assert seen == {"path": "/", "user": "ann", "app": "testapp", "result": "done x"}


def test_copy_current_request_context_keeps_function_metadata(app: Vial) -> None:
    with app.test_request_context():

        def documented() -> None:
            """The docstring."""

        wrapped = copy_current_request_context(documented)
        assert wrapped.__name__ == "documented"
        assert wrapped.__doc__ == "The docstring."


def test_copy_current_request_context_async_function(app: Vial) -> None:
    with app.test_request_context("/async"):

        @copy_current_request_context
        async def work() -> str:
            return request.path

    # The decorated coroutine function is run to completion when called.
    assert t.cast(t.Callable[[], str], work)() == "/async"


def test_copy_current_request_context_outside_request() -> None:
    with pytest.raises(RuntimeError, match="decorate the function inside the view"):
        copy_current_request_context(lambda: None)


def test_thread_without_copy_has_no_request(app: Vial, client: VialClient) -> None:
    seen: list[bool] = []

    @app.route("/")
    def index() -> str:
        thread = threading.Thread(
            target=lambda: seen.extend([has_request_context(), has_app_context()])
        )
        thread.start()
        thread.join()
        return "ok"

    client.get("/")
    assert seen == [False, False]


# -- after_this_request ----------------------------------------------------------------


def test_after_this_request(app: Vial, client: VialClient) -> None:
    order: list[str] = []

    @app.after_request
    def app_after(response: Response) -> Response:
        order.append("after_request")
        return response

    @app.route("/")
    def index() -> str:
        @after_this_request
        def first(response: Response) -> Response:
            order.append("first")
            response.headers["X-First"] = "1"
            return response

        @after_this_request
        def second(response: Response) -> Response:
            order.append("second")
            response.set_cookie("seen", "yes")
            return response

        return "ok"

    rv = client.get("/")
    assert rv.headers["X-First"] == "1"
    assert "seen=yes" in rv.headers["Set-Cookie"]
    assert order == ["first", "second", "after_request"]
    order.clear()
    # Only for the request that registered them.
    client.get("/missing")
    assert order == ["after_request"]


def test_after_this_request_from_before_request(app: Vial, client: VialClient) -> None:
    @app.before_request
    def before() -> None:
        def add_header(response: Response) -> Response:
            response.headers["X-Before"] = "yes"
            return response

        after_this_request(add_header)

    @app.route("/")
    def index() -> str:
        return "ok"

    assert client.get("/").headers["X-Before"] == "yes"


def test_after_this_request_replaces_response(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        after_this_request(lambda response: Response("replaced", status=202))
        return "original"

    rv = client.get("/")
    assert rv.status_code == 202
    assert rv.text == "replaced"


def test_after_this_request_outside_request() -> None:
    with pytest.raises(RuntimeError, match="inside a view"):
        after_this_request(lambda response: response)


# -- stream_with_context ---------------------------------------------------------------


def test_stream_with_context(app: Vial) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> t.Iterator[str]:
        def generate() -> t.Iterator[str]:
            events.append("generating")
            yield request.args["name"]
            yield " "
            yield session.get("missing", "none")
            events.append("generated")

        return stream_with_context(generate())

    rv = app.test_client().get("/?name=ann", buffered=False)
    try:
        assert rv.get_data() == b"ann none"
    finally:
        rv.close()
    # The request ended only after the body had been produced.
    assert events == ["generating", "generated", "teardown"]


def test_stream_with_context_decorator(app: Vial) -> None:
    @app.route("/")
    def index() -> t.Iterator[str]:
        @stream_with_context
        def generate(greeting: str) -> t.Iterator[str]:
            yield f"{greeting} {request.path}"

        return generate("hello")

    rv = app.test_client().get("/", buffered=False)
    try:
        assert rv.get_data() == b"hello /"
    finally:
        rv.close()


def test_stream_with_context_closed_early(app: Vial) -> None:
    events: list[str] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> t.Iterator[str]:
        def generate() -> t.Iterator[str]:
            try:
                yield "first"
                yield "second"
            finally:
                events.append("generator closed")

        return stream_with_context(generate())

    rv = app.test_client().get("/", buffered=False)
    rv.close()
    assert events == ["generator closed", "teardown"]
    assert not has_request_context()


def test_stream_with_context_outside_request() -> None:
    with pytest.raises(RuntimeError, match="inside the view function"):
        stream_with_context(iter(["x"]))


# -- has_*_context ---------------------------------------------------------------------


def test_has_context_functions(app: Vial) -> None:
    assert (has_app_context(), has_request_context()) == (False, False)
    with app.app_context():
        assert (has_app_context(), has_request_context()) == (True, False)
        with app.test_request_context():
            assert (has_app_context(), has_request_context()) == (True, True)
        assert (has_app_context(), has_request_context()) == (True, False)
    assert (has_app_context(), has_request_context()) == (False, False)


@pytest.mark.parametrize(
    "path",
    ["/ok", "/missing", "/slash", "/post-only", "/abort", "/handled-error"],
)
def test_requests_leave_no_cyclic_garbage(path: str) -> None:
    # Every object a request creates is freed by reference counting when it
    # ends, including for 404s, redirects and aborts, whose exceptions would
    # otherwise keep the request alive through their tracebacks.
    import gc

    from werkzeug.test import create_environ

    from vial import abort

    app = Vial(__name__)

    @app.route("/ok")
    def ok() -> str:
        return "ok"

    @app.route("/slash/")
    def slash() -> str:
        return "slash"

    @app.post("/post-only")
    def post_only() -> str:
        return "posted"

    @app.route("/abort")
    def aborting() -> str:
        abort(404)

    @app.route("/handled-error")
    def failing() -> str:
        raise KeyError("boom")

    @app.errorhandler(KeyError)
    def handle(error: KeyError) -> tuple[str, int]:
        return "handled", 500

    environ = create_environ(path)

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
        return None

    def request_once() -> None:
        b"".join(app(dict(environ), start_response))

    request_once()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(20):
            request_once()
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
