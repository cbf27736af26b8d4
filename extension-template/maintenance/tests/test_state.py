from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from vial import Vial
from vial.ext import ExtensionKey
from vial_maintenance.state import MaintenanceState
from vial_maintenance.state import STATE


def test_the_state_is_registered_under_the_key(app: Vial) -> None:
    assert isinstance(STATE, ExtensionKey)
    assert isinstance(app.extensions[STATE.name], MaintenanceState)
    assert STATE.get(app) is app.extensions[STATE.name]


def test_the_switch_file_defaults_to_the_instance_folder(app: Vial) -> None:
    assert STATE.get(app).switch_file == Path(app.instance_path) / STATE.name


def test_settings_are_read_into_the_state(
    make_app: t.Callable[..., Vial], tmp_path: Path
) -> None:
    app = make_app(
        MAINTENANCE_SWITCH_FILE=str(tmp_path / "switch"),
        MAINTENANCE_ENABLED=1,
        MAINTENANCE_RETRY_AFTER=None,
        MAINTENANCE_ALLOWED_IPS=("10.0.0.1", "10.0.0.2"),
        MAINTENANCE_EXEMPT_ENDPOINTS=["health"],
    )
    state = STATE.get(app)
    assert state.switch_file == tmp_path / "switch"
    assert state.always_on is True
    assert state.retry_after is None
    assert state.allowed_ips == {"10.0.0.1", "10.0.0.2"}
    assert state.exempt_endpoints == {"health"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("MAINTENANCE_SWITCH_FILE", 42),
        ("MAINTENANCE_MESSAGE", "  "),
        ("MAINTENANCE_MESSAGE", None),
        ("MAINTENANCE_RETRY_AFTER", -1),
        ("MAINTENANCE_RETRY_AFTER", "300"),
        ("MAINTENANCE_RETRY_AFTER", True),
        ("MAINTENANCE_ALLOWED_IPS", "127.0.0.1"),
        ("MAINTENANCE_ALLOWED_IPS", [127]),
        ("MAINTENANCE_EXEMPT_ENDPOINTS", None),
        ("MAINTENANCE_STATUS_URL", "status"),
    ],
)
def test_a_wrong_setting_fails_at_init_app_naming_it(
    make_app: t.Callable[..., Vial], key: str, value: t.Any
) -> None:
    with pytest.raises(ValueError, match=key):
        make_app(**{key: value})


def test_using_it_on_an_app_never_set_up_names_init_app() -> None:
    bare = Vial(__name__)
    with pytest.raises(RuntimeError, match=r"init_app\(app\)"):
        STATE.get(bare)
    assert STATE.find(bare) is None
