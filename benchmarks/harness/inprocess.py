"""Run one in-process measurement in a fresh interpreter of the framework's venv."""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .frameworks import BENCH_DIR
from .frameworks import child_environ

#: Each worker's environment gets a variable of a random length up to this
#: many bytes. The environment's size moves where the process's stack
#: starts, and that alone changed one scenario's time by up to 70 % on the
#: reference machine, the same way in every round; a new size per process
#: turns that fixed bias into noise the median over rounds evens out.
LAYOUT_PAD_MAX = 4096


def layout_pad() -> str:
    """Return a padding value of random length, for one worker process."""
    return "x" * random.randrange(LAYOUT_PAD_MAX + 1)


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


def worker_command(python: Path, framework: str, scenario: str) -> list[str]:
    """Return the command that runs the in-process worker on one scenario;
    options of ``scenarios.worker`` go after it."""
    return [
        str(python),
        "-m",
        "scenarios.worker",
        "--framework",
        framework,
        "--scenario",
        scenario,
    ]


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
        *worker_command(python, framework, scenario),
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
    pad = layout_pad()
    try:
        done = subprocess.run(
            command,
            cwd=BENCH_DIR,
            env=child_environ(BENCH_LAYOUT_PAD=pad),
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
    record["layout_pad"] = len(pad)
    return record
