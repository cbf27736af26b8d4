"""CSRF protection: :class:`CSRFProtect`, and the CSRF field of forms.

:class:`CSRFProtect` checks the token of every state-changing request (see
:mod:`vial_wtf.tokens` for the tokens themselves, whose public names this
module re-exports, where Flask-WTF has them). A request that passed the
check sets ``g.csrf_valid``, as in Flask-WTF, and a form's own CSRF field
honours it: other extensions (Flask-Security) set it to say that CSRF was
checked already or is not needed for the request.
"""

from __future__ import annotations

import logging
import typing as t
from urllib.parse import urlsplit

from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from vial import Blueprint
from vial.ext import current_app_context
from vial.ext import current_request_context
from vial.ext import g
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import has_api_credentials
from vial.ext import request

from .config import get_setting
from .config import OPTIONS
from .errors import CSRFError as CSRFError
from .state import CSRFState
from .state import STATE
from .tokens import csrf_meta_tag as csrf_meta_tag
from .tokens import generate_csrf as generate_csrf
from .tokens import TOKEN_SALT as TOKEN_SALT
from .tokens import token_serializer
from .tokens import validate_csrf as validate_csrf

if t.TYPE_CHECKING:
    from wtforms.csrf.core import CSRFTokenField
    from wtforms.fields.core import UnboundField
    from wtforms.form import BaseForm
    from wtforms.meta import DefaultMeta

    from vial import Vial

# The request (its environ) whose check set g.csrf_valid: a test's or CLI
# command's app context is shared by the requests made inside it, and the
# flag of one must not let the next skip its check.
_VALID_FOR_ATTR = "_vial_wtf_csrf_valid_for"

#: Where failed checks are logged, at INFO level, with the reason alone.
logger = logging.getLogger("vial_wtf.csrf")

_ViewT = t.TypeVar("_ViewT", bound=t.Callable[..., t.Any] | str | Blueprint)


def _mark_checked() -> None:
    """Record that this request needs no further CSRF check, as Flask-WTF does."""
    g.csrf_valid = True
    setattr(g, _VALID_FOR_ATTR, get_request().environ)


def _checked_already() -> bool:
    """Whether ``g.csrf_valid`` says this request's CSRF was checked or is
    not needed (set by :class:`CSRFProtect` or another extension)."""
    if not g.get("csrf_valid", False):
        return False
    owner = g.get(_VALID_FOR_ATTR)
    return owner is None or owner is get_request().environ


def _carries_api_credentials(app: Vial) -> bool:
    """Whether the request authenticates without cookies, so it cannot be
    forged by another site.

    A request that carries token or basic credentials (as
    :func:`vial.ext.has_api_credentials` reports) and no session or
    remember-me cookie. One with such a cookie is checked as usual, so a
    browser cannot be led into an authenticated write by adding a header.
    """
    if not has_api_credentials():
        return False
    cookies = get_request().cookies
    names = (
        app.session_interface.get_cookie_name(app),
        app.config.get("REMEMBER_COOKIE_NAME"),
    )
    return not any(name and name in cookies for name in names)


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
        # CSRFProtect (or another extension) checked this request already;
        # a JSON or AJAX request may have sent its token in a header.
        if _checked_already() or _carries_api_credentials(get_app()):
            return
        try:
            validate_csrf(
                field.data,
                self.meta.csrf_secret,
                self.meta.csrf_time_limit,
                self.meta.csrf_field_name,
            )
        except ValidationError as e:
            logger.info(e.args[0])
            raise


#: Flask-WTF's name for the form CSRF class, for code that imports it.
_FlaskFormCSRF = _FormCSRF


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, parts.hostname, port


def same_origin(current_uri: str, compare_uri: str) -> bool:
    """Return whether two URLs have the same scheme, host and port.

    A port left out counts as the scheme's default; a malformed URL matches
    nothing.
    """
    try:
        return _origin(current_uri) == _origin(compare_uri)
    except ValueError:
        return False


def _is_checked_method(methods: t.Iterable[str], method: str) -> bool:
    """Whether ``method`` is one ``WTF_CSRF_METHODS`` protects.

    Method names are compared case-insensitively: ``["post"]`` in the config
    must not switch protection off.
    """
    return any(name.upper() == method for name in methods)


