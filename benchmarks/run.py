"""Benchmark vial against Flask, Bottle, Falcon, bare werkzeug and raw WSGI.

Every framework gets its own venv under benchmarks/.venvs (pinned by
benchmarks/requirements/constraints.txt; vial is installed from ./core) and
every measurement runs in a fresh process. Levels:

  inprocess  the WSGI app called directly, µs per request
  e2e        gunicorn sync workers on loopback, driven by wrk (or a Python
             load generator when wrk is missing): requests/s, p99 latency,
             and the worker's resident memory after warm-up
  import     `python -X importtime -c "import <package>"`
  instructions
             machine instructions per request of the in-process scenarios,
             counted by valgrind's callgrind for vial, Flask and raw WSGI:
             the same on a busy machine as on an idle one

Runs are interleaved (vial, Flask, Bottle, ..., vial, Flask, ...) for several
rounds and medians are reported with the vial/Flask ratio per scenario, in
results/latest.md, results/latest.json and results/latest.png (a --quick run
writes results/quick.* instead). When vial misses an in-process target, a
cProfile of vial on that scenario goes to results/profiles/; when it misses an
end-to-end target, py-spy samples the gunicorn worker of vial and Flask (and
raw WSGI when measured) on that scenario, and one more run of each times the
app call inside the worker by its CPU clock, to show how much of the worker's
time the app call takes at all.

Examples:
  python benchmarks/run.py --quick
  python benchmarks/run.py --frameworks vial,flask --levels inprocess
  python benchmarks/run.py --profile vial:session
  python benchmarks/run.py --profile-e2e vial:hello --profile-e2e flask:hello
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import chart
from harness import report
from harness.app_timing import time_app_calls
from harness.e2e import E2ESettings
from harness.e2e import run_e2e
from harness.e2e_profile import profile_e2e
from harness.e2e_profile import ProfileSettings
from harness.frameworks import BENCH_DIR
from harness.frameworks import Framework
from harness.frameworks import FRAMEWORKS
from harness.frameworks import FRAMEWORKS_BY_NAME
from harness.importtime import import_ms
from harness.importtime import warm_import
from harness.inprocess import InProcessSettings
from harness.inprocess import run_worker
from harness.instructions import count_instructions
from harness.machine import describe
from harness.machine import pick_cpu
from harness.venvs import ensure_venv
from harness.venvs import installed_versions
from scenarios.spec import SCENARIOS
from scenarios.spec import SCENARIOS_BY_NAME

LEVELS = ("inprocess", "e2e", "import", "instructions")

#: The frameworks whose instructions are counted: the pair the targets
#: compare, and the harness's own floor. (Each count takes two runs under
#: valgrind, about 15 s each.)
INSTRUCTION_FRAMEWORKS = ("vial", "flask", "raw")
RESULTS_DIR = BENCH_DIR / "results"

# (full, quick) defaults for options that --quick shortens.
_DEFAULTS: dict[str, tuple[Any, Any]] = {
    "rounds": (5, 1),
    "repeats": (20, 5),
    "target_seconds": (0.05, 0.02),
    "warmup_seconds": (0.2, 0.03),
    "e2e_rounds": (5, 1),
    "e2e_seconds": (10.0, 2.0),
    "e2e_warmup_seconds": (2.0, 1.0),
    "import_runs": (7, 3),
}


def _csv(choices: list[str]) -> Any:
    def parse(value: str) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"Unknown value(s) {', '.join(unknown)};"
                f" choose from {', '.join(choices)}."
            )
        return items

    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line, filling in full or --quick defaults."""
    names = [f.name for f in FRAMEWORKS]
    scenario_names = [s.name for s in SCENARIOS]
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fast smoke run: 1 round, short loops, 2 s loads; writes results/quick.*",
    )
    parser.add_argument(
        "--frameworks",
        type=_csv(names),
        default=names,
        help=f"comma-separated subset of {','.join(names)} (default: all)",
    )
    parser.add_argument(
        "--scenarios",
        type=_csv(scenario_names),
        default=scenario_names,
        help=f"comma-separated in-process scenarios: {','.join(scenario_names)}"
        " (default: all)",
    )
    parser.add_argument(
        "--e2e-scenarios",
        type=_csv([s.name for s in SCENARIOS if s.end_to_end]),
        default=["hello", "json"],
        help="comma-separated scenarios run under gunicorn (default: hello,json)",
    )
    parser.add_argument(
        "--levels",
        type=_csv(list(LEVELS)),
        default=list(LEVELS),
        help="comma-separated levels to run: inprocess,e2e,import,instructions"
        " (default: all)",
    )
    group = parser.add_argument_group("in-process")
    group.add_argument("--rounds", type=int, help="interleaved rounds (5; quick 1)")
    group.add_argument(
        "--repeats",
        type=int,
        help="timed loops per process, the fastest is its figure (20; quick 5)",
    )
    group.add_argument(
        "--target-seconds",
        type=float,
        help="length of one timed loop (0.05; quick 0.02)",
    )
    group.add_argument(
        "--warmup-seconds", type=float, help="warm-up per process (0.2; quick 0.03)"
    )
    group.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="time loops by the thread's CPU time (default; robust on a shared"
        " machine) or by the wall clock",
    )
    group.add_argument(
        "--cpu",
        type=_cpu_choice,
        default="auto",
        help="pin each worker process to one CPU: auto (the least busy one,"
        " measured before each scenario's group; default), last, none, or a"
        " CPU number",
    )
    group = parser.add_argument_group("end to end")
    group.add_argument("--e2e-rounds", type=int, help="interleaved rounds (5; quick 1)")
    group.add_argument(
        "--e2e-seconds", type=float, help="measured load per run (10; quick 2)"
    )
    group.add_argument(
        "--e2e-warmup-seconds", type=float, help="warm-up load per run (2; quick 1)"
    )
    group.add_argument(
        "--connections", type=int, default=8, help="concurrent connections (8)"
    )
    group.add_argument(
        "--workers", type=int, default=1, help="gunicorn sync workers (1)"
    )
    group.add_argument(
        "--loadgen",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="wrk if on PATH with auto (default), else the Python load generator",
    )
    group = parser.add_argument_group("import time")
    group.add_argument(
        "--import-runs", type=int, help="fresh interpreters per package (7; quick 3)"
    )
    group = parser.add_argument_group("profiling and output")
    group.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="FRAMEWORK:SCENARIO",
        help="only write a cProfile of FRAMEWORK on SCENARIO to results/profiles/"
        " (repeatable), then exit",
    )
    group.add_argument(
        "--profile-e2e",
        action="append",
        default=[],
        metavar="FRAMEWORK:SCENARIO",
        help="only sample FRAMEWORK's gunicorn worker on SCENARIO with py-spy"
        " under load, writing results/profiles/FRAMEWORK-e2e-SCENARIO.{folded,txt}"
        " (repeatable), then exit",
    )
    group.add_argument(
        "--e2e-profile-seconds",
        type=int,
        default=10,
        help="py-spy sampling time per end-to-end profile (10)",
    )
    group.add_argument(
        "--e2e-profile-rate",
        type=int,
        default=500,
        help="py-spy samples per second (500)",
    )
    group.add_argument(
        "--e2e-profile-nonblocking",
        action="store_true",
        help="let py-spy read the worker without pausing it: less overhead,"
        " but torn or lost stacks (default: pause it for each sample)",
    )

    group.add_argument(
        "--no-profile-missed",
        action="store_true",
        help="do not profile scenarios that miss their target",
    )
    group.add_argument(
        "--output-name",
        help="basename of the result files in results/ (latest; quick with --quick)",
    )
    group.add_argument(
        "--update-readme",
        type=Path,
        metavar="README",
        help="rewrite the '## Benchmarks' section of this Markdown file",
    )
    group.add_argument(
        "--report-only",
        type=Path,
        metavar="JSON",
        help="measure nothing: rebuild the report (and README) from a results JSON",
    )
    group.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter the venvs are built from (default: this one)",
    )
    group.add_argument(
        "--reinstall", action="store_true", help="rebuild every venv from scratch"
    )
    args = parser.parse_args(argv)
    for name, (full, quick) in _DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.output_name is None:
        args.output_name = "quick" if args.quick else "latest"
    return args


