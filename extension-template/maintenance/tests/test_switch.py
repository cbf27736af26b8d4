from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

from vial import Vial
from vial.ctx import AppContext
from vial_maintenance import current_notice
from vial_maintenance import switch_off
from vial_maintenance import switch_on
from vial_maintenance.state import STATE


def test_an_app_starts_open(app: Vial) -> None:
    assert current_notice(app) is None


def test_switch_on_writes_the_message_and_the_time(app_ctx: AppContext) -> None:
    before = datetime.now(timezone.utc) - timedelta(seconds=2)
    notice = switch_on("Back at noon.")
    assert notice.message == "Back at noon."
    assert notice.since is not None
    assert before <= notice.since <= datetime.now(timezone.utc)
    assert STATE.get().switch_file.read_text(encoding="utf-8") == "Back at noon.\n"
    assert current_notice() == notice


def test_without_a_message_the_configured_one_is_shown(app: Vial) -> None:
    assert switch_on(app=app).message == app.config["MAINTENANCE_MESSAGE"]
    assert switch_on("   ", app=app).message == app.config["MAINTENANCE_MESSAGE"]


def test_switch_off_removes_the_file_once(app: Vial) -> None:
    switch_on(app=app)
    assert switch_off(app=app) is True
    assert current_notice(app) is None
    assert switch_off(app=app) is False
    assert not STATE.get(app).switch_file.exists()


def test_another_process_sees_the_switch(
    make_app: t.Callable[..., Vial], tmp_path: Path
) -> None:
    # Two apps on one switch file stand for two worker processes.
    shared = str(tmp_path / "shared" / "switch")
    first = make_app(MAINTENANCE_SWITCH_FILE=shared)
    second = make_app(MAINTENANCE_SWITCH_FILE=shared)
    switch_on("Upgrading.", app=first)
    notice = current_notice(second)
    assert notice is not None
    assert notice.message == "Upgrading."
    switch_off(app=second)
    assert current_notice(first) is None


def test_a_file_written_by_hand_counts(app: Vial) -> None:
    switch_file = STATE.get(app).switch_file
    switch_file.parent.mkdir(parents=True)
    switch_file.write_bytes(b"")
    notice = current_notice(app)
    assert notice is not None
    assert notice.message == app.config["MAINTENANCE_MESSAGE"]
    switch_file.write_bytes(b"caf\xe9 closed\n")
    notice = current_notice(app)
    assert notice is not None
    assert notice.message == "caf\ufffd closed"


def test_maintenance_enabled_holds_without_a_file(
    make_app: t.Callable[..., Vial],
) -> None:
    app = make_app(MAINTENANCE_ENABLED=True, MAINTENANCE_MESSAGE="Closed today.")
    notice = current_notice(app)
    assert notice is not None
    assert (notice.message, notice.since) == ("Closed today.", None)
    switch_on("Reopening soon.", app=app)
    switch_off(app=app)
    assert current_notice(app) == notice
