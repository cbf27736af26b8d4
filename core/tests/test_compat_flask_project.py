"""Proof that vial runs Flask code: the Flask project in ``flask_project/notes``
(an app factory, blueprints, SQLite, sessions, a JSON ``MethodView``, a click
command, and its own pytest suite, importing only ``flask``) passes
unmodified with the compatibility switch on.

The project is copied to a temporary folder first, so its instance folder and
database are not written into the repository.
"""

from __future__ import annotations

import pathlib
import re
import shutil
import typing as t

import pytest
from _cli_helpers import HERE
from _cli_helpers import run_python

PROJECT = HERE / "flask_project" / "notes"


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    copy = tmp_path / "notes"
    shutil.copytree(
        PROJECT, copy, ignore=shutil.ignore_patterns("__pycache__", "instance")
    )
    return copy


def run_suite(project: pathlib.Path, *python: str) -> t.Any:
    """Run the project's tests the way its README says, without the plugins
    installed in this environment (only the switch is loaded)."""
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    args = ["-p", "vial.compat.pytest_plugin", "-p", "no:cacheprovider", "-q"]
    return run_python(*python, *args, "-rfEsx", cwd=project, env=env, timeout=600)


def test_flask_project_suite_passes_on_vial(project: pathlib.Path) -> None:
    result = run_suite(project, "-m", "pytest")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output

    summary = output.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed in [\d.]+s", summary), summary
    passed = int(summary.split()[0])
    # Every test function ran (parametrized ones more than once).
    sources = (project / "tests").glob("test_*.py")
    functions = sum(
        len(re.findall(r"^def test_", p.read_text(), re.M)) for p in sources
    )
    assert functions >= 30
    assert passed >= functions


def test_flask_project_needs_the_switch(project: pathlib.Path) -> None:
    # With 'flask' unimportable and no switch, the suite cannot even start,
    # so the run above really went through vial.
    code = (
        "import sys, pytest\n"
        "sys.modules['flask'] = None\n"
        "sys.exit(pytest.main(['-p', 'no:cacheprovider', '-q']))\n"
    )
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    result = run_python("-c", code, cwd=project, env=env)
    assert result.returncode != 0
    assert "import of flask halted" in result.stdout + result.stderr


def test_flask_project_command_line(project: pathlib.Path) -> None:
    # FLASK_APP comes from the project's .flaskenv.
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    result = run_python("-m", "vial.compat", "init-db", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Initialized the database.\n"
    assert (project / "instance" / "notes.sqlite").is_file()

    result = run_python("-m", "vial.compat", "count-notes", cwd=project, env=env)
    assert result.stdout == "0\n", result.stderr

    result = run_python("-m", "vial.compat", "routes", cwd=project, env=env)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert ["api.notes", "GET,", "POST", "/api/notes"] in rows
    assert ["notes.delete", "POST", "/<int:note_id>/delete"] in rows
