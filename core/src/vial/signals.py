"""Signals sent by the core, on a blinker namespace of their own.

Every signal's sender is the application. Receivers that are coroutine
functions are run through :meth:`vial.Vial.ensure_sync`.

``template_rendered``, ``before_render_template``
    Sent around rendering a template; keyword arguments ``template`` and
    ``context``.
``request_started``
    Sent before the request is dispatched, after the context is pushed.
``request_finished``
    Sent after the response is built; keyword argument ``response``.
``request_tearing_down``
    Sent while the request context is popped; keyword argument ``exc``.
``got_request_exception``
    Sent when an unhandled exception reaches the application; keyword
    argument ``exception``.
``appcontext_tearing_down``
    Sent while the application context is popped; keyword argument ``exc``.
``appcontext_pushed``, ``appcontext_popped``
    Sent when an application context is pushed or popped.
``message_flashed``
    Sent by :func:`vial.flash`; keyword arguments ``message`` and ``category``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")
