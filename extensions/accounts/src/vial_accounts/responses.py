"""How the account views answer: a page for browsers, JSON for JSON clients.

A client that sends JSON, or prefers ``application/json`` (vial's
:func:`~vial.ext.wants_json`), gets Flask-Security's JSON shape::

    {"meta": {"code": 400},
     "response": {"errors": ["..."], "field_errors": {"email": ["..."]}}}

with the HTTP status equal to ``meta.code``; a successful answer has the
view's data under ``response``. Browsers get the view's template (which an
app overrides with its own ``accounts/<name>.html``), and a redirect with a
flashed message after each successful submission.

**CSRF.** Every form carries vial-wtf's CSRF field. A JSON request with no
session cookie needs no token: it has no session to ride on, and a browser
cannot send a JSON body to another site without that site's consent
(CORS). One with the session cookie sends the token in the body
(``csrf_token``) or in the ``X-CSRFToken`` header. A form whose token fails
(most often a page left open while the user logged in or out in another
tab, which renews the session's CSRF secret) is answered with 400 and
:data:`FORM_EXPIRED`, on the same page with a fresh token: never a silent
redirect.

The forms that ask for an e-mail about an address (a reset link, the
confirmation link again) share one flow, :func:`email_request`: rate limit,
lookup, the e-mail when the account wants one, and the same answer for
every address unless generic answers are off.
"""

from __future__ import annotations

import typing as t

from wtforms.validators import ValidationError

from vial import flash
from vial import jsonify
from vial import redirect
from vial import render_template
from vial import url_for
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import is_safe_redirect_url
from vial.ext import wants_json
from vial_wtf import generate_csrf
from vial_wtf import validate_csrf

from .forms import EmailForm
from .forms import text
from .lockout import check_rate_limit
from .lockout import TooManyAttempts
from .state import get_datastore

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from vial_wtf import VialForm

F = t.TypeVar("F", bound="VialForm")

#: What a form whose CSRF token failed says.
FORM_EXPIRED = "The form has expired; reload the page and try again."

#: The header a JSON client with a session cookie may send its token in.
CSRF_HEADER = "X-CSRFToken"

#: The field of vial-wtf's CSRF token.
CSRF_FIELD = "csrf_token"


def _has_session_cookie() -> bool:
    app = get_app()
    cookies = get_request().cookies
    names = (
        app.session_interface.get_cookie_name(app),
        app.config.get("REMEMBER_COOKIE_NAME"),
    )
    return any(name and name in cookies for name in names)


def make_form(form_class: type[F], **kwargs: t.Any) -> F:
    """Return ``form_class`` filled from the request, with the CSRF rule above."""
    request = get_request()
    if request.method == "POST" and request.is_json:
        if not _has_session_cookie():
            return form_class(meta={"csrf": False}, **kwargs)
        token = request.headers.get(CSRF_HEADER)
        if token:
            try:
                validate_csrf(token)
            except ValidationError:
                pass  # the form checks its own field, and fails
            else:
                return form_class(meta={"csrf": False}, **kwargs)
    return form_class(**kwargs)


def csrf_failed(form: VialForm) -> bool:
    """Return whether ``form`` failed its CSRF check."""
    return CSRF_FIELD in form.errors


def json_answer(
    code: int,
    response: t.Mapping[str, t.Any] | None = None,
    headers: t.Mapping[str, str] | None = None,
) -> Response:
    """Return ``{"meta": {"code": code}, "response": response}`` with that status."""
    answer = jsonify({"meta": {"code": code}, "response": dict(response or {})})
    answer.status_code = code
    for name, value in (headers or {}).items():
        answer.headers[name] = value
    return answer


def form_errors(
    form: VialForm | None, errors: t.Iterable[str] = ()
) -> tuple[list[str], dict[str, list[str]]]:
    """Return the form-wide messages and the messages of each field.

    A failed CSRF check becomes :data:`FORM_EXPIRED`, a form-wide message.
    """
    messages = list(errors)
    fields: dict[str, list[str]] = {}
    if form is not None:
        for name, field_messages in form.errors.items():
            if name == CSRF_FIELD:
                if FORM_EXPIRED not in messages:
                    messages.insert(0, FORM_EXPIRED)
            else:
                fields[name] = [str(m) for m in field_messages]
    return messages, fields


