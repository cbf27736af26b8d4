"""pytest plugin that records each test's outcome for ``nox -s conformance``.

Loaded with ``-p conformance_outcomes`` in both environments of a suite, the
real package's and vial's; it needs nothing but pytest. Each report is one
JSON line in the file named by ``CONFORMANCE_OUTCOMES``, written as the run
goes, so a run cut short by its time limit still tells what it did.
"""

from __future__ import annotations

import json
import os
import typing as t

import pytest

# One pytest run per process, so one stream per process.
_stream: list[t.TextIO] = []


def pytest_configure(config: pytest.Config) -> None:
    """Open the outcomes file named by ``CONFORMANCE_OUTCOMES``."""
    path = os.environ.get("CONFORMANCE_OUTCOMES")
    if path and not _stream:
        _stream.append(open(path, "w", encoding="utf-8"))  # noqa: SIM115


def pytest_unconfigure(config: pytest.Config) -> None:
    """Close the outcomes file."""
    while _stream:
        _stream.pop().close()


def _message(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The first line of what went wrong, for grouping failures by cause."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        return str(crash.message).strip().splitlines()[0][:400]
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        return str(report.longrepr[2])[:400]
    lines = str(report.longrepr or "").strip().splitlines()
    return lines[-1][:400] if lines else ""


def _write(record: dict[str, t.Any]) -> None:
    if _stream:
        _stream[0].write(json.dumps(record) + "\n")
        _stream[0].flush()


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record the call phase of every test, and any phase that did not pass."""
    if report.when != "call" and report.outcome == "passed":
        return
    failed = report.outcome != "passed"
    _write(
        {
            "id": report.nodeid,
            "when": report.when,
            "outcome": report.outcome,
            "xfail": hasattr(report, "wasxfail"),
            "message": _message(report) if failed else "",
        }
    )


@pytest.hookimpl(trylast=True)
def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Record a test module that could not be collected (an import error)."""
    if report.outcome != "passed":
        _write(
            {
                "id": report.nodeid,
                "when": "collect",
                "outcome": "error",
                "message": _message(report),
            }
        )
