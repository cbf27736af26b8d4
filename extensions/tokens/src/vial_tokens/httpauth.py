"""The base of every authentication scheme: callbacks, ``login_required``, roles.

:class:`HTTPAuth` holds what Flask-HTTPAuth's schemes share: the callbacks
an app registers (``get_password``, ``get_user_roles``, ``error_handler``),
the ``login_required`` decorator, the role check and the per-request user
(``current_user()``, ``username()``). Each scheme subclass reads its own
credentials (:meth:`HTTPAuth.read_auth`) and checks them
(:meth:`HTTPAuth.authenticate`).

The authenticated user is kept on :data:`~vial.g` as
``g.flask_httpauth_user``, the name Flask-HTTPAuth uses, so code that reads
it keeps working; a user object is also made the request's user through
:func:`vial.ext.set_request_user`, so a session extension such as vial-login
shows it as its current user for this request only.
"""

from __future__ import annotations

import functools
import inspect
import typing as t
from collections.abc import Iterable

from werkzeug.wrappers import Response as BaseResponse

from vial import make_response
from vial.ext import add_credentials_check
from vial.ext import current_app_context
from vial.ext import g
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import set_request_user

from .config import setting
from .credentials import Malformed
from .credentials import split_authorization
from .credentials import token_authorization
from .failures import auth_error
from .failures import clear_failure
from .failures import record_failure
from .failures import recorded_failure
from .signals import authentication_failed

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Authorization
    from werkzeug.datastructures import Headers

    from vial import Vial
    from vial.wrappers import Request

    from .credentials import ReadAuth
    from .failures import Reason

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: The realm of every scheme unless the app names another.
DEFAULT_REALM = "Authentication Required"

#: Where the authenticated user is kept on ``g``: Flask-HTTPAuth's name,
#: kept for code that reads it directly.
USER_ATTRIBUTE = "flask_httpauth_user"
_USERNAME_ATTRIBUTE = "_vial_tokens_username"

#: A role requirement: one role, or a sequence whose items each satisfy it,
#: an item being a role or a sequence of roles the user must all have.
RoleRequirement = str | t.Sequence[str | t.Sequence[str]] | None


def _no_password(username: str) -> None:
    return None


