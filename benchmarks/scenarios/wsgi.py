"""gunicorn entry point: ``BENCH_FRAMEWORK`` and ``BENCH_SCENARIO`` pick the app."""

from __future__ import annotations

import os
from typing import Any

from scenarios.loader import load


def _build() -> Any:
    framework = os.environ["BENCH_FRAMEWORK"]
    scenario = os.environ["BENCH_SCENARIO"]
    built = load(framework, scenario)
    if built is None:
        raise RuntimeError(f"Scenario {scenario!r} does not apply to {framework}.")
    return built


app = _build()
