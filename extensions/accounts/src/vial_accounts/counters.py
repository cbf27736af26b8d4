"""Where the lockout and rate-limit counters live: the database or Redis.

A counter counts events for one key (failed logins of an account, password
reset requests from an address...) over a fixed window that starts at the
first event; once the window is over, the next event starts a new one.
Counters must be shared by every worker process and every machine serving
the app, or an attacker would get a fresh allowance from each of them, so
they are never kept in process memory (but for the in-memory datastore of
tests):

- :class:`DatastoreCounters` keeps them through the user datastore (the
  ``accounts_counter`` table of the SQLAlchemy datastore), each update one
  atomic statement committed at once;
- :class:`RedisCounters` keeps them in Redis, when
  ``ACCOUNTS_LOCKOUT_REDIS_URL`` is set, each update one Lua script, and
  lets Redis expire them. While Redis cannot be reached, the requests that
  need a counter get :class:`CountersUnavailable`, a 503 with
  ``Retry-After``, rather than a 500: counting cannot be skipped without
  opening the door to guessing.

Times are the app's clock, in seconds since the epoch, passed in by the
caller, so every store decides windows the same way.
"""

from __future__ import annotations

import math
import typing as t

from werkzeug.exceptions import ServiceUnavailable

from vial.ext import find_app
from vial.ext import NegotiatedHTTPException

from .datastore import Count

if t.TYPE_CHECKING:
    from .datastore import UserDatastore

_R = t.TypeVar("_R")

#: Seconds in the ``Retry-After`` header of :class:`CountersUnavailable`.
RETRY_AFTER = 5


class CountersUnavailable(NegotiatedHTTPException, ServiceUnavailable):
    """The counters' Redis server cannot be reached: a 503 with ``Retry-After``.

    Register ``errorhandler(503)`` to answer it your way; the Redis error is
    its ``__cause__``.

    .. versionadded:: 0.1
    """

    description = (
        "Sign-in attempts cannot be checked right now. Please try again in a moment."
    )

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(RETRY_AFTER)})


@t.runtime_checkable
class CounterStore(t.Protocol):
    """Counts events per key over fixed windows, shared by every process."""

    def hit(self, key: str, now: float, window: float) -> Count:
        """Count one event for ``key`` and return the counter."""

    def peek(self, key: str, now: float, window: float) -> Count | None:
        """Return the counter of ``key``, or ``None`` if its window is over."""

    def reset(self, key: str) -> None:
        """Forget the counter of ``key``."""


class DatastoreCounters:
    """Counters kept by the user datastore (the database).

    :param datastore: the app's :class:`~vial_accounts.UserDatastore`.
    """

    def __init__(self, datastore: UserDatastore) -> None:
        self.datastore = datastore

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.datastore!r}>"

    def hit(self, key: str, now: float, window: float) -> Count:
        """Count one event for ``key`` and return the counter."""
        return self.datastore.hit_counter(key, now, window)

    def peek(self, key: str, now: float, window: float) -> Count | None:
        """Return the counter of ``key``, or ``None`` if its window is over."""
        return self.datastore.peek_counter(key, now, window)

    def reset(self, key: str) -> None:
        """Forget the counter of ``key``."""
        self.datastore.reset_counter(key)


# KEYS[1]: the counter; ARGV[1]: now; ARGV[2]: the window, both in seconds.
# The times are kept as the text the app sent, so they read back exactly.
_HIT_SCRIPT = """
local first = redis.call('HGET', KEYS[1], 'first')
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local count
if first == false or tonumber(first) <= now - window then
  first = ARGV[1]
  count = 1
  redis.call('HSET', KEYS[1], 'count', 1, 'first', first, 'last', ARGV[1])
else
  count = redis.call('HINCRBY', KEYS[1], 'count', 1)
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
end
local left = tonumber(first) + window - now
redis.call('PEXPIRE', KEYS[1], math.ceil(left * 1000) + 1000)
return {count, first, ARGV[1]}
"""


class RedisCounters:
    """Counters kept in Redis (``ACCOUNTS_LOCKOUT_REDIS_URL``).

    Each counter is a hash under ``<prefix><key>`` that Redis deletes about
    a second after its window ends.

    :param url: the Redis URL, such as ``redis://127.0.0.1:6379/0``.
    :param prefix: put before every key, to share a database with others.
    :raises RuntimeError: the ``redis`` package is not installed.
    """

    def __init__(self, url: str, *, prefix: str = "vial-accounts:") -> None:
        try:
            import redis
        except ModuleNotFoundError:
            raise RuntimeError(
                "ACCOUNTS_LOCKOUT_REDIS_URL is set, but the redis package is not"
                " installed. Install it with 'pip install vial-accounts[redis]',"
                " or unset ACCOUNTS_LOCKOUT_REDIS_URL to keep the counters in the"
                " database."
            ) from None
        self.url = url
        self.prefix = prefix
        # Timeouts, so a Redis that hangs fails the request instead of
        # holding the worker.
        self.client = redis.Redis.from_url(
            url, decode_responses=True, socket_connect_timeout=5, socket_timeout=5
        )
        self._hit = self.client.register_script(_HIT_SCRIPT)
        self._errors = redis.RedisError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} prefix={self.prefix!r}>"

    def _call(self, command: t.Callable[..., _R], *args: t.Any, **kwargs: t.Any) -> _R:
        """Run a Redis command; a Redis failure becomes :class:`CountersUnavailable`."""
        try:
            return command(*args, **kwargs)
        except self._errors as e:
            app = find_app()
            if app is not None:
                app.logger.warning(
                    "The lockout counters' Redis cannot be reached (%s); answered 503.",
                    e,
                )
            raise CountersUnavailable() from e

    def hit(self, key: str, now: float, window: float) -> Count:
        """Count one event for ``key`` and return the counter.

        :raises CountersUnavailable: Redis cannot be reached.
        """
        count, first, last = self._call(
            self._hit, keys=[self.prefix + key], args=[repr(now), repr(window)]
        )
        return Count(int(count), float(first), float(last))

    def peek(self, key: str, now: float, window: float) -> Count | None:
        """Return the counter of ``key``, or ``None`` if its window is over.

        :raises CountersUnavailable: Redis cannot be reached.
        """
        count, first, last = self._call(
            self.client.hmget, self.prefix + key, ["count", "first", "last"]
        )
        if count is None or first is None or float(first) <= now - window:
            return None
        return Count(int(count), float(first), float(last or first))

    def reset(self, key: str) -> None:
        """Forget the counter of ``key``.

        :raises CountersUnavailable: Redis cannot be reached.
        """
        self._call(self.client.delete, self.prefix + key)

    def close(self) -> None:
        """Close the connections to Redis."""
        self.client.close()


def seconds_left(count: Count, now: float, window: float) -> int:
    """Return the whole seconds until the window of ``count`` is over (>= 1)."""
    return max(1, math.ceil(count.first_at + window - now))
