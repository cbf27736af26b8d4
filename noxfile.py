"""Every check of the vial monorepo, one nox session each.

``nox`` with no arguments runs the package test sessions, the benchmark
harness's tests, the integration suite, the extension template's
copy-rename test, the tutorial app's tests, lint, typing, the docs build
and the build check.
``nox -s demo`` serves the demo app, ``nox -s bench`` runs the benchmarks.
``nox -s tests-min`` runs each package's tests again on the lowest versions
of its dependencies that it declares; ``.ci/run`` runs it as a step of its
own.

Packages are discovered from the folders: ``core/`` and every
``extensions/*/`` holding a ``pyproject.toml``. A requirement named ``vial``
or ``vial-*`` always resolves to its local folder: PyPI may hold unrelated
projects under those names, so they are never fetched from an index. The
package sessions install them editable; ``integration`` and ``build``
install the wheels built from those folders, as users get them.

Sessions run on the interpreter that runs nox; CI picks another one with
``nox --force-python 3.12`` (``-P 3.12``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nox
from nox.command import CommandFailed
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox itself depends on tomli on Python 3.10
    import tomli as tomllib

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).resolve().parent
INTEGRATION_DIR = ROOT / "integration_tests"
DOCS_DIR = ROOT / "docs"
#: The distribution-name checks of the build session, a script of its own.
RELEASE_CHECKS = ROOT / ".ci" / "release_checks.py"
BENCH_SCRIPT = ROOT / "benchmarks" / "run.py"
#: The extension author's kit: the template extension and its copy-rename test.
TEMPLATE_DIR = ROOT / "extension-template"
#: The tutorial's final app (docs/tutorial.rst builds it step by step).
TUTORIAL_DIR = ROOT / "examples" / "tutorial"
#: Pins of the benchmark venvs, also used where nox installs gunicorn for the
#: harness's tests and type check.
BENCH_CONSTRAINTS = ROOT / "benchmarks" / "requirements" / "constraints.txt"

#: What ``nox -s demo`` serves: a path to an app file, or an import string
#: that ``vial --app`` understands (e.g. ``"vial_batteries.demo:create_app()"``).
DEMO_APP = "examples/hello/app.py"
DEMO_HOST = "127.0.0.1"
DEMO_PORT = "5000"


@dataclass(frozen=True)
class Package:
    """One distribution of the monorepo, read from its ``pyproject.toml``."""

    path: Path
    slug: str
    name: str
    version: str
    import_name: str
    dependencies: tuple[str, ...]
    optional: dict[str, tuple[str, ...]]
    groups: dict[str, list[Any]]

    @property
    def rel(self) -> str:
        """The package folder relative to the repository root."""
        return self.path.relative_to(ROOT).as_posix()


def _load_package(path: Path) -> Package:
    data = tomllib.loads((path / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    name = canonicalize_name(project["name"])
    flit_module = data.get("tool", {}).get("flit", {}).get("module", {})
    return Package(
        path=path,
        slug=path.name,
        name=name,
        version=str(project.get("version", "")),
        import_name=flit_module.get("name", name.replace("-", "_")),
        dependencies=tuple(project.get("dependencies", ())),
        optional={
            canonicalize_name(extra): tuple(reqs)
            for extra, reqs in project.get("optional-dependencies", {}).items()
        },
        groups={
            canonicalize_name(group): entries
            for group, entries in data.get("dependency-groups", {}).items()
        },
    )


def _discover_packages() -> dict[str, Package]:
    folders = [ROOT / "core"]
    folders += sorted(p.parent for p in ROOT.glob("extensions/*/pyproject.toml"))
    packages = [_load_package(folder) for folder in folders]
    return {package.name: package for package in packages}


PACKAGES = _discover_packages()


def _is_vial_name(name: str) -> bool:
    return name == "vial" or name.startswith("vial-")


def _group(session: nox.Session, package: Package, group: str) -> list[str]:
    """Return the PEP 735 dependency group of a package, includes expanded."""
    entries = package.groups.get(canonicalize_name(group), [])
    result: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            result.append(entry)
        elif isinstance(entry, dict) and "include-group" in entry:
            result += _group(session, package, entry["include-group"])
        else:
            session.error(
                f"{package.rel}/pyproject.toml: unsupported entry {entry!r} in"
                f" [dependency-groups] {group}; use requirement strings or"
                " {include-group = '...'}"
            )
    return result


def _resolve(
    session: nox.Session, requirements: Iterable[tuple[str, bool]]
) -> tuple[dict[str, set[str]], list[str]]:
    """Split requirements into local packages (with extras) and external ones.

    Each requirement comes with a flag: True if it was asked for directly,
    False if it comes from a local package's own metadata, which the
    installer reads itself once that package is on its command line. Local
    packages are followed transitively, through the extras asked for too.
    """
    queue = list(requirements)
    local: dict[str, set[str]] = {}
    external: list[str] = []
    while queue:
        raw, asked = queue.pop(0)
        requirement = Requirement(raw)
        name = canonicalize_name(requirement.name)
        if not _is_vial_name(name):
            if asked and raw not in external:
                external.append(raw)
            continue
        if name not in PACKAGES:
            session.error(
                f"The requirement {raw!r} names a vial package that has no folder"
                " in this repository; add the package under extensions/ or fix the"
                " requirement (vial packages are never installed from an index)"
            )
        package = PACKAGES[name]
        extras = {canonicalize_name(extra) for extra in requirement.extras}
        if name not in local:
            local[name] = set()
            queue += [(dep, False) for dep in package.dependencies]
        for extra_name in sorted(extras - local[name]):
            if extra_name not in package.optional:
                session.error(
                    f"The requirement {raw!r} asks for the extra {extra_name!r},"
                    f" which {package.rel}/pyproject.toml does not define"
                )
            queue += [(dep, False) for dep in package.optional[extra_name]]
        local[name] |= extras
    return local, external


def _install_args(
    session: nox.Session,
    roots: Iterable[Package],
    groups: Sequence[str] = (),
    extra: Sequence[str] = (),
) -> list[str]:
    """Build one installer command line for ``roots`` and everything they need.

    Local packages (the roots, their local dependencies transitively, and any
    local package named in a dependency group) are installed editable from
    their folders; every other requirement goes to the index as written.
    """
    asked: list[str] = []
    for package in roots:
        asked.append(package.name)
        for group in groups:
            asked += _group(session, package, group)
    asked += extra
    local, external = _resolve(session, [(raw, True) for raw in asked])
    args: list[str] = []
    for name, extras in local.items():
        args += ["-e", f"{PACKAGES[name].path}{_extras_suffix(extras)}"]
    return args + external


def _extras_suffix(extras: Collection[str]) -> str:
    return f"[{','.join(sorted(extras))}]" if extras else ""


def _make_test_session(package: Package) -> None:
    def tests(session: nox.Session) -> None:
        session.install(*_install_args(session, [package], groups=["test"]))
        session.chdir(package.path)
        session.run("pytest", *session.posargs)

    tests.__doc__ = f"Run the tests of {package.name} in a venv of its own."
    nox.session(name=f"tests-{package.slug}", tags=["tests"])(tests)


for _package in PACKAGES.values():
    _make_test_session(_package)


#: Seconds one test may run in ``tests-min`` before pytest-timeout fails it:
#: an old library release that hangs must not hold CI until its own limit.
MIN_TEST_TIMEOUT = 120


@nox.session(name="tests-min", venv_backend="uv", tags=["tests-min"])
@nox.parametrize(
    "name", [nox.param(name, id=package.slug) for name, package in PACKAGES.items()]
)
def tests_min(session: nox.Session, name: str) -> None:
    """Run a package's tests on the lowest dependency versions it declares.

    ``nox -s tests-min`` runs every package, ``nox -s "tests-min(login)"``
    one. The package comes with all its extras. Its third-party
    requirements, and those of the vial packages it depends on or its
    tests install, are resolved with uv's ``--resolution lowest-direct``:
    each at the lower bound it declares, their own dependencies at the
    newest compatible release (those ranges are other projects' promises,
    not ours). A vial requirement is always met by its local folder, the
    only version of it there is, so the lowest declared vial-core is the
    one in core/. The test dependency group is not part of the declared
    range: it resolves normally, held to those lowest versions by
    constraints. The session fails when a bound cannot be met exactly on
    this Python (no release of that number, yanked, or none installable
    here): raise the bound. Bounds are checked on the interpreter that runs
    nox; ``nox -P 3.13 -s tests-min`` checks another.
    """
    started = time.monotonic()
    package = PACKAGES[name]
    root = f"{package.name}{_extras_suffix(package.optional)}"
    # Our packages that the tests install (vial-sqlalchemy in vial-tokens'
    # tests) count too: the test venv must hold their requirements as well.
    asked = [root, *_group(session, package, "test")]
    local = _resolve(session, [(raw, True) for raw in asked])[0]
    venv = Path(session.virtualenv.location)
    python = _venv_python(venv)
    # Not session.create_tmp(): it points TMPDIR inside the venv, and the
    # core's tests take a module under sys.prefix for an installed one.
    tmp = venv / "tests-min"
    tmp.mkdir(exist_ok=True)
    requirements = tmp / "lowest.in"
    requirements.write_text(
        "".join(
            f"-e {PACKAGES[dist].path}{_extras_suffix(extras)}\n"
            for dist, extras in local.items()
        ),
        encoding="utf-8",
    )
    lowest = tmp / "lowest.txt"
    session.run(
        "uv", "pip", "compile", "--quiet", "--resolution", "lowest-direct",
        "--python", str(python), "--no-header", "--no-annotate",
        "--output-file", str(lowest), str(requirements),
    )  # fmt: skip
    pins = _read_pins(lowest)
    version = session.run(
        "python", "-c", "import platform; print(platform.python_version())",
        silent=True,
    )  # fmt: skip
    _check_lower_bounds(session, local, pins, str(version).strip())
    constraints = tmp / "lowest-constraints.txt"
    constraints.write_text(
        "".join(f"{dist}=={pin}\n" for dist, pin in pins.items()), encoding="utf-8"
    )
    session.install(
        *_install_args(session, [package], groups=["test"], extra=[root]),
        "pytest-timeout",
        "-c",
        str(constraints),
    )
    installed = time.monotonic()
    session.chdir(package.path)
    session.run("pytest", f"--timeout={MIN_TEST_TIMEOUT}", *session.posargs)
    session.log(
        f"{package.name} at its lowest versions: resolved and installed in"
        f" {installed - started:.0f} s, tested in {time.monotonic() - installed:.0f} s"
    )


def _read_pins(path: Path) -> dict[str, str]:
    """Read the third-party pins of a compiled requirements file."""
    # Ours are the "-e" lines, skipped with the other options.
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, _, version = line.partition("==")
        pins[canonicalize_name(Requirement(name).name)] = version.split(";")[0].strip()
    return pins


def _lower_bound(requirement: Requirement) -> Version | None:
    """Return the highest ``>=``, ``~=`` or ``==`` version of a requirement."""
    # None when it has no such clause: a range with no lower bound.
    floors = [
        Version(spec.version.removesuffix(".*"))
        for spec in requirement.specifier
        if spec.operator in (">=", "~=", "==")
    ]
    return max(floors, default=None)


def _declared_bounds(
    local: dict[str, set[str]], python_version: str
) -> dict[str, list[tuple[Version | None, str]]]:
    """Map each third-party library our packages require to their bounds."""
    # Markers are read as on the venv's interpreter, which may not be the one
    # running nox (``nox -P 3.12``).
    environment = {key: str(value) for key, value in default_environment().items()}
    environment["python_version"] = ".".join(python_version.split(".")[:2])
    environment["python_full_version"] = python_version
    declared: dict[str, list[tuple[Version | None, str]]] = {}
    for name, extras in local.items():
        package = PACKAGES[name]
        requirements = list(package.dependencies)
        for extra in sorted(extras):
            requirements += package.optional[extra]
        for raw in requirements:
            requirement = Requirement(raw)
            library = canonicalize_name(requirement.name)
            if _is_vial_name(library) or (
                requirement.marker and not requirement.marker.evaluate(environment)
            ):
                continue
            where = f"{package.rel}/pyproject.toml: {raw!r}"
            declared.setdefault(library, []).append((_lower_bound(requirement), where))
    return declared


def _check_lower_bounds(
    session: nox.Session,
    local: dict[str, set[str]],
    pins: dict[str, str],
    python_version: str,
) -> None:
    """Fail unless uv resolved each of our lower bounds to exactly itself."""
    problems: list[str] = []
    lowest: list[str] = []
    held: list[str] = []
    for library, bounds in sorted(_declared_bounds(local, python_version).items()):
        problems += [
            f"{where} has no lower bound; add one (>=)"
            for bound, where in bounds
            if bound is None
        ]
        floors = [(bound, where) for bound, where in bounds if bound is not None]
        if not floors:
            continue
        # Where two of our packages bound the same library, the higher bound
        # is the one that can be met; the lower one is vacuous, not false.
        floor, where = max(floors)
        pin = pins.get(library)
        if pin is None:
            problems.append(f"{where}: uv's resolution left {library} out")
        elif Version(pin) != floor:
            problems.append(
                f"{where}: the lowest {library} that resolves on Python"
                f" {python_version} is {pin}, not {floor} ({floor} does not"
                " exist, is yanked, or has no release installable on this"
                " Python); raise the bound to the lowest version that installs"
                " and passes the tests"
            )
        else:
            lowest.append(f"{library} {pin}")
            held += [
                f"{other} (held at {pin} by {where})"
                for lower, other in floors
                if lower < floor
            ]
    ours = ", ".join(f"{name} {PACKAGES[name].version}" for name in local)
    session.log(f"Ours, from their folders (the lowest there is): {ours}")
    session.log(f"At their declared lower bounds: {', '.join(lowest) or 'nothing'}")
    for line in held:
        session.log(f"Below another package's bound, not testable: {line}")
    if problems:
        session.error("False lower bounds:\n  " + "\n  ".join(problems))


@nox.session(name="tests-bench", tags=["tests"])
def tests_bench(session: nox.Session) -> None:
    """Run the benchmark harness's own tests (parsing, reports, gunicorn runs)."""
    # The tests start gunicorn on the raw WSGI app, so it comes pinned like
    # in the benchmark venvs; no framework is installed.
    session.install("pytest", "gunicorn", "-c", str(BENCH_CONSTRAINTS))
    session.chdir(BENCH_SCRIPT.parent)
    session.run("pytest", *session.posargs)


