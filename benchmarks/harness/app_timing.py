"""Time the app call inside a gunicorn sync worker, apart from the server's work.

The worker CPU per request of the throughput rounds is the server and the
app together. This run splits them without a sampler: gunicorn loads
``scenarios/app_timing.py`` as its settings, which times every app call by
the worker thread's CPU clock. One worker serves the scenario as in the
measurement; after the warm-up, the requests that ended inside the measured
load are kept. What the worker spends per request outside the app call is
the server's part, which no framework can remove.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from scenarios.spec import Scenario

from .e2e import E2ESettings
from .e2e import gunicorn
from .e2e import warm_up_and_measure
from .frameworks import BENCH_DIR

CONFIG = BENCH_DIR / "scenarios" / "app_timing.py"


def window_samples(
    cpu_ns: list[int], ended_ns: list[int], start_ns: int, end_ns: int
) -> list[int]:
    """Return the CPU times of the calls that ended within ``[start, end]``."""
    return [
        cpu
        for cpu, ended in zip(cpu_ns, ended_ns, strict=True)
        if start_ns <= ended <= end_ns
    ]


def time_app_calls(
    python: Path, framework: str, scenario: Scenario, settings: E2ESettings
) -> dict[str, Any]:
    """Serve ``scenario`` with the app call timed; return the record."""
    record: dict[str, Any] = {
        "framework": framework,
        "scenario": scenario.name,
        "seconds": settings.seconds,
        "loadgen": settings.loadgen,
        "connections": settings.connections,
    }
    single = replace(settings, workers=1)
    with tempfile.TemporaryDirectory(prefix="bench-app-timing-") as tmp:
        prefix = Path(tmp) / "samples"
        try:
            with gunicorn(
                python,
                framework,
                scenario,
                1,
                config=CONFIG,
                BENCH_APP_TIMING_OUT=str(prefix),
            ) as server:
                measured = warm_up_and_measure(server, scenario, single)
                if len(measured.pids) != 1:
                    raise RuntimeError(
                        f"Expected one gunicorn worker, found {measured.pids}."
                    )
                figures = measured.figures
                record["requests_per_second"] = figures["requests_per_second"]
                record.update(
                    (key, value)
                    for key, value in figures.items()
                    if key.startswith("worker_")
                )
            # Leaving the block stopped gunicorn; the worker wrote its samples.
            written = sorted(Path(tmp).glob("samples.*"))
            if len(written) != 1:
                raise RuntimeError(
                    "The gunicorn worker did not write its app timings"
                    f" (found {[path.name for path in written]})."
                )
            data = json.loads(written[0].read_text(encoding="utf-8"))
        except Exception as error:
            return {
                **record,
                "status": "error",
                "error": f"{type(error).__name__}: {error}",
            }
    samples = window_samples(
        data["cpu_ns"], data["ended_ns"], measured.start_ns, measured.end_ns
    )
    if not samples:
        return {
            **record,
            "status": "error",
            "error": "No app call ended inside the measured load.",
        }
    record.update(
        timed_requests=len(samples),
        app_cpu_us_median=statistics.median(samples) / 1e3,
        app_cpu_us_mean=statistics.fmean(samples) / 1e3,
    )
    return {**record, "status": "ok"}