def _takes_status(f: t.Callable[..., t.Any]) -> bool:
    """Whether an error handler accepts the status code as an argument."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # a builtin without a signature
        return True
    try:
        signature.bind(401)
    except TypeError:
        return False
    return True


def _is_user_object(user: t.Any) -> bool:
    """Whether ``user`` is an object a session extension can show as its user.

    Verify callbacks may return ``True`` or a user name instead of an object.
    """
    return user is not None and not isinstance(user, (bool, str, bytes, int, float))


def _role_set(roles: t.Any) -> set[t.Any]:
    if roles is None:
        return set()
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        return {roles}
    return set(roles)


class ViewGuard:
    """What protects views: ``login_required`` and ``current_user()``.

    Shared by every scheme and by :class:`~vial_tokens.MultiAuth`, which
    differ only in which scheme checks a request (:meth:`select_auth`).
    """

    def select_auth(self) -> HTTPAuth:
        """Return the scheme that checks the current request."""
        raise NotImplementedError

    @t.overload
    def login_required(self, f: F) -> F: ...

    @t.overload
    def login_required(
        self,
        f: None = None,
        role: RoleRequirement = None,
        optional: bool | None = None,
    ) -> t.Callable[[F], F]: ...

    def login_required(
        self,
        f: F | None = None,
        role: RoleRequirement = None,
        optional: bool | None = None,
    ) -> F | t.Callable[[F], F]:
        """Protect a view: only requests with valid credentials reach it.

        Use it bare (``@auth.login_required``) or with arguments:
        ``@auth.login_required(role="admin")`` also requires a role (see
        :meth:`authorize`), and ``@auth.login_required(optional=True)`` lets
        requests without valid credentials through, with ``current_user()``
        ``None``. ``OPTIONS`` requests always pass, for CORS preflights.
        """
        return protect(f, role, optional, self.select_auth)

    def current_user(self) -> t.Any:
        """Return the user the verify callback returned for this request.

        The user name when the callback returned ``True``; ``None`` when the
        request was not authenticated, or outside a request.
        """
        return authenticated_user()


class HTTPAuth(ViewGuard):
    """The base class of the authentication schemes.

    Use a subclass: :class:`~vial_tokens.HTTPBasicAuth`,
    :class:`~vial_tokens.HTTPDigestAuth`, :class:`~vial_tokens.HTTPTokenAuth`
    or :class:`~vial_tokens.TokenAuth`.

    :param scheme: the scheme named in the ``WWW-Authenticate`` header.
    :param realm: the realm named there; ``"Authentication Required"`` by
        default.
    :param header: a request header to read instead of ``Authorization``.
    """

    scheme: str
    realm: str
    header: str | None

    def __init__(
        self,
        scheme: str | None = None,
        realm: str | None = None,
        header: str | None = None,
    ) -> None:
        self._init_callbacks()
        self.scheme = scheme or ""
        self.realm = realm or DEFAULT_REALM
        self.header = header

    def select_auth(self) -> HTTPAuth:
        """Return this scheme: it checks every request to its views."""
        return self

    def _init_callbacks(self) -> None:
        self.get_password_callback: t.Callable[..., t.Any] = _no_password
        self.get_user_roles_callback: t.Callable[..., t.Any] | None = None
        self.auth_error_callback: t.Callable[[int], t.Any] = self._default_error

    # Setup

    def init_app(self, app: Vial) -> None:
        """Tell other extensions that requests carrying this scheme's
        credentials are API requests.

        vial-wtf then skips its CSRF check for such requests when they carry
        no session cookie. Only do this for credentials a browser never
        sends on its own: tokens, yes; basic and digest credentials, no,
        since a browser that logged in with them sends them again with any
        request to the site, forged ones included.
        """
        add_credentials_check(app, self.carries_credentials)

    def carries_credentials(self, request: Request) -> bool:
        """Return whether ``request`` carries credentials of this scheme."""
        return self.is_compatible_auth(request.headers)

    # Callbacks

    def get_password(self, f: F) -> F:
        """Register the function that returns the stored password of a user name.

        It receives the user name and returns the password (or its hash, see
        ``hash_password``), or ``None`` for an unknown user.
        """
        self.get_password_callback = f
        return f

    def get_user_roles(self, f: F) -> F:
        """Register the function that returns the roles of an authenticated user.

        It receives what the verify callback returned (the credentials, as
        werkzeug's ``Authorization``, when that was ``True``) and returns a
        role, a collection of roles, or ``None``.
        """
        self.get_user_roles_callback = f
        return f

    def error_handler(self, f: F) -> F:
        """Register the function that answers a refused request.

        It takes the status code (401 or 403) or no argument, and returns
        anything a view may return. A body without a status gets 401, and a
        ``WWW-Authenticate`` header is added when the answer has none.
        Without a handler, the refusal is raised as a 401 or 403 that
        renders as JSON for JSON clients and as a page for browsers, so the
        app's ``errorhandler(401)`` can change it.
        """
        takes_status = _takes_status(f)

        def answer(status: int) -> BaseResponse:
            handler = get_app().ensure_sync(f)
            result = handler(status) if takes_status else handler()
            explicit_status = isinstance(result, (tuple, BaseResponse))
            response = make_response(result)
            if not explicit_status and response.status_code == 200:
                response.status_code = 401
            if "WWW-Authenticate" not in response.headers:
                response.headers["WWW-Authenticate"] = self.authenticate_header()
            return response

        self.auth_error_callback = answer
        return f

    def _default_error(self, status: int) -> t.NoReturn:
        reason: Reason = recorded_failure() or "invalid"
        if status == 403:
            reason = "forbidden"
        raise auth_error(status, reason, self.authenticate_header())

    # Reading credentials

    def authenticate_header(self) -> str:
        """Return the ``WWW-Authenticate`` header value of a refusal."""
        return f'{self.scheme} realm="{self.realm}"'

    def is_compatible_auth(self, headers: Headers) -> bool:
        """Return whether ``headers`` carry credentials of this scheme."""
        if self.header is None or self.header.lower() == "authorization":
            parts = split_authorization(headers.get("Authorization", ""))
            return parts is not None and parts[0].lower() == self.scheme.lower()
        return self.header in headers

    def max_credentials_length(self) -> int:
        """Return the longest credentials accepted, in characters."""
        limit: int = setting(get_app(), "TOKENS_MAX_CREDENTIALS_LENGTH")
        return limit

    def read_auth(self) -> ReadAuth:
        """Read this scheme's credentials from the current request.

        ``None`` when there are none for this scheme (no header, or another
        scheme), :class:`~vial_tokens.credentials.Malformed` when they cannot
        be read. This reads a token: the whole value of a custom header, or
        what follows the scheme in ``Authorization``.
        """
        if self.header is not None and self.header.lower() != "authorization":
            value = get_request().headers.get(self.header)
            if value is None:
                return None
            if len(value) > self.max_credentials_length():
                return Malformed("too_long")
            return token_authorization(self.scheme, value.strip())
        read = self.read_scheme_credentials(self.scheme)
        if read is None or isinstance(read, Malformed):
            return read
        return token_authorization(*read)

    def read_scheme_credentials(
        self, *schemes: str, header: str = "Authorization"
    ) -> tuple[str, str] | Malformed | None:
        """Read ``<scheme> <credentials>`` from a header, for one of ``schemes``.

        ``None`` when the header is missing or names another scheme (compared
        without regard to case); :class:`~vial_tokens.credentials.Malformed`
        when it is too long or has no space after the scheme.
        """
        value = get_request().headers.get(header)
        if value is None:
            return None
        if len(value) > self.max_credentials_length():
            return Malformed("too_long")
        parts = split_authorization(value)
        if parts is None:
            return Malformed("malformed")
        if parts[0].lower() not in {scheme.lower() for scheme in schemes}:
            return None
        return parts

    def get_auth(self) -> Authorization | None:
        """Return the request's credentials for this scheme, or ``None``."""
        auth = self.read_auth()
        return None if isinstance(auth, Malformed) else auth

    def get_auth_password(self, auth: Authorization | None) -> t.Any:
        """Return the stored password of the user named by ``auth``, if any."""
        if auth is None or not auth.username:
            return None
        return get_app().ensure_sync(self.get_password_callback)(auth.username)

    def authenticate(self, auth: Authorization | None, stored_password: t.Any) -> t.Any:
        """Check the credentials; return the user, ``True``, or ``None``/``False``.

        Each scheme defines it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not check credentials; use"
            " HTTPBasicAuth, HTTPDigestAuth, HTTPTokenAuth or TokenAuth."
        )

    def authorize(
        self, role: RoleRequirement, user: t.Any, auth: Authorization | None
    ) -> bool:
        """Return whether ``user`` satisfies the role requirement.

        ``role`` is one role, or a list or tuple of alternatives, each one
        role or a list or tuple of roles that are all needed:
        ``role=["admin", ("editor", "reviewer")]``.

        :raises ValueError: a role is required but no ``get_user_roles``
            callback is registered.
        """
        if role is None:
            return True
        if self.get_user_roles_callback is None:
            raise ValueError(
                f"A view requires a role, but {type(self).__name__} has no"
                " get_user_roles callback; register one with"
                " @auth.get_user_roles."
            )
        alternatives = [role] if isinstance(role, str) else list(role)
        subject = auth if user is True else user
        roles = _role_set(get_app().ensure_sync(self.get_user_roles_callback)(subject))
        for wanted in alternatives:
            if isinstance(wanted, str):
                if wanted in roles:
                    return True
            elif set(wanted) <= roles:
                return True
        return False

    # Protecting views

    def check_request(self, role: RoleRequirement, optional: bool) -> t.Any:
        """Authenticate the current request; return the refusal, or ``None``.

        What ``login_required`` does before calling the view. On success the
        user becomes ``current_user()``.
        """
        if get_request().method == "OPTIONS":
            return None
        clear_failure()
        auth = self.read_auth()
        user: t.Any = None
        if isinstance(auth, Malformed):
            record_failure(auth.reason)
            auth = None
        else:
            user = self.authenticate(auth, self.get_auth_password(auth))
        status = None
        if user is None or user is False:
            status = 401
            if recorded_failure() is None:
                record_failure("missing" if auth is None else "invalid")
        elif not self.authorize(role, user, auth):
            status = 403
            record_failure("forbidden")
        if status is not None:
            setattr(g, USER_ATTRIBUTE, None)
            if optional:
                return None
            reason = recorded_failure() or "invalid"
            authentication_failed.send(
                get_app(), auth=self, status=status, reason=reason
            )
            return self.auth_error_callback(status)
        username = auth.username if auth is not None else None
        setattr(g, USER_ATTRIBUTE, (username if user is True else user))
        setattr(g, _USERNAME_ATTRIBUTE, username or "")
        if _is_user_object(user):
            set_request_user(user)
        return None

    # The request's user

    def username(self) -> str:
        """Return the user name of this request's verified credentials.

        An empty string when the request was not authenticated, or when its
        credentials carry no user name (tokens).
        """
        if current_app_context() is None:
            return ""
        name: str = getattr(g, _USERNAME_ATTRIBUTE, "")
        return name

    def ensure_sync(self, f: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Return ``f``, or a function running it when it is a coroutine function."""
        return get_app().ensure_sync(f)


def protect(
    f: F | None,
    role: RoleRequirement,
    optional: bool | None,
    select: t.Callable[[], HTTPAuth],
) -> F | t.Callable[[F], F]:
    """Do the work of ``login_required``: wrap ``f``, or return the decorator.

    :param select: returns the scheme that checks the current request.
    """
    if f is not None and (role is not None or optional is not None):
        raise ValueError(
            "login_required takes the view, or the keyword arguments role and"
            " optional, not both; write @auth.login_required(role=...)."
        )

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def protected(*args: t.Any, **kwargs: t.Any) -> t.Any:
            refusal = select().check_request(role, bool(optional))
            if refusal is not None:
                return refusal
            return get_app().ensure_sync(view)(*args, **kwargs)

        return t.cast(F, protected)

    return decorator if f is None else decorator(f)


def authenticated_user() -> t.Any:
    """Return the user any scheme authenticated for this request, or ``None``."""
    if current_app_context() is None:
        return None
    return getattr(g, USER_ATTRIBUTE, None)
