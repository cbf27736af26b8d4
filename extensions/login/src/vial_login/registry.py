"""The session registry: server-side records that make a logout final.

A signed-cookie session lives in the browser: the server cannot take it
back. A copy of the session cookie taken before a logout keeps working
until it expires (``PERMANENT_SESSION_LIFETIME``, 31 days by default), and
a copy of the remember-me cookie for as long as it was made for (a year by
default). The registry closes that gap. Every login gets a random id, kept
in the session and signed into the remember-me cookie, and a
:class:`~vial_login.session_store.SessionRecord` in a store that every
worker shares. Each request of a logged-in session looks its id up (one
lookup by key); a missing, expired or foreign record makes the request
anonymous and ends the login in that session. Logout, "log out everywhere"
and an admin's revocation remove records, so they take effect at the next
request, in every process.

This module holds the per-app :class:`SessionRegistry` (the policy around
the store) and :func:`registry_from_config`, which imports a store's module
only when ``LOGIN_SESSION_REGISTRY`` asks for it.
"""

from __future__ import annotations

import dataclasses
import math
import re
import secrets
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from werkzeug.exceptions import ServiceUnavailable

from vial.ext import get_app
from vial.ext import get_request
from vial.ext import NegotiatedHTTPException

from .session_store import SessionRecord
from .session_store import SessionStore
from .session_store import SessionStoreError
from .signals import session_revoked

if t.TYPE_CHECKING:
    from vial import Vial

#: What the ``reason`` of :data:`~vial_login.signals.session_revoked` can be.
RevokeReason = t.Literal["logout", "login", "logout_everywhere", "revoked"]

#: The shape of the ids this module makes (``secrets.token_urlsafe(32)``), with
#: room for stores that make their own. Anything else is refused unread.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,128}")

_ON_ERROR_CHOICES = ("anonymous", "error")

_R = t.TypeVar("_R")


#: Seconds in the ``Retry-After`` header of :class:`SessionRegistryUnavailable`.
RETRY_AFTER = 5


class SessionRegistryUnavailable(NegotiatedHTTPException, ServiceUnavailable):
    """The session registry's store could not be reached: a 503 error.

    Raised by logins and logouts, which cannot be recorded, and by requests
    of logged-in sessions when ``LOGIN_SESSION_REGISTRY_ON_ERROR`` is
    ``"error"``. It carries ``Retry-After`` (:data:`RETRY_AFTER` seconds).
    Register ``errorhandler(503)`` to answer it your way.

    .. versionadded:: 0.2
    """

    description = (
        "Sessions cannot be checked right now because the session store cannot"
        " be reached. Please try again in a moment."
    )

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(RETRY_AFTER)})


def describe_device(user_agent: str | None) -> str:
    """Return a short description of a client from its ``User-Agent``.

    ``"Firefox on Linux"``, ``"Safari on iPhone"``, ``"curl"``; at most 64
    printable characters, and ``"Unknown device"`` without a header.
    """
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), None)
    system = next((name for token, name in _SYSTEMS if token in agent), None)
    if browser and system:
        text = f"{browser} on {system}"
    elif browser or system:
        text = t.cast(str, browser or system)
    else:
        # A tool names itself first: "curl/8.5.0", "python-requests/2.32".
        text = agent.split("/", 1)[0].split(" ", 1)[0]
    text = "".join(c for c in text if c.isprintable())[:64].strip()
    return text or "Unknown device"


# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("Trident/", "Internet Explorer"),
    ("MSIE ", "Internet Explorer"),
)
# iPhones and Android phones also say "like Mac OS X" and "Linux".
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SessionRegistry:
    """One app's session registry: its store, and what a login asks of it.

    Made by ``LoginManager.init_app`` from the configuration and kept in the
    app's :class:`~vial_login.state.LoginState`; reach it with
    :func:`vial_login.get_session_registry`. Every store failure becomes
    :class:`SessionRegistryUnavailable`.

    :param store: where the records are kept.
    :param last_seen_interval: seconds between two writes of a record's
        ``last_seen``.
    :param on_error: ``"anonymous"`` or ``"error"``, as
        ``LOGIN_SESSION_REGISTRY_ON_ERROR``.

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        store: SessionStore,
        *,
        last_seen_interval: float = 60,
        on_error: str = "anonymous",
    ) -> None:
        if on_error not in _ON_ERROR_CHOICES:
            raise ValueError(
                f"LOGIN_SESSION_REGISTRY_ON_ERROR is {on_error!r}; set it to"
                ' "anonymous" or "error".'
            )
        #: The store the records are kept in.
        self.store = store
        #: Seconds between two writes of a record's ``last_seen``.
        self.last_seen_interval = last_seen_interval
        #: What requests of logged-in sessions get while the store is down.
        self.on_error = on_error
        #: Returns the current time (aware, UTC); tests replace it.
        self.clock: t.Callable[[], datetime] = _utcnow

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.store!r}>"

    def open(self, user_id: t.Any, *, remember_seconds: float | None = None) -> str:
        """Record a new login of ``user_id`` from the current request; return its id.

        The record lasts as long as the session cookie can
        (``PERMANENT_SESSION_LIFETIME``), or the remember-me cookie if that
        is longer, from each time it is seen.

        :param remember_seconds: the lifetime of the login's remember-me
            cookie, if it has one.
        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        lifetime = get_app().permanent_session_lifetime.total_seconds()
        if remember_seconds is not None:
            lifetime = max(lifetime, remember_seconds)
        # A cookie renewed just after a throttled update outlives the update
        # by up to one interval: the record must outlive the cookie.
        lifetime += self.last_seen_interval
        request = get_request()
        now = self.clock()
        record = SessionRecord(
            id=secrets.token_urlsafe(32),
            user_id=str(user_id),
            created=now,
            last_seen=now,
            expires=now + timedelta(seconds=lifetime),
            address=request.remote_addr,
            device=describe_device(request.headers.get("User-Agent")),
        )
        self._call(self.store.add, record)
        return record.id

    def check(self, session_id: t.Any, user_id: t.Any) -> bool:
        """Return whether ``session_id`` is a live login of ``user_id``.

        Refused: an id that is not a string of the registry's shape, one the
        store does not know (revoked, or never issued), one past its expiry,
        and one of another user. A live login's ``last_seen``, expiry and
        address are written when the last write is older than
        ``last_seen_interval``.

        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        record = self.get(session_id)
        if record is None or record.user_id != str(user_id):
            return False
        now = self.clock()
        if (now - record.last_seen).total_seconds() >= self.last_seen_interval:
            touched = dataclasses.replace(
                record,
                last_seen=now,
                expires=now + (record.expires - record.last_seen),
                address=get_request().remote_addr,
            )
            self._call(self.store.touch, touched)
        return True

    def get(self, session_id: t.Any) -> SessionRecord | None:
        """Return the live record of ``session_id``; None if it is unknown or expired.

        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        if not is_session_id(session_id):
            return None
        record = self._call(self.store.get, session_id)
        if record is None or record.expires <= self.clock():
            return None
        return record

    def revoke(self, session_id: t.Any, reason: RevokeReason) -> SessionRecord | None:
        """End the login ``session_id``; return its record, or None if there was none.

        Sends :data:`~vial_login.signals.session_revoked` when a record was
        removed.

        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        if not is_session_id(session_id):
            return None
        record = self._call(self.store.remove, session_id)
        if record is not None:
            self._revoked([record], reason)
        return record

    def revoke_user(
        self, user_id: t.Any, reason: RevokeReason, *, keep: str | None = None
    ) -> list[SessionRecord]:
        """End every login of ``user_id`` but ``keep``; return the records removed.

        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        records = self._call(self.store.remove_for_user, str(user_id), keep=keep)
        self._revoked(records, reason)
        return records

    def sessions_of(self, user_id: t.Any) -> list[SessionRecord]:
        """Return the live logins of ``user_id``, the most recently seen first.

        :raises SessionRegistryUnavailable: the store cannot be reached.
        """
        now = self.clock()
        records = self._call(self.store.for_user, str(user_id))
        live = [record for record in records if record.expires > now]
        return sorted(live, key=lambda record: record.last_seen, reverse=True)

    def _revoked(self, records: list[SessionRecord], reason: RevokeReason) -> None:
        app = get_app()
        for record in records:
            session_revoked.send(
                app, session_id=record.id, user_id=record.user_id, reason=reason
            )

    def _call(self, method: t.Callable[..., _R], *args: t.Any, **kwargs: t.Any) -> _R:
        """Call a store method; turn a store failure into a 503 error."""
        try:
            return method(*args, **kwargs)
        except SessionStoreError as e:
            raise SessionRegistryUnavailable() from e


