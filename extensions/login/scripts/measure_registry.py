"""Time one logged-in request with and without the session registry.

A focused timing loop, not a test: an app whose view reads ``current_user``
serves the same logged-in request (session cookie included) ``-n`` times
through its WSGI callable, once without a registry and once per store
asked for. ``last seen`` is written at most once a minute, so the loop
measures the check each request makes (one lookup by key).

Run it in an environment holding vial-login with both extras, such as the
nox venv of its tests::

    .nox/tests-login/bin/python extensions/login/scripts/measure_registry.py \\
        --redis redis://127.0.0.1:6379/5 \\
        --postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import typing as t
from pathlib import Path

from werkzeug.test import EnvironBuilder

from vial import Vial
from vial_login import current_user
from vial_login import get_session_registry
from vial_login import login_user
from vial_login import LoginManager
from vial_login import UserMixin
from vial_login.redis_store import RedisSessionStore


class User(UserMixin):
    def __init__(self, id: int) -> None:
        self.id = id


USERS = {"1": User(1)}


def make_app(config: dict[str, t.Any]) -> Vial:
    """Return an app with a login view and a view that reads current_user."""
    app = Vial("measure")
    app.config.update(SECRET_KEY="measure", **config)
    if "SQLALCHEMY_DATABASE_URI" in config:
        from vial_sqlalchemy import SQLAlchemy

        db = SQLAlchemy(app)
    manager = LoginManager(app)
    manager.user_loader(USERS.get)

    @app.post("/login")
    def login() -> str:
        login_user(USERS["1"])
        return "ok"

    @app.get("/me")
    def me() -> str:
        return str(current_user.get_id())

    if "SQLALCHEMY_DATABASE_URI" in config:
        with app.app_context():
            db.create_all()
    return app


def request_loop(app: Vial) -> t.Callable[[int], float]:
    """Log in on ``app``; return a loop timing that login's requests.

    The loop serves ``count`` requests of the logged-in session through the
    app's WSGI callable and returns the microseconds per request.
    """
    client = app.test_client()
    client.post("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None
    base = EnvironBuilder(
        path="/me", headers=[("Cookie", f"session={cookie.value}")]
    ).get_environ()

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
        assert status.startswith("200"), status
        return lambda data: None

    def loop(count: int) -> float:
        start = time.perf_counter()
        for _ in range(count):
            environ = dict(base)
            environ["wsgi.input"] = io.BytesIO()
            body = b"".join(app.wsgi_app(environ, start_response))
            assert body == b"1", body
        return (time.perf_counter() - start) / count * 1e6

    loop(200)  # warm up pools and caches
    return loop


def compare(
    name: str, config: dict[str, t.Any], registry: dict[str, t.Any], args: t.Any
) -> None:
    """Print the time per request without and with the registry on one store.

    The two apps differ by the registry only (both have vial-sqlalchemy when
    the store needs it), and their loops alternate, so both see the same
    load from the rest of the machine.
    """
    without, with_registry = make_app(config), make_app({**config, **registry})
    loops = request_loop(without), request_loop(with_registry)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(args.repeats):
        for loop, results in zip(loops, times, strict=True):
            results.append(loop(args.n))
    best = [min(results) for results in times]
    median = [statistics.median(results) for results in times]
    print(
        f"{name:22} {best[0]:8.1f} {best[1]:8.1f} {best[1] - best[0]:+8.1f}"
        f" {median[1] - median[0]:+8.1f}"
    )
    if "SQLALCHEMY_DATABASE_URI" in config:
        with with_registry.app_context():
            with_registry.extensions["sqlalchemy"].db.drop_all()
    store = get_session_registry(with_registry).store
    if isinstance(store, RedisSessionStore):
        keys = list(store.client.scan_iter(match=f"{store.prefix}*"))
        if keys:
            store.client.delete(*keys)
        store.client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="requests per loop")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--redis", help="a Redis URL, to time the redis store")
    parser.add_argument("--postgresql", help="a database URL, to time it too")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    stores: dict[str, tuple[dict[str, t.Any], dict[str, t.Any]]] = {
        "SQLite file": (
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'registry.db'}"},
            {"LOGIN_SESSION_REGISTRY": "sqlalchemy"},
        ),
    }
    if args.postgresql:
        stores["PostgreSQL"] = (
            {"SQLALCHEMY_DATABASE_URI": args.postgresql},
            {
                "LOGIN_SESSION_REGISTRY": "sqlalchemy",
                "LOGIN_SESSION_REGISTRY_TABLE": "measure_login_sessions",
            },
        )
    if args.redis:
        stores["Redis"] = (
            {},
            {
                "LOGIN_SESSION_REGISTRY": "redis",
                "LOGIN_SESSION_REGISTRY_URL": args.redis,
                "LOGIN_SESSION_REGISTRY_PREFIX": "vial-login-measure:",
            },
        )
    print(f"{args.n} logged-in requests per loop, {args.repeats} loops; µs per request")
    print(f"{'store':22} {'without':>8} {'with':>8} {'added':>8} {'(median)':>8}")
    for name, (config, registry) in stores.items():
        compare(name, config, registry, args)


if __name__ == "__main__":
    main()
