"""The profile summary splits own time by package and lists top functions."""

from __future__ import annotations

from pathlib import Path

from scenarios.profiling import _package_of
from scenarios.profiling import profile
from scenarios.raw_app import json_view
from scenarios.spec import SCENARIOS_BY_NAME
from scenarios.worker import build_environ
from scenarios.worker import Caller


def test_files_are_charged_to_their_package() -> None:
    site = "/v/lib/python3.11/site-packages"
    assert _package_of(f"{site}/werkzeug/routing/map.py") == "werkzeug"
    assert _package_of(f"{site}/bottle.py") == "bottle"
    assert _package_of("/work/main/core/src/vial/app.py") == "vial"
    assert _package_of("/x/benchmarks/scenarios/templates/table.html") == (
        "jinja2 (compiled template)"
    )
    assert _package_of("/x/benchmarks/scenarios/worker.py") == "benchmark harness"
    assert _package_of("/x/benchmarks/scenarios/flask_app.py") == "benchmark app"


def test_profile_writes_the_stats_and_a_summary(tmp_path: Path) -> None:
    scenario = SCENARIOS_BY_NAME["json"]
    caller = Caller(json_view(), build_environ(scenario), False)
    target = tmp_path / "raw-json.prof"
    record = profile(caller.loop, 200, target, "raw on json")
    assert target.is_file()
    summary = Path(record["summary"]).read_text(encoding="utf-8")
    assert summary.startswith("cProfile of raw on json: 200 requests")
    assert "Own time by package" in summary
    assert "benchmark app" in record["breakdown_us"]
    assert "stdlib" in record["breakdown_us"]
    # json.dumps runs in the standard library and gets its own top list.
    assert "Own time of stdlib's top functions:" in summary
