"""Sessions: per-user data kept across requests, by default in a signed cookie."""

from __future__ import annotations

import collections.abc as cabc
import hashlib
import typing as t
from datetime import datetime
from datetime import timezone

from itsdangerous import BadData
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

from .ext.signing import get_serializer
from .json.tag import TaggedJSONSerializer

if t.TYPE_CHECKING:
    from .app import Vial
    from .wrappers import Request
    from .wrappers import Response


class SessionMixin(cabc.MutableMapping[str, t.Any]):
    """The attributes every session object has, on top of the mapping API."""

    @property
    def permanent(self) -> bool:
        """Whether the session outlives the browser session.

        A permanent session's cookie expires after
        :attr:`~vial.Vial.permanent_session_lifetime`; otherwise it is
        deleted when the browser closes. Stored in the ``"_permanent"`` key.
        """
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: Whether the session was created by this request rather than loaded;
    #: the default cookie session never sets it, other backends may.
    new = False

    #: Whether the session changed. Mutations of nested values (appending
    #: to a list in the session) are not noticed: set this to ``True``
    #: yourself after such a change.
    modified = True

    #: Whether the session was read or written, which makes the response
    #: depend on the cookie (``Vary: Cookie``). Sessions that do not track
    #: it are always treated as accessed.
    accessed = True


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """The session stored in a signed cookie, which tracks reads and writes."""

    #: Set by any change of the top-level keys.
    modified = False

    #: Set by any read or write of the session's keys or values.
    accessed = False

    def __init__(
        self,
        initial: cabc.Mapping[str, t.Any]
        | cabc.Iterable[tuple[str, t.Any]]
        | None = None,
    ) -> None:
        def on_update(self: SecureCookieSession) -> None:
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)

    # A response that depends on the session in any way, even only on
    # whether a key exists, must carry ``Vary: Cookie`` so a shared cache
    # does not serve one user's page to another. So every read counts.

    def __getitem__(self, key: str) -> t.Any:
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: t.Any = None) -> t.Any:
        """Return the value for ``key``, or ``default``; marks the session read."""
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        """Return the value for ``key``, setting it to ``default`` if missing."""
        self.accessed = True
        return super().setdefault(key, default)

    def __contains__(self, key: object) -> bool:
        self.accessed = True
        return super().__contains__(key)

    def __iter__(self) -> cabc.Iterator[str]:
        self.accessed = True
        return super().__iter__()

    def __len__(self) -> int:
        self.accessed = True
        return super().__len__()

    def keys(self) -> t.KeysView[str]:  # type: ignore[override]
        """Return the keys; marks the session read."""
        self.accessed = True
        return super().keys()

    def values(self) -> t.ValuesView[t.Any]:  # type: ignore[override]
        """Return the values; marks the session read."""
        self.accessed = True
        return super().values()

    def items(self) -> t.ItemsView[str, t.Any]:  # type: ignore[override]
        """Return the items; marks the session read."""
        self.accessed = True
        return super().items()


class NullSession(SecureCookieSession):
    """The session used when sessions are unavailable (no secret key).

    Reading works and finds nothing; any change raises an error that says
    how to enable sessions.
    """

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because the application has no secret"
            " key. Set app.secret_key (or app.config['SECRET_KEY']) to a long,"
            " random, private value to use sessions."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = _fail
    update = setdefault = _fail
    __ior__ = _fail


