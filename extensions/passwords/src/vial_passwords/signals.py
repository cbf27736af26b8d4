"""Signals sent by vial-passwords, on a blinker namespace of their own.

``password_hash_upgraded``
    Sent by :func:`vial_passwords.verify_and_update` when a password
    verified against a hash that is due for replacement (deprecated scheme,
    lower cost or older pepper) and a new hash was made. The sender is the
    application; keyword arguments ``old_scheme`` and ``new_scheme`` name the
    passlib schemes of the old and the new hash. Neither the password nor
    the hashes are sent. The caller still has to store the new hash.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

password_hash_upgraded = _signals.signal("password-hash-upgraded")
