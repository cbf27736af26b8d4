"""Checks that the names we publish under are ours, run by ``nox -s build``.

``python .ci/release_checks.py mentions``
    Fails when a doc, README, workflow or requirement names a distribution
    called ``vial`` (``pip install vial``, ``pip install 'vial[dotenv]'``,
    ``"vial>=0.1"``, ``vial==0.1``, a requirements line ``vial``). The
    project called ``vial`` on PyPI is an unrelated one; ours is
    ``vial-core``. The import name ``vial`` in code is fine.

``python .ci/release_checks.py pypi``
    Asks PyPI about every distribution name of this repository. A name PyPI
    does not know is free; a name it knows must be ours: the project's URLs
    on PyPI include the ``Repository`` or ``Homepage`` URL that our
    ``pyproject.toml`` declares. A package that declares none cannot prove
    it, so a taken name is someone else's. No answer from PyPI is an error,
    not a pass.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing as t
import urllib.error
import urllib.request
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - nox's own venv has tomli on 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

#: The name nobody here may ask an installer for.
FORBIDDEN = "vial"

#: Files that hold docs, requirements or install commands. Python sources
#: are left out: ``import vial`` is the import name, not a distribution.
TEXT_SUFFIXES = {".md", ".rst", ".txt", ".in", ".toml", ".yml", ".yaml", ".cfg", ".ini"}

#: Folders never read: environments, caches and build output.
SKIPPED_DIRS = {
    ".git", ".nox", ".venv", ".venvs", "venv", "node_modules", "_build",
    "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist", "build",
}  # fmt: skip

#: Which ``[project.urls]`` entries say where a project lives.
OWNER_URL_KEYS = {"repository", "homepage", "source", "sourcecode"}

PYPI_JSON = "https://pypi.org/pypi/{name}/json"
PYPI_TIMEOUT = 15.0

_INSTALL = re.compile(
    r"(?:\bpip3?\s+install|\buv\s+add|\bpipx\s+install)\b(?P<args>[^\n`;&|<>]*)"
)
_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|\S+")
#: Installer options whose value follows as the next word.
_OPTIONS_WITH_VALUE = {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable",
    "-f", "--find-links", "-i", "--index-url", "--extra-index-url",
    "-t", "--target", "--python", "-p", "--prefix", "--root", "--group",
}  # fmt: skip
_PINNED = re.compile(r"(?<![\w.\-/@])vial\s*(?:\[[^\]\n]*\])?\s*(?:===|==|>=|<=|~=|!=)")
#: A quoted requirement with extras or a version: "vial[x]", 'vial<1'. A bare
#: "vial" in quotes is usually the import name (flit's module, ruff's
#: first-party list); requirement lists are read by parsing pyproject.toml.
_QUOTED = re.compile(
    r"[\"'](vial\s*(?:\[[^\]\n]*\]\s*(?:[<>=!~][^\"'\n]*)?|[<>=!~][^\"'\n]*))[\"']"
)


# -- names in docs and requirements ------------------------------------------


def _names_vial(text: str) -> bool:
    """Return whether ``text`` is a requirement for the distribution ``vial``."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return False
    return canonicalize_name(requirement.name) == FORBIDDEN


def _install_targets(args: str) -> Iterator[str]:
    """Yield the requirement words of an install command's arguments."""
    skip_next = False
    for token in _TOKEN.findall(args):
        word = token.strip("\"'").rstrip(".,:)")
        if skip_next:
            skip_next = False
        elif word in _OPTIONS_WITH_VALUE:
            skip_next = True
        elif word and not word.startswith("-"):
            yield word


def forbidden_in_line(line: str) -> bool:
    """Return whether one line of text asks for the distribution ``vial``."""
    for match in _INSTALL.finditer(line):
        if any(_names_vial(word) for word in _install_targets(match["args"])):
            return True
    if _PINNED.search(line):
        return True
    return any(_names_vial(found) for found in _QUOTED.findall(line))


def _requirements_of_pyproject(data: dict[str, t.Any]) -> Iterator[str]:
    """Yield every requirement string a ``pyproject.toml`` declares."""
    project = data.get("project", {})
    yield from project.get("dependencies", ())
    for requirements in project.get("optional-dependencies", {}).values():
        yield from requirements
    for entries in data.get("dependency-groups", {}).values():
        yield from (entry for entry in entries if isinstance(entry, str))
    yield from data.get("build-system", {}).get("requires", ())


def forbidden_mentions(path: Path, text: str) -> list[tuple[int, str]]:
    """Return ``(line number, line)`` for each place that asks for ``vial``."""
    found: dict[int, str] = {}
    lines = text.splitlines()
    is_requirements = path.suffix in {".txt", ".in"} and "requirements" in path.name
    for number, line in enumerate(lines, start=1):
        code = line.split("#", 1)[0].strip() if is_requirements else line
        if forbidden_in_line(line) or (is_requirements and _names_vial(code)):
            found[number] = line.strip()
    if path.name == "pyproject.toml":
        for requirement in _requirements_of_pyproject(tomllib.loads(text)):
            if _names_vial(requirement):
                number = next(
                    (n for n, line in enumerate(lines, 1) if requirement in line), 0
                )
                found.setdefault(number, requirement)
    return sorted(found.items())


