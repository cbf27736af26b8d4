"""Command groups: the app's and blueprints' commands, the app context,
``vial`` itself, ``--version`` and ``test_cli_runner``."""

from __future__ import annotations

import logging
import platform
import re
import sys
import typing as t
from importlib.metadata import version

import click
import pytest
from _cli_helpers import CLI_APPS
from _cli_helpers import isolated_process_state
from _cli_helpers import run_python
from click.testing import CliRunner

import vial.cli
from vial import Blueprint
from vial import current_app
from vial import Vial
from vial.cli import AppGroup
from vial.cli import pass_script_info
from vial.cli import ScriptInfo
from vial.cli import VialGroup
from vial.cli import with_appcontext
from vial.ctx import has_app_context


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> t.Iterator[None]:
    with isolated_process_state(tmp_path):
        monkeypatch.chdir(CLI_APPS)
        yield


def group_for(app: Vial) -> VialGroup:
    return VialGroup(create_app=lambda: app)


# Commands of the app and its blueprints


def test_app_command_runs_in_app_context(app: Vial) -> None:
    seen: list[t.Any] = []

    @app.cli.command()
    def check() -> None:
        seen.append(current_app._get_current_object())  # type: ignore[attr-defined]

    result = CliRunner().invoke(group_for(app), ["check"])
    assert result.exit_code == 0, result.output
    assert seen == [app]
    assert not has_app_context()


def test_app_context_is_torn_down_after_command(app: Vial) -> None:
    torn_down: list[BaseException | None] = []
    app.teardown_appcontext(torn_down.append)

    @app.cli.command()
    def noop() -> None:
        pass

    CliRunner().invoke(group_for(app), ["noop"])
    assert torn_down == [None]


def test_command_without_app_context(app: Vial) -> None:
    @app.cli.command(with_appcontext=False)
    def bare() -> None:
        click.echo(f"context: {has_app_context()}")

    result = app.test_cli_runner().invoke(args=["bare"])
    assert result.output == "context: False\n"


def test_command_decorator_without_parentheses(app: Vial) -> None:
    @app.cli.command
    def plain() -> None:
        click.echo(current_app.name)

    assert app.test_cli_runner().invoke(args=["plain"]).output == "testapp\n"


def test_command_with_arguments_and_options(app: Vial) -> None:
    @app.cli.command("add-user")
    @click.argument("name")
    @click.option("--admin", is_flag=True)
    def add_user(name: str, admin: bool) -> None:
        click.echo(f"{name} admin={admin} in {current_app.name}")

    result = app.test_cli_runner().invoke(args=["add-user", "ann", "--admin"])
    assert result.output == "ann admin=True in testapp\n"


def test_app_subgroup_is_app_group(app: Vial) -> None:
    @app.cli.group()
    def db() -> None:
        """Database commands."""

    assert isinstance(db, AppGroup)

    @db.command()
    def init() -> None:
        click.echo(f"init {current_app.name}")

    result = CliRunner().invoke(group_for(app), ["db", "init"])
    assert result.output == "init testapp\n"


def test_subgroup_class_can_be_chosen(app: Vial) -> None:
    @app.cli.group(cls=click.Group)
    def plain() -> None:
        pass

    assert type(plain) is click.Group


def test_blueprint_commands_in_group_named_after_blueprint(app: Vial) -> None:
    bp = Blueprint("accounts", __name__)

    @bp.cli.command()
    def purge() -> None:
        click.echo(f"purged in {current_app.name}")

    app.register_blueprint(bp)
    result = CliRunner().invoke(group_for(app), ["accounts", "purge"])
    assert result.output == "purged in testapp\n"


def test_blueprint_cli_group_option(app: Vial) -> None:
    renamed = Blueprint("renamed", __name__, cli_group="people")
    merged = Blueprint("merged", __name__, cli_group=None)
    overridden = Blueprint("overridden", __name__)

    @renamed.cli.command()
    def one() -> None:
        click.echo("one")

    @merged.cli.command()
    def two() -> None:
        click.echo("two")

    @overridden.cli.command()
    def three() -> None:
        click.echo("three")

    app.register_blueprint(renamed)
    app.register_blueprint(merged)
    app.register_blueprint(overridden, cli_group="other")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["people", "one"]).output == "one\n"
    assert runner.invoke(args=["two"]).output == "two\n"
    assert runner.invoke(args=["other", "three"]).output == "three\n"
    assert runner.invoke(args=["overridden", "three"]).exit_code != 0