def _cpu_choice(value: str) -> str:
    if value in ("auto", "last", "none") or value.isdigit():
        return value
    raise argparse.ArgumentTypeError(
        f"--cpu takes auto, last, none or a CPU number, not {value!r}."
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _vial_unavailable(python: Path) -> str | None:
    done = subprocess.run(
        [
            str(python),
            "-c",
            "import vial.compat as c; c.alias_flask; import vial; print(vial.__file__)",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode == 0:
        return None
    reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"
    return (
        "vial.compat.alias_flask() is not available yet, so the unchanged Flask"
        f" scenarios cannot run on vial ({reason})."
    )


def _loadgen(choice: str) -> tuple[str, str]:
    wrk = shutil.which("wrk")
    if choice == "wrk" and wrk is None:
        raise SystemExit("wrk is not on PATH; install it (apt-get install wrk).")
    if choice == "python" or wrk is None:
        return "python", "the Python asyncio load generator (harness/loadgen.py)"
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    version = (
        (done.stdout or done.stderr).strip().splitlines()[0].split(" Copyright")[0]
    )
    return "wrk", f"{version} (1 thread)"


def _profile(
    pythons: dict[str, Path], framework: str, scenario: str, settings: InProcessSettings
) -> dict[str, Any]:
    path = RESULTS_DIR / "profiles" / f"{framework}-{scenario}.prof"
    _say(f"  profiling {framework} on {scenario} -> {path.relative_to(BENCH_DIR)}")
    # Longer loops than a measurement: a profile needs samples, not precision.
    longer = InProcessSettings(
        max(1.0, settings.target_seconds * 5), settings.warmup_seconds, 1, "cpu"
    )
    record = run_worker(
        pythons[framework],
        framework,
        scenario,
        longer,
        profile=path,
        label=f"{framework} on {scenario}",
    )
    if record["status"] == "ok":
        for key in ("profile", "summary"):
            record[key] = str(Path(record[key]).relative_to(BENCH_DIR))
    return record


def _profile_e2e(
    args: argparse.Namespace,
    pythons: dict[str, Path],
    framework: str,
    scenario: str,
    settings: E2ESettings,
) -> dict[str, Any]:
    directory = RESULTS_DIR / "profiles"
    _say(
        f"  sampling the gunicorn worker of {framework} on {scenario} with py-spy"
        f" -> {directory.relative_to(BENCH_DIR)}/{framework}-e2e-{scenario}.txt"
    )
    record = profile_e2e(
        pythons[framework],
        framework,
        SCENARIOS_BY_NAME[scenario],
        settings,
        ProfileSettings(
            args.e2e_profile_seconds,
            args.e2e_profile_rate,
            nonblocking=args.e2e_profile_nonblocking,
        ),
        directory,
    )
    if record["status"] != "ok":
        _say(f"  py-spy profile failed: {record['error']}")
        return record
    for key in ("stacks", "summary"):
        record[key] = str(Path(record[key]).relative_to(BENCH_DIR))
    busy = record.get("worker_cpu_busy")
    _say(
        f"  {record['app_share']:.1%} of the worker's samples inside the app call;"
        f" worker CPU busy {'?' if busy is None else f'{busy:.0%}'};"
        f" {record['requests_per_second']:,.0f} req/s while sampled"
    )
    return record


def _time_app_calls(
    pythons: dict[str, Path], framework: str, scenario: str, settings: E2ESettings
) -> dict[str, Any]:
    _say(f"  timing the app call in the gunicorn worker of {framework} on {scenario}")
    record = time_app_calls(
        pythons[framework], framework, SCENARIOS_BY_NAME[scenario], settings
    )
    if record["status"] != "ok":
        _say(f"  app timing failed: {record['error']}")
        return record
    worker = record.get("worker_cpu_us_per_request")
    _say(
        f"  app call {record['app_cpu_us_mean']:.1f} µs on average; worker CPU"
        f" {'?' if worker is None else f'{worker:.0f}'} µs per request"
    )
    return record


def _e2e_settings(args: argparse.Namespace, loadgen: str) -> E2ESettings:
    return E2ESettings(
        args.e2e_seconds,
        args.e2e_warmup_seconds,
        args.connections,
        args.workers,
        loadgen,
    )


def _remove_stale_profiles(args: argparse.Namespace) -> None:
    # A profile of a scenario that now meets its target would mislead, so the
    # profiles of every scenario measured at a level go before new ones come.
    directory = RESULTS_DIR / "profiles"
    stale: list[Path] = []
    if "inprocess" in args.levels:
        for scenario in args.scenarios:
            stale += directory.glob(f"vial-{scenario}.*")
    if "e2e" in args.levels:
        for scenario in args.e2e_scenarios:
            stale += directory.glob(f"*-e2e-{scenario}.*")
    for path in stale:
        path.unlink()


def _run_inprocess(
    args: argparse.Namespace,
    frameworks: list[Framework],
    pythons: dict[str, Path],
    settings: InProcessSettings,
) -> list[dict[str, Any]]:
    records = []
    for round_no in range(1, args.rounds + 1):
        for scenario in args.scenarios:
            # One CPU per scenario group, so the frameworks compared share it.
            cpu = pick_cpu(args.cpu)
            for fw in frameworks:
                record = run_worker(
                    pythons[fw.name], fw.name, scenario, settings, cpu=cpu
                )
                record["round"] = round_no
                records.append(record)
                shown = (
                    f"{record['us_per_request']:9.2f} µs"
                    if record["status"] == "ok"
                    else record["status"] + " " + record.get("error", "")
                )
                _say(
                    f"[in-process {round_no}/{args.rounds}] {scenario:<12}"
                    f" {fw.label:<9} {shown}" + ("" if cpu is None else f" (CPU {cpu})")
                )
    return records


def _run_e2e(
    args: argparse.Namespace,
    frameworks: list[Framework],
    pythons: dict[str, Path],
    settings: E2ESettings,
) -> list[dict[str, Any]]:
    records = []
    for round_no in range(1, args.e2e_rounds + 1):
        for name in args.e2e_scenarios:
            for fw in frameworks:
                scenario = SCENARIOS_BY_NAME[name]
                record = run_e2e(pythons[fw.name], fw.name, scenario, settings)
                record["round"] = round_no
                records.append(record)
                shown = (
                    f"{record['requests_per_second']:9.0f} req/s,"
                    f" p99 {record.get('p99_ms', float('nan')):.2f} ms,"
                    f" worker RSS {record.get('worker_rss_mib') or 0:.1f} MiB"
                    if record["status"] == "ok"
                    else record["status"] + " " + record.get("error", "")
                )
                _say(
                    f"[gunicorn {round_no}/{args.e2e_rounds}] {name:<12}"
                    f" {fw.label:<9} {shown}"
                )
    return records


def _run_imports(
    args: argparse.Namespace, frameworks: list[Framework], pythons: dict[str, Path]
) -> list[dict[str, Any]]:
    samples: dict[str, list[float]] = {}
    failed: dict[str, str] = {}
    measurable = [fw for fw in frameworks if fw.import_name is not None]
    for fw in measurable:
        assert fw.import_name is not None
        try:
            warm_import(pythons[fw.name], fw.import_name)
        except subprocess.CalledProcessError as error:
            failed[fw.name] = f"import {fw.import_name} failed: {error.stderr!r}"
    # Interleaved like everything else: one fresh interpreter per framework in turn.
    for _ in range(args.import_runs):
        for fw in measurable:
            if fw.name in failed or fw.import_name is None:
                continue
            try:
                ms = import_ms(pythons[fw.name], fw.import_name)
            except (subprocess.CalledProcessError, ValueError) as error:
                failed[fw.name] = str(error)
                continue
            samples.setdefault(fw.name, []).append(ms)
    records: list[dict[str, Any]] = []
    for fw in frameworks:
        if fw.import_name is None:
            records.append({"framework": fw.name, "status": "n/a"})
        elif fw.name in failed:
            records.append(
                {"framework": fw.name, "status": "error", "error": failed[fw.name]}
            )
        else:
            values = samples[fw.name]
            median = statistics.median(values)
            records.append(
                {
                    "framework": fw.name,
                    "status": "ok",
                    "median_ms": median,
                    "samples_ms": values,
                }
            )
            _say(f"[import] {fw.label:<9} {median:.1f} ms")
    return records


def _instruction_scenarios(args: argparse.Namespace) -> list[str]:
    if "instructions" not in args.levels:
        return []
    # A smoke run counts one scenario; each count takes half a minute.
    return list(args.scenarios[:1] if args.quick else args.scenarios)


def _run_instructions(
    args: argparse.Namespace, frameworks: list[Framework], pythons: dict[str, Path]
) -> list[dict[str, Any]]:
    records = []
    counted = [fw for fw in frameworks if fw.name in INSTRUCTION_FRAMEWORKS]
    for scenario in _instruction_scenarios(args):
        for fw in counted:
            record = count_instructions(pythons[fw.name], fw.name, scenario)
            records.append(record)
            shown = (
                f"{record['instructions_per_request']:12,.0f} instructions"
                if record["status"] == "ok"
                else record["status"] + " " + record.get("error", "")
            )
            _say(f"[callgrind] {scenario:<12} {fw.label:<9} {shown}")
    return records


def _terminate(signum: int, frame: object) -> None:
    # Turn SIGTERM into an exception so the finally blocks stop gunicorn.
    raise SystemExit(128 + signum)


def _write_outputs(args: argparse.Namespace, results: dict[str, Any]) -> int:
    summary = report.summarize(results)
    results["summary"] = report.summary_json(summary)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    base = RESULTS_DIR / args.output_name
    report.write_json(results, base.with_suffix(".json"))
    base.with_suffix(".md").write_text(report.markdown(results, summary), "utf-8")
    if not chart.write_chart(results, summary, base.with_suffix(".png")):
        _say("matplotlib is not installed: no chart was drawn.")
    if args.update_readme is not None:
        readme = args.update_readme
        table = report.readme_table(results, summary)
        text = report.replace_section(readme.read_text("utf-8"), "Benchmarks", table)
        readme.write_text(text, "utf-8")
        _say(f"Updated the Benchmarks section of {readme}.")
    _say(f"Wrote {base.with_suffix('.md')} (.json, .png).")
    errors = [
        r for r in results["inprocess"] + results["e2e"] if r["status"] == "error"
    ]
    for record in errors:
        framework, scenario = record["framework"], record["scenario"]
        _say(f"ERROR {framework} / {scenario}: {record.get('error')}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results; return the exit status."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    # A shell starts background jobs with SIGINT ignored; Ctrl+C must still work.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.report_only is not None:
        return _write_outputs(args, json.loads(args.report_only.read_text("utf-8")))
    frameworks = [FRAMEWORKS_BY_NAME[name] for name in args.frameworks]
    _say("Preparing venvs in benchmarks/.venvs ...")
    pythons = {
        fw.name: ensure_venv(fw, args.python, reinstall=args.reinstall)
        for fw in frameworks
    }
    unavailable: dict[str, str] = {}
    if "vial" in pythons:
        reason = _vial_unavailable(pythons["vial"])
        if reason:
            unavailable["vial"] = reason
            _say(f"vial is pending: {reason}")
    runnable = [fw for fw in frameworks if fw.name not in unavailable]
    inprocess = InProcessSettings(
        args.target_seconds, args.warmup_seconds, args.repeats, args.clock
    )
    if args.profile:
        for spec in args.profile:
            framework, _, scenario = spec.partition(":")
            if framework not in pythons or scenario not in SCENARIOS_BY_NAME:
                raise SystemExit(f"--profile takes FRAMEWORK:SCENARIO, got {spec!r}.")
            record = _profile(pythons, framework, scenario, inprocess)
            _say(f"  {record['status']}: {record.get('summary', record.get('error'))}")
        return 0
    loadgen, loadgen_description = _loadgen(args.loadgen)
    if args.profile_e2e:
        failed = 0
        for spec in args.profile_e2e:
            framework, _, scenario = spec.partition(":")
            known = SCENARIOS_BY_NAME.get(scenario)
            if framework not in pythons or known is None or not known.end_to_end:
                raise SystemExit(
                    "--profile-e2e takes FRAMEWORK:SCENARIO with a framework of"
                    f" --frameworks and a scenario run end to end, got {spec!r}."
                )
            record = _profile_e2e(
                args, pythons, framework, scenario, _e2e_settings(args, loadgen)
            )
            failed += record["status"] != "ok"
        return 1 if failed else 0
    results: dict[str, Any] = {
        "machine": describe(args.python),
        "settings": {
            "quick": args.quick,
            "frameworks": args.frameworks,
            "scenarios": args.scenarios if "inprocess" in args.levels else [],
            "e2e_scenarios": args.e2e_scenarios if "e2e" in args.levels else [],
            "instruction_scenarios": _instruction_scenarios(args),
            "rounds": args.rounds,
            "repeats": args.repeats,
            "target_seconds": args.target_seconds,
            "warmup_seconds": args.warmup_seconds,
            "clock": args.clock,
            "estimator": "min",
            "cpu": args.cpu,
            "e2e_rounds": args.e2e_rounds,
            "e2e_seconds": args.e2e_seconds,
            "e2e_warmup_seconds": args.e2e_warmup_seconds,
            "connections": args.connections,
            "workers": args.workers,
            "loadgen": loadgen,
            "loadgen_description": loadgen_description,
            "import_runs": args.import_runs,
            "e2e_profile_seconds": args.e2e_profile_seconds,
            "e2e_profile_rate": args.e2e_profile_rate,
            "e2e_profile_nonblocking": args.e2e_profile_nonblocking,
        },
        "versions": {fw.name: installed_versions(fw) for fw in frameworks},
        "unavailable": unavailable,
        "inprocess": [],
        "e2e": [],
        "importtime": [],
        "profiles": [],
        "e2e_profiles": [],
        "e2e_app_times": [],
        "instructions": [],
    }
    pending = [{"framework": name, "status": "unavailable"} for name in unavailable]
    if "inprocess" in args.levels:
        results["inprocess"] = _run_inprocess(args, runnable, pythons, inprocess)
        results["inprocess"] += [
            {**p, "scenario": s} for p in pending for s in args.scenarios
        ]
    if "import" in args.levels:
        results["importtime"] = _run_imports(args, runnable, pythons) + pending
    if "e2e" in args.levels:
        results["e2e"] = _run_e2e(args, runnable, pythons, _e2e_settings(args, loadgen))
        results["e2e"] += [
            {**p, "scenario": s} for p in pending for s in args.e2e_scenarios
        ]
    if "instructions" in args.levels:
        results["instructions"] = _run_instructions(args, runnable, pythons)
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    summary = report.summarize(results)
    if not args.quick and not args.no_profile_missed and "vial" not in unavailable:
        _remove_stale_profiles(args)
        missed = [row for row in report.target_rows(summary) if row["met"] is False]
        for row in missed:
            if row["level"] == "in-process":
                results["profiles"].append(
                    _profile(pythons, "vial", row["scenario"], inprocess)
                )
        # Where the worker's time goes: the framework under test, the reference,
        # and the raw WSGI floor when it was measured.
        sampled = [fw for fw in ("vial", "flask", "raw") if fw in pythons]
        for row in missed:
            if row["level"] == "gunicorn":
                for framework in sampled:
                    results["e2e_profiles"].append(
                        _profile_e2e(
                            args,
                            pythons,
                            framework,
                            row["scenario"],
                            _e2e_settings(args, loadgen),
                        )
                    )
                for framework in sampled:
                    results["e2e_app_times"].append(
                        _time_app_calls(
                            pythons,
                            framework,
                            row["scenario"],
                            _e2e_settings(args, loadgen),
                        )
                    )
    return _write_outputs(args, results)


if __name__ == "__main__":
    sys.exit(main())
