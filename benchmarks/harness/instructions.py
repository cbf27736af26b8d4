"""Count the machine instructions one request costs, with callgrind.

Timings on a shared machine move with whatever else runs there; the number
of instructions the CPU executes for the same code and input does not.
valgrind's callgrind counts them. The in-process worker runs twice under it,
making a small and a large number of requests and timing nothing; the
difference divided by the difference in requests is the cost of one request,
with the interpreter's start, the imports and the app's setup cancelled out.
Instructions are not seconds (a cache miss costs no instruction), so this
complements the timings and does not replace them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .frameworks import BENCH_DIR
from .frameworks import child_environ
from .inprocess import last_json_line
from .inprocess import worker_command

#: Requests made by the two runs whose difference is measured.
SMALL_COUNT = 200
LARGE_COUNT = 1200

_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def collected(stderr: str) -> int:
    """Return the instruction total callgrind printed at exit."""
    found = _COLLECTED.findall(stderr)
    if len(found) != 1:
        raise ValueError(
            f"Expected one 'Collected' line from callgrind, found {len(found)}."
        )
    return int(found[0])


def count_instructions(
    python: Path,
    framework: str,
    scenario: str,
    *,
    small: int = SMALL_COUNT,
    large: int = LARGE_COUNT,
    timeout: float = 900.0,
) -> dict[str, Any]:
    """Return the record of instructions per request for one scenario."""
    record: dict[str, Any] = {"framework": framework, "scenario": scenario}
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return {
            **record,
            "status": "unavailable",
            "error": "valgrind is not on PATH (apt-get install valgrind).",
        }
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as tmp:
        # The two runs are independent and counting is not disturbed by
        # load, so they run side by side.
        runs = [
            subprocess.Popen(
                [
                    valgrind,
                    "--tool=callgrind",
                    f"--callgrind-out-file={tmp}/callgrind.{count}",
                    *worker_command(python, framework, scenario),
                    "--count",
                    str(count),
                ],
                cwd=BENCH_DIR,
                # A fixed hash seed, so both runs lay out their dicts alike,
                # and no bytecode written: otherwise the run that compiles a
                # module first also writes its cache and the other only reads
                # it, and the two differ by millions of instructions.
                env={
                    **child_environ(),
                    "PYTHONHASHSEED": "0",
                    "PYTHONDONTWRITEBYTECODE": "1",
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for count in (small, large)
        ]
        outputs = []
        try:
            for run in runs:
                outputs.append(run.communicate(timeout=timeout))
        except subprocess.TimeoutExpired as error:
            return {**record, "status": "error", "error": str(error)}
        finally:
            # Runs not waited for (after a timeout) are stopped and drained.
            for run in runs[len(outputs) :]:
                if run.poll() is None:
                    run.kill()
                run.communicate()
    totals = []
    for count, run, (stdout, stderr) in zip((small, large), runs, outputs, strict=True):
        result = last_json_line(stdout)
        if result is not None and result["status"] == "n/a":
            return {**record, "status": "n/a"}
        if run.returncode != 0 or result is None or result["status"] != "ok":
            detail = result.get("error") if result else stderr[-2000:]
            return {
                **record,
                "status": "error",
                "error": f"The worker making {count} requests exited with"
                f" {run.returncode}: {detail}",
            }
        try:
            totals.append(collected(stderr))
        except ValueError as error:
            return {**record, "status": "error", "error": str(error)}
    per_request = (totals[1] - totals[0]) / (large - small)
    return {
        **record,
        "status": "ok",
        "instructions_per_request": per_request,
        "instruction_totals": totals,
        "request_counts": [small, large],
    }
