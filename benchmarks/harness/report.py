"""Turn raw results into medians, vial/Flask ratios, a Markdown report and a chart."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.spec import SCENARIOS_BY_NAME

from .frameworks import FRAMEWORKS_BY_NAME
from .stacks import best_speedup
from .stacks import implied_ratio

_CLOCKS = {
    "cpu": "the CPU time of the measuring thread (time other processes hold the"
    " core is not counted, which keeps a shared machine's noise out)",
    "wall": "the wall clock",
}

#: End-to-end targets: minimum vial/Flask requests-per-second ratio.
E2E_TARGETS = {"hello": 1.5, "json": 1.5}


@dataclass(frozen=True)
class Cell:
    """The median of one framework on one scenario, or why there is none."""

    status: str  # ok, n/a, pending, error, skipped
    value: float = math.nan
    extra: float = math.nan
    runs: int = 0
    #: Lowest and highest of the per-round figures the median is taken over.
    low: float = math.nan
    high: float = math.nan

    def as_json(self) -> dict[str, Any]:
        """Return the cell for the results JSON (no NaN, which JSON lacks)."""
        if self.status != "ok":
            return {"status": self.status}
        out: dict[str, Any] = {
            "status": "ok",
            "median": self.value,
            "min": self.low,
            "max": self.high,
            "runs": self.runs,
        }
        if not math.isnan(self.extra):
            out["median_extra"] = self.extra
        return out


def _cell(records: Iterable[dict[str, Any]], field: str, extra: str = "") -> Cell:
    records = list(records)
    values = [r[field] for r in records if r["status"] == "ok" and r.get(field)]
    if values:
        extras = [r[extra] for r in records if r["status"] == "ok" and r.get(extra)]
        return Cell(
            "ok",
            statistics.median(values),
            statistics.median(extras) if extras else math.nan,
            len(values),
            min(values),
            max(values),
        )
    statuses = {r["status"] for r in records}
    if "n/a" in statuses:
        return Cell("n/a")
    if "unavailable" in statuses:
        return Cell("pending")
    if "error" in statuses:
        return Cell("error")
    return Cell("skipped")


def _table(
    results: dict[str, Any], level: str, scenarios: list[str], key: str, extra: str = ""
) -> dict[str, dict[str, Cell]]:
    """One cell per scenario and framework: the median of that level's runs."""
    return {
        scenario: {
            fw: _cell(
                (
                    r
                    for r in results[level]
                    if r["framework"] == fw and r["scenario"] == scenario
                ),
                key,
                extra,
            )
            for fw in results["settings"]["frameworks"]
        }
        for scenario in scenarios
    }


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Return medians per level, framework and scenario, plus vial/Flask ratios."""
    frameworks: list[str] = results["settings"]["frameworks"]
    settings = results["settings"]
    inprocess = _table(results, "inprocess", settings["scenarios"], "us_per_request")
    e2e = _table(
        results, "e2e", settings["e2e_scenarios"], "requests_per_second", "p99_ms"
    )
    e2e_cpu = _table(
        results,
        "e2e",
        settings["e2e_scenarios"],
        "worker_cpu_us_per_request",
        "worker_cpu_busy",
    )
    rss_scenario = "hello" if "hello" in e2e else next(iter(e2e), None)
    memory = {
        fw: _cell(
            (
                r
                for r in results["e2e"]
                if r["framework"] == fw and r["scenario"] == rss_scenario
            ),
            "worker_rss_mib",
        )
        for fw in frameworks
    }
    imports = {
        fw: _cell(
            (r for r in results["importtime"] if r["framework"] == fw), "median_ms"
        )
        for fw in frameworks
    }
    return {
        "inprocess": inprocess,
        "e2e": e2e,
        "memory": memory,
        "memory_scenario": rss_scenario,
        "imports": imports,
        "e2e_cpu": e2e_cpu,
    }


def summary_json(summary: dict[str, Any]) -> dict[str, Any]:
    """Return the medians with their spread across rounds, for the results JSON."""
    out: dict[str, Any] = {}
    for level, unit in (
        ("inprocess", "us_per_request"),
        ("e2e", "requests_per_second"),
        ("e2e_cpu", "worker_cpu_us_per_request"),
    ):
        out[level] = {
            "unit": unit,
            "scenarios": {
                name: {fw: cell.as_json() for fw, cell in cells.items()}
                for name, cells in summary[level].items()
            },
        }
    for level, unit in (("imports", "ms"), ("memory", "MiB")):
        cells = summary[level]
        out[level] = {
            "unit": unit,
            "frameworks": {fw: cell.as_json() for fw, cell in cells.items()},
        }
    return out


def _ratio(vial: Cell, flask: Cell, higher_is_better: bool) -> float | None:
    if vial.status != "ok" or flask.status != "ok" or not vial.value:
        return None
    if higher_is_better:
        return vial.value / flask.value
    return flask.value / vial.value


def _fmt_ratio(ratio: float | None, vial: Cell) -> str:
    if ratio is None:
        return "pending" if vial.status == "pending" else vial.status
    return f"{ratio:.2f}x"


def _met(ratio: float | None, target: float | None) -> str:
    if target is None:
        return "-"
    if ratio is None:
        return "pending"
    return "yes" if ratio >= target else "**no**"


def _us(cell: Cell) -> str:
    if cell.status != "ok":
        return cell.status
    return f"{cell.value:.1f}" if cell.value < 100 else f"{cell.value:.0f}"


def _rps(value: float) -> str:
    return f"{value / 1000:.1f}k" if value >= 1000 else f"{value:.0f}"


def _header(frameworks: list[str], extra: list[str]) -> list[str]:
    names = [FRAMEWORKS_BY_NAME[fw].label for fw in frameworks]
    cells = ["scenario", *names, *extra]
    return ["| " + " | ".join(cells) + " |", "|" + "---|" * len(cells)]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _get(cells: dict[str, Cell], framework: str) -> Cell:
    return cells.get(framework, Cell("skipped"))


def target_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one row per issue target: what it asks, the vial/Flask ratio, met."""
    rows: list[dict[str, Any]] = []

    def add(
        level: str, scenario: str, target: float | None, ratio: float | None
    ) -> None:
        if target is None:
            text = "lower than Flask"
            met = None if ratio is None else ratio > 1.0
        else:
            text = f">= {target}x"
            met = None if ratio is None else ratio >= target
        rows.append(
            {
                "level": level,
                "scenario": scenario,
                "target": text,
                "ratio": ratio,
                "met": met,
            }
        )

    for name, cells in summary["inprocess"].items():
        ratio = _ratio(_get(cells, "vial"), _get(cells, "flask"), False)
        add("in-process", name, SCENARIOS_BY_NAME[name].target_ratio, ratio)
    for name, cells in summary["e2e"].items():
        if name in E2E_TARGETS:
            ratio = _ratio(_get(cells, "vial"), _get(cells, "flask"), True)
            add("gunicorn", name, E2E_TARGETS[name], ratio)
    for level, key in (("import time", "imports"), ("worker RSS", "memory")):
        cells = summary[key]
        add(level, "-", None, _ratio(_get(cells, "vial"), _get(cells, "flask"), False))
    return rows


