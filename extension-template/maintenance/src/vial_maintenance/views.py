"""The blueprint: the check before every request, the status page, the templates.

Everything vial-maintenance adds to an app's request handling is in one
blueprint, made for each app by :func:`make_blueprint`, so an app sees it
in ``app.blueprints`` and can override its templates: a template of the
same name in the app's own ``templates/maintenance/`` folder wins.

Browsers get HTML pages and API clients get JSON, decided by
:func:`vial.ext.wants_json`. The 503 is raised, not returned, so an app's
``errorhandler(503)`` still has the last word.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import ServiceUnavailable

from vial import Blueprint
from vial import jsonify
from vial import render_template
from vial.ext import get_app
from vial.ext import get_request
from vial.ext import NegotiatedHTTPException
from vial.ext import wants_json

from .signals import request_refused
from .state import MaintenanceState
from .state import STATE
from .switch import current_notice
from .switch import Notice

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from vial import Response

#: The endpoint of the status page, relative to the blueprint.
STATUS_ENDPOINT = "status"


class MaintenanceError(NegotiatedHTTPException, ServiceUnavailable):
    """The 503 answer while the app is in maintenance.

    JSON clients get ``{"code": 503, "name": ..., "error": <message>,
    "retry_after": <seconds>}``; browsers get the ``maintenance/page.html``
    template. Both get the ``Retry-After`` header when
    ``MAINTENANCE_RETRY_AFTER`` is set.

    :param notice: what to tell the visitor.
    :param retry_after: seconds until the client should come back, or None.
    """

    def __init__(self, notice: Notice, retry_after: int | None = None) -> None:
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        super().__init__(
            notice.message,
            headers=headers,
            json_extra={"retry_after": retry_after},
        )
        #: What the visitor is told.
        self.notice = notice
        #: Seconds until the client should come back, or None.
        self.retry_after = retry_after

    def get_body(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> str:
        """Return the JSON body, or the page rendered from the app's templates."""
        if environ is None or wants_json(environ):
            return super().get_body(environ, scope)
        return render_template(
            f"{STATE.name}/page.html",
            notice=self.notice,
            retry_after=self.retry_after,
        )


def refuse_during_maintenance() -> None:
    """Raise :class:`MaintenanceError` for a request the app must turn away.

    Runs before every request of the app. The status page, exempt
    endpoints and allowed addresses pass, and so does everything while the
    app is open.
    """
    state = STATE.get()
    request = get_request()
    endpoint = request.endpoint
    if (
        endpoint in state.exempt_endpoints
        or endpoint == f"{STATE.name}.{STATUS_ENDPOINT}"
        or request.remote_addr in state.allowed_ips
    ):
        return
    notice = current_notice()
    if notice is None:
        return
    request_refused.send(get_app(), request=request, notice=notice)
    raise MaintenanceError(notice, state.retry_after)


def status() -> Response | str:
    """Say whether the app is in maintenance: JSON or an HTML page."""
    notice = current_notice()
    if wants_json():
        if notice is None:
            return jsonify(active=False, message=None, since=None)
        since = None if notice.since is None else notice.since.isoformat()
        return jsonify(active=True, message=notice.message, since=since)
    return render_template(f"{STATE.name}/status.html", notice=notice)


def make_blueprint(state: MaintenanceState) -> Blueprint:
    """Build the blueprint that ``init_app`` registers on one app.

    A new blueprint for each app, since its rules depend on the app's
    settings (the status page's URL).
    """
    blueprint = Blueprint(STATE.name, __name__, template_folder="templates")
    blueprint.before_app_request(refuse_during_maintenance)
    if state.status_url is not None:
        blueprint.add_url_rule(state.status_url, STATUS_ENDPOINT, status)
    return blueprint