def test_blueprint_without_commands_adds_no_group(app: Vial) -> None:
    app.register_blueprint(Blueprint("quiet", __name__))
    assert "quiet" not in app.cli.commands


# with_appcontext and ScriptInfo


def test_with_appcontext_on_plain_click_command(app: Vial) -> None:
    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(current_app.name)

    result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: app))
    assert result.output == "testapp\n"
    assert not has_app_context()


def test_with_appcontext_reuses_pushed_context(app: Vial) -> None:
    other = Vial("other")

    @click.command()
    @with_appcontext
    def show() -> None:
        click.echo(current_app.name)

    with other.app_context():
        result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: app))
    assert result.output == "other\n"


def test_pass_script_info(app: Vial) -> None:
    @click.command()
    @pass_script_info
    def show(info: ScriptInfo) -> None:
        info.data["seen"] = True
        click.echo(info.load_app().name)

    info = ScriptInfo(create_app=lambda: app)
    assert CliRunner().invoke(show, obj=info).output == "testapp\n"
    assert info.data == {"seen": True}


def test_test_cli_runner_invokes_app_group(app: Vial) -> None:
    @app.cli.command()
    @click.argument("word")
    def say(word: str) -> None:
        click.echo(f"{word} {current_app.name}")

    runner = app.test_cli_runner()
    result = runner.invoke(args=["say", "hi"])
    assert result.exit_code == 0
    assert result.output == "hi testapp\n"


def test_test_cli_runner_with_other_command(app: Vial) -> None:
    @click.command()
    @with_appcontext
    def standalone() -> None:
        click.echo(current_app.name)

    assert app.test_cli_runner().invoke(standalone).output == "testapp\n"


# VialGroup


def test_group_finds_app_commands_by_app_option() -> None:
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_basic", "hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello from cliapp_basic\n"


def test_group_finds_blueprint_commands() -> None:
    args = ["-A", "cliapp_basic", "admin", "create-user", "ann"]
    result = CliRunner().invoke(VialGroup(), args)
    assert result.output == "created ann in cliapp_basic\n"


def test_help_lists_app_commands() -> None:
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_basic", "--help"])
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1]
    for name in ("admin", "hello", "routes", "run", "shell"):
        assert re.search(rf"^\s+{name}\b", commands, re.M), name


def test_no_arguments_shows_help_with_app_commands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIAL_APP", "cliapp_basic")
    result = CliRunner().invoke(VialGroup(name="vial"), [])
    assert "Usage: vial" in result.output
    assert re.search(r"^\s+hello\b", result.output, re.M)


def test_unknown_command_with_missing_app() -> None:
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_nowhere", "hello"])
    assert result.exit_code == 2
    assert "Error: The module 'cliapp_nowhere' could not be imported" in result.output
    assert "No such command 'hello'" in result.output


def test_help_with_missing_app_still_lists_builtins() -> None:
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_nowhere", "--help"])
    assert result.exit_code == 0
    assert "could not be imported" in result.output
    assert re.search(r"^\s+routes\b", result.output, re.M)


def test_help_with_failing_factory_shows_traceback() -> None:
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_broken", "--help"])
    assert result.exit_code == 0
    assert "Traceback (most recent call last)" in result.output
    assert "RuntimeError: the database is not configured" in result.output
    assert re.search(r"^\s+run\b", result.output, re.M)


def test_builtin_command_with_missing_app_is_usage_error() -> None:
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_nowhere", "routes"])
    assert result.exit_code == 2
    assert "could not be imported" in result.output


def test_group_without_default_commands() -> None:
    group = VialGroup(add_default_commands=False, add_version_option=False)
    assert group.commands == {}
    assert "--version" not in [o for p in group.params for o in p.opts]


