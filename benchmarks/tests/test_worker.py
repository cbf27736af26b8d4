"""The in-process worker calls apps like a server and refuses wrong answers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING

import pytest
from harness import inprocess
from harness.frameworks import BENCH_DIR
from harness.frameworks import child_environ
from harness.inprocess import InProcessSettings
from harness.inprocess import last_json_line
from harness.inprocess import layout_pad
from harness.inprocess import LAYOUT_PAD_MAX
from harness.inprocess import run_worker
from harness.inprocess import worker_command
from harness.machine import allowed_cpus
from scenarios import raw_app
from scenarios.loader import load
from scenarios.spec import SCENARIOS_BY_NAME
from scenarios.spec import ValidationError
from scenarios.worker import build_environ
from scenarios.worker import Caller
from scenarios.worker import pin_to_cpu
from scenarios.worker import validate

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment


def test_environ_is_a_plain_get_of_the_scenario_path() -> None:
    environ = build_environ(SCENARIOS_BY_NAME["json"])
    assert environ["REQUEST_METHOD"] == "GET"
    assert environ["PATH_INFO"] == "/user/42/post/hello-world"
    assert environ["wsgi.url_scheme"] == "http"


@pytest.mark.parametrize("name", ["hello", "json", "not_found"])
def test_raw_apps_pass_validation(name: str) -> None:
    scenario = SCENARIOS_BY_NAME[name]
    app = load("raw", name)
    caller = Caller(app, build_environ(scenario), scenario.cookie_round_trip)
    validate(caller, scenario)
    caller.loop(3)


def test_a_wrong_body_fails_validation() -> None:
    scenario = SCENARIOS_BY_NAME["json"]
    # The hello app answers 404 for the JSON path.
    caller = Caller(raw_app.hello(), build_environ(scenario), False)
    with pytest.raises(ValidationError, match="Expected status 200, got 404"):
        validate(caller, scenario)


def test_a_session_that_does_not_round_trip_fails_validation() -> None:
    def forgetful(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        start_response("200 OK", [("Set-Cookie", "s=1; HttpOnly")])
        return [b"1"]

    scenario = SCENARIOS_BY_NAME["session"]
    caller = Caller(forgetful, build_environ(scenario), True)
    with pytest.raises(ValidationError, match="cookie round trip"):
        validate(caller, scenario)
    assert caller.environ["HTTP_COOKIE"] == "s=1"


def test_scenarios_a_framework_lacks_are_not_applicable() -> None:
    assert load("raw", "session") is None


def test_unknown_framework_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown framework 'django'"):
        load("django", "hello")


def _worker_record(*options: str) -> dict[str, Any]:
    """Run the worker on the raw hello app in a process; return its record."""
    done = subprocess.run(
        [*worker_command(Path(sys.executable), "raw", "hello"), *options],
        cwd=BENCH_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    record = last_json_line(done.stdout)
    assert record is not None
    return record


def test_a_process_reports_its_fastest_loop_and_pins_itself() -> None:
    cpu = allowed_cpus()[-1]
    record = _worker_record(
        "--repeats",
        "4",
        "--target-seconds",
        "0.001",
        "--warmup-seconds",
        "0.001",
        "--cpu",
        str(cpu),
    )
    assert record["status"] == "ok"
    assert record["cpu"] == cpu
    assert record["estimator"] == "min"
    assert len(record["cpu_samples_us"]) == 4
    assert record["us_per_request"] == min(record["cpu_samples_us"])
    assert record["median_loop_us"] >= record["us_per_request"]
    assert record["requests_per_second"] == pytest.approx(
        1e6 / record["us_per_request"]
    )


def test_no_cpu_means_no_pinning() -> None:
    assert pin_to_cpu(None) is None


def test_a_counting_run_makes_exactly_the_requests_asked_and_times_nothing() -> None:
    record = _worker_record("--count", "7")
    assert record["status"] == "ok"
    assert record["requests"] == 7
    assert "us_per_request" not in record


def test_each_worker_gets_a_layout_pad_of_random_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lengths = {len(layout_pad()) for _ in range(50)}
    assert len(lengths) > 1
    assert all(0 <= length <= LAYOUT_PAD_MAX for length in lengths)

    seen: list[str] = []

    def padded(**extra: str) -> dict[str, str]:
        seen.append(extra["BENCH_LAYOUT_PAD"])
        return child_environ(**extra)

    monkeypatch.setattr(inprocess, "child_environ", padded)
    settings = InProcessSettings(0.001, 0.001, 2)
    record = run_worker(Path(sys.executable), "raw", "hello", settings)
    assert record["status"] == "ok", record.get("error")
    assert record["layout_pad"] == len(seen[0])
