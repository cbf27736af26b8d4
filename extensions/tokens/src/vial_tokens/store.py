"""Opaque tokens: random secrets kept, hashed, in a store.

A signed token (:mod:`vial_tokens.signed`) needs no storage, but it can only
be revoked with every other token of its user. An opaque token is a random
value whose SHA-256 hash is stored with its metadata, so each one can be
revoked on its own, and its last use is known. The token a client holds is
``vto_<id>_<secret>``: the id finds the record, and the secret is checked
against the stored hash in constant time. The prefix makes leaked tokens
easy to find in logs and code.

The hash is a plain SHA-256: the secret has 256 random bits, so a slow
password hash would add nothing but time on every request. A leaked table
gives no usable token.

A store implements :class:`TokenStore`. :class:`MemoryTokenStore` keeps the
records in the process, for tests and single-process apps;
:class:`~vial_tokens.sqlalchemy_store.SQLAlchemyTokenStore` keeps them in a
database that every worker process shares.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import typing as t
from datetime import datetime
from datetime import timezone

#: The start of every opaque token.
OPAQUE_PREFIX = "vto_"

_ID_BYTES = 8
_SECRET_BYTES = 32


@dataclasses.dataclass
class TokenRecord:
    """What a store keeps about one opaque token (never the token itself)."""

    #: The public id of the token, part of the token; 16 hex digits.
    id: str
    #: The alternative id of the user the token acts for, when it was issued.
    user_key: str
    #: The SHA-256 hex digest of the token's secret part.
    token_hash: str
    #: A label the user chose, such as ``"CI deploy key"``.
    name: str
    #: When the token was issued (aware, UTC).
    created_at: datetime
    #: When it stops working, or ``None`` for never.
    expires_at: datetime | None = None
    #: When it last authenticated a request, within ``TOKENS_LAST_USED_INTERVAL``.
    last_used_at: datetime | None = None
    #: When it was revoked, or ``None``.
    revoked_at: datetime | None = None

    @property
    def is_revoked(self) -> bool:
        """Whether the token was revoked."""
        return self.revoked_at is not None

    def is_expired(self, now: datetime) -> bool:
        """Whether the token is past its expiry time at ``now``."""
        return self.expires_at is not None and now >= self.expires_at


class TokenStore(t.Protocol):
    """Where opaque tokens are kept; implement it for storage of your own.

    Every method may be called from several threads at once.
    """

    def add(self, record: TokenRecord) -> None:
        """Store a new record."""

    def get(self, token_id: str) -> TokenRecord | None:
        """Return the record with this id, or ``None``."""

    def touch(self, token_id: str, when: datetime) -> None:
        """Set the last-used time of a record."""

    def revoke(self, token_id: str, when: datetime) -> bool:
        """Mark a record revoked; return whether it existed and was not already."""

    def revoke_user(self, user_key: str, when: datetime) -> list[str]:
        """Revoke every unrevoked record of a user; return their ids."""

    def for_user(self, user_key: str) -> list[TokenRecord]:
        """Return a user's records, revoked ones included, newest first."""

    def purge(self, before: datetime) -> int:
        """Delete records revoked or expired before ``before``; return how many."""


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def hash_secret(secret: str) -> str:
    """Return the stored form of a token's secret part."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def new_opaque_token() -> tuple[str, str, str]:
    """Return a new token's id, its secret part and the token a client holds."""
    token_id = secrets.token_hex(_ID_BYTES)
    secret = secrets.token_hex(_SECRET_BYTES)
    return token_id, secret, f"{OPAQUE_PREFIX}{token_id}_{secret}"


def parse_opaque_token(token: str) -> tuple[str, str] | None:
    """Return the id and secret part of an opaque token; ``None`` if it is not one."""
    if not token.startswith(OPAQUE_PREFIX):
        return None
    token_id, underscore, secret = token[len(OPAQUE_PREFIX) :].partition("_")
    if (
        not underscore
        or len(token_id) != 2 * _ID_BYTES
        or len(secret) != 2 * _SECRET_BYTES
        or not _is_hex(token_id)
        or not _is_hex(secret)
    ):
        return None
    return token_id, secret


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def is_opaque_token(token: str) -> bool:
    """Return whether ``token`` has the form of an opaque token."""
    return token.startswith(OPAQUE_PREFIX)


class MemoryTokenStore:
    """Opaque token records in a dictionary of this process.

    For tests and apps served by one process: the records are lost when it
    exits, and other worker processes do not see them.
    """

    def __init__(self) -> None:
        self._records: dict[str, TokenRecord] = {}
        self._lock = threading.Lock()

    def add(self, record: TokenRecord) -> None:
        """Store a copy of ``record``."""
        with self._lock:
            self._records[record.id] = dataclasses.replace(record)

    def get(self, token_id: str) -> TokenRecord | None:
        """Return a copy of the record with this id, or ``None``."""
        with self._lock:
            record = self._records.get(token_id)
            return None if record is None else dataclasses.replace(record)

    def touch(self, token_id: str, when: datetime) -> None:
        """Set the last-used time of a record."""
        with self._lock:
            record = self._records.get(token_id)
            if record is not None:
                record.last_used_at = when

    def revoke(self, token_id: str, when: datetime) -> bool:
        """Mark a record revoked; return whether it was live before."""
        with self._lock:
            record = self._records.get(token_id)
            if record is None or record.revoked_at is not None:
                return False
            record.revoked_at = when
            return True

    def revoke_user(self, user_key: str, when: datetime) -> list[str]:
        """Revoke every live record of a user; return their ids."""
        with self._lock:
            revoked = []
            for record in self._records.values():
                if record.user_key == user_key and record.revoked_at is None:
                    record.revoked_at = when
                    revoked.append(record.id)
            return revoked

    def for_user(self, user_key: str) -> list[TokenRecord]:
        """Return copies of a user's records, newest first."""
        with self._lock:
            found = [
                dataclasses.replace(r)
                for r in self._records.values()
                if r.user_key == user_key
            ]
        return sorted(found, key=lambda r: r.created_at, reverse=True)

    def purge(self, before: datetime) -> int:
        """Delete records revoked or expired before ``before``."""
        with self._lock:
            dead = [
                r.id
                for r in self._records.values()
                if (r.revoked_at is not None and r.revoked_at < before)
                or (r.expires_at is not None and r.expires_at < before)
            ]
            for token_id in dead:
                del self._records[token_id]
            return len(dead)
