"""A session store in Redis, whose keys expire with the logins.

Install ``vial-login[redis]`` and set ``LOGIN_SESSION_REGISTRY = "redis"``
and ``LOGIN_SESSION_REGISTRY_URL``, or pass a store on a client of your
own: ``LOGIN_SESSION_REGISTRY = RedisSessionStore(redis.Redis(...))``.

Each login is one key, ``<prefix>session:<id>``, holding the record as
JSON and expiring when the record does, so Redis forgets old logins by
itself and the check of a request is one ``GET``. Each user has a set,
``<prefix>user:<user id>``, of their login ids, for listing and "log out
everywhere"; it expires after the last of its logins, and members whose
login is gone are dropped when the set is read.
"""

from __future__ import annotations

import json
import math
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import redis

from .session_store import SessionRecord
from .session_store import SessionStoreError

#: Extends a key's time to live to ARGV[1] seconds unless it already lives
#: longer: a user's set must outlive each of their logins. (EXPIRE's GT
#: option would leave a set without expiry, as a new one is, never expiring.)
_EXTEND_TTL = """
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[1]) then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
"""


class RedisSessionStore:
    """Keep session records in Redis, each key expiring with its record.

    :param client: a ``redis.Redis`` client, with or without
        ``decode_responses``.
    :param prefix: put before every key, so several apps can share a
        database.

    .. versionadded:: 0.2
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "vial-login:") -> None:
        #: The Redis client.
        self.client = client
        #: The prefix of every key.
        self.prefix = prefix
        self._extend_ttl = client.register_script(_EXTEND_TTL)

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "vial-login:", **options: t.Any
    ) -> RedisSessionStore:
        """Return a store on a new client for ``url``.

        Connecting and each command time out after 5 seconds unless
        ``options`` (or the URL's query) say otherwise, so a Redis that hangs
        gives an error instead of a hung worker.

        :param options: passed to ``redis.Redis.from_url``.
        """
        options.setdefault("socket_connect_timeout", 5)
        options.setdefault("socket_timeout", 5)
        return cls(redis.Redis.from_url(url, **options), prefix=prefix)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} prefix={self.prefix!r}>"

    def _session_key(self, session_id: str) -> str:
        return f"{self.prefix}session:{session_id}"

    def _user_key(self, user_id: str) -> str:
        return f"{self.prefix}user:{user_id}"

    def _fail(self, error: redis.RedisError) -> SessionStoreError:
        return SessionStoreError(
            f"The session registry's Redis server cannot be used: {error}. Check"
            " that it is up and that LOGIN_SESSION_REGISTRY_URL points to it."
        )

    def _save(self, record: SessionRecord, *, existing: bool) -> None:
        """Write ``record`` (only over an existing key if ``existing``), and
        make its user's set hold it and outlive it."""
        ttl = _seconds_left(record.expires)
        user_key = self._user_key(record.user_id)
        try:
            with self.client.pipeline(transaction=True) as pipe:
                key = self._session_key(record.id)
                pipe.set(key, _dumps(record), ex=ttl, xx=existing)
                if not existing:
                    pipe.sadd(user_key, record.id)
                self._extend_ttl(keys=[user_key], args=[ttl], client=pipe)
                pipe.execute()
        except redis.RedisError as e:
            raise self._fail(e) from e

    def add(self, record: SessionRecord) -> None:
        """Store ``record`` and add it to its user's set."""
        self._save(record, existing=False)

    def get(self, session_id: str) -> SessionRecord | None:
        """Return the record of ``session_id``: one ``GET``."""
        try:
            value = self.client.get(self._session_key(session_id))
        except redis.RedisError as e:
            raise self._fail(e) from e
        return _loads(session_id, value)

    def touch(self, record: SessionRecord) -> None:
        """Rewrite the record with its new times, only if its key still exists."""
        self._save(record, existing=True)

    def remove(self, session_id: str) -> SessionRecord | None:
        """Delete the record of ``session_id``; return it if there was one."""
        key = self._session_key(session_id)
        try:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.get(key)
                pipe.delete(key)
                value, _ = pipe.execute()
            record = _loads(session_id, value)
            if record is not None:
                self.client.srem(self._user_key(record.user_id), session_id)
        except redis.RedisError as e:
            raise self._fail(e) from e
        return record

    def for_user(self, user_id: str) -> list[SessionRecord]:
        """Return the records of ``user_id``; forget the ids whose key is gone."""
        return self._read_user(user_id, remove=False, keep=None)

    def remove_for_user(
        self, user_id: str, *, keep: str | None = None
    ) -> list[SessionRecord]:
        """Delete the records of ``user_id`` but ``keep``; return those deleted."""
        return self._read_user(user_id, remove=True, keep=keep)

    def _read_user(
        self, user_id: str, *, remove: bool, keep: str | None
    ) -> list[SessionRecord]:
        user_key = self._user_key(user_id)
        try:
            ids = sorted(_text(member) for member in self.client.smembers(user_key))
            ids = [session_id for session_id in ids if session_id != keep]
            if not ids:
                return []
            keys = [self._session_key(session_id) for session_id in ids]
            with self.client.pipeline(transaction=True) as pipe:
                pipe.mget(keys)
                if remove:
                    pipe.delete(*keys)
                values = pipe.execute()[0]
            records = [_loads(i, v) for i, v in zip(ids, values, strict=True)]
            # A login removed meanwhile (or expired) leaves its id in the set.
            gone = [i for i, r in zip(ids, records, strict=True) if remove or r is None]
            if gone:
                self.client.srem(user_key, *gone)
        except redis.RedisError as e:
            raise self._fail(e) from e
        return [record for record in records if record is not None]


def _seconds_left(expires: datetime) -> int:
    """Return the whole seconds until ``expires``, at least 1 (Redis refuses 0)."""
    left = (expires - datetime.now(timezone.utc)).total_seconds()
    return max(1, math.ceil(left))


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


#: Times are kept as whole microseconds since this moment: exact, where a
#: float of seconds loses the last microsecond.
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def _dumps(record: SessionRecord) -> str:
    return json.dumps(
        {
            "user_id": record.user_id,
            "created": (record.created - _EPOCH) // _MICROSECOND,
            "last_seen": (record.last_seen - _EPOCH) // _MICROSECOND,
            "expires": (record.expires - _EPOCH) // _MICROSECOND,
            "address": record.address,
            "device": record.device,
        },
        separators=(",", ":"),
    )


def _loads(session_id: str, value: str | bytes | None) -> SessionRecord | None:
    """Return the record a key holds; None for no key, or for a value not ours."""
    if value is None:
        return None
    try:
        data = json.loads(value)
        return SessionRecord(
            id=session_id,
            user_id=str(data["user_id"]),
            created=_time(data["created"]),
            last_seen=_time(data["last_seen"]),
            expires=_time(data["expires"]),
            address=None if data["address"] is None else str(data["address"]),
            device=str(data["device"]),
        )
    except (ValueError, TypeError, KeyError, OverflowError):
        # Someone else's value under our key: it is no login of ours.
        return None


def _time(value: t.Any) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("A record's time is not a whole number.")
    return _EPOCH + value * _MICROSECOND
