"""Read py-spy's collapsed stacks of a gunicorn worker and say where its time went.

py-spy's ``raw`` format has one line per distinct stack: the frames from the
outermost to the innermost, ``function (file:line)``, joined by ``;``, then a
space and the number of samples that saw exactly that stack. A sample's *own*
package is the package of its innermost Python frame, so time in a C function
or a system call (``socket.accept``, ``send``, ``close``) is charged to the
Python code that called it: for a sync worker, that is mostly gunicorn.

A sample is *inside the app call* when one of its frames belongs to the
application (the framework, vial's core, werkzeug and the other libraries,
or the benchmark's scenario code) rather than to gunicorn or the standard
library: gunicorn runs application code only from ``handle_request``, so
that covers ``app(environ, start_response)`` itself (with the
``start_response`` it calls back), iterating the response body and
``close()``. What gunicorn does around it (accepting, parsing, writing,
logging, closing the connection) is the server's share; so is a sample whose
frames are all gunicorn's or the standard library's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from typing import Any

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*):(?P<line>\d+)\)$")

#: Packages every summary lists, even at 0 %, so rows line up between frameworks.
MAIN_PACKAGES = (
    "gunicorn",
    "vial",
    "flask",
    "werkzeug",
    "jinja2",
    "itsdangerous",
    "benchmark app",
    "stdlib/other",
)

#: Where samples without any Python frame are counted.
NO_FRAME = "no Python frame"

#: Packages that are the server (or unknown), not the application.
_SERVER_SIDE = frozenset({"gunicorn", "stdlib/other", NO_FRAME})


@dataclass(frozen=True)
class Frame:
    """One frame of a collapsed stack."""

    function: str
    file: str
    line: int

    @property
    def package(self) -> str:
        """The package the frame's file belongs to."""
        return package_of(self.file)


@dataclass
class StackSummary:
    """Sample counts of one profile, by package and by app call."""

    samples: int = 0
    in_app: int = 0
    own: Counter[str] = field(default_factory=Counter)
    own_in_app: Counter[str] = field(default_factory=Counter)
    functions: Counter[tuple[str, str]] = field(default_factory=Counter)
    functions_in_app: Counter[tuple[str, str]] = field(default_factory=Counter)

    def share(self, count: int) -> float:
        """Return ``count`` as a fraction of all samples (0 when there are none)."""
        return count / self.samples if self.samples else 0.0

    def as_record(self) -> dict[str, Any]:
        """Return the figures as JSON-ready fractions of all samples."""
        packages = sorted(
            set(self.own) | set(MAIN_PACKAGES), key=lambda name: -self.own[name]
        )
        return {
            "samples": self.samples,
            "app_share": self.share(self.in_app),
            "own_share": {name: self.share(self.own[name]) for name in packages},
            "own_in_app_share": {
                name: self.share(count) for name, count in self.own_in_app.items()
            },
        }


def package_of(path: str) -> str:
    """Return the package a source file belongs to, for the own-time split."""
    path = path.replace("\\", "/")
    if "/site-packages/" in path:
        first = path.split("/site-packages/", 1)[1].split("/", 1)[0]
        return first.removesuffix(".py")
    if "/src/vial/" in path:
        return "vial"
    if "/benchmarks/scenarios/" in path or path.startswith("scenarios/"):
        return "benchmark app"
    return "stdlib/other"


def parse_frame(text: str) -> Frame:
    """Split ``function (file:line)``; a frame without a location keeps its text."""
    match = _FRAME.match(text)
    if match is None:
        return Frame(text, "", 0)
    return Frame(match["function"], match["file"], int(match["line"]))


def parse_collapsed(text: str) -> list[tuple[list[Frame], int]]:
    """Parse py-spy's raw output into (frames from outermost, sample count) pairs."""
    stacks = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.rstrip()
        if not line:
            continue
        stack, separator, count = line.rpartition(" ")
        if not separator or not count.isdigit():
            raise ValueError(
                f"Line {number} of the collapsed stacks does not end with a sample"
                f" count: {line[:120]!r}."
            )
        frames = [parse_frame(part) for part in stack.split(";")] if stack else []
        stacks.append((frames, int(count)))
    return stacks


def in_app_call(frames: list[Frame]) -> bool:
    """Tell whether a stack is inside the WSGI app called by ``handle_request``.

    gunicorn runs application code only through that call, so any frame of
    the application marks the sample, even in a stack that py-spy read torn
    (``--nonblocking`` reads the frames while they change, which can drop or
    swap the frames between ``handle_request`` and the app).
    """
    return any(frame.package not in _SERVER_SIDE for frame in frames)


