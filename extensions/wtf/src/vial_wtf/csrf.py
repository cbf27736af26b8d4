"""CSRF protection: signed tokens, their check, and :class:`CSRFProtect`.

A token is a random raw value kept in the session (under the field name,
``csrf_token`` by default, as Flask-WTF does, so sessions stay compatible)
and signed with itsdangerous, salt ``"wtf-csrf-token"``, with a timestamp
so it expires. A request proves it comes from the app's own pages by sending
back a signed token whose raw value matches its session's.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import typing as t
from datetime import timedelta
from urllib.parse import urlsplit

from itsdangerous import BadData
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from vial import Blueprint
from vial import current_app
from vial import g
from vial import request
from vial import session

from .config import get_setting
from .config import OPTIONS
from .errors import NegotiatedBadRequest

if t.TYPE_CHECKING:
    from wtforms.csrf.core import CSRFTokenField
    from wtforms.fields.core import UnboundField
    from wtforms.form import BaseForm
    from wtforms.meta import DefaultMeta

    from vial import Vial

#: The key of :class:`CSRFProtect` in ``app.extensions``.
EXTENSION_KEY = "csrf"

#: The itsdangerous salt of CSRF tokens (Flask-WTF's, so tokens interoperate).
TOKEN_SALT = "wtf-csrf-token"

# The per-request token cache lives on ``g``, prefixed to stay clear of the
# app's names.
_TOKENS_ATTR = "_vial_wtf_csrf_tokens"
# The mark that CSRFProtect passed the request lives in the request's WSGI
# environ: ``g`` belongs to the app context, which several request contexts
# may share (a test's or a CLI command's pushed app context).
_VALID_KEY = "vial_wtf.csrf_valid"

logger = logging.getLogger("vial_wtf.csrf")

_Key = str | bytes
_ViewT = t.TypeVar("_ViewT", bound=t.Callable[..., t.Any] | str | Blueprint)


class CSRFError(NegotiatedBadRequest):
    """A request failed the CSRF check: a 400 error whose
    :attr:`description` says why.

    Handle it with ``@app.errorhandler(CSRFError)``; without a handler a JSON
    client gets ``{"code": 400, "name": "Bad Request", "error": <reason>}``
    and a browser an HTML error page.
    """

    description = "CSRF validation failed."


def _current_app() -> Vial:
    # The real object, so repeated config reads skip the proxy.
    return current_app._get_current_object()  # type: ignore[attr-defined, no-any-return]


def _signing_keys(app: Vial, secret_key: _Key | None) -> tuple[_Key, ...]:
    """Return the keys that verify tokens, the signing key last."""
    if secret_key:
        return (secret_key,)
    own_key = get_setting(app, "WTF_CSRF_SECRET_KEY")
    if own_key:
        return (own_key,)
    app_key = app.secret_key
    if not app_key:
        raise RuntimeError(
            "No secret key is set to sign CSRF tokens. Set"
            " app.config['SECRET_KEY'] (or app.config['WTF_CSRF_SECRET_KEY']) to"
            " a long random value, or set WTF_CSRF_ENABLED to False."
        )
    # Tokens signed before SECRET_KEY was rotated stay valid, as sessions do.
    fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or ()
    return (*fallbacks, app_key)


def _field_name(app: Vial, token_key: str | None) -> str:
    name = token_key or get_setting(app, "WTF_CSRF_FIELD_NAME")
    if not name:
        raise RuntimeError(
            "No CSRF field name is set. Set app.config['WTF_CSRF_FIELD_NAME'] to"
            " a name such as 'csrf_token'."
        )
    return t.cast(str, name)


def _serializer(keys: tuple[_Key, ...]) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and verifies with any of them; it
    # takes str and bytes keys mixed, though its annotation says otherwise.
    return URLSafeTimedSerializer(t.cast(t.Any, list(keys)), salt=TOKEN_SALT)


def generate_csrf(secret_key: _Key | None = None, token_key: str | None = None) -> str:
    """Return a signed CSRF token for the current session.

    The raw token is created and stored in the session the first time; the
    signed token is made once per request and reused.

    :param secret_key: The key to sign with; defaults to
        ``WTF_CSRF_SECRET_KEY``, then ``SECRET_KEY``.
    :param token_key: The session key of the raw token; defaults to
        ``WTF_CSRF_FIELD_NAME``.
    :raises RuntimeError: No secret key is configured.
    """
    app = _current_app()
    keys = _signing_keys(app, secret_key)
    field_name = _field_name(app, token_key)
    raw = session.get(field_name)
    if not isinstance(raw, str) or not raw:
        raw = secrets.token_hex(20)
        session[field_name] = raw
    cache: dict[tuple[str, tuple[_Key, ...], str], str] | None = g.get(_TOKENS_ATTR)
    if cache is None:
        cache = {}
        setattr(g, _TOKENS_ATTR, cache)
    # The raw value is part of the key: ``g`` belongs to the app context,
    # which several request contexts (with other sessions) may share.
    cache_key = (field_name, keys, raw)
    token = cache.get(cache_key)
    if token is None:
        token = _serializer(keys).dumps(raw)
        cache[cache_key] = token
    return token


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
        expired, forged or from another session; the message says which.
    :raises RuntimeError: No secret key is configured.
    """
    app = _current_app()
    keys = _signing_keys(app, secret_key)
    field_name = _field_name(app, token_key)
    if time_limit is None:
        time_limit = get_setting(app, "WTF_CSRF_TIME_LIMIT")
    if isinstance(time_limit, timedelta):
        time_limit = int(time_limit.total_seconds())

    if not data:
        raise ValidationError("The CSRF token is missing.")
    raw = session.get(field_name)
    if not raw:
        raise ValidationError("The CSRF session token is missing.")
    if not isinstance(data, (str, bytes)):
        raise ValidationError("The CSRF token is invalid.")
    try:
        token = _serializer(keys).loads(data, max_age=time_limit)
    except SignatureExpired:
        raise ValidationError("The CSRF token has expired.")
    except BadData:
        raise ValidationError("The CSRF token is invalid.")
    if not (
        isinstance(token, str)
        and isinstance(raw, str)
        and hmac.compare_digest(token.encode(), raw.encode())
    ):
        raise ValidationError("The CSRF tokens do not match.")


