"""The template stays a working extension under any name: ``nox -s template``.

The template is copied and renamed by ``new_extension.py``, as an author
would, into a small repository laid out like this one (``extensions/<key>/``
next to the contract test, the docs' table renderer and the core's README,
copied from this checkout). The copy is installed into a fresh venv with
vial-core from ``core/`` (never from an index), and then must pass its own
tests, the extension contract test and ``mypy --strict``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from new_extension import copy_template
from new_extension import InvalidName
from new_extension import leftovers
from new_extension import Names

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

#: The names of the copy: none of them is derived from another, so a
#: rename that mixes two of them up shows.
NAMES = Names(
    distribution="acme-downtime",
    package="acme_pause",
    prefix="DOWNTIME_",
    key="closing",
    class_name="Closing",
)

#: What the contract test needs from this checkout, besides the package.
REPO_FILES = (
    "integration_tests/contract.py",
    "integration_tests/test_contract.py",
    "integration_tests/pytest.ini",
    "docs/_ext/vial_config_tables.py",
    "core/README.md",
)

#: What the venv needs to run the contract test (integration_tests/
#: requirements.txt without the database driver).
CONTRACT_REQUIREMENTS = (
    "pytest>=8",
    "packaging>=24",
    "tomli>=2; python_version < '3.11'",
)

#: No step may hang the session.
TIMEOUT = 600


def check(*command: str | Path, cwd: Path) -> str:
    """Run ``command`` in ``cwd``; return its output, or fail the test with it."""
    # The copy is tested in its own venv: nothing from this session's.
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} (in {cwd}) exited with"
            f" {result.returncode}:\n{output}",
            pytrace=False,
        )
    return output


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding the renamed copy as ``extensions/<key>/``."""
    root = tmp_path_factory.mktemp("repo")
    for name in REPO_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, root / name)
    copy_template(root / "extensions" / NAMES.key, NAMES)
    # The contract asks every package of the repository for a docs page
    # that renders its config table.
    page = root / "docs" / "extensions" / f"{NAMES.key}.rst"
    page.parent.mkdir(parents=True)
    page.write_text(
        f"{NAMES.distribution}\n{'=' * len(NAMES.distribution)}\n\n"
        f".. vial-config-table:: {NAMES.package}.config.OPTIONS\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def copy(repo: Path) -> Path:
    """The renamed copy of the template."""
    return repo / "extensions" / NAMES.key


@pytest.fixture(scope="module")
def python(copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv's interpreter, with vial-core from ``core/`` and the copy
    installed as users get them (built wheels, not editable)."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH; nox -s template installs it.", pytrace=False)
    env = tmp_path_factory.mktemp("venv") / "env"
    check(uv, "venv", "--quiet", "--python", sys.executable, env, cwd=copy)
    python = env / ("Scripts" if os.name == "nt" else "bin") / "python"
    project = tomllib.loads((copy / "pyproject.toml").read_text(encoding="utf-8"))
    tests_need = project["dependency-groups"]["test"]
    # vial-core named by its folder: an index may hold another release of
    # that name, or an unrelated project, and must not win.
    check(
        uv, "pip", "install", "--quiet", "--python", python,
        f"vial-core @ {(ROOT / 'core').as_uri()}", copy,
        *tests_need, *CONTRACT_REQUIREMENTS,
        cwd=copy,
    )  # fmt: skip
    return python


def test_new_extension_renamed_everything(copy: Path) -> None:
    assert leftovers(copy) == []
    project = tomllib.loads((copy / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == NAMES.distribution
    assert project["tool"]["flit"]["module"]["name"] == NAMES.package
    assert project["tool"]["vial"]["extension"] == {
        "class": f"{NAMES.package}:{NAMES.class_name}",
        "state": f"{NAMES.package}.state:STATE",
        "options": f"{NAMES.package}.config:OPTIONS",
        "prefixes": [NAMES.prefix],
        "replace_on_second_init": False,
    }
    package = copy / "src" / NAMES.package
    assert (package / "py.typed").is_file()
    assert (package / "templates" / NAMES.key / "page.html").is_file()


#: Run in the venv: the copy's objects carry the new names.
NAMES_CHECK = """
import sys
import vial
from {package} import {class_name}, {class_name}Error
from {package}.config import OPTIONS
from {package}.state import STATE

assert STATE.name == sys.argv[1], STATE.name
assert all(option.name.startswith(sys.argv[2]) for option in OPTIONS), list(OPTIONS)
app = vial.Vial("check", instance_path=sys.argv[3])
{class_name}(app)
assert sys.argv[1] in app.blueprints and sys.argv[1] in app.cli.commands
assert {class_name}Error.code == 503
"""


def test_the_copy_works_under_its_names(
    copy: Path, python: Path, tmp_path: Path
) -> None:
    script = NAMES_CHECK.format(package=NAMES.package, class_name=NAMES.class_name)
    check(
        python, "-c", script, NAMES.key, NAMES.prefix, tmp_path / "instance",
        cwd=tmp_path,
    )  # fmt: skip


def test_the_copy_passes_its_own_tests(copy: Path, python: Path) -> None:
    output = check(python, "-m", "pytest", "-p", "no:cacheprovider", "-rs", cwd=copy)
    summary = output.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed\b", summary), output
    assert "skipped" not in summary, output


def test_the_copy_passes_the_contract_test(repo: Path, python: Path) -> None:
    output = check(
        python, "-m", "pytest", "-p", "no:cacheprovider", "-v", "test_contract.py",
        cwd=repo / "integration_tests",
    )  # fmt: skip
    # The copy was found and checked: its folder names the tests' parameter.
    assert re.search(rf"::test_ext_with_the_app\[{NAMES.key}\] PASSED", output), output
    assert " skipped" not in output.splitlines()[-1], output


def test_the_copy_type_checks(copy: Path, python: Path) -> None:
    check(
        sys.executable, "-m", "mypy", "--config-file", ROOT / "mypy.ini",
        "--python-executable", python, "--cache-dir", copy / ".mypy_cache",
        "src", "tests",
        cwd=copy,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("distribution", "vial", "is taken"),
        ("distribution", "Vial_Core", "is taken"),
        ("distribution", "acme downtime", "not valid"),
        ("package", "Acme", "lowercase Python identifier"),
        ("package", "class", "lowercase Python identifier"),
        ("package", "flask_downtime", "would shadow"),
        ("prefix", "DOWNTIME", "end with '_'"),
        ("prefix", "downtime_", "UPPER_CASE"),
        ("key", "down-time", "lowercase letters"),
        ("key", "site_maintenance", "template's word"),
        ("class_name", "downtime", "CamelCase"),
    ],
)
def test_new_extension_refuses_bad_names(field: str, value: str, message: str) -> None:
    fields = {
        "distribution": "acme-downtime",
        "package": "acme_downtime",
        "prefix": "DOWNTIME_",
        "key": "downtime",
        "class_name": "Downtime",
        field: value,
    }
    with pytest.raises(InvalidName, match=message):
        Names(**fields)


def test_the_class_name_defaults_to_the_key_in_camel_case() -> None:
    names = Names("acme-x", "acme_x", "X_", "site_closing")
    assert names.class_name == "SiteClosing"
    assert names.replace("class Maintenance:") == "class SiteClosing:"


def test_new_extension_refuses_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileExistsError, match="exists already"):
        copy_template(tmp_path, NAMES)