def summarize_stacks(stacks: list[tuple[list[Frame], int]]) -> StackSummary:
    """Count samples by own package, inside and outside the app call."""
    summary = StackSummary()
    for frames, count in stacks:
        if not frames:
            # py-spy saw the thread running but read no Python frame (a torn
            # read with --nonblocking, or time outside any Python code).
            summary.samples += count
            summary.own[NO_FRAME] += count
            summary.functions[(NO_FRAME, NO_FRAME)] += count
            continue
        inner = frames[-1]
        package = inner.package
        summary.samples += count
        summary.own[package] += count
        summary.functions[(package, _where(inner))] += count
        if in_app_call(frames):
            summary.in_app += count
            summary.own_in_app[package] += count
            summary.functions_in_app[(package, _where(inner))] += count
    return summary


def _where(frame: Frame) -> str:
    path = frame.file.replace("\\", "/")
    for marker in ("/site-packages/", "/src/", "/benchmarks/", "/lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{frame.function} ({path})" if path else frame.function


def best_speedup(app_share: float) -> float:
    """Return how much faster a zero-cost app would be than one with ``app_share``.

    With a server cost S and an app cost A per request, the share inside the
    app is A / (S + A); an app costing nothing would serve requests in S, so
    at most (S + A) / S = 1 / (1 - share) times as many per second.
    """
    return 1.0 / (1.0 - app_share) if app_share < 1.0 else float("inf")


def implied_ratio(app_share: float, reference_share: float) -> float:
    """Return the req/s ratio over the reference that two app shares imply.

    The server's time per request is (1 - share) x the total for each, so if
    both do the same server work, total = S / (1 - share) and the
    requests-per-second ratio is (1 - app_share) / (1 - reference_share).
    """
    if reference_share >= 1.0:
        return float("inf")
    return (1.0 - app_share) / (1.0 - reference_share)


def summary_text(
    label: str, summary: StackSummary, details: dict[str, Any], top: int = 12
) -> str:
    """Render the text summary written next to the collapsed stacks."""
    lines = [
        f"py-spy of {label}: {summary.samples} samples"
        f" at {details['rate']} Hz over {details['seconds']} s"
        f" of load ({details.get('requests_per_second', 0):,.0f} req/s while"
        " sampled"
        + ("; --nonblocking" if details.get("nonblocking") else "; worker paused")
        + f" for each sample; py-spy read errors: {details.get('py_spy_errors')}).",
        "",
        "Worker CPU busy (from /proc, over the load):"
        f" {_pct(details.get('worker_cpu_busy'))}",
        "Worker busy by samples (samples / (rate x duration)):"
        f" {_pct(details.get('sample_busy'))}",
        f"Worker CPU per request (from /proc, over the load): {_cpu(details)}",
        f"Inside the WSGI app call: {_pct(summary.share(summary.in_app))}"
        " of the worker's samples; an app costing nothing could serve at most"
        f" {best_speedup(summary.share(summary.in_app)):.2f}x the requests/s.",
        "",
        "Own samples by package (innermost Python frame; C calls and system calls"
        " count for the Python code that made them):",
    ]
    record = summary.as_record()
    for name, share in record["own_share"].items():
        lines.append(f"  {name:<16} {100 * share:5.1f} %")
    lines += ["", "Inside the app call, own samples by package:"]
    for name, count in summary.own_in_app.most_common():
        lines.append(f"  {name:<16} {100 * summary.share(count):5.1f} %")
    if not summary.own_in_app:
        lines.append("  (none)")
    for title, functions in (
        (f"Top {top} functions by own samples:", summary.functions),
        (f"Top {top} functions inside the app call:", summary.functions_in_app),
    ):
        lines += ["", title]
        for (package, where), count in functions.most_common(top):
            lines.append(f"  {100 * summary.share(count):5.1f} %  [{package}] {where}")
    lines.append("")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _cpu(details: dict[str, Any]) -> str:
    if details.get("worker_cpu_us_per_request") is None:
        return "n/a"
    return (
        f"{details['worker_cpu_us_per_request']:.0f} µs"
        f" (user {details['worker_user_us_per_request']:.0f} µs,"
        f" system {details['worker_system_us_per_request']:.0f} µs)"
    )
