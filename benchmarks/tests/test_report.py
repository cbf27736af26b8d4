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


def _full(results: dict[str, Any]) -> dict[str, Any]:
    results["settings"].update(
        quick=False,
        rounds=3,
        repeats=20,
        target_seconds=0.05,
        clock="cpu",
        estimator="min",
        cpu="auto",
        e2e_rounds=1,
        e2e_seconds=10.0,
        e2e_warmup_seconds=2.0,
        connections=8,
        workers=1,
        loadgen="wrk",
        loadgen_description="wrk 4.1.0 (1 thread)",
        import_runs=7,
        e2e_profile_seconds=10,
        e2e_profile_rate=500,
    )
    results["machine"] = {
        "date": "2026-11-22 03:00 UTC",
        "cpu": "AMD EPYC",
        "cores": 2,
        "memory_gib": 23.5,
        "os": "Debian",
        "python": "CPython 3.11.7",
        "load_average": [1.0, 1.0, 1.0],
        "thread_siblings": ["0", "1"],
    }
    results["versions"] = {}
    return results


def _profile(framework: str, app_share: float) -> dict[str, Any]:
    return {
        "framework": framework,
        "scenario": "hello",
        "status": "ok",
        "requests_per_second": 2500.0,
        "worker_cpu_busy": 0.96,
        "worker_cpu_us_per_request": 250.0,
        "sample_busy": 0.6,
        "py_spy_errors": 0,
        "app_share": app_share,
        "own_share": {"gunicorn": 0.8, "stdlib/other": 0.05},
        "summary": f"results/profiles/{framework}-e2e-hello.txt",
    }


def test_spread_across_rounds_is_in_the_json_and_the_page() -> None:
    results = _full(_results([10.0, 12.0, 30.0], [40.0, 41.0, 39.0]))
    for record, cpu in zip(results["inprocess"], [0, 1, 1, 1, 1, 0], strict=False):
        record["cpu"] = cpu
    summary = report.summarize(results)
    cell = report.summary_json(summary)["inprocess"]["scenarios"]["hello"]["vial"]
    assert cell == {"status": "ok", "median": 12.0, "min": 10.0, "max": 30.0, "runs": 3}
    page = report.markdown(results, summary)
    assert "| hello world | 10.0 to 30.0 (200%) | 39.0 to 41.0 (5%) | n/a |" in page
    assert "the fastest loop is the process's figure" in page
    assert "pinned itself to one CPU with `os.sched_setaffinity`" in page
    assert "(processes per CPU: CPU 0: 2, CPU 1: 4)" in page
    assert "no SMT siblings visible" in page


def test_the_random_layout_padding_is_reported_with_its_range() -> None:
    results = _full(_results([10.0, 12.0], [40.0, 41.0]))
    for record, pad, cpu in zip(
        results["inprocess"], [17, 4000, 1200, 90], [1, 1, 1, 1], strict=False
    ):
        record.update(layout_pad=pad, cpu=cpu)
    page = report.markdown(results, report.summarize(results))
    assert "an environment variable of random length (17 to 4,000 bytes" in page
    unpadded = _full(_results([10.0], [40.0]))
    page = report.markdown(unpadded, report.summarize(unpadded))
    assert "random length" not in page


def test_unpinned_runs_say_so() -> None:
    results = _full(_results([10.0], [40.0]))
    page = report.markdown(results, report.summarize(results))
    assert "Worker processes were not pinned to a CPU." in page
    assert "Spread across rounds: one round only, so there is none to show." in page


def _with_worker_cpu(results: dict[str, Any]) -> dict[str, Any]:
    cpu = {"vial": (240.0, 0.8), "flask": (350.0, 0.84), "raw": (215.0, 0.75)}
    results["e2e"][-1] = {
        "framework": "raw",
        "scenario": "hello",
        "status": "ok",
        "requests_per_second": 3500.0,
        "p99_ms": 3.0,
    }
    for record in results["e2e"]:
        us, busy = cpu[record["framework"]]
        record.update(worker_cpu_us_per_request=us, worker_cpu_busy=busy)
    return results