#: Environment variables the integration suite reads, handed to pytest as
#: they are: the PostgreSQL URL, and ``VIAL_CI=1``, which turns a missing or
#: unreachable database into a failure instead of a skip.
INTEGRATION_ENV = ("VIAL_TEST_DATABASE_URL", "VIAL_CI")


@nox.session(tags=["tests"])
def integration(session: nox.Session) -> None:
    """Run integration_tests/ with every package installed from its built wheel."""
    dist = _build_dists(session, sdists=False)
    # Wheels, not editable installs: the suite tests what users install, so
    # a file missing from a wheel (py.typed, a template) fails here.
    everything = {name: set(package.optional) for name, package in PACKAGES.items()}
    session.install(
        *_reinstall_ours(session),
        "--find-links",
        str(dist),
        *_wheel_requirements(session, dist, everything),
        "-r",
        str(INTEGRATION_DIR / "requirements.txt"),
    )
    env = {name: os.environ[name] for name in INTEGRATION_ENV if name in os.environ}
    if "VIAL_TEST_DATABASE_URL" not in env:
        session.log("VIAL_TEST_DATABASE_URL is not set: the PostgreSQL runs skip.")
    session.chdir(INTEGRATION_DIR)
    try:
        session.run("pytest", *session.posargs, env=env)
    except CommandFailed as e:
        # pytest exits with 5 when it collected nothing: a suite that runs
        # no test must not pass.
        if e.reason == "Returned code 5":
            session.error(
                "pytest collected no tests in integration_tests/; add tests"
                " there, or fix the arguments given after --"
            )
        raise


