"""``python -m conformance``: run the pinned suites on the real packages and
on vial, print the comparison, write the docs page and check the record.

``nox -s conformance`` runs it with vial's environment built; arguments after
``--`` come here (``-- --help``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance import page
from conformance import report
from conformance import runs
from conformance import sources


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conformance")
    parser.add_argument(
        "--vial-python",
        required=True,
        help="the python of the environment where vial's packages are installed",
    )
    parser.add_argument("--uv", default="uv", help="the uv command that builds envs")
    parser.add_argument(
        "--cache", type=Path, required=True, help="folder for sdists and envs"
    )
    parser.add_argument(
        "suites", nargs="*", help="run only these suites (default: all of pins.toml)"
    )
    parser.add_argument(
        "--update-record",
        action="store_true",
        help="raise conformance/record.toml to this run's counts",
    )
    return parser.parse_args(argv)


def run_suite(
    suite: sources.Suite,
    suites: dict[str, sources.Suite],
    options: argparse.Namespace,
) -> report.Result:
    """Fetch, unpack and run one suite on the real package and on vial."""
    result = report.Result(suite)
    cache: Path = options.cache
    sdists = [sources.fetch(suites[name], cache / "sdists") for name in suite.uses]
    own = sources.fetch(suite, cache / "sdists")
    print(f"conformance: {suite.title}: building the real environment", flush=True)
    real_python = runs.make_real_env(
        options.uv,
        options.vial_python,
        cache / "envs" / f"real-{suite.name}",
        [*sdists, own],
        suite,
    )
    work = cache / "work"
    for where, python, vial in (
        ("real", real_python, False),
        ("vial", Path(options.vial_python), True),
    ):
        folder = sources.unpack_tests(own, work / f"{suite.name}-{where}")
        print(f"conformance: {suite.title}: running on {where}", flush=True)
        run = runs.run_pytest(
            python,
            folder,
            vial=vial,
            timeout=suite.timeout,
            log=work / f"{suite.name}-{where}.log",
        )
        setattr(result, where, run)
    return result


def main(argv: list[str]) -> int:
    """Run the suites and return the exit status."""
    options = _arguments(argv)
    suites = sources.load_suites()
    unknown = [name for name in options.suites if name not in suites]
    if unknown:
        print(f"Unknown suites {unknown}; pins.toml has {list(suites)}.")
        return 2
    chosen = [suites[name] for name in options.suites or suites]
    differences = report.load_differences()
    present = sources.repository_packages()
    results = []
    for suite in chosen:
        if suite.vial not in present:
            results.append(
                report.Result(suite, not_run=f"{suite.vial} not in this repository")
            )
            continue
        result = run_suite(suite, suites, options)
        report.compare(result, differences)
        results.append(result)
    print("\nconformance: passes on the real package and not on vial, by cause")
    for result in results:
        report.print_result(result)
    record = report.load_record()
    problems = report.check_record(results, record)
    everything = not options.suites
    if everything:
        page.write(results)
        print(f"\nconformance: wrote {report.DOCS_PAGE.relative_to(sources.ROOT)}")
    if options.update_record:
        report.write_record(results, record)
        print(f"conformance: wrote {report.RECORD.relative_to(sources.ROOT)}")
        record = report.load_record()
    _summary(results, record)
    if problems:
        print("\nconformance failed:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    return 0


def _summary(
    results: list[report.Result], record: dict[str, dict[str, object]]
) -> None:
    print("\nsuite                      tests   real   vial   share   seconds")
    for result in results:
        name = result.suite.title
        if result.not_run:
            print(f"{name:<26} not run ({result.not_run})")
            continue
        assert result.real is not None
        assert result.vial is not None
        seconds = f"{result.real.seconds:.0f}+{result.vial.seconds:.0f}"
        print(
            f"{name:<26} {result.tests:>5} {result.real_passes:>6}"
            f" {result.vial_passes:>6} {report.percent(result.rate):>7}"
            f" {seconds:>9}"
        )
        recorded = int(str(record.get(result.suite.name, {}).get("vial_passes", 0)))
        if result.vial_passes > recorded:
            print(
                f"{'':<26} above the record ({recorded}): raise it with"
                " `nox -s conformance -- --update-record`"
            )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
