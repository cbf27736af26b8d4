"""Medians, vial/Flask ratios, targets and the README section rewrite."""

from __future__ import annotations

import math
from typing import Any

import pytest
from harness import report


def _results(vial_us: list[float], flask_us: list[float]) -> dict[str, Any]:
    inprocess = [
        {"framework": "vial", "scenario": "hello", "status": "ok", "us_per_request": v}
        for v in vial_us
    ] + [
        {"framework": "flask", "scenario": "hello", "status": "ok", "us_per_request": v}
        for v in flask_us
    ]
    inprocess.append({"framework": "raw", "scenario": "hello", "status": "n/a"})
    e2e = [
        {
            "framework": fw,
            "scenario": "hello",
            "status": "ok",
            "requests_per_second": rps,
            "p99_ms": 4.0,
            "worker_rss_mib": rss,
        }
        for fw, rps, rss in (("vial", 3000.0, 20.0), ("flask", 2000.0, 30.0))
    ]
    e2e.append({"framework": "raw", "scenario": "hello", "status": "error"})
    return {
        "settings": {
            "frameworks": ["vial", "flask", "raw"],
            "scenarios": ["hello"],
            "e2e_scenarios": ["hello"],
        },
        "inprocess": inprocess,
        "e2e": e2e,
        "importtime": [
            {"framework": "vial", "status": "ok", "median_ms": 40.0},
            {"framework": "flask", "status": "ok", "median_ms": 80.0},
            {"framework": "raw", "status": "n/a"},
        ],
    }


def test_summary_takes_medians_over_rounds() -> None:
    summary = report.summarize(_results([10.0, 12.0, 30.0], [40.0, 41.0, 39.0]))
    hello = summary["inprocess"]["hello"]
    assert hello["vial"].value == 12.0
    assert hello["vial"].runs == 3
    assert hello["flask"].value == 40.0
    assert hello["raw"].status == "n/a"
    assert math.isnan(hello["raw"].value)
    assert summary["e2e"]["hello"]["raw"].status == "error"
    assert summary["memory"]["vial"].value == 20.0


def test_targets_compare_vial_with_flask() -> None:
    summary = report.summarize(_results([10.0], [40.0]))
    rows = {(r["level"], r["scenario"]): r for r in report.target_rows(summary)}
    inprocess = rows[("in-process", "hello")]
    assert inprocess["ratio"] == pytest.approx(4.0)
    assert inprocess["met"] is True
    gunicorn = rows[("gunicorn", "hello")]
    assert gunicorn["ratio"] == pytest.approx(1.5)
    assert gunicorn["met"] is True
    assert rows[("import time", "-")]["ratio"] == pytest.approx(2.0)
    assert rows[("worker RSS", "-")]["met"] is True


def test_a_missed_target_is_reported_as_missed() -> None:
    summary = report.summarize(_results([20.0], [40.0]))
    rows = {(r["level"], r["scenario"]): r for r in report.target_rows(summary)}
    assert rows[("in-process", "hello")]["met"] is False


def test_pending_vial_has_no_ratio() -> None:
    results = _results([], [40.0])
    results["inprocess"].append(
        {"framework": "vial", "scenario": "hello", "status": "unavailable"}
    )
    summary = report.summarize(results)
    assert summary["inprocess"]["hello"]["vial"].status == "pending"
    rows = report.target_rows(summary)
    assert rows[0]["ratio"] is None
    assert rows[0]["met"] is None


def test_replace_section_keeps_the_other_sections() -> None:
    text = "# t\n\n## Benchmarks\n\nold\nlines\n\n## Next\n\nkept\n"
    new = report.replace_section(text, "Benchmarks", "| a |")
    assert new == "# t\n\n## Benchmarks\n\n| a |\n\n## Next\n\nkept\n"


def test_replace_section_at_the_end_of_the_file() -> None:
    new = report.replace_section("## Benchmarks\nold\n", "Benchmarks", "new")
    assert new == "## Benchmarks\n\nnew\n"


def test_replace_section_needs_the_heading() -> None:
    with pytest.raises(ValueError, match="No '## Benchmarks' section"):
        report.replace_section("# nothing\n", "Benchmarks", "x")