def _check_request() -> None:
    """The ``before_request`` hook :meth:`CSRFProtect.init_app` installs.

    It runs for every request, so it reads the contexts directly, and lets a
    request whose method is not checked through without calling ``protect``.
    """
    request_ctx = current_request_context()
    app_ctx = current_app_context()
    if request_ctx is None or app_ctx is None:
        return
    environ = request_ctx.request.environ
    # Forget a mark that an earlier request's check left in a shared app
    # context, so a flag another extension sets for this request counts.
    app_globals = app_ctx.g
    owner = getattr(app_globals, _VALID_FOR_ATTR, None)
    if owner is not None and owner is not environ:
        app_globals.pop("csrf_valid", None)
        app_globals.pop(_VALID_FOR_ATTR, None)
    app = request_ctx.app
    config = app.config
    if not config["WTF_CSRF_ENABLED"] or not config["WTF_CSRF_CHECK_DEFAULT"]:
        return
    if not _is_checked_method(config["WTF_CSRF_METHODS"], request_ctx.request.method):
        return
    STATE.get(app).protect(apply_exemptions=True)


class CSRFProtect:
    """CSRF protection for every state-changing request of one or more apps.

    Every request whose method is in ``WTF_CSRF_METHODS`` must carry a valid
    token, in the form field ``WTF_CSRF_FIELD_NAME`` or in one of the
    ``WTF_CSRF_HEADERS`` (for JSON and AJAX requests); otherwise it fails
    with :class:`CSRFError`. Templates get the ``csrf_token()`` and
    ``csrf_meta_tag()`` globals.

    A request that authenticates with an API token or HTTP basic auth and
    carries no session cookie is not checked (see
    :func:`vial.ext.has_api_credentials`): another site cannot make a
    browser send it.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    """

    def __init__(self, app: Vial | None = None) -> None:
        # What exempt() registers is a setting of this object, shared by
        # every app it serves, like a view decorator.
        self._exempt_views: set[str] = set()
        self._exempt_blueprints: set[Blueprint] = set()
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self._exempt_views)} exempt views>"

    def init_app(self, app: Vial) -> None:
        """Set CSRF protection up on ``app``.

        Setting up a second ``CSRFProtect`` on the same app replaces the
        first, as in Flask-WTF: its exemptions apply from then on.

        :raises RuntimeError: CSRF is enabled and no secret key is configured.
        """
        OPTIONS.apply(app)
        if app.config["WTF_CSRF_ENABLED"]:
            token_serializer(app)
        if not STATE.is_registered(app):
            # Hooks first: if the app refuses them (it has served requests
            # already), it must not look protected.
            app.add_template_global(generate_csrf, "csrf_token")
            app.add_template_global(csrf_meta_tag, "csrf_meta_tag")
            app.before_request(_check_request)
        STATE.register(app, CSRFState(self))

    def exempt(self, view: _ViewT) -> _ViewT:
        """Exclude a view or a blueprint from the automatic check.

        Use it as a decorator on a view function, or call it with a
        :class:`~vial.Blueprint` (which exempts its nested blueprints too),
        an endpoint name (``"api.webhook"``) or a view's dotted import path
        (``"myapp.views.webhook"``). Returns its argument unchanged.
        """
        if isinstance(view, Blueprint):
            self._exempt_blueprints.add(view)
        elif isinstance(view, str):
            self._exempt_views.add(view)
        else:
            self._exempt_views.add(f"{view.__module__}.{view.__name__}")
        return view

    def _is_exempt(self) -> bool:
        app = get_app()
        for name in request.blueprints:
            if app.blueprints.get(name) in self._exempt_blueprints:
                return True
        endpoint = request.endpoint
        if endpoint in self._exempt_views:
            return True
        view = app.view_functions.get(endpoint) if endpoint else None
        if view is None:
            return False
        location = f"{view.__module__}.{getattr(view, '__name__', '')}"
        return location in self._exempt_views

    def protect(self, apply_exemptions: bool = False) -> None:
        """Check the current request's CSRF token (and, on HTTPS, its
        referrer).

        Call it from views or hooks when ``WTF_CSRF_CHECK_DEFAULT`` is False.
        Requests whose method is not in ``WTF_CSRF_METHODS`` pass, and so
        does everything when ``WTF_CSRF_ENABLED`` is False. A request that
        passes sets ``g.csrf_valid``, so forms skip their own check.

        :param apply_exemptions: Let the views and blueprints passed to
            :meth:`exempt` (and unrouted requests) through, as the automatic
            check does.
        :raises CSRFError: The check failed; its description says why.
        """
        app = get_app()
        if not get_setting(app, "WTF_CSRF_ENABLED"):
            return
        if not _is_checked_method(get_setting(app, "WTF_CSRF_METHODS"), request.method):
            return
        # Routing failed (404, 405): there is no view to protect.
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if _carries_api_credentials(app):
            _mark_checked()
            return
        try:
            validate_csrf(self._get_csrf_token())
        except ValidationError as e:
            self._error_response(e.args[0])

        if request.is_secure and get_setting(app, "WTF_CSRF_SSL_STRICT"):
            referrer = request.referrer
            if not referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")

        _mark_checked()

    def _get_csrf_token(self) -> str | None:
        app = get_app()
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
        logger.info(reason)
        raise CSRFError(reason)
