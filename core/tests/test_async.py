from __future__ import annotations

import asyncio
import functools
import sys
import threading
import typing as t

import pytest
from werkzeug.exceptions import HTTPException

from vial import abort
from vial import Blueprint
from vial import copy_current_request_context
from vial import g
from vial import render_template_string
from vial import request
from vial import request_started
from vial import session
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial.views import MethodView
from vial.views import View
from vial.wrappers import Response

ASYNC_EXTRA = "pip install 'vial-core[async]'"


def _hide_asgiref(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import asgiref.sync`` fail as if asgiref were not installed."""
    monkeypatch.setitem(sys.modules, "asgiref", None)
    monkeypatch.setitem(sys.modules, "asgiref.sync", None)


# -- Views ----------------------------------------------------------------------


def test_async_view(app: Vial, client: VialClient) -> None:
    @app.get("/hello/<name>")
    async def hello(name: str) -> ResponseReturnValue:
        await asyncio.sleep(0)
        return f"Hello, {name}! q={request.args['q']}"

    assert client.get("/hello/Ann?q=1").text == "Hello, Ann! q=1"


def test_context_is_visible_inside_async_views(app: Vial, client: VialClient) -> None:
    @app.before_request
    def load_user() -> None:
        g.user = "ann"

    @app.post("/")
    async def index() -> ResponseReturnValue:
        await asyncio.sleep(0)

        async def in_task() -> str:
            # Tasks copy the context, so they see the request too.
            await asyncio.sleep(0)
            return f"{request.method} {request.path} {g.user}"

        results = await asyncio.gather(in_task(), in_task())
        session["seen"] = True
        g.from_view = True
        return {
            "results": results,
            "form": request.form.to_dict(),
            "session_seen": session["seen"],
        }

    with client:
        rv = client.post("/", data={"a": "1"})
        assert rv.json == {
            "results": ["POST / ann", "POST / ann"],
            "form": {"a": "1"},
            "session_seen": True,
        }
        # What the view set on g is there after it returned.
        assert g.from_view is True
    with client.session_transaction() as sess:
        assert sess["seen"] is True


def test_async_view_can_abort(app: Vial, client: VialClient) -> None:
    @app.get("/")
    async def index() -> ResponseReturnValue:
        abort(403)

    assert client.get("/").status_code == 403


def test_async_method_view(app: Vial, client: VialClient) -> None:
    class Items(MethodView):
        async def get(self, item_id: int) -> ResponseReturnValue:
            await asyncio.sleep(0)
            return f"get {item_id}"

        async def delete(self, item_id: int) -> ResponseReturnValue:
            return f"delete {item_id}", 202

    app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    assert client.get("/items/3").text == "get 3"
    rv = client.delete("/items/4")
    assert (rv.status_code, rv.text) == (202, "delete 4")
    assert client.post("/items/5").status_code == 405


def test_async_view_class(app: Vial, client: VialClient) -> None:
    class Echo(View):
        methods = ["POST"]

        async def dispatch_request(self) -> ResponseReturnValue:  # type: ignore[override]
            await asyncio.sleep(0)
            return request.get_data(as_text=True)

    app.add_url_rule("/echo", view_func=Echo.as_view("echo"))
    assert client.post("/echo", data="ping").text == "ping"


def test_async_blueprint_view_and_hooks(app: Vial, client: VialClient) -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.before_request
    async def authenticate() -> None:
        g.client = request.headers.get("X-Client", "anonymous")

    @bp.after_request
    async def tag(response: Response) -> Response:
        response.headers["X-Api"] = "1"
        return response

    @bp.get("/whoami")
    async def whoami() -> ResponseReturnValue:
        return g.client  # type: ignore[no-any-return]

    app.register_blueprint(bp)
    rv = client.get("/api/whoami", headers={"X-Client": "cli"})
    assert rv.text == "cli"
    assert rv.headers["X-Api"] == "1"


# -- Hooks and handlers ---------------------------------------------------------


def test_async_request_hooks(app: Vial, client: VialClient) -> None:
    calls: list[t.Any] = []

    @app.before_request
    async def before() -> None:
        await asyncio.sleep(0)
        g.started = True
        calls.append("before")

    @app.after_request
    async def after(response: Response) -> Response:
        await asyncio.sleep(0)
        calls.append("after")
        response.headers["X-After"] = "yes"
        return response

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        calls.append(("teardown_request", exc))

    @app.teardown_appcontext
    async def teardown_app(exc: BaseException | None) -> None:
        calls.append(("teardown_appcontext", exc))

    @app.get("/")
    async def index() -> ResponseReturnValue:
        calls.append("view")
        return str(g.started)

    rv = client.get("/")
    assert rv.text == "True"
    assert rv.headers["X-After"] == "yes"
    assert calls == [
        "before",
        "view",
        "after",
        ("teardown_request", None),
        ("teardown_appcontext", None),
    ]


def test_async_before_request_can_answer(app: Vial, client: VialClient) -> None:
    @app.before_request
    async def maintenance() -> ResponseReturnValue | None:
        if request.args.get("down"):
            return "Down for maintenance", 503
        return None

    @app.get("/")
    async def index() -> ResponseReturnValue:
        return "up"

    assert client.get("/").text == "up"
    rv = client.get("/?down=1")
    assert (rv.status_code, rv.text) == (503, "Down for maintenance")


def test_async_teardown_sees_the_error(
    app: Vial, client: VialClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    # The logger is global (named after the app): silence it for this test only.
    monkeypatch.setattr(app.logger, "disabled", True)
    seen: list[BaseException | None] = []

    @app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.get("/")
    async def index() -> ResponseReturnValue:
        raise LookupError("gone")

    assert client.get("/").status_code == 500
    assert len(seen) == 1
    assert isinstance(seen[0], LookupError)


def test_async_error_handlers(app: Vial, client: VialClient) -> None:
    class PaymentRequired(Exception):
        pass

    @app.errorhandler(PaymentRequired)
    async def payment(e: PaymentRequired) -> ResponseReturnValue:
        await asyncio.sleep(0)
        return f"pay up: {e}", 402

    @app.errorhandler(404)
    async def not_found(e: HTTPException) -> ResponseReturnValue:
        return f"no {request.path} here", 404

    @app.get("/premium")
    async def premium() -> ResponseReturnValue:
        raise PaymentRequired("premium only")

    rv = client.get("/premium")
    assert (rv.status_code, rv.text) == (402, "pay up: premium only")
    rv = client.get("/missing")
    assert (rv.status_code, rv.text) == (404, "no /missing here")


def test_async_context_processor(app: Vial, client: VialClient) -> None:
    @app.context_processor
    async def site() -> dict[str, t.Any]:
        await asyncio.sleep(0)
        return {"site_name": "Vial Shop", "path": request.path}

    @app.get("/page")
    def page() -> ResponseReturnValue:
        return render_template_string("{{ site_name }} at {{ path }}")

    assert client.get("/page").text == "Vial Shop at /page"


def test_async_signal_receiver(app: Vial, client: VialClient) -> None:
    received: list[str] = []

    async def on_started(sender: Vial, **extra: t.Any) -> None:
        await asyncio.sleep(0)
        received.append(request.path)

    @app.get("/")
    def index() -> ResponseReturnValue:
        return "ok"

    with request_started.connected_to(on_started, app):
        client.get("/")
    assert received == ["/"]


# -- ensure_sync and async_to_sync ------------------------------------------------


def test_ensure_sync_leaves_sync_functions_alone(app: Vial) -> None:
    def plain() -> str:
        return "plain"

    partial = functools.partial(plain)
    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(partial) is partial


def test_ensure_sync_runs_coroutine_functions(app: Vial) -> None:
    async def add(a: int, b: int = 0) -> int:
        await asyncio.sleep(0)
        return a + b

    sync_add = app.ensure_sync(add)
    assert sync_add is not add
    assert sync_add(1, b=2) == 3
    assert app.ensure_sync(functools.partial(add, 10))(5) == 15
    assert app.async_to_sync(add)(4) == 4


def test_async_to_sync_propagates_exceptions(app: Vial) -> None:
    async def fail() -> None:
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        app.ensure_sync(fail)()


def test_async_to_sync_can_be_replaced() -> None:
    class OwnLoopApp(Vial):
        runs = 0

        def async_to_sync(
            self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
        ) -> t.Callable[..., t.Any]:
            def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
                type(self).runs += 1
                return asyncio.run(func(*args, **kwargs))

            return run

    own = OwnLoopApp(__name__)

    @own.get("/")
    async def index() -> ResponseReturnValue:
        return "own loop"

    assert own.test_client().get("/", buffered=True).text == "own loop"
    assert OwnLoopApp.runs == 1


# -- Without asgiref --------------------------------------------------------------


def test_missing_asgiref_names_the_extra(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hide_asgiref(monkeypatch)

    async def view() -> str:
        return "never"

    def sync_view() -> str:
        return "sync"

    with pytest.raises(RuntimeError) as exc_info:
        app.ensure_sync(view)
    assert ASYNC_EXTRA in str(exc_info.value)
    assert "asgiref" in str(exc_info.value)
    with pytest.raises(RuntimeError, match="vial-core\\[async\\]"):
        app.async_to_sync(view)
    # Synchronous code does not need asgiref at all.
    assert app.ensure_sync(sync_view) is sync_view


def test_missing_asgiref_in_a_request(
    app: Vial, client: VialClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    @app.get("/async")
    async def async_view() -> ResponseReturnValue:
        return "never"

    @app.get("/sync")
    def sync_view() -> ResponseReturnValue:
        return "still fine"

    _hide_asgiref(monkeypatch)
    with pytest.raises(RuntimeError, match="vial-core\\[async\\]"):
        client.get("/async")
    assert client.get("/sync").text == "still fine"

    # Served for real, the error is logged and the client gets a 500.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    logged: list[str] = []
    monkeypatch.setattr(
        app.logger, "error", lambda msg, *a, **kw: logged.append(str(kw["exc_info"]))
    )
    assert client.get("/async").status_code == 500
    assert len(logged) == 1
    assert ASYNC_EXTRA in logged[0]


# -- Copying the request context ------------------------------------------------


def test_copy_current_request_context_with_async_function(
    app: Vial, client: VialClient
) -> None:
    results: list[str] = []

    @app.get("/work")
    def work() -> ResponseReturnValue:
        @copy_current_request_context
        async def background(suffix: str) -> str:
            await asyncio.sleep(0)
            return f"{request.path} {request.args['id']} {suffix}"

        # The wrapper runs the coroutine to completion, so callers (a thread,
        # or this sync view) get its result; the decorator's annotation keeps
        # the async signature, hence the cast.
        run = t.cast("t.Callable[[str], str]", background)
        thread = threading.Thread(target=lambda: results.append(run("thread")))
        thread.start()
        thread.join()
        return run("direct")

    assert client.get("/work?id=7").text == "/work 7 direct"
    assert results == ["/work 7 thread"]


def test_ensure_sync_handles_unhashable_callables(app: Vial) -> None:
    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self) -> str:
            return "called"

    func = Unhashable()
    assert app.ensure_sync(func) is func
    assert app.ensure_sync(func)() == "called"


def test_ensure_sync_remembers_only_synchronous_functions(app: Vial) -> None:
    def plain() -> str:
        return "plain"

    async def coroutine() -> str:
        return "async"

    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(plain) is plain
    # Asked twice, the coroutine function is wrapped both times.
    assert app.ensure_sync(coroutine)() == "async"
    assert app.ensure_sync(coroutine)() == "async"
    assert app.ensure_sync(coroutine) is not coroutine
