"""End to end: the scenario app under gunicorn sync workers, loaded over loopback."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.spec import Scenario

from .frameworks import BENCH_DIR
from .frameworks import child_environ
from .loadgen import run_load

HOST = "127.0.0.1"


@dataclass(frozen=True)
class E2ESettings:
    """How each end-to-end measurement runs."""

    seconds: float
    warmup_seconds: float
    connections: int
    workers: int
    loadgen: str  # "wrk" or "python"


@dataclass(frozen=True)
class Server:
    """A running gunicorn master and its port."""

    master_pid: int
    port: int


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _check_answer(port: int, scenario: Scenario) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", scenario.path)
        response = connection.getresponse()
        body = response.read()
        scenario.check(response.status, response.getheaders(), body)
    finally:
        connection.close()


def _wait_ready(
    process: subprocess.Popen[bytes], port: int, scenario: Scenario, log: Path
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {process.returncode}:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        try:
            _check_answer(port, scenario)
        except (ConnectionError, OSError, http.client.HTTPException):
            time.sleep(0.1)
            continue
        return
    raise RuntimeError(f"gunicorn did not answer on port {port} within 30 s.")


def _stop(process: subprocess.Popen[bytes]) -> None:
    # gunicorn runs in its own session, so its workers share its process group.
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if process.returncode is None:
        process.wait(timeout=10)


@contextmanager
def gunicorn(
    python: Path,
    framework: str,
    scenario: Scenario,
    workers: int,
    *,
    config: Path | None = None,
    **environ: str,
) -> Iterator[Server]:
    """Run ``scenario`` on ``framework`` under gunicorn until the block ends.

    ``config`` is a gunicorn settings file (``-c``); ``environ`` adds
    variables to the server's environment.
    """
    port = _free_port()
    env = child_environ(
        BENCH_FRAMEWORK=framework, BENCH_SCENARIO=scenario.name, **environ
    )
    command = [
        str(python),
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(BENCH_DIR),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        *(["--config", str(config)] if config is not None else []),
        "scenarios.wsgi:app",
    ]
    with tempfile.NamedTemporaryFile(
        "w+b", prefix="bench-gunicorn-", suffix=".log", delete=False
    ) as log_file:
        log = Path(log_file.name)
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_ready(process, port, scenario, log)
        yield Server(process.pid, port)
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


def worker_pids(master_pid: int) -> list[int]:
    """Return the pids of the gunicorn master's worker processes."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == master_pid:
                pids.append(int(stat.parent.name))
        return pids


def rss_mib(pid: int) -> float | None:
    """Return a process's resident set size in MiB, from /proc/<pid>/status."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def cpu_times(pid: int) -> tuple[float, float] | None:
    """Return a process's user and system CPU seconds, from ``/proc/<pid>/stat``."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the parenthesised command name; utime and stime are 14 and 15.
    fields = text.rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks


def total_cpu(pids: list[int]) -> tuple[float, float] | None:
    times = [cpu_times(pid) for pid in pids]
    if not times or any(t is None for t in times):
        return None
    return (
        sum(t[0] for t in times if t is not None),
        sum(t[1] for t in times if t is not None),
    )


