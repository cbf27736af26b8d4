from __future__ import annotations

import pytest

from vial import Vial
from vial_roles import get_datastore
from vial_roles import MemoryDatastore
from vial_roles import Roles
from vial_roles.state import RolesState
from vial_roles.state import STATE


def test_get_datastore(app: Vial, datastore: MemoryDatastore) -> None:
    assert get_datastore(app) is datastore
    with app.app_context():
        assert get_datastore() is datastore


def test_get_datastore_outside_an_app() -> None:
    with pytest.raises(RuntimeError, match=r"outside of an application context"):
        get_datastore()


def test_get_datastore_on_an_app_without_roles() -> None:
    with pytest.raises(RuntimeError, match=r"'roles' is not set up"):
        get_datastore(Vial("bare"))


def test_state() -> None:
    app = Vial("state")
    store = MemoryDatastore()
    Roles(app, store)
    state = STATE.get(app)
    assert isinstance(state, RolesState)
    assert STATE.name == "roles"
    assert repr(state) == "<RolesState datastore=<MemoryDatastore roles=[]>>"
