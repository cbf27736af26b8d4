from __future__ import annotations

import typing as t

from vial import Vial
from vial_maintenance.config import OPTIONS


def test_init_app_sets_every_default(app: Vial) -> None:
    for option in OPTIONS:
        assert app.config[option.name] == option.default


def test_values_set_before_init_app_win(make_app: t.Callable[..., Vial]) -> None:
    app = make_app(MAINTENANCE_RETRY_AFTER=60, MAINTENANCE_STATUS_URL=None)
    assert app.config["MAINTENANCE_RETRY_AFTER"] == 60
    assert app.config["MAINTENANCE_STATUS_URL"] is None
    assert app.config["MAINTENANCE_MESSAGE"] == OPTIONS["MAINTENANCE_MESSAGE"].default


def test_each_app_gets_its_own_copy_of_a_list_default(
    make_app: t.Callable[..., Vial],
) -> None:
    first, second = make_app(), make_app()
    first.config["MAINTENANCE_EXEMPT_ENDPOINTS"].append("health")
    assert second.config["MAINTENANCE_EXEMPT_ENDPOINTS"] == ["static"]
    assert OPTIONS["MAINTENANCE_EXEMPT_ENDPOINTS"].default == ["static"]


def test_every_key_is_prefixed_and_documented() -> None:
    for option in OPTIONS:
        assert option.name.startswith("MAINTENANCE_"), option.name
        assert option.doc.strip().endswith("."), option.name