def _candidate_files(root: Path) -> list[Path]:
    """Return the repository's text files: tracked or new, ignoring ignored."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        paths = [root / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = [path for path in root.rglob("*") if path.is_file()]
    return sorted(
        path
        for path in paths
        if path.suffix in TEXT_SUFFIXES
        and path.is_file()
        and not SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1])
    )


def check_mentions(root: Path = ROOT) -> list[str]:
    """Return one problem line per doc or requirement that names ``vial``."""
    problems = []
    for path in _candidate_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in forbidden_mentions(path, text):
            problems.append(f"{path.relative_to(root).as_posix()}:{number}: {line}")
    return problems


# -- names on PyPI ---------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """A distribution of this repository: its name and where it says it lives."""

    name: str
    folder: str
    owner_urls: frozenset[str]


class PyPIUnreachable(Exception):
    """PyPI gave no usable answer, so a name could not be checked."""


def _normalize_url(url: str) -> str:
    url = url.strip().lower().rstrip("/")
    return url.removesuffix(".git").rstrip("/")


def distributions(root: Path = ROOT) -> list[Distribution]:
    """Read the name and owner URLs of every package of the repository."""
    found = []
    for pyproject in [
        root / "core" / "pyproject.toml",
        *root.glob("extensions/*/pyproject.toml"),
    ]:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        urls = {
            _normalize_url(url)
            for key, url in project.get("urls", {}).items()
            if re.sub(r"[\s_-]", "", key.lower()) in OWNER_URL_KEYS
        }
        found.append(
            Distribution(
                name=canonicalize_name(project["name"]),
                folder=pyproject.parent.relative_to(root).as_posix(),
                owner_urls=frozenset(urls),
            )
        )
    return found


def fetch_pypi(name: str) -> dict[str, t.Any] | None:
    """Return PyPI's JSON about ``name``, or None when PyPI does not know it."""
    url = PYPI_JSON.format(name=name)
    try:
        with urllib.request.urlopen(url, timeout=PYPI_TIMEOUT) as response:
            return t.cast("dict[str, t.Any]", json.load(response))
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise PyPIUnreachable(f"{url} answered HTTP {e.code} ({e.reason})") from e
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise PyPIUnreachable(f"{url} could not be read: {reason}") from e


def _pypi_urls(info: dict[str, t.Any]) -> set[str]:
    urls = set((info.get("project_urls") or {}).values())
    if info.get("home_page"):
        urls.add(info["home_page"])
    return {_normalize_url(url) for url in urls if isinstance(url, str)}


def check_pypi(
    dists: Iterable[Distribution],
    fetch: Callable[[str], dict[str, t.Any] | None] = fetch_pypi,
) -> list[str]:
    """Return one problem line per name of ours that is someone else's on PyPI.

    :raises PyPIUnreachable: PyPI could not be asked.
    """
    problems = []
    for dist in dists:
        data = fetch(dist.name)
        if data is None:
            continue
        info = data.get("info") or {}
        theirs = _pypi_urls(info)
        if dist.owner_urls & theirs:
            continue
        shown = ", ".join(sorted(theirs)) or "no URL"
        if dist.owner_urls:
            ours = ", ".join(sorted(dist.owner_urls))
            why = f"its URLs ({shown}) are not ours ({ours})"
        else:
            why = (
                f"its URLs are {shown}, and {dist.folder}/pyproject.toml declares no"
                " [project.urls] Repository that would show it is ours"
            )
        problems.append(
            f"{dist.name!r} ({dist.folder}) is taken on PyPI"
            f" (version {info.get('version', '?')}): {why}. Rename the"
            " distribution, or declare our Repository URL if the project is ours."
        )
    return problems


def main(argv: list[str]) -> int:
    """Run the check named on the command line; return the exit status."""
    if argv not in (["mentions"], ["pypi"]):
        print("usage: release_checks.py mentions|pypi", file=sys.stderr)
        return 2
    if argv == ["mentions"]:
        problems = check_mentions()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(
                f"{len(problems)} place(s) ask for the distribution 'vial', an"
                " unrelated project on PyPI; ask for 'vial-core' (or the"
                " extension's own name) instead.",
                file=sys.stderr,
            )
            return 1
        print("No doc, README or requirement names the distribution 'vial'.")
        return 0
    dists = distributions()
    try:
        problems = check_pypi(dists)
    except PyPIUnreachable as e:
        print(
            f"Could not check our distribution names on PyPI: {e}. The build"
            " check needs https://pypi.org; retry when it is reachable.",
            file=sys.stderr,
        )
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"Free or ours on PyPI: {', '.join(dist.name for dist in dists)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
