"""Sample a gunicorn sync worker with py-spy while wrk loads it.

This is the end-to-end counterpart of the in-process cProfile: it shows how
much of the worker's time is spent inside the WSGI app at all, which bounds
what any framework can gain under this server. The scenario runs under one
sync worker exactly as in the measurement, a warm-up load runs first, then
``py-spy record`` samples the worker (py-spy comes from the framework's own
venv) while the load generator keeps it busy a little longer than the
sampling lasts. The collapsed stacks and a text summary go to
``results/profiles/<framework>-e2e-<scenario>.{folded,txt}``.

py-spy reads another process's memory, which needs ptrace permission (root,
``CAP_SYS_PTRACE`` or ``kernel.yama.ptrace_scope = 0``). Any failure becomes
an ``error`` record with the reason; gunicorn, the load generator and py-spy
are always stopped.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any

from scenarios.spec import Scenario

from .e2e import apply_load
from .e2e import cpu_times
from .e2e import E2ESettings
from .e2e import gunicorn
from .e2e import worker_cpu
from .e2e import worker_pids
from .frameworks import child_environ
from .stacks import parse_collapsed
from .stacks import summarize_stacks
from .stacks import summary_text

_PTRACE_HINT = (
    "py-spy needs ptrace permission to read the worker: run the benchmark as"
    " root, grant CAP_SYS_PTRACE, or set kernel.yama.ptrace_scope to 0."
)


@dataclass(frozen=True)
class ProfileSettings:
    """How long and how often py-spy samples the worker."""

    seconds: int = 10
    rate: int = 500
    #: Read the worker's memory while it runs (py-spy --nonblocking) instead
    #: of pausing it for every sample. Off by default: on a busy worker about
    #: 40 % of non-blocking reads failed (py-spy's "Errors") and more came back
    #: torn, and a sample that is lost more often in deep stacks is not a
    #: random one. Pausing costs the worker a little time per sample instead.
    nonblocking: bool = False


def py_spy(python: Path) -> Path | None:
    """Return the py-spy executable installed next to ``python``, if any."""
    candidate = python.parent / "py-spy"
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)  # py-spy writes what it has on SIGINT
        process.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


def _py_spy_error(returncode: int, output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    tail = " / ".join(lines[-3:]) if lines else "no output"
    hint = ""
    lowered = output.lower()
    if "permission" in lowered or "ptrace" in lowered or "operation not" in lowered:
        hint = " " + _PTRACE_HINT
    return f"py-spy exited with {returncode}: {tail}.{hint}"


def _sample(
    spy: Path,
    pid: int,
    port: int,
    scenario: Scenario,
    settings: E2ESettings,
    profile: ProfileSettings,
    folded: Path,
) -> dict[str, Any]:
    command = [
        str(spy),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(profile.seconds),
        "--rate",
        str(profile.rate),
        "--format",
        "raw",
        "--full-filenames",
        "--output",
        str(folded),
    ]
    if profile.nonblocking:
        command.append("--nonblocking")
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_environ(),
        start_new_session=True,
    )
    try:
        cpu_before = cpu_times(pid)
        wall = time.perf_counter()
        # One second longer than the sampling, so py-spy never sees an idle tail.
        load = apply_load(port, scenario.path, profile.seconds + 1, settings)
        wall = time.perf_counter() - wall
        cpu_after = cpu_times(pid)
        try:
            output, _ = process.communicate(timeout=profile.seconds + 30)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise RuntimeError("py-spy did not finish 30 s after its duration.")
    finally:
        _stop(process)
    text = output.decode(errors="replace")
    if process.returncode != 0 or not folded.is_file():
        raise RuntimeError(_py_spy_error(process.returncode, text))
    errors = re.search(r"Errors: (\d+)", text)
    requests = load.get("requests") or load["requests_per_second"] * wall
    return {
        "requests_per_second": load["requests_per_second"],
        **worker_cpu(cpu_before, cpu_after, wall, requests),
        # py-spy counts the samples it could not read at all as errors.
        "py_spy_errors": int(errors[1]) if errors else None,
    }


def profile_e2e(
    python: Path,
    framework: str,
    scenario: Scenario,
    settings: E2ESettings,
    profile: ProfileSettings,
    directory: Path,
    *,
    spy: Path | None = None,
) -> dict[str, Any]:
    """Sample ``framework``'s gunicorn worker on ``scenario``; return the record.

    ``spy`` is the py-spy executable; by default the one in the venv of
    ``python``.
    """
    base = directory / f"{framework}-e2e-{scenario.name}"
    folded, summary_path = base.with_suffix(".folded"), base.with_suffix(".txt")
    record: dict[str, Any] = {
        "framework": framework,
        "scenario": scenario.name,
        "level": "e2e",
        "seconds": profile.seconds,
        "rate": profile.rate,
        "nonblocking": profile.nonblocking,
        "loadgen": settings.loadgen,
        "connections": settings.connections,
    }
    spy = spy or py_spy(python)
    if spy is None:
        return {
            **record,
            "status": "error",
            "error": f"py-spy is not installed next to {python}; rebuild the venv"
            " (python benchmarks/run.py --reinstall) so it gets the pinned py-spy.",
        }
    directory.mkdir(parents=True, exist_ok=True)
    folded.unlink(missing_ok=True)
    # One worker: the figures describe one process's time.
    single = replace(settings, workers=1)
    try:
        with gunicorn(python, framework, scenario, 1) as server:
            apply_load(server.port, scenario.path, settings.warmup_seconds, single)
            pids = worker_pids(server.master_pid)
            if len(pids) != 1:
                raise RuntimeError(f"Expected one gunicorn worker, found {pids}.")
            record["worker_pid"] = pids[0]
            record.update(
                _sample(spy, pids[0], server.port, scenario, single, profile, folded)
            )
        summary = summarize_stacks(parse_collapsed(folded.read_text("utf-8")))
    except Exception as error:
        return {
            **record,
            "status": "error",
            "error": f"{type(error).__name__}: {error}",
        }
    if not summary.samples:
        return {
            **record,
            "status": "error",
            "error": "py-spy recorded no samples of the worker.",
        }
    record["sample_busy"] = summary.samples / (profile.rate * profile.seconds)
    record.update(summary.as_record())
    label = f"the gunicorn worker of {framework} on {scenario.name}"
    summary_path.write_text(summary_text(label, summary, record), encoding="utf-8")
    record["stacks"] = str(folded)
    record["summary"] = str(summary_path)
    return {**record, "status": "ok"}
