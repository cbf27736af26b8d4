"""The counter stores: the datastore's, and Redis (``VIAL_TEST_REDIS_URL``)."""

from __future__ import annotations

import threading

import pytest

from vial_accounts import CounterStore
from vial_accounts import DatastoreCounters
from vial_accounts import MemoryUserDatastore
from vial_accounts import RedisCounters
from vial_accounts.counters import seconds_left
from vial_accounts.datastore import Count


def test_datastore_counters_delegate() -> None:
    datastore = MemoryUserDatastore()
    counters = DatastoreCounters(datastore)
    assert isinstance(counters, CounterStore)
    assert counters.hit("k", 1.0, 10) == (1, 1.0, 1.0)
    assert datastore.peek_counter("k", 2.0, 10) == (1, 1.0, 1.0)
    assert counters.peek("k", 2.0, 10) == (1, 1.0, 1.0)
    counters.reset("k")
    assert counters.peek("k", 2.0, 10) is None
    assert "MemoryUserDatastore" in repr(counters)


def test_seconds_left() -> None:
    assert seconds_left(Count(3, 100.0, 150.0), 160.0, 60) == 1
    assert seconds_left(Count(3, 100.0, 150.0), 110.2, 60) == 50
    assert seconds_left(Count(3, 100.0, 150.0), 500.0, 60) == 1


def test_redis_counters(redis_url: str) -> None:
    counters = RedisCounters(redis_url)
    try:
        assert isinstance(counters, CounterStore)
        assert counters.peek("k", 1000.0, 60) is None
        assert counters.hit("k", 1000.25, 60) == (1, 1000.25, 1000.25)
        assert counters.hit("k", 1010.5, 60) == (2, 1000.25, 1010.5)
        assert counters.peek("k", 1020.0, 60) == (2, 1000.25, 1010.5)
        assert counters.peek("k", 1060.25, 60) is None
        assert counters.hit("k", 1061.0, 60) == (1, 1061.0, 1061.0)
        counters.reset("k")
        assert counters.peek("k", 1062.0, 60) is None
        # Redis forgets the key about a second after its window ends.
        counters.hit("short", 1000.0, 2)
        ttl = counters.client.pttl("vial-accounts:short")
        assert 0 < ttl <= 3000
    finally:
        counters.close()


def test_redis_counts_every_concurrent_hit(redis_url: str) -> None:
    counters = RedisCounters(redis_url, prefix="vial-accounts:busy:")
    start = threading.Barrier(4)

    def hit() -> None:
        start.wait(10)
        for _ in range(25):
            counters.hit("k", 1000.0, 600)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        counter = counters.peek("k", 1001.0, 600)
        assert counter is not None
        assert counter.hits == 100
    finally:
        counters.close()


def test_a_missing_redis_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(RuntimeError, match="vial-accounts\\[redis\\]"):
        RedisCounters("redis://127.0.0.1:6379/0")
