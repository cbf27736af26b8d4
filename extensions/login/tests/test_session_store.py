"""Every shipped store keeps the SessionStore protocol, on each backend."""

from __future__ import annotations

import dataclasses
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from backends import Backend
from backends import registry_of

from vial import Vial
from vial_login import SessionRecord
from vial_login import SessionStore
from vial_login import SessionStoreError


def make_record(
    session_id: str = "a" * 43, user_id: str = "1:abc", **changes: t.Any
) -> SessionRecord:
    """A record made now, for an hour, with a microsecond part to round-trip."""
    now = datetime.now(timezone.utc).replace(microsecond=123457)
    values: dict[str, t.Any] = {
        "id": session_id,
        "user_id": user_id,
        "created": now,
        "last_seen": now,
        "expires": now + timedelta(hours=1),
        "address": "192.0.2.1",
        "device": "Firefox on Linux",
    }
    values.update(changes)
    return SessionRecord(**values)


@pytest.fixture
def app(backend: Backend) -> Vial:
    """An app whose registry is on the backend's store."""
    return backend.make_app()


@pytest.fixture
def store(app: Vial, app_ctx: t.Any) -> SessionStore:
    """The app's store, used inside its application context."""
    return registry_of(app).store


def test_the_store_has_the_protocol(store: SessionStore) -> None:
    assert isinstance(store, SessionStore)


def test_a_record_comes_back_as_it_was_stored(store: SessionStore) -> None:
    record = make_record()
    store.add(record)
    assert store.get(record.id) == record
    assert store.get("b" * 43) is None


def test_a_record_without_an_address(store: SessionStore) -> None:
    record = make_record(address=None)
    store.add(record)
    assert store.get(record.id) == record


def test_touch_writes_the_new_times_and_address(store: SessionStore) -> None:
    record = make_record()
    store.add(record)
    later = record.last_seen + timedelta(minutes=5)
    touched = dataclasses.replace(
        record, last_seen=later, expires=later + timedelta(hours=1), address="::1"
    )
    store.touch(touched)
    assert store.get(record.id) == touched


def test_touch_never_brings_back_a_removed_record(store: SessionStore) -> None:
    record = make_record()
    store.add(record)
    assert store.remove(record.id) == record
    store.touch(dataclasses.replace(record, last_seen=record.last_seen))
    assert store.get(record.id) is None
    assert store.for_user(record.user_id) == []


def test_remove_returns_the_record_once(store: SessionStore) -> None:
    record = make_record()
    store.add(record)
    assert store.remove(record.id) == record
    assert store.remove(record.id) is None
    assert store.get(record.id) is None


def test_the_records_of_a_user(store: SessionStore) -> None:
    mine = [make_record("a" * 43), make_record("b" * 43)]
    theirs = make_record("c" * 43, user_id="2:def")
    for record in [*mine, theirs]:
        store.add(record)
    assert sorted(store.for_user("1:abc"), key=lambda r: r.id) == mine
    assert store.for_user("3:none") == []
    assert store.remove_for_user("1:abc", keep="b" * 43) == [mine[0]]
    assert store.for_user("1:abc") == [mine[1]]
    assert store.remove_for_user("1:abc") == [mine[1]]
    assert store.remove_for_user("1:abc") == []
    assert store.for_user("2:def") == [theirs]


@pytest.mark.parametrize("user_id", ["user:with:colons", "ünïcødé", "a" * 255])
def test_any_user_id(store: SessionStore, user_id: str) -> None:
    record = make_record(user_id=user_id)
    store.add(record)
    assert store.for_user(user_id) == [record]
    assert store.remove_for_user(user_id) == [record]


def test_a_store_that_is_down_raises_a_store_error(
    backend: Backend, app: Vial, app_ctx: t.Any
) -> None:
    down = backend.down_store()
    record = make_record()
    calls: list[t.Callable[[], t.Any]] = [
        lambda: down.add(record),
        lambda: down.get(record.id),
        lambda: down.touch(record),
        lambda: down.remove(record.id),
        lambda: down.for_user(record.user_id),
        lambda: down.remove_for_user(record.user_id),
    ]
    for call in calls:
        with pytest.raises(SessionStoreError, match="cannot be"):
            call()


def test_records_are_immutable() -> None:
    record = make_record()
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.user_id = "2"  # type: ignore[misc]