def test_end_to_end_ratios_are_also_given_round_by_round() -> None:
    results = _full(_results([10.0], [40.0]))
    rounds = {1: (3000.0, 2000.0), 2: (2600.0, 2000.0), 3: (1500.0, 500.0)}
    results["e2e"] = [
        {
            "framework": fw,
            "scenario": "hello",
            "status": "ok",
            "requests_per_second": rates[index],
            "p99_ms": 4.0,
            "round": round_no,
        }
        for round_no, rates in rounds.items()
        for index, fw in enumerate(("vial", "flask"))
    ]
    page = report.markdown(results, report.summarize(results))
    assert "hello world 1.50x, 1.30x, 3.00x (median 1.50x)." in page
    # One round gives nothing to compare with.
    single = _full(_results([10.0], [40.0]))
    assert "round by round" not in report.markdown(single, report.summarize(single))


def test_worker_cpu_per_request_is_tabled_with_the_ratios() -> None:
    results = _full(_with_worker_cpu(_results([10.0], [40.0])))
    summary = report.summarize(results)
    cell = report.summary_json(summary)["e2e_cpu"]["scenarios"]["hello"]["flask"]
    assert cell["median"] == 350.0
    page = report.markdown(results, summary)
    assert (
        "| hello world | 240 µs, 80% busy | 350 µs, 84% busy | 215 µs, 75% busy"
        " | 1.46x | 1.63x |"
    ) in page


def test_the_e2e_section_sets_the_sampled_split_against_worker_cpu() -> None:
    results = _full(_with_worker_cpu(_results([10.0], [40.0])))
    results["e2e_profiles"] = [
        _profile("vial", 0.058),
        _profile("flask", 0.135),
        _profile("raw", 0.021),
        {
            "framework": "raw",
            "scenario": "hello",
            "status": "error",
            "error": "py-spy exited with 1: Permission denied.",
        },
    ]
    page = report.markdown(results, report.summarize(results))
    assert "## Where the end-to-end time goes (py-spy of the gunicorn worker)" in page
    assert (
        "| hello world | Flask | 2,500 | 250 µs | 96.0% | 60.0% | 0 | 13.5% | 80.0%"
        " | 5.0% | `results/profiles/flask-e2e-hello.txt` |"
    ) in page
    assert "at most 1 / (1 - 0.135) = 1.16x Flask's requests/s" in page
    assert "the worker is paused for each sample" in page
    assert "vial's is 5.8%, which with the same server work" in page
    assert "would make vial 1.09x Flask." in page
    assert "A raw WSGI callable's call is 2.1%." in page
    # 350 µs for Flask against 215 µs for raw WSGI: a 1.63x ceiling.
    assert "no framework can be more than **1.63x** Flask here" in page
    assert "the server alone does not rule it out" in page
    assert "vial takes 240 µs (Flask 1.46x as much)" in page
    assert "25 µs per request more than raw WSGI's in the worker" in page
    assert "(against 10.0 µs in the in-process loop)" in page
    assert "The workers were busy 75-84% of the time" in page
    assert "- raw WSGI on hello: py-spy exited with 1: Permission denied." in page


def test_a_vial_worker_cheaper_than_raw_wsgi_is_called_noise() -> None:
    results = _full(_with_worker_cpu(_results([10.0], [40.0])))
    results["e2e"][-1]["worker_cpu_us_per_request"] = 252.0
    results["e2e_profiles"] = [_profile("flask", 0.135)]
    page = report.markdown(results, report.summarize(results))
    assert "vial takes 240 µs (Flask 1.46x as much), 12 µs less than raw" in page
    assert "the machine's noise was larger than the app's cost." in page
    assert "more than raw WSGI's in the worker" not in page


def test_a_ceiling_below_the_target_is_called_so() -> None:
    results = _full(_with_worker_cpu(_results([10.0], [40.0])))
    results["e2e"][-1]["worker_cpu_us_per_request"] = 300.0
    results["e2e_profiles"] = [_profile("flask", 0.135)]
    page = report.markdown(results, report.summarize(results))
    assert "no framework can be more than **1.17x** Flask here, below the 1.5x" in page


def _counted(framework: str, scenario: str, value: float) -> dict[str, Any]:
    return {
        "framework": framework,
        "scenario": scenario,
        "status": "ok",
        "instructions_per_request": value,
        "instruction_totals": [1, 2],
        "request_counts": [200, 1200],
    }


