from __future__ import annotations

import typing as t

import click

from vial import Vial
from vial.testing import VialCliRunner
from vial_maintenance import current_notice
from vial_maintenance.state import STATE


def test_on_status_off(app: Vial, runner: VialCliRunner) -> None:
    result = runner.invoke(args=[STATE.name, "status"])
    assert result.output == "Maintenance is off.\n"

    result = runner.invoke(args=[STATE.name, "on", "-m", "Back at noon."])
    assert result.exit_code == 0, result.output
    assert result.output == "Maintenance is on: Back at noon.\n"
    notice = current_notice(app)
    assert notice is not None
    assert notice.message == "Back at noon."

    result = runner.invoke(args=[STATE.name, "status"])
    assert result.output.startswith("Maintenance is on since 20")
    assert result.output.endswith(" UTC: Back at noon.\n")

    result = runner.invoke(args=[STATE.name, "off"])
    assert result.exit_code == 0, result.output
    assert result.output == "Maintenance is off.\n"
    assert current_notice(app) is None

    result = runner.invoke(args=[STATE.name, "off"])
    assert result.output == "Maintenance was not on.\n"


def test_on_without_a_message_uses_the_configured_one(
    app: Vial, runner: VialCliRunner
) -> None:
    result = runner.invoke(args=[STATE.name, "on"])
    assert result.output == f"Maintenance is on: {app.config['MAINTENANCE_MESSAGE']}\n"


def test_off_says_when_the_config_keeps_it_on(
    make_app: t.Callable[..., Vial],
) -> None:
    app = make_app(MAINTENANCE_ENABLED=True, MAINTENANCE_MESSAGE="Closed.")
    runner = app.test_cli_runner()
    result = runner.invoke(args=[STATE.name, "status"])
    assert result.output == "Maintenance is on (MAINTENANCE_ENABLED): Closed.\n"
    result = runner.invoke(args=[STATE.name, "off"])
    assert result.exit_code == 1
    assert "MAINTENANCE_ENABLED is on" in result.output
    assert current_notice(app) is not None


def test_the_group_joins_the_app_command(app: Vial) -> None:
    group = app.cli.commands[STATE.name]
    assert isinstance(group, click.Group)
    assert sorted(group.commands) == ["off", "on", "status"]
