"""Describe the machine a run happened on."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path
from typing import Any


def _first_value(path: str, key: str) -> str | None:
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def _os_name() -> str:
    pretty = None
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return f"{pretty or platform.system()} (kernel {platform.release()})"


def _python_version(python: str) -> str:
    out = subprocess.run(
        [
            python,
            "-c",
            "import platform; print(platform.python_implementation(),"
            " platform.python_version())",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def describe(python: str) -> dict[str, Any]:
    """Return CPU, cores, memory, OS, Python version and the current UTC date."""
    memory = _first_value("/proc/meminfo", "MemTotal")
    memory_gib = None
    if memory is not None:
        memory_gib = round(int(memory.split()[0]) / 1024 / 1024, 1)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
        "cpu": _first_value("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": _os_name(),
        "python": _python_version(python),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