def markdown(results: dict[str, Any], summary: dict[str, Any]) -> str:
    """Render the full results page."""
    settings = results["settings"]
    machine = results["machine"]
    frameworks: list[str] = settings["frameworks"]
    lines = [
        "# vial benchmark results",
        "",
        f"Run on {machine['date']}: {machine['cpu']}, {machine['cores']} cores,"
        f" {machine['memory_gib']} GiB RAM, {machine['os']}, {machine['python']}"
        f" (load average {machine['load_average']} at the start,"
        f" {machine.get('load_average_end', '?')} at the end).",
        "",
        f"Mode: {'quick smoke run' if settings['quick'] else 'full run'};"
        f" {settings['rounds']} interleaved in-process rounds"
        f" ({settings['repeats']} timed loops of about"
        f" {settings['target_seconds']} s per process, {_per_process(settings)},"
        f" then the median of rounds); {settings['e2e_rounds']} end-to-end rounds.",
        "",
    ]
    if results.get("unavailable"):
        for fw, reason in results["unavailable"].items():
            lines.append(f"**{FRAMEWORKS_BY_NAME[fw].label} is pending:** {reason}")
            lines.append("")
    if summary["inprocess"]:
        lines += [
            "## In-process: µs per request (lower is better)",
            "",
            "The WSGI app is called directly with a prebuilt environ; the response is"
            " consumed and closed. Loops are timed by"
            f" {_CLOCKS[settings.get('clock', 'wall')]}."
            " vial/Flask is the requests-per-second ratio.",
            "",
            *_header(frameworks, ["vial/Flask", "target", "met"]),
        ]
        for name, cells in summary["inprocess"].items():
            scenario = SCENARIOS_BY_NAME[name]
            vial = _get(cells, "vial")
            ratio = _ratio(vial, _get(cells, "flask"), False)
            lines.append(
                _row(
                    [
                        scenario.label,
                        *(_us(cells[fw]) for fw in frameworks),
                        _fmt_ratio(ratio, vial),
                        f">= {scenario.target_ratio}x",
                        _met(ratio, scenario.target_ratio),
                    ]
                )
            )
        lines += ["", _pinning(results), ""]
        lines += _spread_table(summary, frameworks)
        lines += ["", "Requests per second, in-process:", ""]
        lines += _header(frameworks, [])
        for name, cells in summary["inprocess"].items():
            lines.append(
                _row(
                    [
                        SCENARIOS_BY_NAME[name].label,
                        *(
                            _rps(1e6 / cells[fw].value)
                            if cells[fw].status == "ok"
                            else cells[fw].status
                            for fw in frameworks
                        ),
                    ]
                )
            )
        lines.append("")
    lines += _instructions_section(results.get("instructions", []))
    if summary["e2e"]:
        loadgen = settings["loadgen_description"]
        lines += [
            "## End to end under gunicorn: requests/s and p99 latency",
            "",
            f"gunicorn {settings['workers']} sync worker(s) on loopback, driven by"
            f" {loadgen} with {settings['connections']} connections for"
            f" {settings['e2e_seconds']} s after a {settings['e2e_warmup_seconds']} s"
            " warm-up. Sync workers close the connection after each response.",
            "",
            *_header(frameworks, ["vial/Flask", "target", "met"]),
        ]
        for name, cells in summary["e2e"].items():
            vial = _get(cells, "vial")
            ratio = _ratio(vial, _get(cells, "flask"), True)
            target = E2E_TARGETS.get(name)
            lines.append(
                _row(
                    [
                        SCENARIOS_BY_NAME[name].label,
                        *(
                            f"{cells[fw].value:,.0f}/s, p99 {cells[fw].extra:.1f} ms"
                            if cells[fw].status == "ok"
                            else cells[fw].status
                            for fw in frameworks
                        ),
                        _fmt_ratio(ratio, vial),
                        f">= {target}x" if target else "-",
                        _met(ratio, target),
                    ]
                )
            )
        ceilings = [
            f"{ratio:.2f}x on {name}"
            for name, cells in summary["e2e"].items()
            if (ratio := _ratio(_get(cells, "raw"), _get(cells, "flask"), True))
        ]
        if ceilings:
            lines += [
                "",
                "Ceiling: raw WSGI / Flask on this server is "
                + ", ".join(ceilings)
                + "; no framework can gain more than that end to end here.",
            ]
        lines += _paired_rounds(results["e2e"], list(summary["e2e"]))
        lines += _worker_cpu_table(summary, frameworks)
        lines.append("")
    lines += [
        "## Import time and worker memory (lower is better)",
        "",
        "Import time: `python -X importtime -c 'import <package>'`, cumulative time"
        f" of the top-level import, median of {settings['import_runs']} fresh"
        " interpreters. Worker RSS: VmRSS of the gunicorn worker after the"
        f" `{summary['memory_scenario']}` load.",
        "",
        "| framework | import time (ms) | worker RSS (MiB) |",
        "|---|---|---|",
    ]
    for fw in frameworks:
        imp, mem = summary["imports"][fw], summary["memory"][fw]
        lines.append(
            _row(
                [
                    FRAMEWORKS_BY_NAME[fw].label,
                    f"{imp.value:.1f}" if imp.status == "ok" else imp.status,
                    f"{mem.value:.1f}" if mem.status == "ok" else mem.status,
                ]
            )
        )
    lines += [
        "",
        "## Targets (issue 5)",
        "",
        "| level | scenario | target | vial/Flask | met |",
        "|---|---|---|---|---|",
    ]
    for row in target_rows(summary):
        ratio, met = row["ratio"], row["met"]
        lines.append(
            _row(
                [
                    row["level"],
                    row["scenario"],
                    row["target"],
                    "pending" if ratio is None else f"{ratio:.2f}x",
                    "pending" if met is None else ("yes" if met else "**no**"),
                ]
            )
        )
    lines += e2e_profile_section(results, summary)
    lines += app_timing_section(results, summary)
    lines += ["", "## Versions", ""]
    for fw in frameworks:
        versions = results["versions"].get(fw, {})
        listed = ", ".join(f"{k} {v}" for k, v in versions.items() if v)
        lines.append(f"- {FRAMEWORKS_BY_NAME[fw].label}: {listed}")
    if results.get("profiles"):
        lines += ["", "## Profiles of vial (scenarios below target)", ""]
        for profile in results["profiles"]:
            breakdown = profile.get("breakdown_us", {})
            total = sum(breakdown.values()) or 1.0
            parts = ", ".join(
                f"{k} {100 * v / total:.0f}%"
                for k, v in sorted(breakdown.items(), key=lambda kv: -kv[1])[:6]
            )
            lines.append(
                f"- `{profile['scenario']}`: {parts} (`{profile.get('summary')}`)"
            )
    errors = [
        r for r in results["inprocess"] + results["e2e"] if r["status"] == "error"
    ]
    if errors:
        lines += [
            "",
            "## Errors",
            "",
            "A failed run is left out of the medians; the cell shows `error` only"
            " when every round failed.",
            "",
        ]
        for record in errors[:20]:
            lines.append(
                f"- {record['framework']} / {record['scenario']}"
                f" (round {record.get('round', '?')}): {record.get('error')}"
            )
    lines.append("")
    return "\n".join(lines)