def _reinstall_ours(session: nox.Session) -> list[str]:
    """Installer flags that replace installed wheels of ours with new builds.

    A rebuilt wheel keeps its version, so with ``-R`` the installer would
    otherwise keep the copy from the previous run.
    """
    if session.venv_backend == "uv":
        return [arg for name in PACKAGES for arg in ("--reinstall-package", name)]
    return ["--force-reinstall"]


@nox.session(tags=["tests"])
def template(session: nox.Session) -> None:
    """Copy the extension template under new names, install the copy in a
    fresh venv with vial-core from core/, and run its tests, the extension
    contract test and mypy --strict on it."""
    # uv builds the copy's venv; mypy checks the copy from here, pointed at
    # that venv; tomli reads pyproject.toml on Python 3.10 (on every Python,
    # since mypy checks that branch too).
    session.install("pytest>=8", "mypy>=1.13", "uv", "tomli>=2")
    session.chdir(TEMPLATE_DIR)
    session.run("pytest", *session.posargs)
    session.run(
        "mypy", "--config-file", str(ROOT / "mypy.ini"),
        "new_extension.py", "test_template.py",
    )  # fmt: skip


@nox.session(tags=["tests"])
def tutorial(session: nox.Session) -> None:
    """Run the tutorial app's tests, which also check that every code block
    of docs/tutorial.rst comes from its files and every command runs."""
    project = _load_package(TUTORIAL_DIR)
    wanted = [*project.dependencies, *_group(session, project, "test")]
    # Its vial dependencies come from their folders, like everywhere here.
    session.install(*_install_args(session, [], extra=wanted), "-e", str(TUTORIAL_DIR))
    session.chdir(TUTORIAL_DIR)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check the whole repository with ruff (lint rules and formatting)."""
    session.install("ruff")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """Run mypy --strict over the sources and tests of every package, the
    integration suite, the tutorial's app and the benchmark harness."""
    session.install(
        "mypy",
        "-r",
        str(INTEGRATION_DIR / "requirements.txt"),
        *_install_args(session, PACKAGES.values(), groups=["test", "typing"]),
    )
    failed = []
    for package in PACKAGES.values():
        # Each package has its own tests/conftest.py; checking one package per
        # run, from inside its folder, keeps those module names apart.
        targets = [name for name in ("src", "tests") if (package.path / name).is_dir()]
        session.chdir(package.path)
        try:
            session.run(
                "mypy",
                "--config-file",
                str(ROOT / "mypy.ini"),
                *targets,
                *session.posargs,
            )
        except CommandFailed:
            failed.append(package.rel)
    # The integration suite, with the modules it loads from outside its
    # folder: the docs' table renderer and the build session's checks.
    session.chdir(INTEGRATION_DIR)
    search_path = os.pathsep.join(
        str(path) for path in (DOCS_DIR / "_ext", RELEASE_CHECKS.parent)
    )
    try:
        session.run(
            "mypy",
            "--config-file",
            str(ROOT / "mypy.ini"),
            ".",
            *session.posargs,
            env={"MYPYPATH": search_path},
        )
    except CommandFailed:
        failed.append(INTEGRATION_DIR.relative_to(ROOT).as_posix())
    # The tutorial's app, its tests and its migrations (env.py and the
    # revisions are the project's code too).
    session.chdir(TUTORIAL_DIR)
    try:
        session.run(
            "mypy",
            "--config-file",
            str(ROOT / "mypy.ini"),
            "toolshed",
            "tests",
            "migrations",
            *session.posargs,
        )
    except CommandFailed:
        failed.append(TUTORIAL_DIR.relative_to(ROOT).as_posix())
    # The benchmark harness and its tests. The scenario apps of the other
    # frameworks import packages that live only in the benchmark venvs.
    bench_dir = BENCH_SCRIPT.parent
    session.install("gunicorn", "matplotlib", "-c", str(BENCH_CONSTRAINTS))
    session.chdir(bench_dir)
    try:
        session.run(
            "mypy",
            "--config-file",
            str(ROOT / "mypy.ini"),
            "--exclude",
            r"scenarios/(bottle|falcon|flask|werkzeug)_app\.py$",
            "run.py",
            "harness",
            "scenarios",
            "tests",
            *session.posargs,
        )
    except CommandFailed:
        failed.append(bench_dir.relative_to(ROOT).as_posix())
    session.chdir(ROOT)
    if failed:
        session.error(f"mypy found errors in: {', '.join(failed)}")


