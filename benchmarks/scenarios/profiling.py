"""cProfile of one scenario, with own time split by package.

The split tells vial's own code apart from werkzeug, Jinja, MarkupSafe and
itsdangerous: C functions (``len``, ``dict.get``, ...) are charged to the
Python function that called them, in proportion to each call edge's time.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Packages whose top functions are listed when they hold at least this share.
_LIST_SHARE = 0.05


def _package_of(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/templates/" in path and not path.endswith(".py"):
        # Jinja compiles templates to Python code whose filename is the template.
        return "jinja2 (compiled template)"
    if "/benchmarks/scenarios/" in path:
        stem = Path(path).stem
        return "benchmark harness" if stem == "worker" else "benchmark app"
    if "/site-packages/" in path:
        rest = path.split("/site-packages/", 1)[1]
        return rest.split("/", 1)[0].removesuffix(".py")
    if "/src/vial/" in path:
        return "vial"
    stdlib = sysconfig.get_paths()["stdlib"]
    if path.startswith((stdlib, "<frozen")):
        return "stdlib"
    return "other"


def package_breakdown(stats: pstats.Stats) -> dict[str, float]:
    """Return own time (seconds) per package; C functions count for their caller."""
    totals: dict[str, float] = {}
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, callers) in raw.items():
        if filename != "~":
            package = _package_of(filename)
            totals[package] = totals.get(package, 0.0) + tottime
            continue
        edge_total = sum(edge[2] for edge in callers.values())
        if not callers or edge_total <= 0:
            totals["builtins"] = totals.get("builtins", 0.0) + tottime
            continue
        for caller_key, edge in callers.items():
            caller_file = caller_key[0]
            package = "builtins" if caller_file == "~" else _package_of(caller_file)
            share = tottime * edge[2] / edge_total
            totals[package] = totals.get(package, 0.0) + share
    return totals


def _own_time_by_function(stats: pstats.Stats) -> dict[tuple[str, int, str], float]:
    own: dict[tuple[str, int, str], float] = {}
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for key, (_cc, _nc, tottime, _ct, callers) in raw.items():
        if key[0] != "~":
            own[key] = own.get(key, 0.0) + tottime
            continue
        edge_total = sum(edge[2] for edge in callers.values())
        for caller_key, edge in callers.items():
            if edge_total > 0 and caller_key[0] != "~":
                share = tottime * edge[2] / edge_total
                own[caller_key] = own.get(caller_key, 0.0) + share
    return own


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/src/", "/benchmarks/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def top_functions(
    stats: pstats.Stats, package: str, count: int, limit: int = 12
) -> list[str]:
    """Return lines for the functions of ``package`` with the most own time."""
    own = _own_time_by_function(stats)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    mine = [(t, k) for k, t in own.items() if _package_of(k[0]) == package]
    mine.sort(reverse=True)
    lines = []
    for seconds, key in mine[:limit]:
        calls = raw[key][1] if key in raw else 0
        lines.append(
            f"    {seconds / count * 1e6:7.2f} µs/request"
            f"  {calls / count:5.1f} calls/request"
            f"  {_short(key[0])}:{key[1]}({key[2]})"
        )
    return lines


def profile(
    loop: Callable[[int], None], count: int, path: Path, label: str
) -> dict[str, Any]:
    """Run ``loop(count)`` under cProfile; write ``path`` and a text summary."""
    profiler = cProfile.Profile()
    profiler.enable()
    loop(count)
    profiler.disable()
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path))
    stats = pstats.Stats(str(path))
    breakdown = package_breakdown(stats)
    total = sum(breakdown.values()) or 1.0
    lines = [
        f"cProfile of {label}: {count} requests,"
        f" {total / count * 1e6:.1f} µs/request under the profiler",
        "",
        "Own time by package (C calls charged to their Python caller):",
    ]
    for package, seconds in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        lines.append(
            f"  {package:<20} {seconds / count * 1e6:8.2f} µs/request"
            f"  {100 * seconds / total:5.1f} %"
        )
    for package, seconds in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        if seconds / total >= _LIST_SHARE:
            lines += ["", f"Own time of {package}'s top functions:"]
            lines += top_functions(stats, package, count)
    buffer = io.StringIO()
    top = pstats.Stats(str(path), stream=buffer)
    top.sort_stats("tottime").print_stats(30)
    buffer.write("\n")
    top.sort_stats("cumulative").print_stats(30)
    lines += ["", "All functions:", buffer.getvalue()]
    path.with_suffix(".txt").write_text("\n".join(lines), encoding="utf-8")
    return {
        "profile": str(path),
        "summary": str(path.with_suffix(".txt")),
        "breakdown_us": {k: v / count * 1e6 for k, v in breakdown.items()},
    }
