"""Where each app keeps its manager, and the errors when it has none."""

from __future__ import annotations

import pytest
from support import manager_of

from vial import Vial
from vial_login import LoginManager
from vial_login.state import get_manager
from vial_login.state import LoginState
from vial_login.state import STATE


def test_state_holds_the_manager(app: Vial) -> None:
    state = STATE.get(app)
    assert isinstance(state, LoginState)
    assert state.context_processor is True
    assert get_manager(app) is manager_of(app)
    assert repr(state) == f"<LoginState {manager_of(app)!r}>"
    with app.app_context():
        assert get_manager() is manager_of(app)


def test_registration_replaces() -> None:
    assert STATE.replace is True
    app = Vial("twice")
    first, second = LoginManager(app), LoginManager(app)
    assert get_manager(app) is second is not first


def test_missing_setup_names_the_fix() -> None:
    app = Vial("bare")
    with pytest.raises(RuntimeError, match=r"create LoginManager\(app\)"):
        get_manager(app)
    with pytest.raises(RuntimeError, match="application context"):
        get_manager()
