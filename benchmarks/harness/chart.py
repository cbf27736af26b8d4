"""The results chart: requests/s, import time, memory and the vial/Flask ratios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scenarios.spec import SCENARIOS_BY_NAME

from .frameworks import FRAMEWORKS_BY_NAME
from .report import Cell
from .report import target_rows


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
