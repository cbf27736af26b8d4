"""HTTP basic authentication (RFC 7617), with Flask-HTTPAuth's API.

.. code-block:: python

    auth = HTTPBasicAuth()

    @auth.verify_password
    def verify_password(username: str, password: str) -> User | None:
        user = User.find(username)
        if user is not None and passwords.verify(password, user.password_hash):
            return user
        return None

    @app.get("/api/me")
    @auth.login_required
    def me():
        return {"name": auth.current_user().name}

Credentials that cannot be read (no space after the scheme, bad base64, no
colon, a value over ``TOKENS_MAX_CREDENTIALS_LENGTH``) are refused with a
401 before any callback runs. Bytes that are not UTF-8 are read as Latin-1,
as older clients send them.
"""

from __future__ import annotations

import inspect
import typing as t

from vial.ext import get_app

from .credentials import basic_authorization
from .credentials import decode_basic
from .credentials import Malformed
from .credentials import same_secret
from .credentials import split_authorization
from .httpauth import HTTPAuth

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Authorization
    from werkzeug.datastructures import Headers

    from .credentials import ReadAuth
    from .httpauth import F


class HTTPBasicAuth(HTTPAuth):
    """HTTP basic authentication: a user name and a password with each request.

    :param scheme: the scheme of the ``WWW-Authenticate`` header, ``"Basic"``
        by default. Another name (``"xBasic"``) keeps browsers from showing
        their login dialog; clients may still send ``Basic`` credentials.
    :param realm: the realm of the ``WWW-Authenticate`` header.

    Register either ``verify_password`` (recommended), or ``get_password``
    and, for stored hashes, ``hash_password``.
    """

    def __init__(self, scheme: str | None = None, realm: str | None = None) -> None:
        super().__init__(scheme or "Basic", realm)
        self.hash_password_callback: t.Callable[..., t.Any] | None = None
        self.verify_password_callback: t.Callable[..., t.Any] | None = None
        self._hash_takes_username = False

    def verify_password(self, f: F) -> F:
        """Register the function that checks a user name and password.

        It receives both and returns the user (or ``True``) when they are
        right, ``None`` or ``False`` otherwise. It is also called with two
        empty strings when the request has no credentials, so it may let
        anonymous users in by returning something true. When it is
        registered, ``get_password`` and ``hash_password`` are not used.
        """
        self.verify_password_callback = f
        return f

    def hash_password(self, f: F) -> F:
        """Register the function that hashes the password a client sent.

        It receives the password, or the user name and the password, and
        returns what ``get_password`` returns for the right password; the
        two are compared in constant time.
        """
        self.hash_password_callback = f
        self._hash_takes_username = _takes_two_arguments(f)
        return f

    def is_compatible_auth(self, headers: Headers) -> bool:
        """Return whether ``headers`` carry basic credentials."""
        parts = split_authorization(headers.get("Authorization", ""))
        return parts is not None and parts[0].lower() in {"basic", self.scheme.lower()}

    def read_auth(self) -> ReadAuth:
        """Read and decode the request's basic credentials."""
        read = self.read_scheme_credentials(
            "Basic", self.scheme, header=self.header or "Authorization"
        )
        if read is None or isinstance(read, Malformed):
            return read
        decoded = decode_basic(read[1])
        if decoded is None:
            return Malformed("malformed")
        return basic_authorization(*decoded)

    def authenticate(self, auth: Authorization | None, stored_password: t.Any) -> t.Any:
        """Check the user name and password; return the user, or ``None``."""
        username, password = "", ""
        if auth is not None:
            username, password = auth.username or "", auth.password or ""
        app = get_app()
        if self.verify_password_callback is not None:
            return app.ensure_sync(self.verify_password_callback)(username, password)
        if auth is None:
            return None
        client_password: t.Any = password
        if self.hash_password_callback is not None:
            hash_password = app.ensure_sync(self.hash_password_callback)
            if self._hash_takes_username:
                client_password = hash_password(username, password)
            else:
                client_password = hash_password(password)
        if same_secret(client_password, stored_password):
            return username
        return None


def _takes_two_arguments(f: t.Callable[..., t.Any]) -> bool:
    """Whether a ``hash_password`` callback takes the user name too."""
    try:
        inspect.signature(f).bind("user", "password")
    except (TypeError, ValueError):  # ValueError: a builtin without a signature
        return False
    return True
