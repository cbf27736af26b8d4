"""A small HTTP/1.1 load generator, used when ``wrk`` is not installed.

Several asyncio connections, each sending one GET after another and reusing the
connection while the server keeps it alive. gunicorn's sync workers close the
connection after every response, so each request then reconnects, as wrk does.

Limits, stated in the results whenever it is used:

- It is one CPython thread. On a small machine it needs about as much CPU as
  a fast app under test, so it measures a lower bound and compresses the
  differences between fast frameworks; wrk (C, epoll) does not.
- It speaks only what the scenarios need: GET, ``Content-Length`` bodies (no
  chunked responses), no TLS, no pipelining.
- It is bounded in time and request count and talks to loopback only.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from dataclasses import field


@dataclass
class LoadResult:
    """What one load run measured."""

    requests: int = 0
    errors: int = 0
    non_2xx: int = 0
    seconds: float = 0.0
    latencies_ns: list[int] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        """Completed requests per second over the run."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        """Return a latency percentile in milliseconds (nearest rank)."""
        if not self.latencies_ns:
            return float("nan")
        ordered = sorted(self.latencies_ns)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
        return ordered[index] / 1e6


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> int:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port
            )
        reader, writer = self.reader, self.writer
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        keep_alive = lines[0].startswith("HTTP/1.1")
        for line in lines[1:]:
            name, _, value = line.partition(":")
            lowered = name.strip().lower()
            if lowered == "content-length":
                length = int(value)
            elif lowered == "transfer-encoding":
                raise ValueError("Chunked responses are not supported; use wrk.")
            elif lowered == "connection":
                keep_alive = value.strip().lower() == "keep-alive"
        if length:
            await reader.readexactly(length)
        if not keep_alive:
            await self.close()
        return status

    async def close(self) -> None:
        writer = self.writer
        self.reader = self.writer = None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass


async def _client(
    host: str,
    port: int,
    raw: bytes,
    deadline: float,
    budget: list[int],
    result: LoadResult,
) -> None:
    connection = _Connection(host, port)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            start = time.perf_counter_ns()
            try:
                status = await connection.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                await connection.close()
                continue
            result.latencies_ns.append(time.perf_counter_ns() - start)
            result.requests += 1
            if not 200 <= status < 400:
                result.non_2xx += 1
    finally:
        await connection.close()


async def _run(
    host: str, port: int, path: str, connections: int, seconds: float, limit: int
) -> LoadResult:
    raw = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "User-Agent: vial-benchmark-loadgen\r\nAccept: */*\r\n\r\n"
    ).encode()
    result = LoadResult()
    budget = [limit]
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(
        *(
            _client(host, port, raw, deadline, budget, result)
            for _ in range(connections)
        )
    )
    result.seconds = time.perf_counter() - start
    return result


def run_load(
    port: int,
    path: str,
    *,
    connections: int,
    seconds: float,
    host: str = "127.0.0.1",
    limit: int = 5_000_000,
) -> LoadResult:
    """Load ``http://host:port/path`` for ``seconds`` (at most ``limit`` requests)."""
    if not host.startswith("127.") and host not in ("localhost", "::1"):
        raise ValueError("The load generator only targets loopback addresses.")
    return asyncio.run(_run(host, port, path, connections, seconds, limit))