def worker_cpu(
    before: tuple[float, float] | None,
    after: tuple[float, float] | None,
    wall: float,
    requests: float | None,
    workers: int = 1,
) -> dict[str, float]:
    """Return the workers' CPU per request (user, system) and how busy they were.

    This needs no sampler: it is the kernel's account of the workers' time
    over the measured load, system calls (accept, recv, send, close) included.
    """
    if before is None or after is None or not requests or wall <= 0:
        return {}
    user, system = after[0] - before[0], after[1] - before[1]
    return {
        "worker_cpu_us_per_request": (user + system) / requests * 1e6,
        "worker_user_us_per_request": user / requests * 1e6,
        "worker_system_us_per_request": system / requests * 1e6,
        "worker_cpu_busy": (user + system) / (wall * workers),
    }


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _wrk_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"Unexpected wrk duration {text!r}.")
    value, unit = float(match.group(1)), match.group(2)
    return value * 60e3 if unit == "m" else value * _UNITS[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    """Extract requests/s, latency percentiles and errors from wrk's report."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rps is None:
        raise ValueError("wrk printed no Requests/sec line:\n" + output)
    percentiles = {
        f"p{pct}_ms": _wrk_duration_ms(value)
        for pct, value in re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE)
    }
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        output,
    )
    return {
        "requests_per_second": float(rps.group(1)),
        "requests": int(total.group(1)) if total else None,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        # gunicorn's sync worker closes every connection, which wrk may count as
        # read errors on some kernels; connect and timeout errors are the real ones.
        "socket_errors": (
            {
                name: int(value)
                for name, value in zip(
                    ("connect", "read", "write", "timeout"),
                    socket_errors.groups(),
                    strict=True,
                )
            }
            if socket_errors
            else {}
        ),
        **percentiles,
    }


def apply_load(
    port: int, path: str, seconds: float, settings: E2ESettings
) -> dict[str, Any]:
    """Load ``path`` for ``seconds`` with wrk or the Python load generator."""
    if settings.loadgen == "wrk":
        wrk = shutil.which("wrk")
        if wrk is None:
            raise RuntimeError(
                "wrk is not on PATH; install it or use --loadgen python."
            )
        duration = max(1, round(seconds))
        done = subprocess.run(
            [
                wrk,
                "--threads",
                "1",
                "--connections",
                str(settings.connections),
                "--duration",
                f"{duration}s",
                "--timeout",
                "5s",
                "--latency",
                f"http://{HOST}:{port}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        )
        return parse_wrk(done.stdout)
    result = run_load(
        port, path, connections=settings.connections, seconds=seconds, host=HOST
    )
    return {
        "requests_per_second": result.requests_per_second,
        "requests": result.requests,
        "non_2xx": result.non_2xx,
        "socket_errors": {"any": result.errors},
        "p50_ms": result.percentile_ms(0.50),
        "p90_ms": result.percentile_ms(0.90),
        "p99_ms": result.percentile_ms(0.99),
    }


@dataclass(frozen=True)
class Measured:
    """One measured load: the load generator's figures with the workers' CPU."""

    figures: dict[str, Any]
    pids: list[int]
    #: CLOCK_MONOTONIC nanoseconds when the measured load started and ended.
    start_ns: int
    end_ns: int


def warm_up_and_measure(
    server: Server, scenario: Scenario, settings: E2ESettings
) -> Measured:
    """Run the warm-up load, then the measured one, reading the workers' CPU."""
    apply_load(server.port, scenario.path, settings.warmup_seconds, settings)
    pids = worker_pids(server.master_pid)
    before, wall = total_cpu(pids), time.perf_counter()
    start_ns = time.monotonic_ns()
    figures = apply_load(server.port, scenario.path, settings.seconds, settings)
    end_ns = time.monotonic_ns()
    wall = time.perf_counter() - wall
    figures.update(
        worker_cpu(before, total_cpu(pids), wall, figures.get("requests"), len(pids))
    )
    return Measured(figures, pids, start_ns, end_ns)


def run_e2e(
    python: Path, framework: str, scenario: Scenario, settings: E2ESettings
) -> dict[str, Any]:
    """Serve ``scenario`` with gunicorn, warm it up, load it; return the record."""
    record: dict[str, Any] = {
        "framework": framework,
        "scenario": scenario.name,
        "workers": settings.workers,
        "connections": settings.connections,
        "loadgen": settings.loadgen,
    }
    try:
        with gunicorn(python, framework, scenario, settings.workers) as server:
            measured = warm_up_and_measure(server, scenario, settings)
            record.update(measured.figures)
            rss = [value for value in map(rss_mib, measured.pids) if value is not None]
            record["worker_rss_mib"] = max(rss) if rss else None
            record["master_rss_mib"] = rss_mib(server.master_pid)
            # The app must still answer correctly after the load.
            _check_answer(server.port, scenario)
    except Exception as error:
        return {
            **record,
            "status": "error",
            "error": f"{type(error).__name__}: {error}",
        }
    if record["non_2xx"]:
        return {
            **record,
            "status": "error",
            "error": f"{record['non_2xx']} responses were not 2xx/3xx.",
        }
    return {**record, "status": "ok"}
