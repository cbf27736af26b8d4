from __future__ import annotations

import pytest

from vial import Vial
from vial_passwords import PasswordHasher
from vial_passwords import PasswordPolicy
from vial_passwords import Passwords
from vial_passwords import PasswordsState
from vial_passwords.state import STATE


def test_state_is_registered_under_the_key(app: Vial) -> None:
    Passwords(app)
    state = STATE.get(app)
    assert isinstance(state, PasswordsState)
    assert app.extensions["passwords"] is state
    assert isinstance(state.hasher, PasswordHasher)
    assert isinstance(state.policy, PasswordPolicy)
    with app.app_context():
        assert STATE.get() is state


def test_state_of_an_app_never_set_up_names_init_app(app: Vial) -> None:
    with pytest.raises(RuntimeError, match=r"passwords\.init_app\(app\)"):
        STATE.get(app)
    assert STATE.find(app) is None