@nox.session
def docs(session: nox.Session) -> None:
    """Test the docs' own Sphinx extensions, then build the Sphinx site into
    docs/_build/html; warnings are errors, and a public name missing from the
    API reference is one."""
    session.install(
        "-r",
        str(DOCS_DIR / "requirements.txt"),
        "pytest>=8",
        *_install_args(session, PACKAGES.values()),
    )
    session.run(
        "pytest", "-p", "no:cacheprovider", "-W", "error", "-q",
        str(DOCS_DIR / "_ext"),
    )  # fmt: skip
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-E",
        "-b",
        "html",
        str(DOCS_DIR),
        str(DOCS_DIR / "_build" / "html"),
        *session.posargs,
    )


def _venv_python(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / "python"


def _build_dists(session: nox.Session, *, sdists: bool = True) -> Path:
    """Build every package's wheel (and sdist) into a fresh folder; return it."""
    use_uv = session.venv_backend == "uv"
    dist = Path(session.create_tmp()).resolve() / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    kinds = [] if sdists else ["--wheel"]
    out = ["--out-dir" if use_uv else "--outdir", str(dist)]
    if not use_uv:
        session.install("build")
    builder = ["uv", "build"] if use_uv else ["python", "-m", "build"]
    for package in PACKAGES.values():
        session.run(*builder, *kinds, *out, str(package.path))
    return dist


def _artifact(session: nox.Session, dist: Path, package: Package, pattern: str) -> Path:
    """Return the one file of ``package`` in ``dist`` matching ``pattern``."""
    stem = f"{package.name.replace('-', '_')}-{package.version}"
    found = sorted(dist.glob(stem + pattern))
    if len(found) != 1:
        session.error(f"Expected one {stem}{pattern} in {dist}, found {found}")
    return found[0]


def _wheel_requirements(
    session: nox.Session, dist: Path, packages: dict[str, set[str]]
) -> list[str]:
    """Name each local package (with extras) as its wheel file in ``dist``.

    Named as files, not left to --find-links: an index could offer a newer
    release of the same name, or an unrelated project, and win.
    """
    return [
        f"{name}{_extras_suffix(extras)} @"
        f" {_artifact(session, dist, PACKAGES[name], '-*.whl').as_uri()}"
        for name, extras in packages.items()
    ]


@nox.session
def build(session: nox.Session) -> None:
    """Build every package's wheel and sdist and install each wheel alone;
    check our distribution names against PyPI and the docs; install an
    extension from its folder with the local wheels, as a user would."""
    session.install("packaging")
    # The name checks report and the build goes on, so one run shows every
    # problem; the session fails at the end if a check did.
    failed = []
    for check in ("mentions", "pypi"):
        try:
            session.run("python", str(RELEASE_CHECKS), check)
        except CommandFailed:
            failed.append(f"release_checks.py {check}")
    use_uv = session.venv_backend == "uv"
    dist = _build_dists(session)
    tmp = dist.parent

    session_python = _venv_python(Path(session.virtualenv.location))
    for package in PACKAGES.values():
        wheel = _artifact(session, dist, package, "-*.whl")
        _artifact(session, dist, package, ".tar.gz")
        declared = [(dep, False) for dep in package.dependencies]
        local = _wheel_requirements(session, dist, _resolve(session, declared)[0])
        env = tmp / "envs" / package.slug
        shutil.rmtree(env, ignore_errors=True)
        python = str(_venv_python(env))
        if use_uv:
            session.run(
                "uv", "venv", "--quiet", "--python", str(session_python), str(env)
            )
            session.run(
                "uv", "pip", "install", "--python", python,
                "--find-links", str(dist), str(wheel), *local,
            )  # fmt: skip
            session.run("uv", "pip", "check", "--python", python)
        else:
            session.run("python", "-m", "venv", str(env))
            session.run(
                python, "-m", "pip", "install", "--quiet",
                "--find-links", str(dist), str(wheel), *local,
                external=True,
            )  # fmt: skip
            session.run(python, "-m", "pip", "check", external=True)
        session.run(python, "-c", f"import {package.import_name}", external=True)
    _install_as_a_user(session, dist, PACKAGES["vial-login"])
    if failed:
        session.error(f"Failed (see their output above): {', '.join(failed)}")


def _install_as_a_user(session: nox.Session, dist: Path, package: Package) -> None:
    """``pip install --find-links <wheels> ./extensions/<slug>`` into an empty
    venv must give our core, not a project of the same name from the index."""
    env = dist.parent / "envs" / f"user-{package.slug}"
    shutil.rmtree(env, ignore_errors=True)
    # The plain venv module and pip, as a user has them: no uv, no nox venv.
    session.run(sys.executable, "-m", "venv", str(env), external=True)
    python = str(_venv_python(env))
    session.run(
        python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--find-links", str(dist), str(package.path),
        external=True,
    )  # fmt: skip
    core = PACKAGES["vial-core"]
    # Same version and same source as core/: our wheel, not an index's.
    check = (
        "import importlib.metadata, pathlib, sys, vial.ext\n"
        "version = importlib.metadata.version('vial-core')\n"
        "ours = pathlib.Path(sys.argv[2]).read_bytes()\n"
        "installed = pathlib.Path(vial.ext.__file__).read_bytes()\n"
        "if version != sys.argv[1] or installed != ours:\n"
        "    sys.exit(f'pip installed vial-core {version} at {vial.ext.__file__},'\n"
        "             ' not the wheel built from core/')\n"
        f"import {package.import_name}\n"
        "print(f'vial-core {version} from the local wheel; vial.ext imports')\n"
    )
    ext_init = core.path / "src" / "vial" / "ext" / "__init__.py"
    session.run(python, "-c", check, core.version, str(ext_init), external=True)


@nox.session
def demo(session: nox.Session) -> None:
    """Serve the demo app at http://127.0.0.1:5000 (Ctrl+C stops it)."""
    roots = [PACKAGES["vial-core"]]
    if "vial-batteries" in PACKAGES:
        roots.append(PACKAGES["vial-batteries"])
    session.install(*_install_args(session, roots))
    session.chdir(ROOT)
    address = ["--host", DEMO_HOST, "--port", DEMO_PORT]
    if DEMO_APP.endswith(".py") and not _vial_cli_works(session):
        # Until the core's CLI exists, an app file can still serve itself.
        session.log("The vial command is not usable; running the app file directly.")
        session.run("python", DEMO_APP, *session.posargs)
        return
    session.run("vial", "--app", DEMO_APP, "run", *address, *session.posargs)


def _vial_cli_works(session: nox.Session) -> bool:
    try:
        session.run("vial", "--help", silent=True)
    except CommandFailed:
        return False
    return True


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks: python benchmarks/run.py {posargs}."""
    if not BENCH_SCRIPT.is_file():
        session.error("benchmarks/run.py does not exist yet; nothing to run")
    # run.py builds one venv per framework under benchmarks/.venvs (vial from
    # core/, the others pinned by benchmarks/requirements/constraints.txt), so
    # this venv needs only uv to build them fast and matplotlib for the chart.
    # `nox -s bench -- --quick` is the smoke run; `-- --help` lists options.
    session.install("uv", "matplotlib")
    session.chdir(ROOT)
    session.run("python", str(BENCH_SCRIPT), *session.posargs)


CONFORMANCE_DIR = ROOT / "conformance"


def _conformance_suites() -> list[dict[str, Any]]:
    """The suites of conformance/pins.toml, in the file's order."""
    pins = tomllib.loads((CONFORMANCE_DIR / "pins.toml").read_text(encoding="utf-8"))
    return list(pins["suites"].values())


@nox.session
def conformance(session: nox.Session) -> None:
    """Run pinned releases of the Flask, Flask-SQLAlchemy, Flask-WTF,
    Flask-Login and Flask-HTTPAuth test suites on the real packages and on
    vial, and compare them test by test (see conformance/)."""
    # This venv is vial's side: every repository package a suite stands in
    # for, installed from its folder, and the suites' test requirements.
    # The real packages get a throwaway environment each, built by
    # conformance/ with uv; they are never installed here.
    suites = [s for s in _conformance_suites() if s["vial"] in PACKAGES]
    constraints = ["-c", str(CONFORMANCE_DIR / "constraints.txt")]
    requires = sorted({r for suite in suites for r in suite.get("requires", ())})
    roots = [PACKAGES[suite["vial"]] for suite in suites]
    session.install("uv", *_install_args(session, roots, extra=requires), *constraints)
    flask_requires = sorted(
        {r for suite in suites for r in suite.get("flask_requires", ())}
    )
    if flask_requires:
        # Flask extensions the tests use: their own dependencies come from
        # "requires"; without --no-deps they would bring the real Flask.
        session.install("--no-deps", *flask_requires, *constraints)
    venv = Path(session.virtualenv.location)
    session.chdir(ROOT)
    # The tool's own tests first: a wrong comparison would pass anything.
    session.run(
        "python", "-m", "pytest", "-q",
        "-c", str(CONFORMANCE_DIR / "pytest.ini"),
        "--rootdir", str(CONFORMANCE_DIR),
        str(CONFORMANCE_DIR / "tests"),
    )  # fmt: skip
    session.run(
        "python",
        "-m",
        "conformance",
        "--vial-python",
        str(_venv_python(venv)),
        "--uv",
        str(venv / ("Scripts" if os.name == "nt" else "bin") / "uv"),
        "--cache",
        str(ROOT / ".nox" / "_conformance"),
        *session.posargs,
    )


nox.options.sessions = [
    *(f"tests-{package.slug}" for package in PACKAGES.values()),
    "tests-bench",
    "integration",
    "template",
    "tutorial",
    "lint",
    "typing",
    "docs",
    "build",
]
