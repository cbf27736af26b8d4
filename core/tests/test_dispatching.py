from __future__ import annotations

import asyncio
import threading
import typing as t
import wsgiref.validate

# greenlet ships no type information; types-greenlet is optional.
import greenlet  # type: ignore[import-untyped,unused-ignore]
import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from vial import Blueprint
from vial import current_app
from vial import g
from vial import has_request_context
from vial import request
from vial import session
from vial import url_for
from vial import Vial

# -- several apps in one process -------------------------------------------------------


def _make_app(name: str, secret: str, **config: t.Any) -> Vial:
    app = Vial(name, static_folder=None)
    app.config.update(SECRET_KEY=secret, NAME=name, **config)

    @app.route("/")
    def index() -> dict[str, t.Any]:
        seen_before = g.get("seen", False)
        g.seen = True
        session["visits"] = session.get("visits", 0) + 1
        return {
            "app": current_app.name,
            "config": current_app.config["NAME"],
            "visits": session["visits"],
            "g_was_empty": not seen_before,
            "url": url_for("index"),
            "script_root": request.script_root,
        }

    @app.route("/boom")
    def boom() -> str:
        raise ZeroDivisionError(name)

    @app.errorhandler(ZeroDivisionError)
    def handle(e: ZeroDivisionError) -> tuple[str, int]:
        return f"handled by {current_app.name}: {e}", 500

    return app


def test_two_apps_interleaved() -> None:
    one = _make_app("one", "secret one")
    two = _make_app("two", "secret two", SESSION_COOKIE_NAME="two_session")
    c1, c2 = one.test_client(), two.test_client()
    for visit in (1, 2, 3):
        r1, r2 = c1.get("/").get_json(), c2.get("/").get_json()
        assert r1 == {
            "app": "one",
            "config": "one",
            "visits": visit,
            "g_was_empty": True,
            "url": "/",
            "script_root": "",
        }
        assert r2["app"] == r2["config"] == "two"
        assert r2["visits"] == visit
    assert c1.get("/boom").text == "handled by one: one"
    assert c2.get("/boom").text == "handled by two: two"


def test_session_cookie_of_one_app_is_not_valid_for_another() -> None:
    one = _make_app("one", "secret one")
    two = _make_app("two", "secret two")
    c1 = one.test_client()
    c1.get("/")
    c1.get("/")
    cookie = c1.get_cookie("session")
    assert cookie is not None
    c2 = two.test_client()
    c2.set_cookie("session", cookie.value)
    # Signed with another key: the second app starts a fresh session.
    assert c2.get("/").get_json()["visits"] == 1


def test_setup_of_one_app_does_not_touch_another() -> None:
    one, two = Vial("one"), Vial("two")
    bp = Blueprint("bp", __name__)
    hook_calls: list[str] = []

    @bp.before_app_request
    def hook() -> None:
        hook_calls.append(current_app.name)

    @one.route("/only-one")
    def only_one() -> str:
        return "one"

    one.register_blueprint(bp)
    one.config["PROPAGATE_EXCEPTIONS"] = False
    assert two.config["PROPAGATE_EXCEPTIONS"] is None
    assert one.test_client().get("/only-one").text == "one"
    # The first request of one app does not end the other's setup.
    two.add_url_rule("/late", "late", lambda: "late")
    assert two.test_client().get("/late").text == "late"
    assert two.test_client().get("/only-one").status_code == 404
    assert hook_calls == ["one"]


def test_app_calling_another_app_inside_a_request() -> None:
    outer = Vial("outer")
    inner = Vial("inner")

    @inner.route("/")
    def inner_index() -> str:
        g.who = "inner"
        return f"{current_app.name} {request.path}"

    @outer.route("/call")
    def call() -> dict[str, t.Any]:
        g.who = "outer"
        inner_text = inner.test_client().get("/").text
        return {
            "inner": inner_text,
            "after": current_app.name,
            "path": request.path,
            "g": g.who,
        }

    assert outer.test_client().get("/call").get_json() == {
        "inner": "inner /",
        "after": "outer",
        "path": "/call",
        "g": "outer",
    }


# -- DispatcherMiddleware ------------------------------------------------------------


@pytest.fixture
def dispatcher() -> Client:
    frontend = _make_app("frontend", "front secret")
    backend = _make_app("backend", "back secret", SESSION_COOKIE_NAME="api_session")
    wsgi = DispatcherMiddleware(frontend, {"/api": backend})
    return Client(wsgiref.validate.validator(wsgi))