def answer(
    template: str,
    *,
    form: VialForm | None = None,
    status: int = 200,
    errors: t.Iterable[str] = (),
    data: t.Mapping[str, t.Any] | None = None,
    headers: t.Mapping[str, str] | None = None,
    **context: t.Any,
) -> Response | tuple[str, int, dict[str, str]]:
    """Answer a view: the page ``accounts/<template>`` or the JSON shape.

    :param form: the view's form, rendered on the page; its errors go into
        the answer.
    :param status: the HTTP status (and ``meta.code``).
    :param errors: form-wide messages.
    :param data: what JSON clients get under ``response`` (with the errors
        and, for forms, a ``csrf_token``).
    :param context: more template variables.
    """
    messages, fields = form_errors(form, errors)
    if wants_json():
        body = dict(data or {})
        if status >= 400:
            body["errors"] = messages
            body["field_errors"] = fields
        if form is not None and form.meta.csrf:
            body[CSRF_FIELD] = generate_csrf()
        return json_answer(status, body, headers)
    page = render_template(
        f"accounts/{template}", form=form, errors=messages, **context
    )
    return page, status, dict(headers or {})


def done(
    message: str | None,
    target: str,
    *,
    data: t.Mapping[str, t.Any] | None = None,
    category: str = "success",
) -> Response:
    """Answer a successful submission: JSON data, or a redirect with a message.

    :param target: where the browser goes, a path or URL.
    """
    if wants_json():
        return json_answer(200, data)
    if message:
        flash(message, category)
    return redirect(target)


def view_url(setting: str) -> str:
    """Return the URL a setting names: a path as is, an endpoint through url_for."""
    value = get_app().config[setting]
    if not value:
        return "/"
    if value.startswith(("/", "http://", "https://")):
        return str(value)
    return url_for(value)


def next_url(candidate: str | None, setting: str) -> str:
    """Return ``candidate`` if it is a safe path on this site, else the URL of
    ``setting`` (see :func:`vial.ext.is_safe_redirect_url`)."""
    if candidate and is_safe_redirect_url(candidate):
        return candidate
    return view_url(setting)


def user_data(user: t.Any) -> dict[str, t.Any]:
    """Return what JSON answers tell about a user."""
    confirmed_at = getattr(user, "confirmed_at", None)
    return {
        "email": user.email,
        "confirmed_at": None if confirmed_at is None else confirmed_at.isoformat(),
    }


def too_many(
    template: str, form: VialForm, error: TooManyAttempts, **context: t.Any
) -> Response | tuple[str, int, dict[str, str]]:
    """Answer a lockout or a rate limit: 429 with ``Retry-After``, on the page."""
    return answer(
        template,
        form=form,
        status=429,
        errors=[str(error.description)],
        headers={"Retry-After": str(error.retry_after)},
        **context,
    )


def email_request(
    template: str,
    action: str,
    *,
    wanted: t.Callable[[t.Any], bool],
    send: t.Callable[[t.Any], None],
    problem: t.Callable[[t.Any], str],
    message: str,
) -> t.Any:
    """Answer a form asking for an e-mail about an address (a reset or a
    confirmation link).

    The request is rate-limited as ``action``. When the address has an
    account that ``wanted`` accepts, ``send`` sends the e-mail. Either way
    the answer is ``message`` and a redirect to the login page, unless
    ``ACCOUNTS_RETURN_GENERIC_RESPONSES`` is off: then the form shows
    ``problem(user)`` (``user`` may be ``None``).
    """
    form = make_form(EmailForm)
    if get_request().method == "GET":
        return answer(template, form=form)
    if not form.validate():
        return answer(template, form=form, status=400)
    email = text(form.email)
    try:
        check_rate_limit(action, email)
    except TooManyAttempts as e:
        return too_many(template, form, e)
    user = get_datastore().find_user(email=email)
    if user is not None and wanted(user):
        send(user)
    elif not get_app().config["ACCOUNTS_RETURN_GENERIC_RESPONSES"]:
        form.email.errors = [*form.email.errors, problem(user)]
        return answer(template, form=form, status=400)
    return done(message, url_for("accounts.login"))