def _worker_cpu_table(summary: dict[str, Any], frameworks: list[str]) -> list[str]:
    cpu = summary.get("e2e_cpu") or {}
    if not any(c.status == "ok" for cells in cpu.values() for c in cells.values()):
        return []
    lines = [
        "",
        "Worker CPU per request: the gunicorn workers' user + system CPU time"
        " (from `/proc`, system calls included) over the measured load divided by"
        " the requests served, median of rounds, and how busy the workers were."
        " No sampler is involved. An app that does nothing (raw WSGI) shows what"
        " the server alone costs; below 100 % busy, the worker waited for the next"
        " connection while wrk and the kernel used the CPUs.",
        "",
        *_header(frameworks, ["Flask / vial", "Flask / raw WSGI"]),
    ]
    for name, cells in cpu.items():
        shown = [
            f"{cells[fw].value:.0f} µs, {100 * cells[fw].extra:.0f}% busy"
            if cells[fw].status == "ok"
            else cells[fw].status
            for fw in frameworks
        ]
        flask = _get(cells, "flask")
        vial_ratio = _ratio(_get(cells, "vial"), flask, False)
        raw_ratio = _ratio(_get(cells, "raw"), flask, False)
        lines.append(
            _row(
                [
                    SCENARIOS_BY_NAME[name].label,
                    *shown,
                    "-" if vial_ratio is None else f"{vial_ratio:.2f}x",
                    "-" if raw_ratio is None else f"{raw_ratio:.2f}x",
                ]
            )
        )
    return lines


