"""Signals sent by vial-login, with Flask-Login's names, on their own namespace.

Every signal's sender is the application.

``user_logged_in``
    Sent by :func:`~vial_login.login_user` after the user is logged in;
    keyword argument ``user``.
``user_logged_out``
    Sent by :func:`~vial_login.logout_user`; keyword argument ``user``, the
    user who was logged in (the anonymous user if nobody was).
``user_loaded_from_cookie``
    Sent when the remember-me cookie logged the user in; keyword argument
    ``user``.
``user_loaded_from_request``
    Sent when the ``request_loader`` returned a user; keyword argument
    ``user``.
``user_login_confirmed``
    Sent by :func:`~vial_login.confirm_login`, when the login is fresh again.
``user_unauthorized``
    Sent by :meth:`~vial_login.LoginManager.unauthorized`, before it answers.
``user_needs_refresh``
    Sent by :meth:`~vial_login.LoginManager.needs_refresh`, before it answers.
``user_accessed``
    Sent on each request that loads the user, before it is loaded.
``session_protected``
    Sent when session protection found the session used from another client
    and marked it not fresh ("basic") or emptied it ("strong").
``session_revoked``
    Sent when the session registry ended a login (see
    :mod:`vial_login.registry`), once per login, by the process that ended
    it. Keyword arguments: ``session_id``, the login's registry id;
    ``user_id``, the user's id as the ``user_loader`` receives it;
    ``reason``: ``"logout"`` (:func:`~vial_login.logout_user`), ``"login"``
    (a new login in the same session replaced it),
    ``"logout_everywhere"`` (:func:`~vial_login.logout_everywhere`) or
    ``"revoked"`` (:func:`~vial_login.revoke_session`).

    .. versionadded:: 0.2
``session_rejected``
    Sent when a request came with a login that the session registry does not
    know (ended, expired or never issued), which is then logged out: a copy
    of a cookie used after its logout sends it. Keyword arguments:
    ``session_id``, the registry id the request carried (``None`` if it
    carried none, any other value if it was not a string); ``user_id``;
    ``source``: ``"session"`` or ``"remember"`` (the remember-me cookie).

    .. versionadded:: 0.2
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

user_logged_in = _signals.signal("logged-in")
user_logged_out = _signals.signal("logged-out")
user_loaded_from_cookie = _signals.signal("loaded-from-cookie")
user_loaded_from_request = _signals.signal("loaded-from-request")
user_login_confirmed = _signals.signal("login-confirmed")
user_unauthorized = _signals.signal("unauthorized")
user_needs_refresh = _signals.signal("needs-refresh")
user_accessed = _signals.signal("accessed")
session_protected = _signals.signal("session-protected")
session_revoked = _signals.signal("session-revoked")
session_rejected = _signals.signal("session-rejected")