def test_instruction_counts_are_tabled_with_flask_over_vial() -> None:
    results = _full(_results([10.0], [40.0]))
    results["instructions"] = [
        _counted("vial", "hello", 80_000.0),
        _counted("flask", "hello", 320_000.0),
        _counted("raw", "hello", 5_100.0),
        _counted("vial", "session", 400_000.0),
        {
            "framework": "flask",
            "scenario": "session",
            "status": "error",
            "error": "boom",
        },
        {"framework": "raw", "scenario": "session", "status": "n/a"},
    ]
    page = report.markdown(results, report.summarize(results))
    assert "## Instructions per request (callgrind)" in page
    assert "in two runs of 200 and 1200 requests" in page
    assert "| scenario | vial | Flask | raw WSGI | Flask / vial |" in page
    assert "| hello world | 80,000 | 320,000 | 5,100 | 4.00x |" in page
    assert "| session read+write | 400,000 | error | n/a | n/a |" in page
    assert "- Flask on session: boom" in page


def test_no_instruction_counts_no_section() -> None:
    results = _full(_results([10.0], [40.0]))
    page = report.markdown(results, report.summarize(results))
    assert "Instructions per request" not in page


def test_no_profiles_no_section() -> None:
    results = _full(_results([10.0], [40.0]))
    page = report.markdown(results, report.summarize(results))
    assert "Where the end-to-end time goes" not in page


def _timed(framework: str, worker: float, median: float, mean: float) -> dict[str, Any]:
    return {
        "framework": framework,
        "scenario": "hello",
        "status": "ok",
        "requests_per_second": 3000.0,
        "worker_cpu_us_per_request": worker,
        "app_cpu_us_median": median,
        "app_cpu_us_mean": mean,
        "timed_requests": 30000,
    }


def test_the_app_call_timed_in_the_worker_sets_vial_a_budget() -> None:
    results = _full(_results([10.0], [40.0]))
    results["e2e_app_times"] = [
        _timed("vial", 236.0, 31.3, 34.0),
        _timed("flask", 312.0, 82.4, 96.0),
        _timed("raw", 210.0, 8.1, 9.0),
        {
            "framework": "raw",
            "scenario": "json",
            "status": "error",
            "error": "RuntimeError: no timings",
        },
    ]
    page = report.markdown(results, report.summarize(results))
    assert "## The app call timed inside the worker" in page
    assert (
        "| hello world | vial | 3,000 | 236 µs | 31.3 µs | 34.0 µs | 202 µs |" in page
    )
    assert (
        "| hello world | raw WSGI | 3,000 | 210 µs | 8.1 µs | 9.0 µs | 201 µs |" in page
    )
    # No measured rounds here: the timing runs' own worker CPU is used. Flask
    # 312 µs against 201 µs of server work: 1.55x at best; 1.5x leaves
    # 312 / 1.5 - 201 = 7 µs for the app call, less than raw WSGI's 9 µs.
    assert "by worker CPU per request (the timing runs)" in page
    assert "210 µs, 201 µs of it around its 9.0 µs app call" in page
    assert "an app that cost nothing would be at most 1.55x Flask." in page
    assert "For 1.5x the app call may average at most 7.0 µs, less than raw" in page
    assert "vial's averages 34.0 µs." in page
    assert "- raw WSGI on json: RuntimeError: no timings" in page


def _timed_page(flask_worker: float, rounds: bool = False) -> str:
    """The page for Flask's timing run against raw WSGI's (210 µs, app 9 µs)."""
    results = _full(_results([10.0], [40.0]))
    if rounds:
        results = _with_worker_cpu(results)
    results["e2e_app_times"] = [
        _timed("flask", flask_worker, 82.4, 96.0),
        _timed("raw", 210.0, 8.1, 9.0),
    ]
    return report.markdown(results, report.summarize(results))


def test_a_budget_above_raw_wsgi_is_not_called_impossible() -> None:
    page = _timed_page(450.0)
    assert "For 1.5x the app call may average at most 99.0 µs." in page
    assert "less than raw WSGI's own call" not in page


def test_no_app_timings_no_section() -> None:
    results = _full(_results([10.0], [40.0]))
    page = report.markdown(results, report.summarize(results))
    assert "The app call timed inside the worker" not in page


def test_the_budget_uses_the_measured_rounds_when_there_are_some() -> None:
    # Rounds: Flask 350 µs, raw WSGI 215 µs per request; raw's app call 9 µs.
    page = _timed_page(312.0, rounds=True)
    assert "(the medians of the measured rounds)" in page
    assert "Flask's worker spends 350 µs and raw WSGI's 215 µs, 206 µs" in page
    assert "at most 1.70x Flask. For 1.5x the app call may average at most 27.3" in page


def test_a_target_beyond_a_free_app_is_called_out_of_reach() -> None:
    page = _timed_page(300.0)
    assert "1.5x is out of reach even for such an app." in page
    assert "may average at most" not in page