def _per_process(settings: dict[str, Any]) -> str:
    if settings.get("estimator", "median") == "min":
        return "the fastest loop is the process's figure"
    return "the median loop is the process's figure"


def _pinning(results: dict[str, Any]) -> str:
    used = Counter(r.get("cpu") for r in results["inprocess"] if r["status"] == "ok")
    used.pop(None, None)
    siblings = results["machine"].get("thread_siblings") or []
    topology = ""
    if siblings:
        smt = any("-" in group or "," in group for group in siblings)
        topology = f" The guest's cores are {' | '.join(siblings)}" + (
            " (SMT siblings share a core)."
            if smt
            else " (no SMT siblings visible; a VM's vCPUs may still share"
            " physical cores with other guests)."
        )
    if not used:
        return "Worker processes were not pinned to a CPU." + topology
    mode = results["settings"].get("cpu", "auto")
    how = {
        "auto": "the least busy CPU over 0.2 s, chosen before each scenario's"
        " group of frameworks so the frameworks compared share it",
        "last": "the highest-numbered CPU",
    }.get(mode, f"CPU {mode}")
    counts = ", ".join(f"CPU {cpu}: {n}" for cpu, n in sorted(used.items()))
    text = (
        "Each in-process worker pinned itself to one CPU with"
        f" `os.sched_setaffinity`: {how} (processes per CPU: {counts})." + topology
    )
    pads = [r["layout_pad"] for r in results["inprocess"] if "layout_pad" in r]
    if pads:
        text += (
            " Each worker also got an environment variable of random length"
            f" ({min(pads):,} to {max(pads):,} bytes in this run): the"
            " environment's size moves where the stack starts, which alone can"
            " change a scenario's time by tens of percent, so each round sees"
            " another memory layout and the median evens that out."
        )
    return text


