"""Collapsed py-spy stacks are split by package and by the WSGI app call."""

from __future__ import annotations

import pytest
from harness.stacks import best_speedup
from harness.stacks import implied_ratio
from harness.stacks import in_app_call
from harness.stacks import NO_FRAME
from harness.stacks import package_of
from harness.stacks import parse_collapsed
from harness.stacks import parse_frame
from harness.stacks import summarize_stacks
from harness.stacks import summary_text

_SITE = "/b/.venvs/flask/lib/python3.11/site-packages"
_STDLIB = "/root/.pyenv/versions/3.11.7/lib/python3.11"
_OUTER = ";".join(
    [
        f"<module> ({_SITE}/gunicorn/__main__.py:7)",
        f"Arbiter.run ({_SITE}/gunicorn/arbiter.py:210)",
        f"SyncWorker.run ({_SITE}/gunicorn/workers/sync.py:125)",
        f"SyncWorker.run_for_one ({_SITE}/gunicorn/workers/sync.py:80)",
    ]
)
_REQUEST = (
    f"{_OUTER};SyncWorker.handle ({_SITE}/gunicorn/workers/sync.py:150)"
    f";SyncWorker.handle_request ({_SITE}/gunicorn/workers/sync.py:184)"
)
_F = f"{_SITE}/flask/app.py"
_W = f"{_SITE}/werkzeug"
_G = f"{_SITE}/gunicorn/http/wsgi.py"
# 100 samples: 40 accepting, 20 writing, 5 parsing in the stdlib, 35 in the app.
COLLAPSED = "\n".join(
    [
        f"{_OUTER};SyncWorker.accept ({_SITE}/gunicorn/workers/sync.py:30) 40",
        f"{_REQUEST};Response.write ({_G}:340) 20",
        f"{_REQUEST};create ({_G}:90);unquote ({_STDLIB}/urllib/parse.py:650) 5",
        f"{_REQUEST};Flask.__call__ ({_F}:1536);Flask.wsgi_app ({_F}:1511) 12",
        f"{_REQUEST};Flask.__call__ ({_F}:1536);Map.bind ({_W}/routing/map.py:25) 8",
        f"{_REQUEST};Flask.__call__ ({_F}:1536);Response.start_response ({_G}:25) 5",
        f"{_REQUEST};ClosingIterator.__next__ ({_W}/wsgi.py:300) 4",
        f"{_REQUEST};hello (/work/main/benchmarks/scenarios/flask_app.py:40) 6",
    ]
)


def test_frames_are_split_into_function_file_and_line() -> None:
    frame = parse_frame(f"Map.bind ({_SITE}/werkzeug/routing/map.py:250)")
    assert frame.function == "Map.bind"
    assert frame.line == 250
    assert frame.package == "werkzeug"
    bare = parse_frame("<native>")
    assert (bare.function, bare.file, bare.package) == ("<native>", "", "stdlib/other")


def test_files_are_charged_to_their_package() -> None:
    assert package_of(f"{_SITE}/gunicorn/workers/sync.py") == "gunicorn"
    assert package_of(f"{_SITE}/bottle.py") == "bottle"
    assert package_of("/work/main/core/src/vial/app.py") == "vial"
    assert package_of("/work/main/benchmarks/scenarios/raw_app.py") == "benchmark app"
    assert package_of("scenarios/raw_app.py") == "benchmark app"
    assert package_of(f"{_STDLIB}/socket.py") == "stdlib/other"


def test_the_app_call_is_any_stack_with_an_application_frame() -> None:
    stacks = parse_collapsed(COLLAPSED)
    inside = [count for frames, count in stacks if in_app_call(frames)]
    # The Flask frames (including gunicorn's start_response called by the app),
    # the body iterator and the scenario's own view; not write, create, accept.
    assert inside == [12, 8, 5, 4, 6]


def test_torn_stacks_still_count_for_the_app() -> None:
    # --nonblocking reads can swap or drop the frames between handle_request
    # and the app, or keep only the innermost frame.
    torn = parse_collapsed(
        f"{_REQUEST};Response.write ({_G}:340);Flask.wsgi_app ({_F}:1511) 3\n"
        f"Flask.make_response ({_F}:1200) 2\n"
        f"socket.accept ({_STDLIB}/socket.py:295) 4\n"
    )
    assert [in_app_call(frames) for frames, _ in torn] == [True, True, False]


def test_summary_counts_own_samples_by_package() -> None:
    summary = summarize_stacks(parse_collapsed(COLLAPSED))
    assert summary.samples == 100
    assert summary.in_app == 35
    assert summary.share(summary.in_app) == pytest.approx(0.35)
    assert summary.own["gunicorn"] == 65
    assert summary.own["flask"] == 12
    assert summary.own["werkzeug"] == 12
    assert summary.own["stdlib/other"] == 5
    assert summary.own_in_app["gunicorn"] == 5
    record = summary.as_record()
    assert record["app_share"] == pytest.approx(0.35)
    assert record["own_share"]["gunicorn"] == pytest.approx(0.65)
    # Every main package is listed so rows line up, even when never sampled.
    assert record["own_share"]["itsdangerous"] == 0.0
    assert next(iter(record["own_share"])) == "gunicorn"


def test_summary_text_names_the_figures() -> None:
    summary = summarize_stacks(parse_collapsed(COLLAPSED))
    details = {"rate": 500, "seconds": 10, "requests_per_second": 2500.0}
    cpu = {
        "worker_cpu_busy": 0.97,
        "worker_cpu_us_per_request": 300.0,
        "worker_user_us_per_request": 230.0,
        "worker_system_us_per_request": 70.0,
    }
    text = summary_text("flask on hello", summary, {**details, **cpu})
    assert text.startswith("py-spy of flask on hello: 100 samples at 500 Hz")
    assert "Worker CPU busy (from /proc, over the load): 97.0 %" in text
    assert "Worker busy by samples (samples / (rate x duration)): n/a" in text
    assert "per request (from /proc, over the load): 300 µs (user 230 µs," in text
    assert "Inside the WSGI app call: 35.0 %" in text
    assert "at most 1.54x the requests/s" in text
    assert "[gunicorn] SyncWorker.accept (gunicorn/workers/sync.py)" in text
    inside = text.split("Top 12 functions inside the app call:\n", 1)[1]
    assert inside.splitlines()[0] == "   12.0 %  [flask] Flask.wsgi_app (flask/app.py)"
    assert "SyncWorker.accept" not in inside


def test_a_line_without_a_count_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Line 2 .* sample count"):
        parse_collapsed("a (x.py:1) 3\na (x.py:1);b (y.py:2)\n")


def test_ceiling_and_implied_ratio() -> None:
    # The prototype's figures: Flask's app call 13.5 %, vial's 5.8 %.
    assert best_speedup(0.135) == pytest.approx(1.156, abs=1e-3)
    assert best_speedup(0.0) == 1.0
    assert implied_ratio(0.058, 0.135) == pytest.approx(1.089, abs=1e-3)
    assert implied_ratio(0.135, 0.135) == pytest.approx(1.0)


def test_samples_without_frames_are_counted_apart() -> None:
    # py-spy writes " 63" for samples in which it read no Python frame.
    stacks = parse_collapsed(COLLAPSED + "\n 63\n")
    assert stacks[-1] == ([], 63)
    summary = summarize_stacks(stacks)
    assert summary.samples == 163
    assert summary.own[NO_FRAME] == 63
    assert summary.in_app == 35
