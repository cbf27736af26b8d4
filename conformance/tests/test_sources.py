"""Tests of the pins, the cache and the unpacking of the sdists."""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from conformance import sources


def test_committed_pins() -> None:
    suites = sources.load_suites()
    assert {"flask", "flask-sqlalchemy", "flask-wtf", "flask-login"} <= set(suites)
    for suite in suites.values():
        assert re.fullmatch(r"[0-9a-f]{64}", suite.sha256)
        assert suite.version in suite.file
        assert "pytest" in suite.requires


def test_repository_packages() -> None:
    assert "vial-core" in sources.repository_packages()


def _sdist(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_unpack_tests_takes_tests_and_config_only(tmp_path: Path) -> None:
    sdist = _sdist(
        tmp_path / "demo-1.0.tar.gz",
        {
            "demo-1.0/pyproject.toml": "[tool.pytest.ini_options]\n",
            "demo-1.0/src/demo/__init__.py": "",
            "demo-1.0/tests/test_demo.py": "def test(): pass\n",
            "demo-1.0/tests/data/x.txt": "x",
        },
    )
    target = sources.unpack_tests(sdist, tmp_path / "work")
    found = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.*"))
    assert found == ["pyproject.toml", "tests/data/x.txt", "tests/test_demo.py"]


def test_unpack_refuses_an_sdist_without_tests(tmp_path: Path) -> None:
    sdist = _sdist(tmp_path / "demo-1.0.tar.gz", {"demo-1.0/setup.py": ""})
    with pytest.raises(SystemExit, match="no tests/ folder"):
        sources.unpack_tests(sdist, tmp_path / "work")


def test_a_cached_sdist_is_checked_and_reused(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    sdist = _sdist(tmp_path / "cache" / "demo-1.0.tar.gz", {"demo-1.0/tests/t.py": ""})
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    suite = replace(sources.load_suites()["flask"], file=sdist.name, sha256=digest)
    # The hash matches, so nothing is downloaded.
    assert sources.fetch(suite, sdist.parent) == sdist
