"""Signals sent by vial-maintenance, on a blinker namespace of their own.

Connect to one app only with ``request_refused.connect_via(app)``; the
sender is always the application object, never a proxy.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent when a request is answered with the 503 maintenance answer, just
#: before the error is raised; count them to see who still comes during a
#: maintenance window.
#:
#: Sender: the app. Keyword arguments: ``request``, the request turned
#: away; ``notice``, the :class:`~vial_maintenance.Notice` it was shown.
request_refused = _signals.signal("request-refused")

#: Sent by :func:`~vial_maintenance.switch_on` and
#: :func:`~vial_maintenance.switch_off` (and so by the ``on`` and ``off``
#: commands) after the switch file changed, in the process that changed it.
#:
#: Sender: the app. Keyword arguments: ``active``, whether the switch file
#: now exists; ``message``, the text written to it, or ``None`` when off.
switched = _signals.signal("switched")
