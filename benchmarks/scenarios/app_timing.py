"""gunicorn settings that time each app call inside a sync worker.

The harness passes this file to gunicorn (``--config``) for a separate run,
never for the throughput rounds. Once the worker has loaded the app, its
WSGI callable is wrapped: the call, iterating the body and ``close()`` are
timed by the worker thread's CPU clock, so time the worker spends waiting
for the client is not counted, and the server's ``start_response`` called
from inside the app is. The body is handed to gunicorn as a list, which
changes nothing for the benchmark scenarios: their bodies are small and
buffered.

When the worker exits it writes each request's CPU time and the moment the
call ended (``CLOCK_MONOTONIC``, one clock for every process on the machine,
so the harness can keep the requests of its measured window) as JSON to
``$BENCH_APP_TIMING_OUT.<worker pid>``. Nothing here imports a framework.
"""

from __future__ import annotations

import json
import os
import time
from array import array
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

_cpu_ns = array("q")
_ended_ns = array("q")

Environ = dict[str, Any]
WSGIApp = Callable[[Environ, Callable[..., Any]], Iterable[bytes]]


def timed(app: WSGIApp) -> WSGIApp:
    """Return ``app`` wrapped so each call's thread CPU time is recorded."""
    cpu_clock = time.thread_time_ns
    wall_clock = time.monotonic_ns
    cpu_ns, ended_ns = _cpu_ns, _ended_ns

    def call(environ: Environ, start_response: Callable[..., Any]) -> list[bytes]:
        start = cpu_clock()
        result = app(environ, start_response)
        try:
            body = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        cpu_ns.append(cpu_clock() - start)
        ended_ns.append(wall_clock())
        return body

    return call


def post_worker_init(worker: Any) -> None:
    """gunicorn hook: the worker has loaded the app; time its calls."""
    worker.wsgi = timed(worker.wsgi)


def worker_exit(server: Any, worker: Any) -> None:
    """gunicorn hook: write this worker's samples where the harness reads them."""
    prefix = os.environ.get("BENCH_APP_TIMING_OUT")
    if not prefix:
        return
    with open(f"{prefix}.{os.getpid()}", "w", encoding="utf-8") as out:
        json.dump({"cpu_ns": _cpu_ns.tolist(), "ended_ns": _ended_ns.tolist()}, out)
