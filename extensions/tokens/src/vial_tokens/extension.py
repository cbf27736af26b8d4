"""Tokens the app issues and checks itself: :class:`TokenAuth`.

.. code-block:: python

    tokens = TokenAuth(app)

    @tokens.user_loader
    def load_user(alt_id: str) -> User | None:
        return User.find_by_uniquifier(alt_id)

    @app.post("/api/tokens")
    @basic_auth.login_required
    def new_token():
        return {"token": tokens.issue_token(basic_auth.current_user())}

    @app.get("/api/me")
    @tokens.login_required
    def me():
        return {"name": tokens.current_user().name}

Two kinds of token, told apart by their form: signed tokens
(:meth:`TokenAuth.issue_token`, :mod:`vial_tokens.signed`), which need no
storage, and opaque tokens (:meth:`TokenAuth.issue_opaque_token`,
:mod:`vial_tokens.store`), kept hashed in a store so each can be revoked on
its own. Both act for a user through the user's alternative id, so giving
the user a new one (:func:`new_alt_id`) revokes every token of the user.
A deactivated user's tokens (``is_active`` false) are refused.
"""

from __future__ import annotations

import secrets
import typing as t
from datetime import timedelta

from vial.ext import add_credentials_check
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import require_secret_key

from .config import OPTIONS
from .config import read_seconds
from .config import setting
from .credentials import Malformed
from .credentials import quote_header_value
from .credentials import same_secret
from .credentials import token_authorization
from .failures import record_failure
from .failures import recorded_failure
from .httpauth import HTTPAuth
from .signals import token_issued
from .signals import token_revoked
from .signed import dump_signed_token
from .signed import load_signed_token
from .state import STATE
from .state import TokensState
from .store import hash_secret
from .store import is_opaque_token
from .store import new_opaque_token
from .store import parse_opaque_token
from .store import TokenRecord
from .store import utcnow

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Authorization

    from vial import Vial
    from vial.wrappers import Request

    from .credentials import ReadAuth
    from .httpauth import F
    from .store import TokenStore

Duration = timedelta | float | None

_DEFAULT: t.Any = object()

#: Refusals of a token that was sent, answered with RFC 6750's
#: ``error="invalid_token"``.
_TOKEN_ERRORS = {"malformed", "too_long", "invalid", "expired", "revoked", "inactive"}


def new_alt_id() -> str:
    """Return a new random alternative id for a user (256 bits, URL-safe).

    Store it on the user when the user is created, and replace it to revoke
    every token of the user (after a password change, say).
    """
    return secrets.token_urlsafe(32)


