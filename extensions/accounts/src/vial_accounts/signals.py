"""Signals sent by vial-accounts, one for every change of an account's state.

Every signal's sender is the application. Signals that follow a change are
sent after the change was committed, so a receiver (an audit log) sees only
what took effect. None carries a password; the link tokens travel only in
the signals that announce the e-mail carrying them.

``user_registered``
    A user registered through the form or :func:`~vial_accounts.register_user`.
    Keyword argument: ``user``.
``user_confirmed``
    A user confirmed their e-mail address. Keyword argument: ``user``.
``confirm_instructions_sent``
    An e-mail with a confirmation link was handed over for delivery (it
    leaves once the response is sent). Keyword arguments: ``user``,
    ``token``.
``reset_password_instructions_sent``
    An e-mail with a password reset link was handed over for delivery.
    Keyword arguments: ``user``, ``token``.
``password_reset``
    A user set a new password through a reset link. Keyword argument:
    ``user``.
``password_changed``
    A logged-in user changed their password. Keyword argument: ``user``.
``access_reset``
    A user's alternative id (``fs_uniquifier``) was renewed, which ends
    every session, remember-me cookie and API token made before, by
    ``vial users reset-access`` or :func:`~vial_accounts.reset_access`.
    Keyword argument: ``user``.
``user_activated`` and ``user_deactivated``
    A user was activated or deactivated. Keyword argument: ``user``.
``login_failed``
    A login was refused for a wrong e-mail address or password. Keyword
    arguments: ``email``, the normalised address given (``None`` when it was
    not an address); ``user``, the user it names or ``None``; ``address``,
    the client address (``request.remote_addr``); ``mechanism``,
    ``"form"`` or ``"basic"``.
``account_locked``
    Failed logins reached a lockout threshold. Keyword arguments: ``scope``,
    ``"account"`` or ``"address"``; ``email`` (for an account lockout, else
    ``None``); ``address``, the client address of the last failure;
    ``retry_after``, the seconds until logins are accepted again.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
user_confirmed = _signals.signal("user-confirmed")
confirm_instructions_sent = _signals.signal("confirm-instructions-sent")
reset_password_instructions_sent = _signals.signal("reset-password-instructions-sent")
password_reset = _signals.signal("password-reset")
password_changed = _signals.signal("password-changed")
access_reset = _signals.signal("access-reset")
user_activated = _signals.signal("user-activated")
user_deactivated = _signals.signal("user-deactivated")
login_failed = _signals.signal("login-failed")
account_locked = _signals.signal("account-locked")
