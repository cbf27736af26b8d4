"""Running a suite: the real package's throwaway environment, the two pytest
runs, and each test's outcome read back from the outcomes plugin."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from conformance.sources import HERE
from conformance.sources import Suite

PLUGIN_DIR = HERE / "plugin"
CONSTRAINTS = HERE / "constraints.txt"
#: Environment variables that would change how an app under test behaves;
#: both runs start without them.
_CLEARED = ("FLASK_", "VIAL_", "WERKZEUG_", "PYTEST_ADDOPTS")


@dataclass
class Run:
    """The outcome of one pytest run of a suite."""

    #: Test id to "passed", "failed", "error", "skipped" or "xfailed".
    outcomes: dict[str, str] = field(default_factory=dict)
    #: Test id to the first line of what went wrong.
    messages: dict[str, str] = field(default_factory=dict)
    #: Module ids that failed to import, with the error.
    broken_modules: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    timed_out: bool = False
    exit_code: int | None = None
    log: Path | None = None

    @property
    def passed(self) -> set[str]:
        """The ids of the tests that passed."""
        return {name for name, outcome in self.outcomes.items() if outcome == "passed"}


def _python(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / "python"


def make_real_env(
    uv: str, base_python: str, env: Path, sdists: list[Path], suite: Suite
) -> Path:
    """Create the real package's environment afresh and return its python.

    The suite's release and the releases it uses are installed from their
    checked sdists; the test requirements come from the index, held to
    ``constraints.txt``.
    """
    shutil.rmtree(env, ignore_errors=True)
    quiet = ["--quiet"]
    subprocess.run([uv, "venv", *quiet, "--python", base_python, str(env)], check=True)
    python = _python(env)
    requirements = [*map(str, sdists), *suite.requires, *suite.flask_requires]
    subprocess.run(
        [uv, "pip", "install", *quiet, "--python", str(python),
         "-c", str(CONSTRAINTS), *requirements],
        check=True,
    )  # fmt: skip
    return python


def run_pytest(
    python: Path, workdir: Path, *, vial: bool, timeout: float, log: Path
) -> Run:
    """Run the unpacked suite in ``workdir`` with ``python``.

    With ``vial`` the compatibility switch is turned on by
    ``vial.compat.pytest_plugin`` before any ``conftest.py`` imports
    ``flask``. The run is stopped after ``timeout`` seconds; what it did
    until then counts.
    """
    outcomes_file = workdir / ".conformance-outcomes.jsonl"
    outcomes_file.unlink(missing_ok=True)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(_CLEARED)
    }
    env["CONFORMANCE_OUTCOMES"] = str(outcomes_file)
    env["PYTHONPATH"] = str(PLUGIN_DIR)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    args = [str(python), "-m", "pytest", "-p", "conformance_outcomes"]
    if vial:
        args += ["-p", "vial.compat.pytest_plugin"]
    # A module that does not import loses its own tests, not the whole run.
    args += ["--continue-on-collection-errors"]
    args += ["-p", "no:cacheprovider", "-q", "-rN", "--color=no", "tests"]
    result = Run(log=log)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            args,
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            result.exit_code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            result.timed_out = True
            # The whole process group: tests may have started servers.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    result.seconds = time.monotonic() - started
    _read_outcomes(outcomes_file, result)
    return result


def _read_outcomes(path: Path, result: Run) -> None:
    """Fold the plugin's reports into one outcome per test.

    A test passed when its call passed and neither setup nor teardown
    failed; an expected failure counts as ``xfailed``, never as a pass.
    """
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        name, outcome = record["id"], record["outcome"]
        if record["when"] == "collect":
            result.broken_modules[name] = record["message"]
            continue
        if record.get("xfail"):
            outcome = "xfailed" if outcome == "skipped" else "passed"
        elif outcome == "failed" and record["when"] != "call":
            outcome = "error"
        previous = result.outcomes.get(name)
        if previous in (None, "passed"):
            result.outcomes[name] = outcome
            if outcome != "passed":
                result.messages[name] = record["message"]
