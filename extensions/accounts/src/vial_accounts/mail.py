"""The account e-mails: written from templates, delivered after the response.

Each e-mail has a text and an HTML template, ``accounts/email/<name>.txt``
and ``accounts/email/<name>.html``, which an app overrides with its own of
the same name; the subject comes from an ``ACCOUNTS_EMAIL_SUBJECT_*``
setting. The templates get ``user`` and the e-mail's link or links.

An e-mail asked for while a request is served is *queued*, and is written
and sent once the response has been sent: the app's response hook hands the
queue to the response's close callback, which the WSGI server calls after
the last byte went out. A slow or unreachable SMTP server therefore neither delays the
answer nor makes it differ, so the time a password reset request takes
does not tell whether the address has an account. Failures are logged on
the app's logger; the response has left by then. Outside a request (a CLI
command) e-mails are sent at once.

Delivery goes through vial-mail, or through the ``send_mail`` function the
app gave :class:`~vial_accounts.Accounts` (to hand messages to a task
queue, say).
"""

from __future__ import annotations

import typing as t

from vial import render_template
from vial.ext import current_request_context
from vial.ext import get_app
from vial_mail import Mail
from vial_mail import Message

from .state import get_state

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from vial import Vial

R = t.TypeVar("R", bound="Response")

# The request environ key of the e-mails queued while serving it.
_QUEUE_KEY = "vial_accounts.mail_queue"


def deliver_with_vial_mail(message: Message) -> None:
    """Send ``message`` with the current app's vial-mail settings."""
    # A Mail object keeps nothing per app: it sends for the current one.
    Mail().send(message)


class MailJob(t.NamedTuple):
    """An account e-mail waiting for the response to be sent."""

    #: The name of its templates, ``accounts/email/<name>.txt`` and ``.html``.
    name: str
    #: The config key of its subject.
    subject_setting: str
    #: The address of the user it goes to.
    email: str
    #: What the templates get besides ``user`` (links).
    context: dict[str, t.Any]


def compose(name: str, subject_setting: str, user: t.Any, **context: t.Any) -> Message:
    """Return the e-mail ``name`` for ``user``, written from its templates.

    :param subject_setting: the config key of the subject.
    :param context: what the templates get besides ``user`` (links).
    """
    app = get_app()
    context["user"] = user
    return Message(
        subject=app.config[subject_setting],
        recipients=[user.email],
        body=render_template(f"accounts/email/{name}.txt", **context),
        html=render_template(f"accounts/email/{name}.html", **context),
        sender=app.config["ACCOUNTS_EMAIL_SENDER"],
    )


def send(name: str, subject_setting: str, user: t.Any, **context: t.Any) -> None:
    """Send the e-mail ``name`` to ``user`` once the current response is out;
    at once outside a request.

    In a request only the job is queued: the templates are rendered after
    the response, so the request does the same work whether or not there
    is an e-mail to send.
    """
    ctx = current_request_context()
    if ctx is None:
        get_state().send_mail(compose(name, subject_setting, user, **context))
        return
    job = MailJob(name, subject_setting, user.email, context)
    ctx.request.environ.setdefault(_QUEUE_KEY, []).append(job)


def queued_mails() -> list[MailJob]:
    """Return the e-mails queued by the current request."""
    ctx = current_request_context()
    if ctx is None:
        return []
    return list(ctx.request.environ.get(_QUEUE_KEY, ()))


def send_after_response(response: R) -> R:
    """Hand the request's queued e-mails to the response's close callback.

    Registered as an ``after_request`` hook of the app by ``init_app``.
    """
    ctx = current_request_context()
    if ctx is None:
        return response
    queue: list[MailJob] = ctx.request.environ.pop(_QUEUE_KEY, [])
    if queue:
        app = ctx.app
        response.call_on_close(lambda: _deliver(app, queue))
    return response


def _deliver(app: Vial, jobs: list[MailJob]) -> None:
    """Write and send ``jobs`` in an app context of their own; log failures."""
    with app.app_context():
        state = get_state(app)
        for job in jobs:
            try:
                user = state.datastore.find_user(email=job.email)
                if user is None:
                    continue  # deleted since the request
                message = compose(job.name, job.subject_setting, user, **job.context)
                state.send_mail(message)
            except Exception:
                # The response is gone: the log is the only place left to
                # tell that a user did not get their link.
                app.logger.exception(
                    "vial-accounts could not send the e-mail %r to %s.",
                    app.config[job.subject_setting],
                    job.email,
                )
