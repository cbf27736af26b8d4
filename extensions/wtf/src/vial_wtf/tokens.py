"""CSRF tokens: how they are made, checked and renewed.

A token is a random raw value kept in the session (under the field name,
``csrf_token`` by default, as Flask-WTF does, so sessions stay compatible)
and signed through :func:`vial.ext.get_serializer` with Flask-WTF's salt,
``"wtf-csrf-token"``, and itsdangerous' defaults, so tokens of either
package verify in the other. A request proves it comes from the app's own
pages by sending back a signed token whose raw value matches its session's.
As in Flask-WTF, the signed token of the current request is cached in ``g``
under the field name (``g.csrf_token``).

The raw value is renewed whenever the user changes: on
:data:`vial.ext.identity_changed` (sent at every login and logout) it is
dropped from the session, so a token an attacker planted before a login
never works after it. A form rendered before the change then fails with
:data:`~vial_wtf.errors.FORM_EXPIRED`, which tells the user what to do.

The public names are re-exported by :mod:`vial_wtf.csrf`, where Flask-WTF
has them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import typing as t
from datetime import timedelta

from itsdangerous import BadData
from itsdangerous import SignatureExpired
from markupsafe import Markup
from wtforms.validators import ValidationError

from vial.ext import current_request_context
from vial.ext import g
from vial.ext import get_app
from vial.ext import get_serializer
from vial.ext import identity_changed
from vial.ext import session

from .config import get_setting
from .errors import FORM_EXPIRED

if t.TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

    from vial import Vial

#: The itsdangerous salt of CSRF tokens (Flask-WTF's, so tokens interoperate).
TOKEN_SALT = "wtf-csrf-token"

# The session key remembering which raw value the last identity change
# dropped (a digest of it), so a form made before a login is told apart
# from a forged token.
_RENEWED_KEY = "_wtf_csrf_renewed"
# For each field name, the raw value, serializer and token of the token
# cached in g: an app context (and its g) may outlive one request, so a
# cached token is reused only for the session secret and key it signs with,
# and only if nothing else replaced it.
_MARKS_ATTR = "_vial_wtf_csrf_marks"

_Key = str | bytes


def token_serializer(
    app: Vial, secret_key: _Key | None = None
) -> URLSafeTimedSerializer:
    """Return the serializer that signs and checks the app's CSRF tokens.

    :param secret_key: Sign with this key; by default ``WTF_CSRF_SECRET_KEY``,
        else ``SECRET_KEY`` (with ``SECRET_KEY_FALLBACKS`` still accepted).
    :raises RuntimeError: No key is configured.
    """
    if not secret_key:
        secret_key = get_setting(app, "WTF_CSRF_SECRET_KEY") or None
    return get_serializer(
        TOKEN_SALT,
        app=app,
        secret_key=secret_key,
        purpose="CSRF tokens (or set WTF_CSRF_SECRET_KEY, or set WTF_CSRF_ENABLED"
        " to False)",
    )


def _field_name(app: Vial, token_key: str | None) -> str:
    name = token_key or get_setting(app, "WTF_CSRF_FIELD_NAME")
    if not name:
        raise RuntimeError(
            "No CSRF field name is set. Set app.config['WTF_CSRF_FIELD_NAME'] to"
            " a name such as 'csrf_token'."
        )
    return t.cast(str, name)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def generate_csrf(secret_key: _Key | None = None, token_key: str | None = None) -> str:
    """Return a signed CSRF token for the current session.

    The raw token is created and stored in the session the first time; the
    signed token is made once per request and cached in ``g`` under the
    field name (``g.csrf_token``), as Flask-WTF does.

    :param secret_key: The key to sign with; defaults to
        ``WTF_CSRF_SECRET_KEY``, then ``SECRET_KEY``.
    :param token_key: The session key of the raw token; defaults to
        ``WTF_CSRF_FIELD_NAME``.
    :raises RuntimeError: No secret key is configured.
    """
    app = get_app()
    serializer = token_serializer(app, secret_key)
    field_name = _field_name(app, token_key)
    raw = session.get(field_name)
    if not isinstance(raw, str) or not raw:
        raw = secrets.token_hex(20)
        session[field_name] = raw
    marks: dict[str, tuple[str, URLSafeTimedSerializer, str]] = g.setdefault(
        _MARKS_ATTR, {}
    )
    token = g.get(field_name)
    if marks.get(field_name) != (raw, serializer, token):
        token = serializer.dumps(raw)
        setattr(g, field_name, token)
        marks[field_name] = (raw, serializer, token)
    return t.cast(str, token)


def _signed_value(
    serializer: URLSafeTimedSerializer, data: t.Any, time_limit: int | None
) -> t.Any:
    """Return what ``data`` signs, or ``None`` if it is not a valid token."""
    if not isinstance(data, (str, bytes)):
        return None
    try:
        return serializer.loads(data, max_age=time_limit)
    except BadData:
        return None


def validate_csrf(
    data: str | bytes | None,
    secret_key: _Key | None = None,
    time_limit: int | timedelta | None = None,
    token_key: str | None = None,
) -> None:
    """Check a signed CSRF token against the current session.

    :param data: The signed token the client sent.
    :param secret_key: The key it was signed with; defaults to
        ``WTF_CSRF_SECRET_KEY``, then ``SECRET_KEY``.
    :param time_limit: Its lifetime in seconds; defaults to
        ``WTF_CSRF_TIME_LIMIT``, where ``None`` means no limit.
    :param token_key: The session key of the raw token; defaults to
        ``WTF_CSRF_FIELD_NAME``.
    :raises wtforms.validators.ValidationError: The token is missing,
        expired, forged, from another session, or made for a session secret
        renewed since (a login or logout came in between); the message says
        which.
    :raises RuntimeError: No secret key is configured.
    """
    app = get_app()
    serializer = token_serializer(app, secret_key)
    field_name = _field_name(app, token_key)
    if time_limit is None:
        time_limit = get_setting(app, "WTF_CSRF_TIME_LIMIT")
    if isinstance(time_limit, timedelta):
        time_limit = int(time_limit.total_seconds())

    if not data:
        raise ValidationError("The CSRF token is missing.")
    raw = session.get(field_name)
    if not isinstance(raw, str) or not raw:
        # A token this app signed, for a session whose secret is gone: the
        # user logged in or out since, or the session ended.
        if _signed_value(serializer, data, time_limit) is not None:
            raise ValidationError(FORM_EXPIRED)
        raise ValidationError("The CSRF session token is missing.")
    if not isinstance(data, (str, bytes)):
        raise ValidationError("The CSRF token is invalid.")
    try:
        token = serializer.loads(data, max_age=time_limit)
    except SignatureExpired:
        raise ValidationError("The CSRF token has expired.") from None
    except BadData:
        raise ValidationError("The CSRF token is invalid.") from None
    if not isinstance(token, str):
        raise ValidationError("The CSRF tokens do not match.")
    if hmac.compare_digest(token.encode(), raw.encode()):
        return
    renewed = session.get(_RENEWED_KEY)
    if isinstance(renewed, str) and hmac.compare_digest(
        renewed.encode(), _digest(token).encode()
    ):
        raise ValidationError(FORM_EXPIRED)
    raise ValidationError("The CSRF tokens do not match.")


def csrf_meta_tag(
    name: str | None = None,
    secret_key: _Key | None = None,
    token_key: str | None = None,
) -> Markup:
    """Return a ``<meta>`` tag holding the CSRF token, for scripts to send back.

    Scripts read it with
    ``document.querySelector('meta[name="csrf-token"]').content`` and send it
    in the ``X-CSRFToken`` header. Templates have it as ``csrf_meta_tag()``.

    :param name: The tag's ``name``; defaults to ``WTF_CSRF_META_NAME``.
    :param secret_key: Passed on to :func:`generate_csrf`.
    :param token_key: Passed on to :func:`generate_csrf`.
    """
    if name is None:
        name = get_setting(get_app(), "WTF_CSRF_META_NAME")
    token = generate_csrf(secret_key=secret_key, token_key=token_key)
    return Markup('<meta name="{}" content="{}">').format(name, token)


def _renew_secret(sender: t.Any, **extra: t.Any) -> None:
    """Drop the session's raw token when the user changes (a login or logout).

    Connected to :data:`vial.ext.identity_changed` for every app: the next
    token is made from a new secret, and forms made before say they expired.
    """
    ctx = current_request_context()
    if ctx is None:
        return
    field_name = get_setting(ctx.app, "WTF_CSRF_FIELD_NAME")
    if not field_name:
        return
    if field_name in session:
        raw = session.pop(field_name)
        if isinstance(raw, str) and raw:
            session[_RENEWED_KEY] = _digest(raw)
    g.pop(field_name, None)
    marks = g.get(_MARKS_ATTR)
    if marks:
        marks.pop(field_name, None)


identity_changed.connect(_renew_secret)