def test_custom_group_with_create_app() -> None:
    def create_app() -> Vial:
        app = Vial("custom")

        @app.cli.command()
        def where() -> None:
            click.echo(current_app.name)

        return app

    @click.group(cls=VialGroup, create_app=create_app)
    def manage() -> None:
        """A project's own command."""

    assert CliRunner().invoke(manage, ["where"]).output == "custom\n"


def test_debug_option_sets_debug_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, t.Any] = {}

    def create_app() -> Vial:
        app = Vial("debuggable")
        seen["during_factory"] = app.debug

        @app.cli.command()
        def show() -> None:
            seen["debug"] = current_app.debug
            seen["level"] = current_app.logger.level

        return app

    result = CliRunner().invoke(VialGroup(create_app=create_app), ["--debug", "show"])
    assert result.exit_code == 0, result.output
    assert seen == {"during_factory": True, "debug": True, "level": logging.DEBUG}

    monkeypatch.setenv("VIAL_DEBUG", "1")
    CliRunner().invoke(VialGroup(create_app=create_app), ["--no-debug", "show"])
    assert seen["debug"] is False


def test_plugin_commands_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command()
    def plugged() -> None:
        click.echo("from a plugin")

    class EntryPoint:
        name = "plugged"

        def load(self) -> click.Command:
            return plugged

    groups: list[str] = []

    def entry_points(group: str) -> list[EntryPoint]:
        groups.append(group)
        return [EntryPoint()] if group == "vial.commands" else []

    monkeypatch.setattr("vial.cli._groups.entry_points", entry_points)
    result = CliRunner().invoke(VialGroup(add_default_commands=False), ["plugged"])
    assert result.output == "from a plugin\n"
    assert groups == ["vial.commands"]


def test_version_option() -> None:
    result = CliRunner().invoke(VialGroup(), ["--version"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"Python {platform.python_version()}",
        f"Vial {vial.__version__}",
        f"Werkzeug {version('werkzeug')}",
    ]


def test_make_context_marks_cli_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    VialGroup().make_context("vial", ["--help"], resilient_parsing=True)
    assert os.environ["VIAL_RUN_FROM_CLI"] == "true"


def test_main_is_the_vial_command() -> None:
    assert vial.cli.cli.name == "vial"
    result = CliRunner().invoke(vial.cli.cli, ["--app", "cliapp_basic", "hello"])
    assert result.output == "hello from cliapp_basic\n"


def test_console_script_and_python_m_vial() -> None:
    result = run_python("-m", "vial", "--app", "cliapp_basic", "hello", cwd=CLI_APPS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from cliapp_basic\n"

    code = "import sys; from vial.cli import main; sys.argv[1:] = ['--version']; main()"
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Python {platform.python_version()}\nVial ")


def test_import_vial_does_not_import_click() -> None:
    code = (
        "import sys, vial\n"
        "app = vial.Vial('x')\n"
        "from werkzeug.test import Client\n"
        "assert Client(app).get('/').status_code == 404\n"
        "assert 'click' not in sys.modules, 'click imported'\n"
        "assert 'vial.cli' not in sys.modules, 'vial.cli imported'\n"
        "app.cli\n"
        "assert 'click' in sys.modules\n"
        "print('ok')\n"
    )
    result = run_python("-c", code)
    assert result.stdout == "ok\n", result.stderr


def test_cli_module_is_importable_alone() -> None:
    # The package is split in private modules; the public names are here.
    for name in (
        "AppGroup",
        "CertParamType",
        "NoAppException",
        "ScriptInfo",
        "SeparatedPathType",
        "VialGroup",
        "find_app_by_string",
        "find_best_app",
        "get_version",
        "load_dotenv",
        "locate_app",
        "main",
        "pass_script_info",
        "prepare_import",
        "routes_command",
        "run_command",
        "shell_command",
        "show_server_banner",
        "with_appcontext",
    ):
        assert getattr(vial.cli, name) is not None, name
    assert "vial.cli" in sys.modules


def test_plain_click_command_in_app_group_gets_context(app: Vial) -> None:
    @click.command()
    def plain() -> None:
        click.echo(f"context: {has_app_context()}")

    app.cli.add_command(plain)
    result = CliRunner().invoke(group_for(app), ["plain"])
    assert result.output == "context: True\n"
    assert not has_app_context()
