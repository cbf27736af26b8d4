from __future__ import annotations

import typing as t

import pytest

from vial import Vial
from vial_maintenance import Maintenance
from vial_maintenance import switch_on
from vial_maintenance.state import STATE


def _bare_app(tmp_path: t.Any, **config: t.Any) -> Vial:
    app = Vial(__name__, instance_path=str(tmp_path / "instance"))
    app.config.update(config)
    return app


def test_the_factory_pattern(tmp_path: t.Any) -> None:
    maintenance = Maintenance()
    app = _bare_app(tmp_path)
    assert not STATE.is_registered(app)
    maintenance.init_app(app)
    assert STATE.is_registered(app)
    assert STATE.name in app.blueprints
    assert STATE.name in app.cli.commands


def test_one_object_serves_two_apps(tmp_path: t.Any) -> None:
    maintenance = Maintenance()
    first = _bare_app(tmp_path / "first")
    second = _bare_app(tmp_path / "second", MAINTENANCE_RETRY_AFTER=5)
    maintenance.init_app(first)
    maintenance.init_app(second)
    assert STATE.get(first) is not STATE.get(second)
    switch_on(app=first)
    assert first.test_client().get("/").status_code == 503
    assert second.test_client().get("/").status_code == 404
    assert vars(maintenance) == {}


def test_a_second_init_app_is_refused(app: Vial) -> None:
    state = STATE.get(app)
    with pytest.raises(RuntimeError, match=r"once per app.*init_app\(app\)"):
        Maintenance().init_app(app)
    assert STATE.get(app) is state


def test_a_wrong_setting_leaves_the_app_untouched(tmp_path: t.Any) -> None:
    app = _bare_app(tmp_path, MAINTENANCE_RETRY_AFTER="soon")
    with pytest.raises(ValueError, match="MAINTENANCE_RETRY_AFTER"):
        Maintenance(app)
    assert not STATE.is_registered(app)
    assert STATE.name not in app.blueprints


def test_an_app_that_served_a_request_keeps_no_half_set_up_state(
    tmp_path: t.Any,
) -> None:
    app = _bare_app(tmp_path)
    app.test_client().get("/")
    with pytest.raises(AssertionError, match="its first request"):
        Maintenance(app)
    assert not STATE.is_registered(app)
