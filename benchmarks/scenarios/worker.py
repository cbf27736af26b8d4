"""In-process measurement of one scenario on one framework, in its own process.

Run inside the framework's venv as ``python -m scenarios.worker`` from the
``benchmarks`` directory. The environ is built once by hand (no werkzeug, so the
same code runs in every venv), the app is called directly, the response
iterable is consumed and closed. The answer is validated before and after
timing, so a broken scenario fails instead of producing a fast number. The
result is one JSON object on stdout.

Many short timed loops run after the warm-up; the process's figure is the
fastest loop (``us_per_request``). The loop is CPU-bound, so anything that
makes one loop slower (another process on the core, an interrupt, a cache
flushed by a neighbour) is noise added to its cost, never a saving: the
minimum is the best estimate of what the code costs. Every loop is kept in
the record (``cpu_samples_us``, ``wall_samples_us``) with their median
(``median_loop_us``), so nothing is hidden. With ``--cpu N`` the process pins
itself to that CPU first, so it does not migrate between cores mid-loop.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scenarios.loader import describe_app
from scenarios.loader import FrameworkUnavailable
from scenarios.loader import load
from scenarios.profiling import profile
from scenarios.spec import Headers
from scenarios.spec import Scenario
from scenarios.spec import SCENARIOS_BY_NAME
from scenarios.spec import session_cookie
from scenarios.spec import ValidationError

_EMPTY_INPUT = io.BytesIO(b"")


def build_environ(scenario: Scenario) -> dict[str, Any]:
    """Return the environ of a plain GET for ``scenario``, as a server builds it."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": scenario.path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": "vial-benchmark/1.0",
        "HTTP_ACCEPT": "*/*",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_CONNECTION": "keep-alive",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": _EMPTY_INPUT,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in scenario.extra_headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


