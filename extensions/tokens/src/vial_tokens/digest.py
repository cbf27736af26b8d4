"""HTTP digest authentication (RFC 7616, MD5 and MD5-sess), with Flask-HTTPAuth's API.

The server hands out a nonce and an opaque value; the client answers with a
hash of its password, the nonce and the request. By default both values are
signed and timestamped with the app's secret key (through
:func:`vial.ext.get_serializer`, so ``SECRET_KEY_FALLBACKS`` is honoured):
any worker process of the app can check them, with no store on the server
and no session. A nonce older than ``TOKENS_DIGEST_NONCE_MAX_AGE`` is
answered with ``stale=TRUE``, and clients retry with the new one without
asking the user.

Within a nonce's lifetime, a captured request can be sent again to the same
URL with the same method (the answer covers the method and the URI, and the
URI must be the request's). Serve digest-protected views over HTTPS, or make
nonces single-use with the ``generate_nonce`` and ``verify_nonce`` hooks and
a store all workers share.
"""

from __future__ import annotations

import secrets
import typing as t
from hashlib import md5
from urllib.parse import unquote
from urllib.parse import urlsplit

from itsdangerous import BadData
from itsdangerous import SignatureExpired

from vial.ext import get_app
from vial.ext import get_request
from vial.ext import get_serializer

from .config import read_seconds
from .credentials import digest_authorization
from .credentials import Malformed
from .credentials import quote_header_value
from .credentials import same_secret
from .failures import record_failure
from .failures import recorded_failure
from .httpauth import HTTPAuth

if t.TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer
    from werkzeug.datastructures import Authorization

    from .credentials import ReadAuth
    from .httpauth import F

_NONCE_SALT = "vial-tokens.digest-nonce"
_OPAQUE_SALT = "vial-tokens.digest-opaque"
_ALGORITHMS = {"md5": "MD5", "md5-sess": "MD5-Sess"}


def _md5_hex(text: str) -> str:
    # MD5 is what the digest scheme is defined with; it is not used to
    # store anything.
    return md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return get_serializer(salt, purpose="HTTP digest authentication")


def _sign(salt: str, value: t.Any) -> str:
    """Sign ``value``; the result is hex, like the nonces clients expect."""
    return _serializer(salt).dumps(value).encode("ascii").hex()


def _unsign(salt: str, signed: str, max_age: float | None) -> t.Any:
    """Return the value of :func:`_sign`'s output.

    :raises itsdangerous.BadData: the value is not hex, is tampered, or was
        signed with another key.
    :raises itsdangerous.SignatureExpired: the value is genuine but too old;
        its ``payload`` is the value.
    """
    try:
        token = bytes.fromhex(signed).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise BadData("The value is not hex-encoded text.") from None
    serializer = _serializer(salt)
    try:
        return serializer.loads(
            token, max_age=None if max_age is None else int(max_age)
        )
    except SignatureExpired as e:
        # itsdangerous leaves the payload encoded; decode it for the caller.
        e.payload = serializer.load_payload(e.payload) if e.payload else None
        raise