def is_session_id(value: t.Any) -> bool:
    """Return whether ``value`` has the shape of a registry id, worth a lookup."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


def registry_from_config(app: Vial) -> SessionRegistry | None:
    """Return the registry ``LOGIN_SESSION_REGISTRY`` asks for, or None when it is off.

    A store's module (and its database library) is imported only here, when
    the configuration names it.

    :raises RuntimeError: the store's extra is not installed, or what it
        needs is not set up; the message says what to do.
    :raises ValueError: a setting has a value it cannot have.
    """
    config = app.config
    setting = config["LOGIN_SESSION_REGISTRY"]
    if setting is None:
        return None
    if setting == "sqlalchemy":
        store: SessionStore = _sqlalchemy_store(app)
    elif setting == "redis":
        store = _redis_store(app)
    elif isinstance(setting, SessionStore) and not isinstance(setting, type):
        # (A class has the protocol's methods too, but is no store.)
        store = setting
    else:
        raise ValueError(
            f'LOGIN_SESSION_REGISTRY is {setting!r}; set it to None, "sqlalchemy",'
            ' "redis", or a store object (an instance) with the methods of'
            " vial_login.session_store.SessionStore."
        )
    interval = config["LOGIN_SESSION_LAST_SEEN_INTERVAL"]
    if isinstance(interval, timedelta):
        interval = interval.total_seconds()
    if (
        isinstance(interval, bool)
        or not isinstance(interval, (int, float))
        or not math.isfinite(interval)
        or interval < 0
    ):
        raise ValueError(
            f"LOGIN_SESSION_LAST_SEEN_INTERVAL is {interval!r}; set it to a number"
            " of seconds (0 or more) or a timedelta."
        )
    return SessionRegistry(
        store,
        last_seen_interval=float(interval),
        on_error=config["LOGIN_SESSION_REGISTRY_ON_ERROR"],
    )


def _missing_extra(extra: str, error: ImportError) -> RuntimeError:
    return RuntimeError(
        f'LOGIN_SESSION_REGISTRY is "{extra}", but {error.name or "a module"} cannot'
        f" be imported ({error}); install vial-login[{extra}]."
    )


def _sqlalchemy_store(app: Vial) -> SessionStore:
    try:
        from .sqlalchemy_store import SQLAlchemySessionStore
    except ImportError as e:
        raise _missing_extra("sqlalchemy", e) from e
    return SQLAlchemySessionStore.for_app(
        app,
        bind_key=app.config["LOGIN_SESSION_REGISTRY_BIND"],
        table_name=app.config["LOGIN_SESSION_REGISTRY_TABLE"],
    )


def _redis_store(app: Vial) -> SessionStore:
    url = app.config["LOGIN_SESSION_REGISTRY_URL"]
    if not url:
        raise RuntimeError(
            'LOGIN_SESSION_REGISTRY is "redis", but LOGIN_SESSION_REGISTRY_URL is'
            ' not set; set it to the Redis URL, such as "redis://localhost:6379/0".'
        )
    try:
        from .redis_store import RedisSessionStore
    except ImportError as e:
        raise _missing_extra("redis", e) from e
    return RedisSessionStore.from_url(
        url, prefix=app.config["LOGIN_SESSION_REGISTRY_PREFIX"]
    )
