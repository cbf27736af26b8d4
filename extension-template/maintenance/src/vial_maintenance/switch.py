"""The switch: whether an app is in maintenance, and turning it on and off.

The switch is a file, not a value in memory: an app usually runs in several
worker processes, and a command run in another process must reach them all
at once. Each request checks whether the file exists (one ``stat`` call);
the file holds the message to show. Several machines share the mode when
``MAINTENANCE_SWITCH_FILE`` points to a shared volume.
"""

from __future__ import annotations

import os
import tempfile
import typing as t
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone

from vial.ext import get_app

from .signals import switched
from .state import MaintenanceState
from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial


@dataclass(frozen=True)
class Notice:
    """What visitors are told while an app is in maintenance."""

    #: The text to show.
    message: str
    #: When the switch file was written, in UTC; ``None`` when the mode
    #: comes from ``MAINTENANCE_ENABLED``.
    since: datetime | None


def read_notice(state: MaintenanceState) -> Notice | None:
    """Return the notice for an app's settings, or ``None`` when it is open."""
    try:
        stat = state.switch_file.stat()
    except FileNotFoundError:
        if state.always_on:
            return Notice(state.message, None)
        return None
    # The file is written whole by switch_on (os.replace), so a reader sees
    # the old text or the new one, never half of it.
    text = state.switch_file.read_text(encoding="utf-8", errors="replace").strip()
    since = datetime.fromtimestamp(stat.st_mtime, timezone.utc)
    return Notice(text or state.message, since)


def current_notice(app: Vial | None = None) -> Notice | None:
    """Return what ``app`` (the current app by default) shows, or ``None``.

    ``None`` means the app is open: the switch file does not exist and
    ``MAINTENANCE_ENABLED`` is off.
    """
    return read_notice(STATE.get(app))


def switch_on(message: str | None = None, app: Vial | None = None) -> Notice:
    """Put ``app`` (the current app by default) in maintenance; return the notice.

    Writes the switch file, which every worker process of the app sees at
    its next request. Sends :data:`~vial_maintenance.signals.switched`.

    :param message: the text to show instead of ``MAINTENANCE_MESSAGE``.
    """
    if app is None:
        app = get_app()
    state = STATE.get(app)
    text = message.strip() if message and message.strip() else state.message
    state.switch_file.parent.mkdir(parents=True, exist_ok=True)
    # Write a temporary file next to the switch file, then move it into
    # place in one step, so no request reads a half-written message.
    fd, temporary = tempfile.mkstemp(dir=state.switch_file.parent, prefix=".switch-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text + "\n")
        os.replace(temporary, state.switch_file)
    except BaseException:
        os.unlink(temporary)
        raise
    switched.send(app, active=True, message=text)
    notice = read_notice(state)
    assert notice is not None
    return notice


def switch_off(app: Vial | None = None) -> bool:
    """Take ``app`` (the current app by default) out of maintenance.

    Removes the switch file and sends
    :data:`~vial_maintenance.signals.switched`. The app stays in maintenance
    while ``MAINTENANCE_ENABLED`` is on.

    :return: whether there was a switch file to remove.
    """
    if app is None:
        app = get_app()
    state = STATE.get(app)
    try:
        state.switch_file.unlink()
    except FileNotFoundError:
        return False
    switched.send(app, active=False, message=None)
    return True
