"""Opaque token helpers and the in-memory store."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest

from vial_tokens.store import hash_secret
from vial_tokens.store import is_opaque_token
from vial_tokens.store import MemoryTokenStore
from vial_tokens.store import new_opaque_token
from vial_tokens.store import parse_opaque_token
from vial_tokens.store import TokenRecord
from vial_tokens.store import utcnow


def record(token_id: str, user_key: str = "u1", **kwargs: object) -> TokenRecord:
    return TokenRecord(
        id=token_id,
        user_key=user_key,
        token_hash=hash_secret("s" * 64),
        name="",
        created_at=kwargs.pop("created_at", utcnow()),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def test_new_tokens_are_random_and_parse_back() -> None:
    token_id, secret, token = new_opaque_token()
    assert token == f"vto_{token_id}_{secret}"
    assert parse_opaque_token(token) == (token_id, secret)
    assert is_opaque_token(token)
    assert len({new_opaque_token()[2] for _ in range(50)}) == 50


@pytest.mark.parametrize(
    "token",
    [
        "vto_",
        "vto_abc_def",
        "vto_" + "g" * 16 + "_" + "a" * 64,
        "vto_" + "a" * 16 + "_" + "A" * 64,
        "vto_" + "a" * 16 + "-" + "a" * 64,
        "vto_" + "a" * 16 + "_" + "a" * 65,
        "eyJ1IjoiYWx0In0.abc.def",
    ],
)
def test_malformed_opaque_tokens(token: str) -> None:
    assert parse_opaque_token(token) is None


def test_hash_secret_is_sha256() -> None:
    assert hash_secret("abc") == hashlib.sha256(b"abc").hexdigest()


def test_record_state() -> None:
    now = utcnow()
    live = record("a", expires_at=now + timedelta(seconds=1))
    assert not live.is_revoked
    assert not live.is_expired(now)
    assert live.is_expired(now + timedelta(seconds=1))
    assert not record("b").is_expired(now)
    assert record("c", revoked_at=now).is_revoked


def test_memory_store() -> None:
    store = MemoryTokenStore()
    now = utcnow()
    store.add(record("a", created_at=now - timedelta(seconds=2)))
    store.add(record("b", created_at=now - timedelta(seconds=1)))
    store.add(record("c", user_key="u2"))
    assert store.get("missing") is None
    got = store.get("a")
    assert got is not None
    got.name = "changed"  # a copy: the store is unchanged
    assert store.get("a").name == ""  # type: ignore[union-attr]
    store.touch("a", now)
    store.touch("missing", now)
    assert store.get("a").last_used_at == now  # type: ignore[union-attr]
    assert [r.id for r in store.for_user("u1")] == ["b", "a"]
    assert store.revoke("a", now)
    assert not store.revoke("a", now)
    assert not store.revoke("missing", now)
    assert store.revoke_user("u1", now) == ["b"]
    assert store.revoke_user("u1", now) == []
    assert store.purge(now) == 0
    assert store.purge(now + timedelta(seconds=1)) == 2
    assert [r.id for r in store.for_user("u2")] == ["c"]


def test_memory_store_purges_expired_records() -> None:
    store = MemoryTokenStore()
    now = utcnow()
    store.add(record("old", expires_at=now - timedelta(days=2)))
    store.add(record("new", expires_at=now + timedelta(days=2)))
    assert store.purge(now - timedelta(days=1)) == 1
    assert store.get("new") is not None


def test_memory_store_is_thread_safe() -> None:
    store = MemoryTokenStore()
    now = utcnow()
    for i in range(200):
        store.add(record(f"{i:016x}"))
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(store.revoke_user("u1", now)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(id_ for result in results for id_ in result) == sorted(
        f"{i:016x}" for i in range(200)
    )