class _FormCSRF(CSRF):
    """The WTForms CSRF implementation of :class:`~vial_wtf.VialForm`."""

    meta: DefaultMeta

    def setup_form(self, form: BaseForm) -> list[tuple[str, UnboundField[t.Any]]]:
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field: CSRFTokenField) -> str:
        return generate_csrf(
            secret_key=self.meta.csrf_secret, token_key=self.meta.csrf_field_name
        )

    def validate_csrf_token(self, form: BaseForm, field: CSRFTokenField) -> None:
        # CSRFProtect already checked this request; a JSON or AJAX request
        # may have sent its token in a header, not in the form.
        if request.environ.get(_VALID_KEY, False):
            return
        try:
            validate_csrf(
                field.data,
                secret_key=self.meta.csrf_secret,
                time_limit=self.meta.csrf_time_limit,
                token_key=self.meta.csrf_field_name,
            )
        except ValidationError as e:
            logger.info("Form CSRF check failed: %s", e.args[0])
            raise


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, parts.hostname, port


def _same_origin(url: str, other: str) -> bool:
    try:
        return _origin(url) == _origin(other)
    except ValueError:
        # A malformed URL, such as a port that is not a number.
        return False


class CSRFProtect:
    """CSRF protection for every state-changing request of one or more apps.

    Every request whose method is in ``WTF_CSRF_METHODS`` must carry a valid
    token, in the form field ``WTF_CSRF_FIELD_NAME`` or in one of the
    ``WTF_CSRF_HEADERS`` (for JSON and AJAX requests); otherwise it fails
    with :class:`CSRFError`. Templates get a ``csrf_token()`` global.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    """

    def __init__(self, app: Vial | None = None) -> None:
        # What exempt() registers is a setting of this object, shared by
        # every app it serves, like a view decorator.
        self._exempt_views: set[str] = set()
        self._exempt_blueprints: list[Blueprint] = []
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Vial) -> None:
        """Set CSRF protection up on ``app``.

        :raises RuntimeError: It is already set up on ``app``, or CSRF is
            enabled and no secret key is configured.
        """
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                "CSRFProtect is already set up on this app; call CSRFProtect(app)"
                " or csrf.init_app(app) only once per app."
            )
        OPTIONS.apply(app)
        if app.config["WTF_CSRF_ENABLED"]:
            _signing_keys(app, None)
        # Hooks first: if the app refuses them (it has served requests
        # already), it must not look protected.
        app.add_template_global(generate_csrf, "csrf_token")
        app.before_request(self._check_request)
        app.extensions[EXTENSION_KEY] = self

    def exempt(self, view: _ViewT) -> _ViewT:
        """Exclude a view or a blueprint from the automatic check.

        Use it as a decorator on a view function, or call it with a
        :class:`~vial.Blueprint` (which exempts its nested blueprints too),
        an endpoint name (``"api.webhook"``) or a view's dotted import path
        (``"myapp.views.webhook"``). Returns its argument unchanged.
        """
        if isinstance(view, Blueprint):
            self._exempt_blueprints.append(view)
        elif isinstance(view, str):
            self._exempt_views.add(view)
        else:
            self._exempt_views.add(f"{view.__module__}.{view.__name__}")
        return view

    def _is_exempt(self, app: Vial) -> bool:
        for name in request.blueprints:
            blueprint = app.blueprints.get(name)
            if any(blueprint is exempt for exempt in self._exempt_blueprints):
                return True
        endpoint = request.endpoint
        if endpoint in self._exempt_views:
            return True
        view = app.view_functions.get(endpoint) if endpoint else None
        if view is None:
            return False
        location = f"{view.__module__}.{getattr(view, '__name__', '')}"
        return location in self._exempt_views

    def _check_request(self) -> None:
        app = _current_app()
        config = app.config
        if not config["WTF_CSRF_ENABLED"] or not config["WTF_CSRF_CHECK_DEFAULT"]:
            return
        if not _is_checked_method(config["WTF_CSRF_METHODS"]):
            return
        # Routing failed (404, 405): there is no view to protect.
        if not request.endpoint:
            return
        if self._is_exempt(app):
            return
        self.protect()

    def protect(self) -> None:
        """Check the current request's CSRF token (and, on HTTPS, its
        referrer).

        Call it from views or hooks when ``WTF_CSRF_CHECK_DEFAULT`` is False.
        Requests whose method is not in ``WTF_CSRF_METHODS`` pass, and so
        does everything when ``WTF_CSRF_ENABLED`` is False.

        :raises CSRFError: The check failed; its description says why.
        """
        app = _current_app()
        if not get_setting(app, "WTF_CSRF_ENABLED"):
            return
        if not _is_checked_method(get_setting(app, "WTF_CSRF_METHODS")):
            return
        try:
            validate_csrf(self._get_csrf_token(app))
        except ValidationError as e:
            self._error_response(e.args[0])

        if request.is_secure and get_setting(app, "WTF_CSRF_SSL_STRICT"):
            referrer = request.referrer
            if not referrer:
                self._error_response("The referrer header is missing.")
            if not _same_origin(referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")

        request.environ[_VALID_KEY] = True

    def _get_csrf_token(self, app: Vial) -> str | None:
        field_name = get_setting(app, "WTF_CSRF_FIELD_NAME")
        form = request.form
        token = form.get(field_name)
        if token:
            return token
        # Forms with a prefix name the field "<prefix>-csrf_token".
        for key in form:
            if key.endswith(field_name):
                token = form[key]
                if token:
                    return token
        for header in get_setting(app, "WTF_CSRF_HEADERS"):
            token = request.headers.get(header)
            if token:
                return token
        return None

    def _error_response(self, reason: str) -> t.NoReturn:
        logger.info("CSRF check failed: %s", reason)
        raise CSRFError(reason)


def _is_checked_method(methods: t.Iterable[str]) -> bool:
    """Whether the request's method is one ``WTF_CSRF_METHODS`` protects.

    Method names are compared case-insensitively: ``["post"]`` in the config
    must not switch protection off.
    """
    method = request.method
    return any(method == name.upper() for name in methods)
