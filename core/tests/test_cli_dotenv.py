"""Environment files: ``.vialenv``, ``.env``, ``--env-file`` and, with the
Flask switch, ``.flaskenv``."""

from __future__ import annotations

import os
import sys
import typing as t

import click
import pytest
from _cli_helpers import CLI_APPS
from _cli_helpers import isolated_process_state
from click.testing import CliRunner

from vial import current_app
from vial import helpers
from vial import Vial
from vial.cli import load_dotenv
from vial.cli import VialGroup


@pytest.fixture(autouse=True)
def project(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> t.Iterator[t.Any]:
    """A project folder, the working directory, with a clean environment."""
    with isolated_process_state(tmp_path):
        folder = tmp_path / "project"
        folder.mkdir()
        monkeypatch.chdir(folder)
        yield folder


def write(folder: t.Any, name: str, **values: str) -> str:
    path = folder / name
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return str(path)


def show_env_group(*names: str, **kwargs: t.Any) -> VialGroup:
    """A group whose ``show`` command prints environment variables."""
    group = VialGroup(create_app=lambda: Vial("envapp"), **kwargs)

    @group.command("show", with_appcontext=False)
    def show() -> None:
        for name in names:
            click.echo(f"{name}={os.environ.get(name)}")

    return group


def test_vialenv_and_env_precedence(project: t.Any) -> None:
    write(project, ".vialenv", VIAL_T_A="vialenv", VIAL_T_B="vialenv")
    write(project, ".env", VIAL_T_B="env", VIAL_T_C="env")
    assert load_dotenv() is True
    assert os.environ["VIAL_T_A"] == "vialenv"
    assert os.environ["VIAL_T_B"] == "env"
    assert os.environ["VIAL_T_C"] == "env"


def test_environment_wins_over_files(
    project: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIAL_T_A", "environment")
    write(project, ".env", VIAL_T_A="env")
    load_dotenv()
    assert os.environ["VIAL_T_A"] == "environment"


def test_given_file_wins_over_default_files(project: t.Any) -> None:
    write(project, ".env", VIAL_T_A="env", VIAL_T_B="env")
    path = write(project, "custom.env", VIAL_T_A="custom")
    assert load_dotenv(path) is True
    assert os.environ["VIAL_T_A"] == "custom"
    assert os.environ["VIAL_T_B"] == "env"


def test_given_file_without_defaults(project: t.Any) -> None:
    write(project, ".env", VIAL_T_B="env")
    path = write(project, "custom.env", VIAL_T_A="custom")
    load_dotenv(path, load_defaults=False)
    assert os.environ["VIAL_T_A"] == "custom"
    assert "VIAL_T_B" not in os.environ


def test_nothing_to_load(project: t.Any) -> None:
    assert load_dotenv() is False
    assert load_dotenv(project / "missing.env") is False


def test_files_found_in_parent_folder(
    project: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, ".vialenv", VIAL_T_A="parent")
    (project / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(project / "sub" / "deeper")
    load_dotenv()
    assert os.environ["VIAL_T_A"] == "parent"


def test_key_without_value_sets_nothing(project: t.Any) -> None:
    (project / ".env").write_text("VIAL_T_EMPTY\nVIAL_T_BLANK=\n")
    load_dotenv()
    assert "VIAL_T_EMPTY" not in os.environ
    assert os.environ["VIAL_T_BLANK"] == ""


def test_flaskenv_only_with_switch(
    project: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, ".flaskenv", FLASK_T_A="flaskenv", VIAL_T_B="flaskenv")
    write(project, ".vialenv", VIAL_T_B="vialenv")
    load_dotenv()
    assert "FLASK_T_A" not in os.environ

    monkeypatch.setattr(helpers, "ENV_PREFIXES", ["VIAL", "FLASK"])
    load_dotenv()
    assert os.environ["FLASK_T_A"] == "flaskenv"
    # .vialenv was loaded first here, but it also wins by precedence:
    del os.environ["VIAL_T_B"]
    load_dotenv()
    assert os.environ["VIAL_T_B"] == "vialenv"


def test_group_loads_default_files(project: t.Any) -> None:
    write(project, ".vialenv", VIAL_T_A="vialenv")
    result = CliRunner().invoke(show_env_group("VIAL_T_A"), ["show"])
    assert result.output == "VIAL_T_A=vialenv\n"


def test_group_env_file_option(project: t.Any) -> None:
    write(project, ".env", VIAL_T_A="env", VIAL_T_B="env")
    path = write(project, "other.env", VIAL_T_A="other")
    result = CliRunner().invoke(
        show_env_group("VIAL_T_A", "VIAL_T_B"), ["--env-file", path, "show"]
    )
    assert result.output == "VIAL_T_A=other\nVIAL_T_B=env\n"


def test_group_env_file_short_option(project: t.Any) -> None:
    path = write(project, "other.env", VIAL_T_A="other")
    result = CliRunner().invoke(show_env_group("VIAL_T_A"), ["-e", path, "show"])
    assert result.output == "VIAL_T_A=other\n"


def test_group_env_file_must_exist(project: t.Any) -> None:
    result = CliRunner().invoke(show_env_group(), ["-e", "missing.env", "show"])
    assert result.exit_code == 2
    assert "missing.env" in result.output


def test_skip_dotenv(project: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, ".env", VIAL_T_A="env")
    path = write(project, "other.env", VIAL_T_B="other")
    monkeypatch.setenv("VIAL_SKIP_DOTENV", "1")
    result = CliRunner().invoke(
        show_env_group("VIAL_T_A", "VIAL_T_B"), ["--env-file", path, "show"]
    )
    # The defaults are skipped; a file given explicitly is still loaded.
    assert result.output == "VIAL_T_A=None\nVIAL_T_B=other\n"


def test_group_without_dotenv_loading(project: t.Any) -> None:
    write(project, ".env", VIAL_T_A="env")
    group = show_env_group("VIAL_T_A", load_dotenv=False)
    assert CliRunner().invoke(group, ["show"]).output == "VIAL_T_A=None\n"


def test_app_named_in_vialenv(project: t.Any) -> None:
    write(project, ".vialenv", VIAL_APP="cliapp_factory:create_app('dotenv')")
    (project / "cliapp_factory.py").write_text(
        (CLI_APPS / "cliapp_factory.py").read_text()
    )
    result = CliRunner().invoke(VialGroup(), ["routes"])
    assert result.exit_code == 0, result.output
    assert "/static/<path:filename>" in result.output
    # The help loads the files too, to list the app's commands.
    result = CliRunner().invoke(VialGroup(), ["--help"])
    assert "Error" not in result.output


def test_debug_from_env_file(project: t.Any) -> None:
    write(project, ".env", VIAL_DEBUG="1")
    seen: list[bool] = []
    group = VialGroup(create_app=lambda: Vial("debugged"))

    @group.command()
    def show() -> None:
        seen.append(current_app.debug)

    CliRunner().invoke(group, ["show"])
    assert seen == [True]


def test_hint_when_python_dotenv_is_missing(
    project: t.Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    write(project, ".vialenv", VIAL_T_A="vialenv")
    write(project, ".env", VIAL_T_B="env")
    assert load_dotenv() is False
    err = capsys.readouterr().err
    assert "Found .vialenv, .env, but python-dotenv is not installed" in err
    assert "pip install python-dotenv" in err
    assert "VIAL_T_A" not in os.environ


def test_no_hint_without_files(
    project: t.Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    assert load_dotenv() is False
    assert capsys.readouterr().err == ""


def test_env_file_option_needs_python_dotenv(
    project: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dotenv", None)
    path = write(project, "other.env", VIAL_T_A="other")
    result = CliRunner().invoke(show_env_group("VIAL_T_A"), ["-e", path, "show"])
    assert result.exit_code == 2
    assert "python-dotenv must be installed" in result.output
