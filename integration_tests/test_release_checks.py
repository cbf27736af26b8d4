"""The build session's name checks (.ci/release_checks.py), without network."""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".ci"))

from release_checks import check_pypi
from release_checks import Distribution
from release_checks import forbidden_mentions
from release_checks import PyPIUnreachable


@pytest.mark.parametrize(
    "line",
    [
        "pip install vial",
        "$ python -m pip install -U vial",
        "pip install 'vial[dotenv]'",
        'pip install "vial>=0.1"',
        "uv add vial",
        'dependencies = ["vial>=0.1"]',
        "depends on ``vial>=0.1`` and more",
        "vial==0.1.0",
        "    'vial[async]',",
    ],
)
def test_asking_for_the_distribution_vial_is_found(line: str) -> None:
    assert forbidden_mentions(Path("README.md"), line) == [(1, line.strip())]


@pytest.mark.parametrize(
    "line",
    [
        "pip install vial-core",
        "pip install 'vial-core[dotenv]' vial-login",
        "pip install -e ./core -r requirements.txt",
        "pip install --find-links dist ./extensions/login",
        "import vial",
        "from vial import Vial",
        'name = "vial"',
        'known-first-party = ["vial", "vial_*"]',
        "The project called `vial` on PyPI is an unrelated one.",
        '"vial-core>=0.2"',
    ],
)
def test_our_names_and_the_import_name_pass(line: str) -> None:
    assert forbidden_mentions(Path("README.md"), line) == []


def test_a_requirements_line_and_a_pyproject_requirement_are_found() -> None:
    assert forbidden_mentions(Path("requirements.txt"), "pytest\nvial  # core\n") == [
        (2, "vial  # core")
    ]
    pyproject = '[project]\nname = "x"\ndependencies = [\n  "vial",\n]\n'
    assert forbidden_mentions(Path("pyproject.toml"), pyproject) == [(4, "vial")]


def _ours(urls: frozenset[str] = frozenset()) -> Distribution:
    return Distribution("vial-login", "extensions/login", urls)


def _pypi(project_urls: dict[str, str] | None) -> t.Callable[[str], t.Any]:
    def fetch(name: str) -> dict[str, t.Any] | None:
        if project_urls is None:
            return None
        return {"info": {"version": "9.9", "project_urls": project_urls}}

    return fetch


def test_a_name_pypi_does_not_know_is_free() -> None:
    assert check_pypi([_ours()], _pypi(None)) == []


def test_a_taken_name_with_our_repository_is_ours() -> None:
    dist = _ours(frozenset({"https://github.com/example/vial"}))
    fetch = _pypi({"Repository": "https://GitHub.com/example/vial.git/"})
    assert check_pypi([dist], fetch) == []


def test_a_taken_name_is_someone_elses_without_our_url() -> None:
    fetch = _pypi({"Homepage": "https://example.org/other"})
    [problem] = check_pypi([_ours()], fetch)
    assert "'vial-login'" in problem
    assert "declares no [project.urls]" in problem
    dist = _ours(frozenset({"https://github.com/example/vial"}))
    [problem] = check_pypi([dist], fetch)
    assert "are not ours" in problem


def test_no_answer_from_pypi_is_an_error() -> None:
    def fetch(name: str) -> dict[str, t.Any] | None:
        raise PyPIUnreachable("timed out")

    with pytest.raises(PyPIUnreachable):
        check_pypi([_ours()], fetch)
