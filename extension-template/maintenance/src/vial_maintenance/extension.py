"""The :class:`Maintenance` extension object and its ``init_app``.

This module sits on top of the package: it imports the others, and none of
them imports it. Everything per app goes into the state registered under
:data:`~vial_maintenance.state.STATE`; the object itself holds nothing, so
one ``Maintenance()`` serves any number of apps.
"""

from __future__ import annotations

import typing as t

from .cli import make_cli
from .config import OPTIONS
from .state import MaintenanceState
from .state import STATE
from .views import make_blueprint

if t.TYPE_CHECKING:
    from vial import Vial


class Maintenance:
    """Maintenance mode for one or more apps.

    .. code-block:: python

        maintenance = Maintenance(app)
        # or, in an application factory:
        maintenance = Maintenance()
        maintenance.init_app(app)

    :param app: the app to set up now; leave it out and call
        :meth:`init_app` later.
    """

    def __init__(self, app: Vial | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Vial) -> None:
        """Apply the ``MAINTENANCE_*`` defaults and set the extension up on ``app``.

        Adds the blueprint (the check before each request, the status page,
        the templates) and the ``maintenance`` command group.

        :raises RuntimeError: the extension is already set up on ``app``.
        :raises ValueError: a ``MAINTENANCE_*`` setting is wrong; the message
            names it.
        """
        OPTIONS.apply(app)
        # Checked before anything is added to the app, so a wrong setting
        # leaves the app as it was.
        state = MaintenanceState.from_config(app)
        # Refuses a second init_app on the same app, with a message naming it.
        STATE.register(app, state)
        try:
            app.register_blueprint(make_blueprint(state))
            app.cli.add_command(make_cli())
        except BaseException:
            # An app that already served a request refuses new hooks; leave
            # no state behind that claims the extension is set up.
            del app.extensions[STATE.name]
            raise
