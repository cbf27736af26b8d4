"""Instructions per request, counted by callgrind over two fixed-size runs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from harness.instructions import collected
from harness.instructions import count_instructions

needs_valgrind = pytest.mark.skipif(
    shutil.which("valgrind") is None, reason="valgrind is not installed"
)


def test_the_total_is_read_from_callgrinds_exit_line() -> None:
    stderr = (
        "==123== Callgrind, a call-graph generating cache profiler\n"
        "==123== Events    : Ir\n"
        "==123== Collected : 987654321\n"
        "==123== I   refs:      987,654,321\n"
    )
    assert collected(stderr) == 987654321


def test_output_without_one_total_is_refused() -> None:
    with pytest.raises(ValueError, match="found 0"):
        collected("==1== Events    : Ir\n")


def test_without_valgrind_the_count_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    record = count_instructions(Path(sys.executable), "raw", "hello")
    assert record["status"] == "unavailable"
    assert "valgrind is not on PATH" in record["error"]


@needs_valgrind
def test_a_raw_wsgi_request_is_counted() -> None:
    record = count_instructions(
        Path(sys.executable), "raw", "hello", small=20, large=120
    )
    assert record["status"] == "ok", record.get("error")
    small, large = record["instruction_totals"]
    assert large > small
    assert record["instructions_per_request"] == (large - small) / 100
    # A call of a few lines and the loop around it: thousands of
    # instructions, not the millions the interpreter's start costs.
    assert 1_000 < record["instructions_per_request"] < 100_000


@needs_valgrind
def test_a_scenario_the_framework_lacks_is_not_applicable() -> None:
    record = count_instructions(
        Path(sys.executable), "raw", "session", small=1, large=2
    )
    assert record == {"framework": "raw", "scenario": "session", "status": "n/a"}


@needs_valgrind
def test_a_failing_worker_is_an_error() -> None:
    record = count_instructions(
        Path(sys.executable), "django", "hello", small=1, large=2
    )
    assert record["status"] == "error"
    assert "Unknown framework 'django'" in record["error"]
