"""The session store in Redis: keys that expire with their logins."""

from __future__ import annotations

import dataclasses
import typing as t
from datetime import timedelta

import pytest
import redis
from backends import Backend
from backends import RedisBackend
from backends import registry_of
from test_session_store import make_record

from vial import Vial
from vial_login.redis_store import RedisSessionStore

pytestmark = pytest.mark.parametrize("backend", ["redis"], indirect=True)


@pytest.fixture
def server(backend: Backend) -> t.Iterator[redis.Redis]:
    """A client of the test server, for looking at the keys."""
    assert isinstance(backend, RedisBackend)
    client = backend.client()
    yield client
    client.close()


@pytest.fixture
def store(backend: Backend) -> RedisSessionStore:
    store = registry_of(backend.make_app()).store
    assert isinstance(store, RedisSessionStore)
    return store


def test_keys_expire_with_the_record(
    store: RedisSessionStore, server: redis.Redis
) -> None:
    record = make_record()
    store.add(record)
    session_key = f"{store.prefix}session:{record.id}"
    user_key = f"{store.prefix}user:{record.user_id}"
    # Whole seconds, rounded up: the key never goes before the record does.
    assert 3590 <= server.ttl(session_key) <= 3601
    assert 3590 <= server.ttl(user_key) <= 3601
    # A touch moves both expiries on.
    store.touch(
        dataclasses.replace(record, expires=record.expires + timedelta(hours=1))
    )
    assert 7190 <= server.ttl(session_key) <= 7201
    assert 7190 <= server.ttl(user_key) <= 7201


def test_a_users_set_outlives_each_of_their_logins(
    store: RedisSessionStore, server: redis.Redis
) -> None:
    long = make_record("a" * 43)
    short = make_record("b" * 43, expires=long.created + timedelta(minutes=5))
    store.add(long)
    store.add(short)
    assert server.ttl(f"{store.prefix}user:{long.user_id}") >= 3590


def test_the_check_of_a_request_is_one_get(
    store: RedisSessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = make_record()
    store.add(record)
    sent: list[tuple[t.Any, ...]] = []
    execute: t.Callable[..., t.Any] = store.client.execute_command

    def counting(*args: t.Any, **options: t.Any) -> t.Any:
        sent.append(args)
        return execute(*args, **options)

    monkeypatch.setattr(store.client, "execute_command", counting)
    assert store.get(record.id) == record
    assert sent == [("GET", f"{store.prefix}session:{record.id}")]


def test_a_value_that_is_not_a_record(
    store: RedisSessionStore, server: redis.Redis
) -> None:
    for value in ["not json", "[]", '{"user_id": "1"}', '{"created": true}']:
        server.set(f"{store.prefix}session:{'a' * 43}", value)
        assert store.get("a" * 43) is None


def test_ids_whose_key_is_gone_leave_the_users_set(
    store: RedisSessionStore, server: redis.Redis
) -> None:
    record = make_record()
    store.add(record)
    server.delete(f"{store.prefix}session:{record.id}")  # as if it expired
    assert store.for_user(record.user_id) == []
    assert server.smembers(f"{store.prefix}user:{record.user_id}") == set()


def test_a_client_that_decodes_responses(backend: Backend) -> None:
    assert isinstance(backend, RedisBackend)
    client = redis.Redis.from_url(backend.url, decode_responses=True)
    try:
        store = RedisSessionStore(client, prefix=backend.prefix)
        record = make_record()
        store.add(record)
        assert store.get(record.id) == record
        assert store.for_user(record.user_id) == [record]
    finally:
        client.close()


def test_stores_with_other_prefixes_do_not_meet(backend: Backend) -> None:
    assert isinstance(backend, RedisBackend)
    first = RedisSessionStore.from_url(backend.url, prefix=backend.prefix + "one:")
    second = RedisSessionStore.from_url(backend.url, prefix=backend.prefix + "two:")
    try:
        record = make_record()
        first.add(record)
        assert second.get(record.id) is None
        assert second.for_user(record.user_id) == []
    finally:
        first.client.close()
        second.client.close()


def test_from_url_sets_timeouts(backend: Backend) -> None:
    assert isinstance(backend, RedisBackend)
    store = RedisSessionStore.from_url(backend.url)
    try:
        options = store.client.connection_pool.connection_kwargs
        assert options["socket_timeout"] == 5
        assert options["socket_connect_timeout"] == 5
    finally:
        store.client.close()


def test_the_app_settings_reach_the_store(backend: Backend) -> None:
    app: Vial = backend.make_app(LOGIN_SESSION_REGISTRY_PREFIX="custom:")
    store = registry_of(app).store
    assert isinstance(store, RedisSessionStore)
    assert store.prefix == "custom:"
