from __future__ import annotations

import typing as t

import bcrypt

from vial import Vial
from vial_passwords import Passwords
from vial_passwords import verify_and_update
from vial_passwords.signals import password_hash_upgraded


def test_upgrade_sends_signal_with_schemes(app: Vial) -> None:
    Passwords(app)
    received: list[tuple[t.Any, dict[str, t.Any]]] = []

    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        received.append((sender, kwargs))

    old = bcrypt.hashpw(b"correct horse", bcrypt.gensalt(4)).decode()
    with password_hash_upgraded.connected_to(receiver), app.app_context():
        ok, new = verify_and_update("correct horse", old)
        assert ok
        assert new is not None
        assert verify_and_update("correct horse", new) == (True, None)
        assert verify_and_update("wrong horse", old) == (False, None)
    assert received == [(app, {"old_scheme": "bcrypt", "new_scheme": "argon2"})]
