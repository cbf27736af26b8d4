"""What the session registry keeps, and the small protocol a store implements.

With a session registry (``LOGIN_SESSION_REGISTRY``), every login has a
:class:`SessionRecord` in a store shared by every worker process: the
login's random id, the user, when it started, when it was last seen, from
which address and device, and until when it can stay valid. A session whose
record is gone is refused at its next request, in every process at once;
that is what makes logout and "log out everywhere" final.

vial-login ships two stores behind optional extras,
:class:`~vial_login.sqlalchemy_store.SQLAlchemySessionStore`
(``vial-login[sqlalchemy]``) and
:class:`~vial_login.redis_store.RedisSessionStore` (``vial-login[redis]``).
Any object with the methods of :class:`SessionStore` works too; set it as
``LOGIN_SESSION_REGISTRY``.
"""

from __future__ import annotations

import dataclasses
import typing as t
from datetime import datetime


@dataclasses.dataclass(frozen=True)
class SessionRecord:
    """One login as the registry knows it.

    Datetimes are timezone-aware, in UTC.

    .. versionadded:: 0.2
    """

    #: The login's random id, kept in the session and in the remember-me
    #: cookie. It is not a credential: both cookies are signed, so knowing
    #: an id does not let anyone use it.
    id: str
    #: The user's id as the ``user_loader`` receives it (``get_id()``).
    user_id: str
    #: When the user logged in.
    created: datetime
    #: When a request of this login was last recorded; updated at most every
    #: ``LOGIN_SESSION_LAST_SEEN_INTERVAL`` seconds.
    last_seen: datetime
    #: When the record may be forgotten: no cookie of the login is valid
    #: any longer by then. Each update of :attr:`last_seen` moves it on.
    expires: datetime
    #: ``request.remote_addr`` of the latest recorded request (what the
    #: app's ``ProxyFix`` setup makes of the forwarding headers), or None.
    address: str | None
    #: A short description of the client, such as ``"Firefox on Linux"``.
    device: str


class SessionStoreError(Exception):
    """The store could not be reached or could not do what was asked.

    A store raises it (``raise SessionStoreError(...) from error``) for every
    failure of its backend, so the registry can treat them alike: see
    ``LOGIN_SESSION_REGISTRY_ON_ERROR``.

    .. versionadded:: 0.2
    """


@t.runtime_checkable
class SessionStore(t.Protocol):
    """The methods vial-login calls on a session store.

    Methods are called inside an application context, from any worker
    process; each must see the others' writes at once (a shared database or
    Redis, never process memory). Records that are past :attr:`expires
    <SessionRecord.expires>` may still be returned: vial-login checks the
    date itself. Every failure of the backend raises
    :class:`SessionStoreError`.

    .. versionadded:: 0.2
    """

    def add(self, record: SessionRecord) -> None:
        """Store a new login."""

    def get(self, session_id: str) -> SessionRecord | None:
        """Return the record of ``session_id``, or None if there is none.

        Called on every request of a logged-in session: make it one lookup
        by key.
        """

    def touch(self, record: SessionRecord) -> None:
        """Save the new ``last_seen``, ``expires`` and ``address`` of ``record``.

        A record removed in the meantime must stay removed: update, never
        insert.
        """

    def remove(self, session_id: str) -> SessionRecord | None:
        """Remove the record of ``session_id``; return it, or None if there was none."""

    def for_user(self, user_id: str) -> list[SessionRecord]:
        """Return the records of ``user_id``, in any order."""

    def remove_for_user(
        self, user_id: str, *, keep: str | None = None
    ) -> list[SessionRecord]:
        """Remove the records of ``user_id`` but ``keep``; return those removed."""