class SessionInterface:
    """The interface for session backends; subclass it to store sessions elsewhere.

    A backend implements :meth:`open_session` and :meth:`save_session`, then
    is installed with ``app.session_interface = MyInterface()``. The other
    methods read the ``SESSION_COOKIE_*`` settings and are there to be
    reused.

    :meth:`open_session` is called the first time a request uses
    :data:`~vial.session`, possibly inside a request context pushed by a test,
    and :meth:`save_session` at the end of the request. A backend should not
    rely on being called for requests that never touch the session.
    """

    #: The class :meth:`make_null_session` instantiates.
    null_session_class: type[SessionMixin] = NullSession

    #: Whether the backend stores sessions with :mod:`pickle`. Informational,
    #: for extensions that must know what values can be stored.
    pickle_based = False

    def make_null_session(self, app: Vial) -> SessionMixin:
        """Return the session used when :meth:`open_session` returns ``None``."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Return whether ``obj`` is a null session."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Vial) -> str:
        """Return the session cookie's name, ``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: Vial) -> str | None:
        """Return the cookie's ``Domain``, ``SESSION_COOKIE_DOMAIN``.

        ``None`` (the default) makes the cookie valid for the exact host
        that set it only, not its subdomains.
        """
        return app.config["SESSION_COOKIE_DOMAIN"]  # type: ignore[no-any-return]

    def get_cookie_path(self, app: Vial) -> str:
        """Return the cookie's ``Path``, ``SESSION_COOKIE_PATH``.

        Falls back to ``APPLICATION_ROOT`` when unset.
        """
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: Vial) -> bool:
        """Return whether the cookie is ``HttpOnly``, ``SESSION_COOKIE_HTTPONLY``.

        Scripts in the page cannot read an ``HttpOnly`` cookie.
        """
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: Vial) -> bool:
        """Return whether the cookie is ``Secure``, ``SESSION_COOKIE_SECURE``.

        Browsers send a ``Secure`` cookie over HTTPS only.
        """
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: Vial) -> str | None:
        """Return the cookie's ``SameSite`` value, ``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: Vial) -> bool:
        """Return whether the cookie is ``Partitioned``, ``SESSION_COOKIE_PARTITIONED``.

        Partitioned (CHIPS) cookies are kept per top-level site, for apps
        embedded in other sites; browsers require ``Secure`` with it.
        """
        return app.config["SESSION_COOKIE_PARTITIONED"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: Vial, session: SessionMixin) -> datetime | None:
        """Return when the cookie expires, or ``None`` for a browser-session cookie.

        Only permanent sessions expire, after
        :attr:`~vial.Vial.permanent_session_lifetime`.
        """
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime

        return None

    def should_set_cookie(self, app: Vial, session: SessionMixin) -> bool:
        """Return whether :meth:`save_session` should send the cookie.

        It is sent when the session was modified, and also on every request
        for a permanent session when ``SESSION_REFRESH_EACH_REQUEST`` is on,
        which pushes its expiry forward.
        """
        return session.modified or (
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: Vial, request: Request) -> SessionMixin | None:
        """Load the session for ``request``.

        Return ``None`` when sessions cannot work (no secret key, say); the
        application then uses :meth:`make_null_session`. Bad input from the
        client must give a new, empty session, never an exception.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement open_session() to load sessions."
        )

    def save_session(
        self, app: Vial, session: SessionMixin, response: Response
    ) -> None:
        """Persist ``session`` and set or delete the cookie on ``response``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement save_session() to store sessions."
        )


#: The serializer of the default cookie sessions, shared so tags registered
#: on it apply to every application using :class:`SecureCookieSessionInterface`.
session_json_serializer = TaggedJSONSerializer()


def _add_vary_cookie(response: Response) -> None:
    # The same header response.vary.add() gives, without parsing and
    # re-serializing it in the common cases.
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers["Vary"] = "Cookie"
    elif vary != "Cookie":
        response.vary.add("Cookie")


class SecureCookieSessionInterface(SessionInterface):
    """Store the session in a cookie signed with the app's secret key.

    The user can read the cookie's contents but cannot change them without
    the signature breaking; keep secrets out of the session. The format is
    the same as Flask's, so both can share a cookie.
    """

    #: Mixed into the key derivation so the session signature cannot be
    #: replayed as another signed value made with the same secret key.
    salt = "cookie-session"

    #: The hash used for the HMAC signature. Passing hashlib's own
    #: constructor lets :mod:`hmac` use OpenSSL's implementation directly.
    digest_method = staticmethod(hashlib.sha1)

    #: How the signing key is derived from the secret key (itsdangerous).
    key_derivation = "hmac"

    #: Turns the session into the cookie's payload and back.
    serializer: t.Any = session_json_serializer

    #: The class of the sessions :meth:`open_session` returns.
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: Vial) -> URLSafeTimedSerializer | None:
        """Return the serializer that signs and verifies the cookie.

        It signs with ``SECRET_KEY`` and also accepts cookies signed with any
        key in ``SECRET_KEY_FALLBACKS``, so keys can be rotated without
        logging everyone out. Returns ``None`` without a secret key.
        """
        if not app.secret_key:
            return None

        return get_serializer(
            self.salt,
            app=app,
            digest_method=self.digest_method,
            key_derivation=self.key_derivation,
            serializer=self.serializer,
            purpose="sessions",
        )

    def open_session(self, app: Vial, request: Request) -> SecureCookieSession | None:
        """Load the session from the request's cookie.

        A missing, tampered, expired or malformed cookie gives a new, empty
        session. Returns ``None`` without a secret key.
        """
        signer = self.get_signing_serializer(app)

        if signer is None:
            return None

        value = request.cookies.get(self.get_cookie_name(app))

        if not value:
            return self.session_class()

        max_age = int(app.permanent_session_lifetime.total_seconds())

        try:
            data = signer.loads(value, max_age=max_age)
        except BadData:
            # Bad signatures, expiry and undecodable payloads alike: the
            # client gets a fresh session, never an error page.
            return self.session_class()

        if not isinstance(data, dict):
            # Validly signed but not a session (another use of the same key
            # and salt): ignore it rather than fail.
            return self.session_class()

        return self.session_class(data)

    def save_session(
        self, app: Vial, session: SessionMixin, response: Response
    ) -> None:
        """Set, refresh or delete the session cookie on ``response``."""
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)

        if session.accessed:
            _add_vary_cookie(response)

        # Emptied during this request: remove the cookie. Empty and
        # untouched: there is nothing to store.
        if not session:
            if session.modified:
                response.delete_cookie(
                    name,
                    domain=domain,
                    path=path,
                    secure=secure,
                    partitioned=partitioned,
                    samesite=samesite,
                    httponly=httponly,
                )
                _add_vary_cookie(response)

            return

        if not self.should_set_cookie(app, session):
            return

        signer = self.get_signing_serializer(app)

        if signer is None:
            # A session that is not empty exists, so the key was removed
            # during the request; nothing can be signed.
            return

        response.set_cookie(
            name,
            signer.dumps(dict(session)),
            expires=self.get_expiration_time(app, session),
            httponly=httponly,
            domain=domain,
            path=path,
            secure=secure,
            partitioned=partitioned,
            samesite=samesite,
        )
        _add_vary_cookie(response)
