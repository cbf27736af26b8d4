"""The app call is timed inside a real gunicorn worker, apart from the server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from harness import app_timing
from harness.app_timing import time_app_calls
from harness.app_timing import window_samples
from harness.e2e import E2ESettings
from scenarios import app_timing as worker_side
from scenarios.spec import SCENARIOS_BY_NAME

SETTINGS = E2ESettings(
    seconds=1.0, warmup_seconds=0.3, connections=2, workers=3, loadgen="python"
)


def test_only_calls_that_ended_inside_the_window_are_kept() -> None:
    cpu = [5, 6, 7, 8, 9]
    ended = [100, 200, 300, 400, 500]
    assert window_samples(cpu, ended, 200, 400) == [6, 7, 8]
    assert window_samples(cpu, ended, 501, 900) == []


class _Body:
    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Any:
        return iter([b"a", b"bc"])

    def close(self) -> None:
        self.closed = True


def test_the_wrapper_times_the_call_consumes_and_closes_the_body() -> None:
    body = _Body()
    statuses: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> _Body:
        start_response("200 OK", [("Content-Length", "3")])
        return body

    before = len(worker_side._cpu_ns)
    timed = worker_side.timed(app)
    result = timed({}, lambda status, headers: statuses.append(status))
    assert result == [b"a", b"bc"]
    assert body.closed
    assert statuses == ["200 OK"]
    assert len(worker_side._cpu_ns) == len(worker_side._ended_ns) == before + 1
    assert worker_side._cpu_ns[-1] >= 0


def test_a_raw_wsgi_worker_is_timed_under_load() -> None:
    record = time_app_calls(
        Path(sys.executable), "raw", SCENARIOS_BY_NAME["hello"], SETTINGS
    )
    assert record["status"] == "ok", record.get("error")
    assert record["timed_requests"] > 0
    # Every request of the measured load went through the app call, give or
    # take the ones in flight at either edge of the window.
    served = record["requests_per_second"] * SETTINGS.seconds
    assert record["timed_requests"] == pytest.approx(served, rel=0.5)
    assert record["app_cpu_us_median"] > 0
    assert record["app_cpu_us_mean"] > 0
    # The worker does more than call the app: it parses, writes and closes.
    assert record["worker_cpu_us_per_request"] > record["app_cpu_us_mean"]


def test_a_worker_that_writes_no_timings_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    silent = tmp_path / "silent.py"
    silent.write_text("loglevel = 'warning'\n")
    monkeypatch.setattr(app_timing, "CONFIG", silent)
    record = time_app_calls(
        Path(sys.executable), "raw", SCENARIOS_BY_NAME["hello"], SETTINGS
    )
    assert record["status"] == "error"
    assert "did not write its app timings (found [])" in record["error"]