class Caller:
    """Call a WSGI app the way a server does, optionally carrying a cookie."""

    def __init__(self, app: Any, environ: dict[str, Any], round_trip: bool) -> None:
        self.app = app
        self.environ = environ
        self.round_trip = round_trip
        self.status = ""
        self.headers: Headers = []

    def _start_response(
        self, status: str, headers: Headers, exc_info: object = None
    ) -> Callable[[bytes], object]:
        self.status = status
        self.headers = headers
        return _discard

    def once(self) -> tuple[int, Headers, bytes]:
        """Make one request and return status, headers and the joined body."""
        result: Iterable[bytes] = self.app(self.environ.copy(), self._start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self._carry_cookie()
        return int(self.status.split(" ", 1)[0]), list(self.headers), body

    def _carry_cookie(self) -> None:
        if self.round_trip:
            cookie = session_cookie(self.headers)
            if cookie is not None:
                self.environ["HTTP_COOKIE"] = cookie

    def loop(self, count: int) -> None:
        """Make ``count`` requests, consuming and closing each response."""
        app = self.app
        environ = self.environ
        start_response = self._start_response
        round_trip = self.round_trip
        for _ in range(count):
            result = app(environ.copy(), start_response)
            for _chunk in result:
                pass
            close = getattr(result, "close", None)
            if close is not None:
                close()
            if round_trip:
                self._carry_cookie()


def _discard(data: bytes) -> None:
    return None


def validate(caller: Caller, scenario: Scenario) -> None:
    """Check one answer (two for a cookie round trip) before anything is timed."""
    status, headers, body = caller.once()
    scenario.check(status, headers, body)
    if scenario.cookie_round_trip:
        status, headers, body = caller.once()
        if status != 200 or body != b"2":
            raise ValidationError(
                "The session did not survive a cookie round trip: expected"
                f" 200 b'2', got {status} {body[:40]!r}."
            )


def revalidate(caller: Caller, scenario: Scenario) -> None:
    """Check that the app still answers correctly after the timed loops."""
    status, headers, body = caller.once()
    if scenario.cookie_round_trip:
        if status != 200 or not body.isdigit() or int(body) < 3:
            raise ValidationError(
                f"The session counter stopped counting: got {status} {body[:40]!r}."
            )
        return
    scenario.check(status, headers, body)


def calibrate(caller: Caller, warmup_seconds: float, target_seconds: float) -> int:
    """Warm the app up and return the loop count that takes ``target_seconds``."""
    caller.loop(10)
    calls = 0
    start = time.perf_counter()
    cpu_start = time.thread_time()
    while time.perf_counter() - start < warmup_seconds:
        caller.loop(10)
        calls += 10
    cpu = max(time.thread_time() - cpu_start, 1e-6)
    return max(50, int(target_seconds * calls / cpu))


def measure(caller: Caller, count: int, repeats: int) -> dict[str, list[float]]:
    """Time ``repeats`` loops of ``count`` requests.

    Returns µs/request by CPU time of this thread (``cpu``) and by wall clock
    (``wall``), and GC collections per request. CPU time is what the report
    uses: on a shared machine the wall clock also counts the time other
    processes held the core, which is noise, not framework overhead.
    """
    samples: dict[str, list[float]] = {"cpu": [], "wall": [], "gc": []}
    for _ in range(repeats):
        gc.collect()
        before = sum(stat["collections"] for stat in gc.get_stats())
        wall = time.perf_counter_ns()
        cpu = time.thread_time_ns()
        caller.loop(count)
        cpu = time.thread_time_ns() - cpu
        wall = time.perf_counter_ns() - wall
        after = sum(stat["collections"] for stat in gc.get_stats())
        samples["cpu"].append(cpu / count / 1000.0)
        samples["wall"].append(wall / count / 1000.0)
        samples["gc"].append((after - before) / count)
    return samples


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def pin_to_cpu(cpu: int | None) -> int | None:
    """Restrict this process to ``cpu``; return it, or None when not pinned."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return None
    os.sched_setaffinity(0, {cpu})
    return cpu


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Load, validate, warm up and time one scenario; return the result record."""
    record: dict[str, Any] = {"framework": args.framework, "scenario": args.scenario}
    record["cpu"] = pin_to_cpu(args.cpu)
    scenario = SCENARIOS_BY_NAME[args.scenario]
    try:
        app = load(args.framework, args.scenario)
    except FrameworkUnavailable as error:
        return {**record, "status": "unavailable", "error": str(error)}
    if app is None:
        return {**record, "status": "n/a"}
    record["app_class"] = describe_app(app)
    caller = Caller(app, build_environ(scenario), scenario.cookie_round_trip)
    validate(caller, scenario)
    if args.count is not None:
        # A fixed number of requests and nothing timed, so that two runs
        # under an instruction counter differ only by the requests made.
        caller.loop(args.count)
        revalidate(caller, scenario)
        return {**record, "status": "ok", "requests": args.count}
    count = calibrate(caller, args.warmup_seconds, args.target_seconds)
    if args.profile:
        record.update(profile(caller.loop, count, Path(args.profile), args.label))
    else:
        samples = measure(caller, count, args.repeats)
        best = min(samples[args.clock])
        record.update(
            us_per_request=best,
            requests_per_second=1e6 / best,
            estimator="min",
            median_loop_us=_median(samples[args.clock]),
            clock=args.clock,
            cpu_samples_us=samples["cpu"],
            wall_samples_us=samples["wall"],
            wall_us_per_request=_median(samples["wall"]),
            gc_collections_per_request=_median(samples["gc"]),
            iterations=count,
        )
    revalidate(caller, scenario)
    return {**record, "status": "ok"}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; prints one JSON record."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--framework", required=True)
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS_BY_NAME))
    parser.add_argument("--target-seconds", type=float, default=0.05)
    parser.add_argument("--warmup-seconds", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--cpu", type=int, help="pin the process to this CPU")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    parser.add_argument("--profile", help="write a cProfile .prof here instead")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--count",
        type=int,
        help="make exactly this many requests, timing nothing (for an"
        " instruction counter)",
    )
    args = parser.parse_args(argv)
    try:
        record = run(args)
    except Exception as error:
        record = {
            "framework": args.framework,
            "scenario": args.scenario,
            "status": "error",
            "error": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(),
        }
    print(json.dumps(record))
    return 1 if record["status"] == "error" else 0


if __name__ == "__main__":
    sys.exit(main())