def _get(client: Client, path: str) -> dict[str, t.Any]:
    response = client.get(path, buffered=True)
    assert response.status_code == 200, response.text
    return t.cast(dict[str, t.Any], response.get_json())


def test_dispatcher_routes_to_each_app(dispatcher: Client) -> None:
    front = _get(dispatcher, "/")
    api = _get(dispatcher, "/api/")
    assert (front["app"], front["script_root"], front["url"]) == ("frontend", "", "/")
    assert (api["app"], api["script_root"], api["url"]) == ("backend", "/api", "/api/")
    assert dispatcher.get("/api/missing", buffered=True).status_code == 404
    assert dispatcher.get("/missing", buffered=True).status_code == 404


def test_dispatcher_apps_keep_their_own_state(dispatcher: Client) -> None:
    for visit in (1, 2, 3):
        front, api = _get(dispatcher, "/"), _get(dispatcher, "/api/")
        assert (front["visits"], front["g_was_empty"]) == (visit, True)
        assert (api["visits"], api["g_was_empty"]) == (visit, True)
    assert dispatcher.get_cookie("session") is not None
    assert dispatcher.get_cookie("api_session") is not None
    rv = dispatcher.get("/api/boom", buffered=True)
    assert rv.text == "handled by backend: backend"


def test_dispatcher_leaves_no_context(dispatcher: Client) -> None:
    _get(dispatcher, "/api/")
    assert not has_request_context()


# -- isolation between concurrent requests --------------------------------------------


def test_threads_see_their_own_request(app: Vial) -> None:
    barrier = threading.Barrier(4, timeout=10)
    results: dict[int, tuple[str, str, int]] = {}
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            with app.test_request_context(f"/thread/{number}"):
                g.number = number
                session["number"] = number
                # Every thread has pushed its context before any reads.
                barrier.wait()
                results[number] = (request.path, current_app.name, g.number)
                assert session["number"] == number
                barrier.wait()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == {n: (f"/thread/{n}", "testapp", n) for n in range(4)}
    assert not has_request_context()


def test_concurrent_requests_in_threads(app: Vial) -> None:
    barrier = threading.Barrier(3, timeout=10)

    @app.route("/<int:number>")
    def view(number: int) -> str:
        g.number = number
        barrier.wait()
        return f"{request.path} {g.number}"

    results: dict[int, str] = {}

    def work(number: int) -> None:
        results[number] = app.test_client().get(f"/{number}").text

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"/{n} {n}" for n in range(3)}


def test_asyncio_tasks_see_their_own_request(app: Vial) -> None:
    async def handle(number: int) -> tuple[str, int]:
        with app.test_request_context(f"/task/{number}"):
            g.number = number
            for _ in range(3):
                # Let the other tasks run with their own contexts pushed.
                await asyncio.sleep(0)
                assert request.path == f"/task/{number}"
            return request.path, g.number

    async def main() -> list[tuple[str, int]]:
        return await asyncio.gather(*(handle(n) for n in range(5)))

    assert asyncio.run(main()) == [(f"/task/{n}", n) for n in range(5)]
    assert not has_request_context()


def test_asyncio_task_inherits_the_request_it_was_created_in(app: Vial) -> None:
    async def read_path() -> str:
        return request.path

    async def main() -> tuple[str, bool]:
        with app.test_request_context("/parent"):
            task = asyncio.create_task(read_path())
        # The task runs after the context was popped here, with its own copy.
        return await task, has_request_context()

    assert asyncio.run(main()) == ("/parent", False)


def test_greenlets_see_their_own_request(app: Vial) -> None:
    seen: list[tuple[str, str]] = []

    def work(name: str, other: list[greenlet.greenlet]) -> None:
        with app.test_request_context(f"/{name}"):
            g.name = name
            # Switch to the other greenlet while this context is pushed.
            other[0].switch()
            seen.append((request.path, g.name))
            other[0].switch()

    first_other: list[greenlet.greenlet] = []
    second_other: list[greenlet.greenlet] = []
    first = greenlet.greenlet(lambda: work("first", first_other))
    second = greenlet.greenlet(lambda: work("second", second_other))
    first_other.append(second)
    second_other.append(first)
    first.switch()
    # The first greenlet finished; the second is waiting to pop its context.
    assert first.dead
    assert not second.dead
    second.switch()
    assert second.dead
    assert sorted(seen) == [("/first", "first"), ("/second", "second")]
    assert not has_request_context()


def test_greenlet_without_context_sees_no_request(app: Vial) -> None:
    with app.test_request_context("/main"):
        seen = greenlet.greenlet(has_request_context).switch()
        assert request.path == "/main"
    assert seen is False
