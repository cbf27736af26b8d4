"""Test support (not a test module): the session registry on each store.

A :class:`Backend` makes test apps (from :func:`support.build_app`) that
share one store, as the worker processes of one site do: SQLite (a file),
PostgreSQL (``VIAL_TEST_DATABASE_URL``) or Redis (``VIAL_TEST_REDIS_URL``).
When a URL variable is unset its tests are skipped, in one summary line
naming it; with ``VIAL_CI=1`` they fail instead. A server that is set but
cannot be reached always fails them.
"""

from __future__ import annotations

import os
import socket
import typing as t
import uuid

import pytest
import redis
from support import build_app

from vial import jsonify
from vial import request
from vial import Vial
from vial.typing import ResponseReturnValue
from vial_login import active_sessions
from vial_login import current_session_id
from vial_login import logout_everywhere
from vial_login import revoke_session
from vial_login import SessionRegistry
from vial_login import SessionStore
from vial_login.redis_store import RedisSessionStore
from vial_login.sqlalchemy_store import SQLAlchemySessionStore
from vial_login.state import find_registry
from vial_login.state import STATE
from vial_sqlalchemy import SQLAlchemy

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
REDIS_URL_VARIABLE = "VIAL_TEST_REDIS_URL"
BACKENDS = ["sqlite", "postgresql", "redis"]


#: How the reason of every skip for want of a server ends.
NOT_TESTED = "so the session registry is not tested on"


def service_url(variable: str, service: str) -> str:
    """Return the URL in ``variable``; skip the test (fail it where ``VIAL_CI``
    is set) when it is unset."""
    url = os.environ.get(variable)
    if url:
        return url
    message = f"{variable} is not set, {NOT_TESTED} {service}"
    if os.environ.get("VIAL_CI"):
        pytest.fail(f"{message}; VIAL_CI is set, which requires it.", pytrace=False)
    pytest.skip(f"{message}.")


def fold_skip(report: pytest.TestReport) -> None:
    """Report a skip for want of a server at :func:`service_url`, not at the test.

    pytest reports a skip raised in a fixture at each test's own line, one
    summary line per test; at one place, they fold into one ``SKIPPED [N]``
    line per variable.
    """
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and NOT_TESTED in longrepr[2]:
        line = service_url.__code__.co_firstlineno
        report.longrepr = (__file__, line, longrepr[2])


def closed_port() -> int:
    """Return a loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def registry_of(app: Vial) -> SessionRegistry:
    """Return the session registry set up on ``app``."""
    registry = find_registry(app)
    assert registry is not None
    return registry


def add_session_views(app: Vial) -> None:
    """Add the views of an "active sessions" page and an admin's to ``app``."""

    @app.get("/sessions")
    def sessions() -> ResponseReturnValue:
        return jsonify(
            current=current_session_id(),
            sessions=[
                {
                    "id": record.id,
                    "device": record.device,
                    "address": record.address,
                    "created": record.created.isoformat(),
                    "last_seen": record.last_seen.isoformat(),
                }
                for record in active_sessions()
            ],
        )

    @app.post("/sessions/<session_id>/end")
    def end_session(session_id: str) -> ResponseReturnValue:
        from vial_login import current_user

        return jsonify(ended=revoke_session(session_id, user=current_user))

    @app.post("/admin/sessions/<session_id>/revoke")
    def admin_revoke(session_id: str) -> ResponseReturnValue:
        return jsonify(ended=revoke_session(session_id))

    @app.post("/logout-everywhere")
    def everywhere() -> ResponseReturnValue:
        keep = request.args.get("keep") == "yes"
        return jsonify(ended=logout_everywhere(keep_current=keep))


class Backend:
    """One store of the registry: makes apps that share it, and cleans up."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.apps: list[Vial] = []

    def config(self) -> dict[str, t.Any]:
        """The settings that put an app's registry on this store."""
        raise NotImplementedError

    def setup(self, app: Vial) -> None:
        """Set up what the store needs on ``app``, before LoginManager(app)."""
        # Kept before anything can fail, so close() cleans up after it.
        self.apps.append(app)

    def make_app(self, **config: t.Any) -> Vial:
        """Return a new test app whose registry is this store (a "worker")."""
        app = build_app({**self.config(), **config}, setup=self.setup)
        add_session_views(app)
        return app

    def down_store(self) -> SessionStore:
        """Return a store of the same kind whose server cannot be reached."""
        raise NotImplementedError

    def close(self) -> None:
        """Remove what the tests stored and close the connections."""


class SQLBackend(Backend):
    """The "sqlalchemy" store, every app sharing one ``db`` and database."""

    def __init__(self, name: str, url: str, down_url: str) -> None:
        super().__init__(name)
        self.url = url
        self.down_url = down_url
        self.db = SQLAlchemy()

    def config(self) -> dict[str, t.Any]:
        return {
            "LOGIN_SESSION_REGISTRY": "sqlalchemy",
            "SQLALCHEMY_DATABASE_URI": self.url,
            # The database of down_store(), which cannot be reached.
            "SQLALCHEMY_BINDS": {"down": self.down_url},
        }

    def setup(self, app: Vial) -> None:
        super().setup(app)
        self.db.init_app(app)
        if len(self.apps) == 1:
            with app.app_context():
                SQLAlchemySessionStore(self.db)  # declares the table
                self.db.create_all(bind_key=None)

    def down_store(self) -> SessionStore:
        return SQLAlchemySessionStore(self.db, bind_key="down")

    def close(self) -> None:
        if self.apps:
            with self.apps[0].app_context():
                self.db.drop_all(bind_key=None)
        for app in self.apps:
            for engine in app.extensions["sqlalchemy"].engines.values():
                engine.dispose()


class RedisBackend(Backend):
    """The "redis" store, every app on its own client, keys under one prefix."""

    def __init__(self, url: str) -> None:
        super().__init__("redis")
        self.url = url
        self.prefix = f"vial-login-test:{uuid.uuid4().hex}:"
        self.stores: list[RedisSessionStore] = []

    def config(self) -> dict[str, t.Any]:
        return {
            "LOGIN_SESSION_REGISTRY": "redis",
            "LOGIN_SESSION_REGISTRY_URL": self.url,
            "LOGIN_SESSION_REGISTRY_PREFIX": self.prefix,
        }

    def down_store(self) -> SessionStore:
        store = RedisSessionStore.from_url(
            f"redis://127.0.0.1:{closed_port()}/0", prefix=self.prefix
        )
        self.stores.append(store)
        return store

    def client(self) -> redis.Redis:
        """Return a new client of the test server."""
        return redis.Redis.from_url(self.url)

    def close(self) -> None:
        for app in self.apps:
            state = STATE.find(app)
            store = state.registry.store if state and state.registry else None
            if isinstance(store, RedisSessionStore):
                self.stores.append(store)
        for store in self.stores:
            store.client.close()
        client = self.client()
        try:
            keys = list(client.scan_iter(match=f"{self.prefix}*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


def check_redis(url: str) -> None:
    """Fail the tests, naming the variable, when the server cannot be reached."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as e:
        pytest.fail(
            f"{REDIS_URL_VARIABLE} is set to {url!r}, but that Redis server cannot"
            f" be reached: {str(e).rstrip('.')}. Start it, or unset the variable.",
            pytrace=False,
        )
    finally:
        client.close()
