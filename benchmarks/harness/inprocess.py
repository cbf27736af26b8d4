"""Run one in-process measurement in a fresh interpreter of the framework's venv."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .frameworks import BENCH_DIR
from .frameworks import child_environ


@dataclass(frozen=True)
class InProcessSettings:
    """How long and how often each in-process measurement runs."""

    target_seconds: float
    warmup_seconds: float
    repeats: int
    clock: str = "cpu"


def last_json_line(stdout: str) -> dict[str, Any] | None:
    """Return the record a worker printed last, or None."""
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            record: dict[str, Any] = json.loads(line)
            return record
    return None


def run_worker(
    python: Path,
    framework: str,
    scenario: str,
    settings: InProcessSettings,
    *,
    profile: Path | None = None,
    label: str = "",
    cpu: int | None = None,
) -> dict[str, Any]:
    """Measure (or profile) one scenario; always return a result record.

    With ``cpu`` the worker pins itself to that CPU before loading the app.
    """
    command = [
        str(python),
        "-m",
        "scenarios.worker",
        "--framework",
        framework,
        "--scenario",
        scenario,
        "--target-seconds",
        str(settings.target_seconds),
        "--warmup-seconds",
        str(settings.warmup_seconds),
        "--repeats",
        str(settings.repeats),
        "--clock",
        settings.clock,
    ]
    if profile is not None:
        command += ["--profile", str(profile), "--label", label]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    timeout = 120 + settings.repeats * settings.target_seconds * 20
    try:
        done = subprocess.run(
            command,
            cwd=BENCH_DIR,
            env=child_environ(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {
            "framework": framework,
            "scenario": scenario,
            "status": "error",
            "error": f"The worker did not finish within {timeout:.0f} s.",
        }
    record = last_json_line(done.stdout)
    if record is None:
        return {
            "framework": framework,
            "scenario": scenario,
            "status": "error",
            "error": f"The worker exited with {done.returncode} and no result.",
            "stderr": done.stderr[-4000:],
        }
    return record