class IssuedToken(t.NamedTuple):
    """An opaque token just issued: the token, shown once, and its record."""

    #: The token to hand to the client; only its hash is stored.
    token: str
    #: What the store keeps about it.
    record: TokenRecord


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TokenAuth(HTTPAuth):
    """Issue and check API tokens; protect views with ``login_required``.

    :param app: the app to set up; or call :meth:`init_app` later.
    :param store: where opaque tokens are kept (a
        :class:`~vial_tokens.store.TokenStore`), for every app this object
        serves; without one, only signed tokens are issued and accepted.

    The callbacks and decorators of :class:`~vial_tokens.HTTPAuth` work
    too: ``get_user_roles`` with ``login_required(role=...)``,
    ``error_handler``, ``current_user()``. The scheme, header and realm come
    from the app's ``TOKENS_*`` configuration.
    """

    def __init__(
        self, app: Vial | None = None, *, store: TokenStore | None = None
    ) -> None:
        self._init_callbacks()
        self._store = store
        self.user_loader_callback: t.Callable[[str], t.Any] | None = None
        self.alt_id_callback: t.Callable[[t.Any], t.Any] | None = None
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} store={self._store!r}>"

    def init_app(self, app: Vial, *, store: TokenStore | None = None) -> None:
        """Set the extension up on ``app``.

        :param store: the app's opaque token store, instead of the one given
            to the constructor.
        :raises RuntimeError: the app has no ``SECRET_KEY``, or the extension
            is already set up on it.
        :raises ValueError: a ``TOKENS_*`` setting has an unusable value.
        """
        if STATE.is_registered(app):
            STATE.register(app, STATE.get(app))  # raises: set up twice
        OPTIONS.apply(app)
        require_secret_key(app, "API tokens")
        _check_config(app)
        state = TokensState(self, store if store is not None else self._store)
        # The CLI imports click, which a served app need not load otherwise.
        from .cli import make_cli

        app.cli.add_command(make_cli())
        add_credentials_check(app, self.carries_credentials)
        STATE.register(app, state)

    # Settings of the current app

    @property
    def scheme(self) -> str:
        """The current app's ``TOKENS_SCHEME``."""
        scheme: str = setting(get_app(), "TOKENS_SCHEME")
        return scheme

    @scheme.setter
    def scheme(self, value: str) -> None:
        _refuse_setting("scheme", "TOKENS_SCHEME")

    @property
    def realm(self) -> str:
        """The current app's ``TOKENS_REALM``."""
        realm: str = setting(get_app(), "TOKENS_REALM")
        return realm

    @realm.setter
    def realm(self, value: str) -> None:
        _refuse_setting("realm", "TOKENS_REALM")

    @property
    def header(self) -> str | None:
        """The current app's ``TOKENS_HEADER``."""
        header: str = setting(get_app(), "TOKENS_HEADER")
        return header

    @header.setter
    def header(self, value: str | None) -> None:
        _refuse_setting("header", "TOKENS_HEADER")

    # Callbacks

    def user_loader(self, f: F) -> F:
        """Register the function that returns the user with an alternative id.

        It receives the id a token carries and returns the user, or ``None``
        when no user has it (any more).
        """
        self.user_loader_callback = f
        return f

    def alt_id_getter(self, f: F) -> F:
        """Register the function that returns a user's alternative id.

        For ids that are not an attribute; by default the attribute named by
        ``TOKENS_ALT_ID_ATTRIBUTE`` (``fs_uniquifier``) is read.
        """
        self.alt_id_callback = f
        return f

    def get_alt_id(self, user: t.Any) -> str:
        """Return the alternative id of ``user``.

        :raises ValueError: the user has none.
        """
        if self.alt_id_callback is not None:
            value = self.alt_id_callback(user)
        else:
            attribute = setting(get_app(), "TOKENS_ALT_ID_ATTRIBUTE")
            value = getattr(user, attribute, None)
        if value is None or value == "":
            raise ValueError(
                f"The user {user!r} has no alternative id, so no token can act"
                " for it. Give each user a random value with"
                " vial_tokens.new_alt_id() in the attribute named by"
                " TOKENS_ALT_ID_ATTRIBUTE, or register @tokens.alt_id_getter."
            )
        return str(value)

    # Issuing and revoking

    def issue_token(self, user: t.Any, *, expires_in: Duration = None) -> str:
        """Return a new signed token acting for ``user``.

        :param expires_in: a lifetime shorter than ``TOKENS_MAX_AGE``, a
            timedelta or seconds; that maximum by default.
        :raises ValueError: ``expires_in`` is longer than ``TOKENS_MAX_AGE``,
            or the user has no alternative id.
        """
        app = get_app()
        STATE.get(app)
        max_age = _max_age(app)
        lifetime = None if expires_in is None else _seconds(expires_in)
        if lifetime is not None and not 0 < lifetime <= max_age:
            raise ValueError(
                f"expires_in is {lifetime:g} seconds; give a positive lifetime no"
                f" longer than TOKENS_MAX_AGE ({max_age:g} seconds), or raise"
                " TOKENS_MAX_AGE."
            )
        token = dump_signed_token(self.get_alt_id(user), lifetime, app)
        expires_at = utcnow() + timedelta(seconds=lifetime or max_age)
        token_issued.send(app, user=user, token_id=None, expires_at=expires_at)
        return token

    def issue_opaque_token(
        self, user: t.Any, *, name: str = "", expires_in: Duration = _DEFAULT
    ) -> IssuedToken:
        """Return a new opaque token acting for ``user``, kept in the store.

        The token itself is returned once and never stored: show it to the
        user now.

        :param name: a label for the user's list of tokens.
        :param expires_in: the lifetime, a timedelta or seconds, or ``None``
            for a token that lives until revoked; ``TOKENS_OPAQUE_MAX_AGE``
            by default.
        :raises RuntimeError: the app has no token store.
        """
        app = get_app()
        store = self._store_of(app)
        if expires_in is _DEFAULT:
            expires_in = setting(app, "TOKENS_OPAQUE_MAX_AGE")
        now = utcnow()
        token_id, secret, token = new_opaque_token()
        record = TokenRecord(
            id=token_id,
            user_key=self.get_alt_id(user),
            token_hash=hash_secret(secret),
            name=name,
            created_at=now,
            expires_at=(
                None
                if expires_in is None
                else now + timedelta(seconds=_seconds(expires_in))
            ),
        )
        store.add(record)
        token_issued.send(
            app, user=user, token_id=token_id, expires_at=record.expires_at
        )
        return IssuedToken(token, record)

    def revoke_token(self, token_or_id: str) -> bool:
        """Revoke one opaque token, given as the token or its id.

        Return whether a live token was revoked. Signed tokens cannot be
        revoked one by one: give their user a new alternative id.
        """
        app = get_app()
        store = self._store_of(app)
        parsed = parse_opaque_token(token_or_id)
        token_id = parsed[0] if parsed is not None else token_or_id
        if not store.revoke(token_id, utcnow()):
            return False
        record = store.get(token_id)
        user_key = record.user_key if record is not None else None
        token_revoked.send(app, token_id=token_id, user_key=user_key)
        return True

    def revoke_user_tokens(self, user: t.Any) -> int:
        """Revoke every opaque token of ``user``; return how many.

        The user's signed tokens stay valid until they expire or the user
        gets a new alternative id.
        """
        app = get_app()
        user_key = self.get_alt_id(user)
        revoked = self._store_of(app).revoke_user(user_key, utcnow())
        for token_id in revoked:
            token_revoked.send(app, token_id=token_id, user_key=user_key)
        return len(revoked)

    def list_tokens(self, user: t.Any) -> list[TokenRecord]:
        """Return the records of the opaque tokens of ``user``, newest first."""
        return self._store_of(get_app()).for_user(self.get_alt_id(user))

    def _store_of(self, app: Vial) -> TokenStore:
        store = STATE.get(app).store
        if store is None:
            raise RuntimeError(
                "Opaque tokens need a token store, and this app has none. Pass"
                " one: TokenAuth(app, store=SQLAlchemyTokenStore(db)), or"
                " tokens.init_app(app, store=...)."
            )
        return store

    # Checking

    def carries_credentials(self, request: Request) -> bool:
        """Return whether ``request`` carries a token in the configured place."""
        if self.is_compatible_auth(request.headers):
            return True
        parameter = setting(get_app(), "TOKENS_QUERY_PARAMETER")
        return bool(parameter) and parameter in request.args

    def read_auth(self) -> ReadAuth:
        """Read the token from the header, or from the query when allowed."""
        STATE.get()  # a clear error on an app that was never set up
        auth = super().read_auth()
        if auth is not None:
            return auth
        parameter = setting(get_app(), "TOKENS_QUERY_PARAMETER")
        if not parameter:
            return None
        value = get_request().args.get(parameter)
        if value is None:
            return None
        if len(value) > self.max_credentials_length():
            return Malformed("too_long")
        return token_authorization(self.scheme, value)

    def authenticate(self, auth: Authorization | None, stored_password: t.Any) -> t.Any:
        """Return the user the request's token acts for, or ``None``."""
        token = auth.token if auth is not None else None
        if not token:
            return None
        return self.user_for_token(token)

    def user_for_token(self, token: str) -> t.Any:
        """Return the user ``token`` acts for, or ``None`` when it is refused.

        For tokens that arrive some other way than a request header (a
        WebSocket message, say). The reason of a refusal is recorded for the
        current request's error answer.
        """
        app = get_app()
        state = STATE.get(app)
        if len(token) > self.max_credentials_length():
            record_failure("too_long")
            return None
        if is_opaque_token(token):
            return self._user_for_opaque_token(app, state, token)
        alt_id, reason = load_signed_token(token, _max_age(app), app)
        if alt_id is None:
            record_failure(reason or "invalid")
            return None
        return self._active_user(alt_id)

    def _user_for_opaque_token(
        self, app: Vial, state: TokensState, token: str
    ) -> t.Any:
        parsed = parse_opaque_token(token)
        store = state.store
        if parsed is None or store is None:
            record_failure("invalid")
            return None
        token_id, secret = parsed
        record = store.get(token_id)
        if record is None or not same_secret(hash_secret(secret), record.token_hash):
            record_failure("invalid")
            return None
        now = utcnow()
        if record.is_revoked:
            record_failure("revoked")
            return None
        if record.is_expired(now):
            record_failure("expired")
            return None
        user = self._active_user(record.user_key)
        if user is not None:
            interval = read_seconds(app, "TOKENS_LAST_USED_INTERVAL") or 0.0
            last = record.last_used_at
            if last is None or (now - last).total_seconds() >= interval:
                store.touch(token_id, now)
        return user

    def _active_user(self, alt_id: str) -> t.Any:
        """Load the user with ``alt_id``; ``None`` when gone, changed or inactive."""
        if self.user_loader_callback is None:
            raise RuntimeError(
                "TokenAuth has no user loader, so it cannot tell whom a token"
                " acts for. Register one with @tokens.user_loader: a function"
                " that returns the user with a given alternative id."
            )
        user = get_app().ensure_sync(self.user_loader_callback)(alt_id)
        if user is None:
            record_failure("invalid")
            return None
        # A loader that matched on something else must not let an old
        # token through.
        try:
            current: str | None = self.get_alt_id(user)
        except ValueError:
            current = None
        if not same_secret(current, alt_id):
            record_failure("invalid")
            return None
        if not getattr(user, "is_active", True):
            record_failure("inactive")
            return None
        return user

    def authenticate_header(self) -> str:
        """Return the ``WWW-Authenticate`` value, with RFC 6750's error code."""
        challenge = f"{self.scheme} realm={quote_header_value(self.realm)}"
        reason = recorded_failure()
        if reason in _TOKEN_ERRORS:
            challenge += ', error="invalid_token"'
        elif reason == "forbidden":
            challenge += ', error="insufficient_scope"'
        return challenge


def _max_age(app: Vial) -> float:
    max_age = read_seconds(app, "TOKENS_MAX_AGE")
    if max_age is None:
        raise ValueError(
            "app.config['TOKENS_MAX_AGE'] is None; signed tokens must expire, so"
            " set it to a timedelta or a number of seconds."
        )
    return max_age


def _check_config(app: Vial) -> None:
    """Refuse settings that would fail later, at the first request."""
    _max_age(app)
    for name in ("TOKENS_OPAQUE_MAX_AGE", "TOKENS_LAST_USED_INTERVAL"):
        read_seconds(app, name)
    for name in ("TOKENS_SCHEME", "TOKENS_HEADER"):
        value = app.config[name]
        if not isinstance(value, str) or not value or " " in value:
            raise ValueError(
                f"app.config[{name!r}] is {value!r}; set it to one word, such"
                f" as {OPTIONS[name].default!r}."
            )


def _refuse_setting(attribute: str, key: str) -> t.NoReturn:
    raise AttributeError(
        f"TokenAuth reads its {attribute} from the app's configuration; set"
        f" app.config[{key!r}] instead."
    )
