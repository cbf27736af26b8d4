"""The frameworks under test and what each one's venv holds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BENCH_DIR.parent
CORE_DIR = REPO_DIR / "core"
CONSTRAINTS = BENCH_DIR / "requirements" / "constraints.txt"

_FLASK_STACK = ("werkzeug", "jinja2", "itsdangerous", "click", "blinker", "markupsafe")


@dataclass(frozen=True)
class Framework:
    """One row of the results: a framework installed in a venv of its own."""

    name: str
    label: str
    #: Requirements installed from PyPI, pinned by ``requirements/constraints.txt``
    #: (every venv also gets the ``TOOLS``).
    packages: tuple[str, ...]
    #: Distributions whose versions are recorded with the results.
    report: tuple[str, ...]
    #: Package whose import time is measured; None when there is nothing to import.
    import_name: str | None
    #: Installs /work/main/core (editable, never from PyPI) into the venv.
    local_core: bool = False


FRAMEWORKS: list[Framework] = [
    Framework(
        "vial",
        "vial",
        ("gunicorn",),
        ("vial-core", *_FLASK_STACK, "gunicorn"),
        "vial",
        local_core=True,
    ),
    Framework(
        "flask",
        "Flask",
        ("flask", "gunicorn"),
        ("flask", *_FLASK_STACK, "gunicorn"),
        "flask",
    ),
    Framework(
        "bottle",
        "Bottle",
        ("bottle", "jinja2", "gunicorn"),
        ("bottle", "jinja2", "gunicorn"),
        "bottle",
    ),
    Framework(
        "falcon",
        "Falcon",
        ("falcon", "jinja2", "gunicorn"),
        ("falcon", "jinja2", "gunicorn"),
        "falcon",
    ),
    Framework(
        "werkzeug",
        "werkzeug",
        ("werkzeug", "jinja2", "gunicorn"),
        ("werkzeug", "jinja2", "gunicorn"),
        "werkzeug",
    ),
    Framework("raw", "raw WSGI", ("gunicorn",), ("gunicorn",), None),
]

FRAMEWORKS_BY_NAME: dict[str, Framework] = {f.name: f for f in FRAMEWORKS}

#: Installed into every venv next to the framework: py-spy samples the gunicorn
#: worker for the end-to-end profiles. It is a standalone binary, so it changes
#: nothing the frameworks import.
TOOLS = ("py-spy",)

# Variables that would change what a child interpreter measures: no bytecode
# cache makes every import recompile, and a PYTHONPATH or FLASK_* setting from
# the calling shell must not leak into one framework's run and not another's.
_DROPPED_ENV_PREFIXES = ("PYTHON", "FLASK_", "VIAL_", "BENCH_")


def child_environ(**extra: str) -> dict[str, str]:
    """Return the environment every benchmark subprocess runs with."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_DROPPED_ENV_PREFIXES)
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env
