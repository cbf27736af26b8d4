"""The end-to-end profile runs gunicorn, a load and py-spy, and never crashes.

A stand-in py-spy (a script with py-spy's command line) replaces the real
one, so the tests need no ptrace permission: they check what the harness
asks py-spy for, what it makes of the stacks, and that a failing py-spy
becomes an error record with no process left behind.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from harness.e2e import cpu_times
from harness.e2e import E2ESettings
from harness.e2e import worker_cpu
from harness.e2e_profile import profile_e2e
from harness.e2e_profile import ProfileSettings
from harness.e2e_profile import py_spy
from scenarios.spec import SCENARIOS_BY_NAME

_SYNC = "/v/lib/python3.11/site-packages/gunicorn/workers/sync.py"
_STACKS = (
    f"run (/v/lib/python3.11/site-packages/gunicorn/arbiter.py:1)"
    f";SyncWorker.accept ({_SYNC}:30) 30\n"
    f"SyncWorker.handle_request ({_SYNC}:184)"
    ";app (/work/main/benchmarks/scenarios/raw_app.py:42) 10\n"
)

_FAKE = """\
#!{python}
import json, sys
args = sys.argv[1:]
with open({calls!r}, "w") as log:
    json.dump(args, log)
if {fail!r}:
    print("Error: Permission denied (os error 1)")
    sys.exit(1)
with open(args[args.index("--output") + 1], "w") as out:
    out.write({stacks!r})
print("py-spy> Wrote raw flamegraph data. Samples: 40 Errors: 0")
"""

SETTINGS = E2ESettings(
    seconds=1.0, warmup_seconds=0.2, connections=2, workers=3, loadgen="python"
)
PROFILE = ProfileSettings(seconds=1, rate=100)


def _fake_py_spy(directory: Path, *, fail: bool) -> Path:
    spy = directory / "py-spy"
    spy.write_text(
        _FAKE.format(
            python=sys.executable,
            calls=str(directory / "calls.json"),
            fail=fail,
            stacks=_STACKS,
        )
    )
    spy.chmod(0o755)
    return spy


def _gone(pid: int) -> bool:
    # The worker is reaped by init once the master is gone; allow a moment.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        status = Path(f"/proc/{pid}/status").read_text(errors="replace")
        if "State:\tZ" in status:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("nonblocking", [False, True])
def test_a_profile_samples_the_single_worker_and_splits_its_time(
    tmp_path: Path, nonblocking: bool
) -> None:
    spy = _fake_py_spy(tmp_path, fail=False)
    out = tmp_path / "profiles"
    record = profile_e2e(
        Path(sys.executable),
        "raw",
        SCENARIOS_BY_NAME["hello"],
        SETTINGS,
        ProfileSettings(seconds=1, rate=100, nonblocking=nonblocking),
        out,
        spy=spy,
    )
    assert record["status"] == "ok", record.get("error")
    args = json.loads((tmp_path / "calls.json").read_text())
    assert args[:3] == ["record", "--pid", str(record["worker_pid"])]
    assert ("--nonblocking" in args) is nonblocking
    assert args[args.index("--rate") + 1] == "100"
    assert args[args.index("--duration") + 1] == "1"
    assert args[args.index("--format") + 1] == "raw"
    assert record["samples"] == 40
    assert record["py_spy_errors"] == 0
    assert record["app_share"] == pytest.approx(0.25)
    assert record["sample_busy"] == pytest.approx(40 / 100)
    assert record["requests_per_second"] > 0
    assert record["worker_cpu_us_per_request"] > 0
    assert 0 < record["worker_cpu_busy"] <= 1.5
    assert record["own_share"]["gunicorn"] == pytest.approx(0.75)
    assert Path(record["stacks"]) == out / "raw-e2e-hello.folded"
    assert Path(record["stacks"]).read_text() == _STACKS
    summary = Path(record["summary"]).read_text(encoding="utf-8")
    assert "Inside the WSGI app call: 25.0 %" in summary
    assert _gone(record["worker_pid"])


def test_a_failing_py_spy_is_reported_with_the_ptrace_hint(tmp_path: Path) -> None:
    spy = _fake_py_spy(tmp_path, fail=True)
    record = profile_e2e(
        Path(sys.executable),
        "raw",
        SCENARIOS_BY_NAME["hello"],
        SETTINGS,
        PROFILE,
        tmp_path / "profiles",
        spy=spy,
    )
    assert record["status"] == "error"
    assert "py-spy exited with 1: Error: Permission denied" in record["error"]
    assert "ptrace permission" in record["error"]
    assert not (tmp_path / "profiles" / "raw-e2e-hello.txt").exists()
    assert _gone(record["worker_pid"])


def test_a_venv_without_py_spy_is_an_error_before_anything_starts(
    tmp_path: Path,
) -> None:
    python = tmp_path / "bin" / "python"
    assert py_spy(python) is None
    record = profile_e2e(
        python, "raw", SCENARIOS_BY_NAME["hello"], SETTINGS, PROFILE, tmp_path
    )
    assert record["status"] == "error"
    assert "py-spy is not installed next to" in record["error"]
    assert "--reinstall" in record["error"]


def test_cpu_times_read_a_running_process() -> None:
    used = cpu_times(os.getpid())
    assert used is not None
    assert used[0] + used[1] > 0
    assert cpu_times(2**22 + 12345) is None


def test_worker_cpu_per_request_and_busy() -> None:
    figures = worker_cpu((1.0, 0.5), (1.3, 0.6), wall=0.5, requests=1000, workers=1)
    assert figures["worker_user_us_per_request"] == pytest.approx(300.0)
    assert figures["worker_system_us_per_request"] == pytest.approx(100.0)
    assert figures["worker_cpu_us_per_request"] == pytest.approx(400.0)
    assert figures["worker_cpu_busy"] == pytest.approx(0.8)
    assert worker_cpu(None, (1.0, 1.0), 1.0, 10) == {}
    assert worker_cpu((1.0, 1.0), (1.0, 1.0), 1.0, 0) == {}
