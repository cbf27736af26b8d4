"""Import time of a framework package, read from ``python -X importtime``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .frameworks import child_environ


def parse_importtime(stderr: str, package: str) -> int:
    """Sum the cumulative µs of the top-level import lines of ``package``.

    ``-X importtime`` prints one line per module, nested imports indented under
    the import that caused them; the top-level lines of ``package`` (the package
    and any submodule imported by the statement itself) cover all of its cost.
    """
    total = 0
    found = False
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name_field = parts[2]
        name = name_field.strip()
        depth = len(name_field) - len(name_field.lstrip()) - 1
        if depth == 0 and (name == package or name.startswith(package + ".")):
            total += int(parts[1])
            found = True
    if not found:
        raise ValueError(f"No top-level import of {package!r} in -X importtime output.")
    return total


def _command(python: Path, package: str) -> list[str]:
    return [str(python), "-X", "importtime", "-c", f"import {package}"]


def warm_import(python: Path, package: str) -> None:
    """Import once without measuring, so bytecode compilation is not counted."""
    subprocess.run(
        _command(python, package),
        check=True,
        capture_output=True,
        env=child_environ(),
    )


def import_ms(python: Path, package: str) -> float:
    """Import ``package`` in a fresh interpreter and return its import time in ms."""
    done = subprocess.run(
        _command(python, package),
        check=True,
        capture_output=True,
        text=True,
        env=child_environ(),
    )
    return parse_importtime(done.stderr, package) / 1000.0