class HTTPDigestAuth(HTTPAuth):
    """HTTP digest authentication: a hash of the password with each request.

    :param scheme: the scheme of the ``WWW-Authenticate`` header,
        ``"Digest"`` by default.
    :param realm: the realm; part of what the password is hashed with.
    :param use_ha1_pw: ``get_password`` returns the stored HA1 hash
        (:meth:`generate_ha1`) instead of the password, so the database
        need not hold passwords.
    :param qop: the accepted qualities of protection, a comma-separated
        string or a list: ``"auth"`` (the default), or ``None`` for the
        RFC 2069 form. ``auth-int`` is not supported.
    :param algorithm: ``"MD5"`` (the default) or ``"MD5-Sess"``.
    :raises ValueError: another algorithm.
    """

    def __init__(
        self,
        scheme: str | None = None,
        realm: str | None = None,
        use_ha1_pw: bool = False,
        qop: str | t.Sequence[str] | None = "auth",
        algorithm: str = "MD5",
    ) -> None:
        super().__init__(scheme or "Digest", realm)
        self.use_ha1_pw = use_ha1_pw
        if isinstance(qop, str):
            self.qop: list[str] | None = [part.strip() for part in qop.split(",")]
        else:
            self.qop = None if qop is None else list(qop)
        try:
            self.algorithm = _ALGORITHMS[algorithm.lower()]
        except KeyError:
            raise ValueError(
                f"The digest algorithm {algorithm!r} is not supported; use"
                " 'MD5' or 'MD5-Sess'."
            ) from None
        self.generate_nonce_callback: t.Callable[[], str] = self._new_nonce
        self.verify_nonce_callback: t.Callable[[str], t.Any] = self._check_nonce
        self.generate_opaque_callback: t.Callable[[], str] = self._new_opaque
        self.verify_opaque_callback: t.Callable[[str | None], t.Any] = (
            self._check_opaque
        )

    # Nonce and opaque hooks

    def generate_nonce(self, f: F) -> F:
        """Register the function that makes a nonce, for a store of your own.

        Register ``verify_nonce`` with it.
        """
        self.generate_nonce_callback = f
        return f

    def verify_nonce(self, f: F) -> F:
        """Register the function that checks a nonce a client sent back."""
        self.verify_nonce_callback = f
        return f

    def generate_opaque(self, f: F) -> F:
        """Register the function that makes the opaque value, for a store of your own.

        Register ``verify_opaque`` with it.
        """
        self.generate_opaque_callback = f
        return f

    def verify_opaque(self, f: F) -> F:
        """Register the function that checks the opaque value a client sent back."""
        self.verify_opaque_callback = f
        return f

    def _new_nonce(self) -> str:
        return _sign(_NONCE_SALT, [secrets.token_hex(8), self.realm])

    def _check_nonce(self, nonce: str) -> bool:
        """Check a signed nonce; an expired one is recorded as stale."""
        max_age = read_seconds(get_app(), "TOKENS_DIGEST_NONCE_MAX_AGE")
        try:
            value = _unsign(_NONCE_SALT, nonce, max_age)
        except SignatureExpired as e:
            if _nonce_realm(e.payload) == self.realm:
                record_failure("stale")
            return False
        except BadData:
            return False
        return bool(_nonce_realm(value) == self.realm)

    def _new_opaque(self) -> str:
        return _sign(_OPAQUE_SALT, secrets.token_hex(8))

    def _check_opaque(self, opaque: str | None) -> bool:
        if opaque is None:
            return False
        try:
            _unsign(_OPAQUE_SALT, opaque, None)
        except BadData:
            return False
        return True

    def get_nonce(self) -> str:
        """Return a new nonce from the ``generate_nonce`` hook."""
        nonce: str = self.ensure_sync(self.generate_nonce_callback)()
        return nonce

    def get_opaque(self) -> str:
        """Return a new opaque value from the ``generate_opaque`` hook."""
        opaque: str = self.ensure_sync(self.generate_opaque_callback)()
        return opaque

    # The scheme

    def generate_ha1(self, username: str, password: str) -> str:
        """Return the HA1 hash to store when ``use_ha1_pw`` is on."""
        return _md5_hex(f"{username}:{self.realm}:{password}")

    def authenticate_header(self) -> str:
        """Return the ``WWW-Authenticate`` value, with a new nonce and opaque value."""
        parts = [
            f"{self.scheme} realm={quote_header_value(self.realm)}",
            f"nonce={quote_header_value(self.get_nonce())}",
            f"opaque={quote_header_value(self.get_opaque())}",
        ]
        if self.qop:
            parts.append(f'algorithm="{self.algorithm}"')
            parts.append(f"qop={quote_header_value(','.join(self.qop))}")
        if recorded_failure() == "stale":
            parts.append("stale=TRUE")
        return ",".join(parts)

    def read_auth(self) -> ReadAuth:
        """Read the parameters of the request's digest credentials."""
        read = self.read_scheme_credentials("Digest", self.scheme)
        if read is None or isinstance(read, Malformed):
            return read
        auth = digest_authorization(read[1])
        return Malformed("malformed") if auth is None else auth

    def authenticate(self, auth: Authorization | None, stored_password: t.Any) -> bool:
        """Check the client's answer; ``True`` when it proves the password."""
        if auth is None or not stored_password:
            return False
        fields = (auth.username, auth.realm, auth.uri, auth.nonce, auth.response)
        if not all(fields) or auth.realm != self.realm:
            return False
        if not self._is_request_uri(auth.uri or ""):
            return False
        client_algorithm = auth.get("algorithm")
        if client_algorithm and client_algorithm.lower() != self.algorithm.lower():
            return False
        if auth.qop:
            if not self.qop or auth.qop not in self.qop or auth.qop != "auth":
                return False
            if not auth.nc or not auth.cnonce:
                return False
        if self.algorithm == "MD5-Sess" and not auth.cnonce:
            return False
        nonce_ok = self.ensure_sync(self.verify_nonce_callback)(auth.nonce)
        stale = not nonce_ok and recorded_failure() == "stale"
        if not nonce_ok and not stale:
            return False
        if not self.ensure_sync(self.verify_opaque_callback)(auth.opaque):
            return False
        if not same_secret(
            auth.response, self._expected_response(auth, stored_password)
        ):
            # Only a right answer earns the silent retry of stale=TRUE.
            record_failure("invalid")
            return False
        # A stale nonce with a right answer: the client is asked again with
        # stale=TRUE (recorded by the nonce check) and retries on its own.
        return not stale

    def _expected_response(self, auth: Authorization, stored_password: str) -> str:
        if self.use_ha1_pw:
            ha1 = stored_password
        else:
            ha1 = _md5_hex(f"{auth.username}:{auth.realm}:{stored_password}")
        if self.algorithm == "MD5-Sess":
            ha1 = _md5_hex(f"{ha1}:{auth.nonce}:{auth.cnonce}")
        ha2 = _md5_hex(f"{get_request().method}:{auth.uri}")
        if auth.qop:
            return _md5_hex(
                f"{ha1}:{auth.nonce}:{auth.nc}:{auth.cnonce}:{auth.qop}:{ha2}"
            )
        return _md5_hex(f"{ha1}:{auth.nonce}:{ha2}")

    def _is_request_uri(self, uri: str) -> bool:
        """Whether the URI the client hashed is the one it requested.

        Otherwise an answer captured for one URL could open another.
        """
        request = get_request()
        split = urlsplit(uri)
        target_path = request.script_root + request.path
        query = request.query_string.decode("latin-1")
        return unquote(split.path) == target_path and split.query == query


def _nonce_realm(value: t.Any) -> t.Any:
    if isinstance(value, list) and len(value) == 2:
        return value[1]
    return None
