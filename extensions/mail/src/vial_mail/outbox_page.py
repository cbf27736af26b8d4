"""The development outbox page: the messages the outbox backend kept.

Opt-in: nothing is served until the app registers the blueprint, and the
app should do so only in development, since the page shows every message
the app sent, password reset links included:

.. code-block:: python

    from vial_mail.outbox_page import outbox_blueprint

    if app.debug:
        app.register_blueprint(outbox_blueprint)  # at /dev/outbox

Registering it on an app that is neither in debug nor in testing mode logs
a warning. The page reads the app's outbox, so it needs
``MAIL_BACKEND = "outbox"``; it answers 404 otherwise.

Bodies are shown HTML-escaped, with their http(s) links clickable
(:func:`~vial_mail.links.linkify`). An HTML body is served from a URL of
its own with a ``sandbox`` Content-Security-Policy (no scripts, no
forms, an origin of its own) and shown in a sandboxed frame, so a message
cannot run code on the app's origin. JSON clients get the same data as
JSON. The templates, under ``mail/outbox/``, are overridden by templates
of the same name in the app.
"""

from __future__ import annotations

import typing as t

from vial import Blueprint
from vial import jsonify
from vial import render_template
from vial.ext import negotiated_error
from vial.ext import wants_json

from .links import linkify
from .state import STATE

if t.TYPE_CHECKING:
    from vial.blueprints import BlueprintSetupState
    from vial.wrappers import Response

    from .outbox import OutboxStore
    from .outbox import StoredMessage

#: Where the page is served unless the app registers the blueprint with
#: another ``url_prefix``.
DEFAULT_URL_PREFIX = "/dev/outbox"

#: The outbox page; register it on the app to serve it.
outbox_blueprint = Blueprint(
    "mail_outbox",
    __name__,
    template_folder="templates",
    url_prefix=DEFAULT_URL_PREFIX,
)

#: The pages load nothing from elsewhere; the HTML body may only be framed
#: by them.
_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self';"
    " frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
#: An HTML body runs in a sandbox with an origin of its own: no scripts,
#: no forms, no requests, images only when embedded in the message.
_BODY_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none';"
    " style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


@outbox_blueprint.record_once
def _warn_outside_development(setup: BlueprintSetupState) -> None:
    app = setup.app
    if not (app.debug or app.testing):
        app.logger.warning(
            "The mail outbox page is registered on %r, which is not in debug"
            " mode. It shows every message the app sent, with their links"
            " (password resets included): register it only in development.",
            app.name,
        )


@outbox_blueprint.context_processor
def _template_helpers() -> dict[str, t.Any]:
    return {"linkify": linkify}


@outbox_blueprint.after_request
def _protect(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _PAGE_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _outbox() -> OutboxStore:
    state = STATE.get()
    if state.outbox is None:
        raise negotiated_error(
            404,
            f"The app's mail backend is {state.backend!r}, which keeps no"
            " outbox. Set MAIL_BACKEND = 'outbox' to list sent messages here.",
        )
    return state.outbox


def _message(message_id: int) -> StoredMessage:
    message = _outbox().get(message_id)
    if message is None:
        raise negotiated_error(
            404, f"There is no message {message_id} in the outbox (it may be cleared)."
        )
    return message


def _attachments(message: StoredMessage) -> list[dict[str, t.Any]]:
    found = []
    for part in message.email().iter_attachments():
        payload = part.get_payload(decode=True)
        found.append(
            {
                "filename": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "size": len(payload) if isinstance(payload, bytes) else 0,
            }
        )
    return found


@outbox_blueprint.get("/")
def index() -> t.Any:
    """List the kept messages, newest first."""
    messages = _outbox().messages()[::-1]
    if wants_json():
        return jsonify(messages=[message.to_dict() for message in messages])
    return render_template("mail/outbox/index.html", messages=messages)


@outbox_blueprint.get("/<int:message_id>")
def message(message_id: int) -> t.Any:
    """Show one message: headers, links, bodies and attachments."""
    found = _message(message_id)
    attachments = _attachments(found)
    if wants_json():
        return jsonify({**found.to_dict(), "attachments": attachments})
    return render_template(
        "mail/outbox/message.html", message=found, attachments=attachments
    )


@outbox_blueprint.get("/<int:message_id>/html")
def html_body(message_id: int) -> t.Any:
    """Serve a message's HTML body, sandboxed, for the frame of its page."""
    found = _message(message_id)
    if found.html is None:
        raise negotiated_error(404, f"Message {message_id} has no HTML body.")
    headers = {"Content-Security-Policy": _BODY_POLICY}
    return found.html, 200, {"Content-Type": "text/html; charset=utf-8", **headers}


@outbox_blueprint.get("/<int:message_id>/raw")
def raw(message_id: int) -> t.Any:
    """Serve a message's source, as it would have been sent, as plain text."""
    found = _message(message_id)
    return found.raw, 200, {"Content-Type": "text/plain; charset=utf-8"}
