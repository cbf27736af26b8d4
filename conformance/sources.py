"""The pinned releases: reading ``pins.toml``, fetching each sdist from the
package index, checking its hash, and unpacking its tests."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tarfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - nox runs the session on 3.10 too
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PINS = HERE / "pins.toml"
DEFAULT_INDEX = "https://pypi.org/simple"
#: Files of the sdist's root that hold its pytest configuration; they are
#: unpacked next to ``tests/`` so each suite runs with its own settings
#: (``filterwarnings = error`` in all of them).
CONFIG_FILES = ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini")


@dataclass(frozen=True)
class Suite:
    """One pinned release whose ``tests/`` folder is run on vial."""

    name: str
    project: str
    version: str
    file: str
    sha256: str
    vial: str
    uses: tuple[str, ...]
    requires: tuple[str, ...]
    flask_requires: tuple[str, ...]
    timeout: float

    @property
    def title(self) -> str:
        """The release's name as people write it, with its version."""
        return f"{self.project} {self.version}"


def load_suites(path: Path = PINS) -> dict[str, Suite]:
    """Read the suites of ``pins.toml``, in the file's order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    suites = {}
    for name, entry in data["suites"].items():
        suites[name] = Suite(
            name=name,
            project=entry["project"],
            version=entry["version"],
            file=entry["file"],
            sha256=entry["sha256"].lower(),
            vial=entry["vial"],
            uses=tuple(entry.get("uses", ())),
            requires=tuple(entry.get("requires", ())),
            flask_requires=tuple(entry.get("flask_requires", ())),
            timeout=float(entry.get("timeout", 240)),
        )
    for suite in suites.values():
        for used in suite.uses:
            if used not in suites:
                raise SystemExit(
                    f"{PINS.name}: suite {suite.name!r} uses {used!r}, which is"
                    " not a suite of the file; add it or fix the name."
                )
    return suites


def repository_packages() -> set[str]:
    """The distribution names of the packages in this repository."""
    names = set()
    for pyproject in [
        ROOT / "core" / "pyproject.toml",
        *sorted(ROOT.glob("extensions/*/pyproject.toml")),
    ]:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        names.add(project["name"].lower().replace("_", "-"))
    return names


def _index_url() -> str:
    for variable in ("CONFORMANCE_INDEX_URL", "UV_INDEX_URL", "PIP_INDEX_URL"):
        value = os.environ.get(variable)
        if value:
            return value.rstrip("/")
    return DEFAULT_INDEX


def _file_url(suite: Suite) -> str:
    """Ask the index (its JSON simple API, PEP 691) where the sdist is."""
    project = suite.project.lower().replace("_", "-").replace(".", "-")
    page = f"{_index_url()}/{project}/"
    request = urllib.request.Request(
        page, headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        listing = json.load(response)
    for entry in listing.get("files", ()):
        if entry["filename"] == suite.file:
            return urllib.parse.urljoin(page, str(entry["url"]))
    raise SystemExit(
        f"The index at {page} lists no file {suite.file!r}; check the pin of"
        f" {suite.name!r} in {PINS.name}."
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(suite: Suite, cache: Path) -> Path:
    """Return the suite's sdist in ``cache``, downloading it if needed.

    A cached file is checked again on every run; a download whose hash
    differs from the pin is deleted and the run stops.
    """
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / suite.file
    if target.is_file() and _sha256(target) == suite.sha256:
        return target
    url = _file_url(suite)
    print(f"conformance: downloading {url}", flush=True)
    partial = target.with_name(target.name + ".part")
    with (
        urllib.request.urlopen(url, timeout=120) as response,
        partial.open("wb") as stream,
    ):
        shutil.copyfileobj(response, stream)
    found = _sha256(partial)
    if found != suite.sha256:
        partial.unlink()
        raise SystemExit(
            f"{suite.file} from {url} has sha256 {found}, but {PINS.name} pins"
            f" {suite.sha256}. The file on the index changed or the pin is"
            " wrong; check which before moving the pin."
        )
    partial.replace(target)
    return target


def unpack_tests(sdist: Path, destination: Path) -> Path:
    """Unpack the sdist's ``tests/`` and its pytest configuration into a
    fresh ``destination`` and return it."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    with tarfile.open(sdist) as archive:
        members = []
        for member in archive.getmembers():
            _top, _, rest = member.name.partition("/")
            if rest in CONFIG_FILES or rest == "tests" or rest.startswith("tests/"):
                member.name = rest
                members.append(member)
        if hasattr(tarfile, "data_filter"):
            archive.extractall(destination, members=members, filter="data")
        else:  # pragma: no cover - Pythons before the tarfile filters
            archive.extractall(destination, members=members)
    if not (destination / "tests").is_dir():
        raise SystemExit(f"{sdist.name} has no tests/ folder to run.")
    return destination
