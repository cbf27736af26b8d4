"""Turn raw results into medians, vial/Flask ratios, a Markdown report and a chart."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.spec import SCENARIOS_BY_NAME

from .frameworks import FRAMEWORKS_BY_NAME

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
        )
    statuses = {r["status"] for r in records}
    if "n/a" in statuses:
        return Cell("n/a")
    if "unavailable" in statuses:
        return Cell("pending")
    if "error" in statuses:
        return Cell("error")
    return Cell("skipped")


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Return medians per level, framework and scenario, plus vial/Flask ratios."""
    frameworks: list[str] = results["settings"]["frameworks"]
    inprocess: dict[str, dict[str, Cell]] = {}
    for scenario in results["settings"]["scenarios"]:
        inprocess[scenario] = {
            fw: _cell(
                (
                    r
                    for r in results["inprocess"]
                    if r["framework"] == fw and r["scenario"] == scenario
                ),
                "us_per_request",
            )
            for fw in frameworks
        }
    e2e: dict[str, dict[str, Cell]] = {}
    for scenario in results["settings"]["e2e_scenarios"]:
        e2e[scenario] = {
            fw: _cell(
                (
                    r
                    for r in results["e2e"]
                    if r["framework"] == fw and r["scenario"] == scenario
                ),
                "requests_per_second",
                "p99_ms",
            )
            for fw in frameworks
        }
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
    }


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
        f" {settings['target_seconds']} s per process, median of loops, then median"
        f" of rounds); {settings['e2e_rounds']} end-to-end rounds.",
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


def _ratio_panel(axis: Any, summary: dict[str, Any]) -> None:
    rows = [row for row in target_rows(summary) if row["ratio"] is not None]
    axis.set_title(
        "vial / Flask (higher is better; black marks are the issue-5 targets)"
    )
    if not rows:
        _empty(axis)
        return
    labels = [f"{row['level']}: {row['scenario']}".replace(": -", "") for row in rows]
    colors = ["C2" if row["met"] else "C3" for row in rows]
    positions = list(range(len(rows)))
    axis.bar(positions, [row["ratio"] for row in rows], color=colors)
    for position, row in zip(positions, rows, strict=True):
        target = (
            1.0
            if row["target"].startswith("lower")
            else float(row["target"].removeprefix(">= ").removesuffix("x"))
        )
        axis.hlines(target, position - 0.4, position + 0.4, colors="black")
    axis.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    axis.set_xticks(positions)
    axis.set_xticklabels(labels, rotation=25, ha="right")


def _empty(axis: Any) -> None:
    axis.text(0.5, 0.5, "not measured in this run", ha="center", va="center")
    axis.set_axis_off()


def write_chart(results: dict[str, Any], summary: dict[str, Any], path: Path) -> bool:
    """Draw the bar chart; return False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    frameworks: list[str] = results["settings"]["frameworks"]
    labels = [FRAMEWORKS_BY_NAME[fw].label for fw in frameworks]
    figure = plt.figure(figsize=(15, 14))
    grid = figure.add_gridspec(3, 2)
    axes = [[figure.add_subplot(grid[row, col]) for col in (0, 1)] for row in (0, 1)]
    _ratio_panel(figure.add_subplot(grid[2, :]), summary)
    panels: list[tuple[Any, str, list[str], dict[str, dict[str, Cell]], bool]] = [
        (
            axes[0][0],
            "In-process requests/s (log scale)",
            list(summary["inprocess"]),
            summary["inprocess"],
            True,
        ),
        (
            axes[0][1],
            "gunicorn requests/s",
            list(summary["e2e"]),
            summary["e2e"],
            False,
        ),
    ]
    width = 0.8 / max(1, len(frameworks))
    for axis, title, names, table, inverse in panels:
        axis.set_title(title)
        if not names:
            _empty(axis)
            continue
        for index, fw in enumerate(frameworks):
            ok = [(i, table[n][fw].value) for i, n in enumerate(names)]
            ok = [(i, v) for i, v in ok if table[names[i]][fw].status == "ok"]
            label = labels[index]
            if not ok:
                statuses = {table[n][fw].status for n in names}
                label += " (pending)" if "pending" in statuses else " (n/a)"
            axis.bar(
                [i + index * width for i, _ in ok],
                [1e6 / v if inverse else v for _, v in ok],
                width,
                label=label,
                color=f"C{index}",
            )
        axis.set_xticks(
            [i + width * (len(frameworks) - 1) / 2 for i in range(len(names))]
        )
        axis.set_xticklabels(
            [SCENARIOS_BY_NAME[n].label for n in names], rotation=25, ha="right"
        )
        if inverse:
            axis.set_yscale("log")
    for axis, title, cells in (
        (axes[1][0], "Import time (ms, lower is better)", summary["imports"]),
        (axes[1][1], "gunicorn worker RSS (MiB, lower is better)", summary["memory"]),
    ):
        axis.set_title(title)
        shown = [fw for fw in frameworks if cells[fw].status == "ok"]
        if not shown:
            _empty(axis)
            continue
        axis.bar(
            [FRAMEWORKS_BY_NAME[fw].label for fw in shown],
            [cells[fw].value for fw in shown],
            color=[f"C{frameworks.index(fw)}" for fw in shown],
        )
    machine = results["machine"]
    figure.suptitle(
        f"vial vs Flask, Bottle, Falcon ({machine['date']}; {machine['cpu']},"
        f" {machine['cores']} cores; {machine['python']})"
    )
    handles, names = axes[0][0].get_legend_handles_labels()
    if not handles:
        handles, names = axes[0][1].get_legend_handles_labels()
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    figure.legend(
        handles,
        names,
        loc="upper center",
        ncol=len(names) or 1,
        bbox_to_anchor=(0.5, 0.975),
    )
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return True


def write_json(results: dict[str, Any], path: Path) -> None:
    """Write the raw results."""
    path.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
