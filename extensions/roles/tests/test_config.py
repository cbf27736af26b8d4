from __future__ import annotations

from vial import Vial
from vial_roles import MemoryDatastore
from vial_roles import Roles
from vial_roles.config import OPTIONS
from vial_roles.config import UNAUTHORIZED_MESSAGE


def test_every_option_is_prefixed_and_documented() -> None:
    for option in OPTIONS:
        assert option.name.startswith("ROLES_")
        assert option.doc.endswith(".")


def test_defaults() -> None:
    app = Vial("defaults")
    OPTIONS.apply(app)
    assert app.config["ROLES_UNAUTHORIZED_VIEW"] is None
    assert app.config["ROLES_UNAUTHORIZED_MESSAGE"] == UNAUTHORIZED_MESSAGE
    assert app.config["ROLES_UNAUTHORIZED_MESSAGE_CATEGORY"] == "error"


def test_app_values_win() -> None:
    app = Vial("values")
    app.config["ROLES_UNAUTHORIZED_MESSAGE"] = None
    Roles(app, MemoryDatastore())
    assert app.config["ROLES_UNAUTHORIZED_MESSAGE"] is None
    assert app.config["ROLES_UNAUTHORIZED_VIEW"] is None