def _spread_table(summary: dict[str, Any], frameworks: list[str]) -> list[str]:
    cells = [c for row in summary["inprocess"].values() for c in row.values()]
    if all(cell.runs < 2 for cell in cells):
        return ["Spread across rounds: one round only, so there is none to show."]
    lines = [
        "Spread across rounds: the lowest and highest per-round figure (µs) the"
        " median above is taken from, and how far apart they are. A CPU-bound"
        " loop only gets slower from interference, so each process reports its"
        " fastest loop; what still differs between rounds is the machine.",
        "",
        *_header(frameworks, []),
    ]
    for name, cells in summary["inprocess"].items():
        shown = []
        for fw in frameworks:
            cell = _get(cells, fw)
            if cell.status != "ok":
                shown.append(cell.status)
            elif cell.runs < 2:
                shown.append("1 round")
            else:
                spread = 100 * (cell.high / cell.low - 1)
                shown.append(f"{_num(cell.low)} to {_num(cell.high)} ({spread:.0f}%)")
        lines.append(_row([SCENARIOS_BY_NAME[name].label, *shown]))
    return lines


def _num(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def e2e_profile_section(results: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    """Render where a gunicorn worker's time goes, from the py-spy profiles."""
    profiles: list[dict[str, Any]] = results.get("e2e_profiles") or []
    if not profiles:
        return []
    settings = results["settings"]
    lines = [
        "",
        "## Where the end-to-end time goes (py-spy of the gunicorn worker)",
        "",
        "vial misses an end-to-end target, so py-spy sampled the sync worker of"
        f" each framework below at {settings.get('e2e_profile_rate', '?')} Hz for"
        f" {settings.get('e2e_profile_seconds', '?')} s under the same load (one"
        f" worker, after the warm-up; {_py_spy_mode(settings)}). *Inside the app"
        " call* is"
        " the share of the worker's samples with a frame of the application"
        " (the WSGI call, iterating the body, `close()`); the rest is the"
        " server: accepting, parsing, writing, logging and closing the"
        " connection. Own time goes to the innermost Python frame, so system"
        " calls count for the gunicorn code that makes them. *Worker CPU* comes"
        " from `/proc` over the same load, without the sampler. *Busy by"
        " samples* is samples / (rate x duration), as far as py-spy's idle"
        " detection goes; *read errors* are samples py-spy could not read."
        " One 10-second profile on a shared machine is noisy: compare its"
        " split with the sampler-free figures under the table.",
        "",
        "| scenario | framework | req/s while sampled | worker CPU per request"
        " | worker CPU busy | busy by samples | read errors | inside the app call"
        " | gunicorn own | stdlib/other own | summary |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    failures = []
    shares: dict[str, dict[str, float]] = {}
    for record in profiles:
        label = FRAMEWORKS_BY_NAME[record["framework"]].label
        if record["status"] != "ok":
            failures.append(f"- {label} on {record['scenario']}: {record['error']}")
            continue
        shares.setdefault(record["scenario"], {})[record["framework"]] = record[
            "app_share"
        ]
        own = record.get("own_share", {})
        per_request = record.get("worker_cpu_us_per_request")
        lines.append(
            _row(
                [
                    SCENARIOS_BY_NAME[record["scenario"]].label,
                    label,
                    f"{record['requests_per_second']:,.0f}",
                    "n/a" if per_request is None else f"{per_request:.0f} µs",
                    _percent(record.get("worker_cpu_busy")),
                    _percent(record.get("sample_busy")),
                    str(record.get("py_spy_errors", "?")),
                    _percent(record["app_share"]),
                    _percent(own.get("gunicorn", 0.0)),
                    _percent(own.get("stdlib/other", 0.0)),
                    f"`{record.get('summary')}`",
                ]
            )
        )
    lines.append("")
    for scenario, by_framework in shares.items():
        lines.append(_ceiling_sentence(scenario, by_framework, summary))
        lines.append("")
    if failures:
        lines += ["py-spy could not profile:", "", *failures, ""]
    return lines[:-1]


def app_timing_section(results: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    """Render the app call timed inside the worker against the server's part."""
    records: list[dict[str, Any]] = results.get("e2e_app_times") or []
    if not records:
        return []
    lines = [
        "",
        "## The app call timed inside the worker",
        "",
        "A separate run per framework, under the same load with one worker:"
        " gunicorn loads `scenarios/app_timing.py`, which times each app call"
        " (the call with the server's `start_response`, iterating the body and"
        " `close()`) by the worker thread's CPU clock. Only calls that ended"
        " inside the measured load count. *Server's part* is the worker's CPU"
        " per request (from `/proc`, system calls included) less the mean app"
        " call: accepting, parsing, writing and closing, which no framework"
        " can remove.",
        "",
        "| scenario | framework | req/s | worker CPU per request"
        " | app call, median | app call, mean | server's part |",
        "|---|---|---|---|---|---|---|",
    ]
    failures = []
    by_scenario: dict[str, dict[str, dict[str, Any]]] = {}
    for record in records:
        label = FRAMEWORKS_BY_NAME[record["framework"]].label
        if record["status"] != "ok" or "worker_cpu_us_per_request" not in record:
            failures.append(
                f"- {label} on {record['scenario']}:"
                f" {record.get('error', 'no worker CPU figure')}"
            )
            continue
        by_scenario.setdefault(record["scenario"], {})[record["framework"]] = record
        worker = record["worker_cpu_us_per_request"]
        lines.append(
            _row(
                [
                    SCENARIOS_BY_NAME[record["scenario"]].label,
                    label,
                    f"{record['requests_per_second']:,.0f}",
                    f"{worker:.0f} µs",
                    f"{record['app_cpu_us_median']:.1f} µs",
                    f"{record['app_cpu_us_mean']:.1f} µs",
                    f"{worker - record['app_cpu_us_mean']:.0f} µs",
                ]
            )
        )
    lines.append("")
    for scenario, timed in by_scenario.items():
        sentence = _app_budget_sentence(scenario, timed, summary)
        if sentence:
            lines += [sentence, ""]
    if failures:
        lines += ["The app call could not be timed:", "", *failures, ""]
    return lines[:-1]


def _app_budget_sentence(
    scenario: str, timed: dict[str, dict[str, Any]], summary: dict[str, Any]
) -> str:
    """Say what vial's app call may cost for the target, given the server's part.

    The worker CPU per request of Flask and raw WSGI comes from the medians
    of the measured rounds when there are some (one timing run alone is
    noisier); the app calls come from the timing runs.
    """
    flask, raw = timed.get("flask"), timed.get("raw")
    target = E2E_TARGETS.get(scenario)
    if flask is None or raw is None or target is None:
        return ""
    cells = (summary.get("e2e_cpu") or {}).get(scenario, {})
    flask_cell, raw_cell = _get(cells, "flask"), _get(cells, "raw")
    if flask_cell.status == "ok" and raw_cell.status == "ok":
        source = "the medians of the measured rounds"
        flask_worker, raw_worker = flask_cell.value, raw_cell.value
    else:
        source = "the timing runs"
        flask_worker = flask["worker_cpu_us_per_request"]
        raw_worker = raw["worker_cpu_us_per_request"]
    raw_app = raw["app_cpu_us_mean"]
    server = raw_worker - raw_app
    budget = flask_worker / target - server
    text = (
        f"**{SCENARIOS_BY_NAME[scenario].label}:** by worker CPU per request"
        f" ({source}), Flask's worker spends {flask_worker:.0f} µs and raw"
        f" WSGI's {raw_worker:.0f} µs, {server:.0f} µs of it around its"
        f" {raw_app:.1f} µs app call, so an app that cost nothing would be at"
        f" most {flask_worker / server:.2f}x Flask. "
    )
    if budget <= 0:
        text += f"{target}x is out of reach even for such an app"
    else:
        text += f"For {target}x the app call may average at most {budget:.1f} µs"
        if budget < raw_app:
            text += ", less than raw WSGI's own call"
    vial = timed.get("vial")
    if vial is not None:
        text += f"; vial's averages {vial['app_cpu_us_mean']:.1f} µs"
    return text + "."


def _py_spy_mode(settings: dict[str, Any]) -> str:
    if settings.get("e2e_profile_nonblocking"):
        return "`--nonblocking`: the worker is read while it runs"
    return "the worker is paused for each sample"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _ceiling_sentence(
    scenario: str, shares: dict[str, float], summary: dict[str, Any]
) -> str:
    label = SCENARIOS_BY_NAME[scenario].label
    if "flask" not in shares:
        return f"{label}: no profile of Flask, so no ceiling is computed."
    flask = shares["flask"]
    text = (
        f"**{label}:** in py-spy's samples Flask's app call is {100 * flask:.1f}%"
        " of its worker's time, which alone would let an app that cost nothing"
        f" serve at most 1 / (1 - {flask:.3f}) = {best_speedup(flask):.2f}x"
        " Flask's requests/s"
    )
    if "vial" in shares:
        vial = shares["vial"]
        text += (
            f"; vial's is {100 * vial:.1f}%, which with the same server work per"
            f" request would make vial {implied_ratio(vial, flask):.2f}x Flask"
        )
    text += "."
    if "raw" in shares:
        text += f" A raw WSGI callable's call is {100 * shares['raw']:.1f}%."
    return f"{text} {_cpu_sentence(scenario, summary)}".rstrip()


def _instructions_section(records: list[dict[str, Any]]) -> list[str]:
    """The callgrind counts: scenario rows, one column per framework counted."""
    if not records:
        return []
    frameworks = list(dict.fromkeys(r["framework"] for r in records))
    scenarios = list(dict.fromkeys(r["scenario"] for r in records))
    by_cell = {(r["framework"], r["scenario"]): r for r in records}
    lines = [
        "## Instructions per request (callgrind)",
        "",
        "The machine instructions one in-process request executes, counted by"
        " valgrind's callgrind: the worker makes a fixed number of requests"
        " (the in-process loop, with nothing timed) in two runs of"
        f" {_request_counts(records)} requests, and the difference is divided by"
        " the difference in requests, so start-up and imports cancel out. The"
        " count is the same on a busy machine as on an idle one, which timings"
        " are not; but it is not time (a cache miss costs no instruction). Raw"
        " WSGI's figure is mostly the measuring loop's own cost.",
        "",
        *_header(frameworks, ["Flask / vial"] if "flask" in frameworks else []),
    ]
    for scenario in scenarios:
        cells = []
        for fw in frameworks:
            record = by_cell.get((fw, scenario), {"status": "skipped"})
            cells.append(
                f"{record['instructions_per_request']:,.0f}"
                if record["status"] == "ok"
                else record["status"]
            )
        if "flask" in frameworks:
            vial = by_cell.get(("vial", scenario), {})
            flask = by_cell.get(("flask", scenario), {})
            if vial.get("status") == flask.get("status") == "ok":
                key = "instructions_per_request"
                cells.append(f"{flask[key] / vial[key]:.2f}x")
            else:
                cells.append("n/a")
        lines.append(_row([SCENARIOS_BY_NAME[scenario].label, *cells]))
    errors = [
        f"- {FRAMEWORKS_BY_NAME[r['framework']].label} on {r['scenario']}: {r['error']}"
        for r in records
        if r["status"] in ("error", "unavailable") and r.get("error")
    ]
    if errors:
        lines += ["", "Not counted:", "", *errors]
    return [*lines, ""]


def _request_counts(records: list[dict[str, Any]]) -> str:
    counts = next((r["request_counts"] for r in records if r["status"] == "ok"), None)
    return (
        "a small and a large number of"
        if counts is None
        else " and ".join(map(str, counts))
    )


def _paired_rounds(records: list[dict[str, Any]], scenarios: list[str]) -> list[str]:
    """vial/Flask requests/s within each end-to-end round, where the two ran
    back to back, as a check on the ratio of the medians."""
    parts = []
    for scenario in scenarios:
        by_round: dict[int, dict[str, float]] = {}
        for record in records:
            if record["scenario"] == scenario and record["status"] == "ok":
                by_round.setdefault(record.get("round", 0), {})[record["framework"]] = (
                    record["requests_per_second"]
                )
        ratios = [
            rates["vial"] / rates["flask"]
            for _, rates in sorted(by_round.items())
            if "vial" in rates and "flask" in rates
        ]
        if len(ratios) > 1:
            each = ", ".join(f"{ratio:.2f}x" for ratio in ratios)
            parts.append(
                f"{SCENARIOS_BY_NAME[scenario].label} {each}"
                f" (median {statistics.median(ratios):.2f}x)"
            )
    if not parts:
        return []
    return [
        "",
        "vial/Flask round by round (in each round the frameworks run back to"
        " back, so a pair shares the machine's conditions most closely; the"
        " table's ratio is that of the medians): " + "; ".join(parts) + ".",
    ]


def _cpu_sentence(scenario: str, summary: dict[str, Any]) -> str:
    cells = (summary.get("e2e_cpu") or {}).get(scenario, {})
    flask, vial, raw = (_get(cells, fw) for fw in ("flask", "vial", "raw"))
    if flask.status != "ok" or raw.status != "ok":
        return ""
    target = E2E_TARGETS.get(scenario)
    ceiling = flask.value / raw.value
    text = (
        "The sampler-free figures (median of the measured rounds) check that"
        " split: the worker spends"
        f" {flask.value:.0f} µs of CPU per Flask request and {raw.value:.0f} µs"
        " per raw WSGI request, an app that does almost nothing, so by worker"
        f" CPU no framework can be more than **{ceiling:.2f}x** Flask here"
    )
    if target is not None:
        if ceiling < target:
            text += f", below the {target}x target"
        else:
            text += (
                f", which leaves room for the {target}x target: the server alone"
                " does not rule it out"
            )
    text += "."
    if vial.status == "ok":
        inprocess = _get(summary["inprocess"].get(scenario, {}), "vial")
        text += (
            f" vial takes {vial.value:.0f} µs (Flask {flask.value / vial.value:.2f}x"
            " as much)"
        )
        extra = vial.value - raw.value
        if extra >= 0:
            text += (
                f"; its app costs {extra:.0f} µs per request more than raw"
                " WSGI's in the worker"
            )
            if inprocess.status == "ok":
                text += f" (against {inprocess.value:.1f} µs in the in-process loop)"
            text += "."
        else:
            text += (
                f", {-extra:.0f} µs less than raw WSGI's worker, whose app does"
                " nothing: in these rounds the machine's noise was larger than"
                " the app's cost."
            )
    busy = [c.extra for c in (vial, flask, raw) if not math.isnan(c.extra)]
    if busy:
        text += (
            f" The workers were busy {100 * min(busy):.0f}-{100 * max(busy):.0f}%"
            " of the time: wrk and the kernel share the CPUs with them, so"
            " requests/s also depend on how much CPU those leave the worker, and"
            " the measured ratios need not follow the CPU ratios."
        )
    return text


def _targets_sentence(summary: dict[str, Any]) -> str:
    rows = target_rows(summary)
    decided = [row for row in rows if row["met"] is not None]
    if not decided:
        return "The issue-5 targets are pending."
    met = sum(1 for row in decided if row["met"])
    return f"{met} of {len(rows)} issue-5 targets are met."


def readme_table(results: dict[str, Any], summary: dict[str, Any]) -> str:
    """Render the compact table the README shows."""
    machine = results["machine"]
    frameworks: list[str] = results["settings"]["frameworks"]
    lines = [
        f"Measured {machine['date']} on {machine['cpu']} ({machine['cores']} cores),"
        f" {machine['os']}, {machine['python']}. In-process figures are µs per"
        " request (lower is better); vial/Flask is the requests-per-second ratio"
        " (for import time and memory: Flask's figure over vial's)."
        f" {_targets_sentence(summary)} Full report, targets and profiles:"
        " `benchmarks/results/latest.md`; reproduce with `nox -s bench`.",
        "",
        *_header(frameworks, ["vial/Flask"]),
    ]
    for name, cells in summary["inprocess"].items():
        vial = _get(cells, "vial")
        ratio = _ratio(vial, _get(cells, "flask"), False)
        lines.append(
            _row(
                [
                    SCENARIOS_BY_NAME[name].label,
                    *(_us(cells[fw]) for fw in frameworks),
                    _fmt_ratio(ratio, vial),
                ]
            )
        )
    for name, cells in summary["e2e"].items():
        vial = _get(cells, "vial")
        ratio = _ratio(vial, _get(cells, "flask"), True)
        lines.append(
            _row(
                [
                    f"gunicorn {SCENARIOS_BY_NAME[name].label} (req/s)",
                    *(
                        f"{cells[fw].value:,.0f}"
                        if cells[fw].status == "ok"
                        else cells[fw].status
                        for fw in frameworks
                    ),
                    _fmt_ratio(ratio, vial),
                ]
            )
        )
    for title, cells in (
        ("import time (ms)", summary["imports"]),
        ("worker RSS (MiB)", summary["memory"]),
    ):
        vial = _get(cells, "vial")
        ratio = _ratio(vial, _get(cells, "flask"), False)
        lines.append(
            _row(
                [
                    title,
                    *(
                        f"{cells[fw].value:.1f}"
                        if cells[fw].status == "ok"
                        else cells[fw].status
                        for fw in frameworks
                    ),
                    _fmt_ratio(ratio, vial),
                ]
            )
        )
    return "\n".join(lines)


def replace_section(text: str, heading: str, body: str) -> str:
    """Replace the body of the ``## heading`` section of a Markdown document."""
    lines = text.splitlines()
    marker = f"## {heading}"
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == marker)
    except StopIteration:
        raise ValueError(f"No '{marker}' section to update.") from None
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
        len(lines),
    )
    new = [*lines[: start + 1], "", body, "", *lines[end:]]
    return "\n".join(new).rstrip("\n") + "\n"


def write_json(results: dict[str, Any], path: Path) -> None:
    """Write the raw results."""
    path.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
