"""Per-app state of vial-maintenance: the settings of each app, checked once.

``Maintenance.init_app`` builds a :class:`MaintenanceState` from the app's
config and registers it under :data:`STATE` (``app.extensions["maintenance"]``).
Every other module reads it back through :data:`STATE`, never through the
extension class, so the package's modules import each other in one
direction only: this module is at the bottom and imports none of them.
"""

from __future__ import annotations

import os
import typing as t
from dataclasses import dataclass
from pathlib import Path

from vial.ext import ExtensionKey

if t.TYPE_CHECKING:
    from vial import Vial


@dataclass(frozen=True)
class MaintenanceState:
    """The settings of one app, read from its config at ``init_app``.

    Reading and checking them once means a wrong value fails when the app
    starts, not on the first request, and requests read plain attributes.
    """

    #: While this file exists the app is in maintenance.
    switch_file: Path
    #: ``MAINTENANCE_ENABLED``: in maintenance whatever the switch file says.
    always_on: bool
    #: The text shown when ``vial maintenance on`` gave none.
    message: str
    #: Seconds for the ``Retry-After`` header, or ``None`` for no header.
    retry_after: int | None
    #: Client addresses served normally.
    allowed_ips: frozenset[str]
    #: Endpoints served normally.
    exempt_endpoints: frozenset[str]
    #: The rule of the status page, or ``None``.
    status_url: str | None

    @classmethod
    def from_config(cls, app: Vial) -> MaintenanceState:
        """Read and check the app's ``MAINTENANCE_*`` settings.

        :raises ValueError: a setting has the wrong type or value; the
            message names the key and the fix.
        """
        config = app.config
        switch_file = config["MAINTENANCE_SWITCH_FILE"]
        if switch_file is None:
            switch_file = Path(app.instance_path) / "maintenance"
        elif not isinstance(switch_file, (str, os.PathLike)):
            raise ValueError(
                "MAINTENANCE_SWITCH_FILE must be a path or None, not"
                f" {switch_file!r}; set it to the file whose presence turns"
                " maintenance on."
            )
        message = config["MAINTENANCE_MESSAGE"]
        if not isinstance(message, str) or not message.strip():
            raise ValueError(
                f"MAINTENANCE_MESSAGE must be a non-empty text, not {message!r};"
                " set it to what visitors should read."
            )
        retry_after = config["MAINTENANCE_RETRY_AFTER"]
        if retry_after is not None and (
            isinstance(retry_after, bool)
            or not isinstance(retry_after, int)
            or retry_after < 0
        ):
            raise ValueError(
                "MAINTENANCE_RETRY_AFTER must be a number of seconds (0 or"
                f" more) or None, not {retry_after!r}."
            )
        status_url = config["MAINTENANCE_STATUS_URL"]
        if status_url is not None and (
            not isinstance(status_url, str) or not status_url.startswith("/")
        ):
            raise ValueError(
                "MAINTENANCE_STATUS_URL must be a path starting with '/' or"
                f" None, not {status_url!r}."
            )
        return cls(
            switch_file=Path(switch_file),
            always_on=bool(config["MAINTENANCE_ENABLED"]),
            message=message,
            retry_after=retry_after,
            allowed_ips=_names(config, "MAINTENANCE_ALLOWED_IPS"),
            exempt_endpoints=_names(config, "MAINTENANCE_EXEMPT_ENDPOINTS"),
            status_url=status_url,
        )


def _names(config: t.Mapping[str, t.Any], key: str) -> frozenset[str]:
    """Return the setting ``key`` as a set of strings; a clear error if not."""
    value = config[key]
    # A lone string is iterable too, and would become a set of characters.
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(
        isinstance(item, str) for item in value
    ):
        raise ValueError(
            f"{key} must be a list of strings, not {value!r}; write"
            f" app.config[{key!r}] = [{value!r}] for a single one."
        )
    return frozenset(value)


#: Where each app keeps its :class:`MaintenanceState`. Its name is also the
#: blueprint's name, the command group's name and the templates' folder.
STATE: ExtensionKey[MaintenanceState] = ExtensionKey(
    "maintenance", setup="Maintenance(app) or maintenance.init_app(app)"
)
