"""Comparing the two runs of a suite: which tests pass on the real package
and not on vial, and why, from ``differences.toml``; the table printed and
written to ``docs/conformance.rst``; the record that only goes up."""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from conformance.runs import Run
from conformance.sources import HERE
from conformance.sources import ROOT
from conformance.sources import Suite

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

DIFFERENCES = HERE / "differences.toml"
RECORD = HERE / "record.toml"
DOCS_PAGE = ROOT / "docs" / "conformance.rst"
#: vial must pass this share of what the real package passes, tests that
#: assert the real package's wording left out of both counts.
TARGET = 0.98
KINDS = ("intentional", "wording")


@dataclass(frozen=True)
class Difference:
    """Tests listed in ``differences.toml``, with why they fail on vial."""

    suite: str
    kind: str
    cause: str
    tests: tuple[str, ...]
    reason: str = ""
    asserted: str = ""

    def matches(self, test: str) -> bool:
        """Whether ``test`` is one of this entry's ids or patterns, in which
        ``*`` stands for any text (brackets are literal, as in test ids)."""
        return any(_pattern(pattern).fullmatch(test) for pattern in self.tests)

    @property
    def label(self) -> str:
        """The heading the tests are grouped under."""
        if self.kind == "wording":
            return f"asserts the wording {self.asserted!r}"
        return self.cause


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, pattern.split("*"))))


def load_differences(path: Path = DIFFERENCES) -> list[Difference]:
    """Read and check the entries of ``differences.toml``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found = []
    for number, entry in enumerate(data.get("difference", []), start=1):
        where = f"{path.name}, entry {number}"
        kind = entry.get("kind")
        if kind not in KINDS:
            raise SystemExit(f"{where}: kind must be one of {KINDS}, not {kind!r}.")
        if kind == "wording" and not entry.get("asserted"):
            raise SystemExit(f"{where}: a wording entry quotes the asserted string.")
        if kind == "intentional" and not entry.get("reason"):
            raise SystemExit(f"{where}: an intentional difference gives its reason.")
        found.append(
            Difference(
                suite=entry["suite"],
                kind=kind,
                cause=entry.get("cause", ""),
                tests=tuple(entry["tests"]),
                reason=entry.get("reason", ""),
                asserted=entry.get("asserted", ""),
            )
        )
    return found


@dataclass
class Result:
    """One suite, compared."""

    suite: Suite
    real: Run | None = None
    vial: Run | None = None
    not_run: str = ""
    #: Heading to (test id, detail) for every test that passes on the real
    #: package and not on vial.
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    wording: set[str] = field(default_factory=set)
    unexplained: int = 0
    #: Entries whose tests all pass on vial now (or were never seen).
    stale: list[Difference] = field(default_factory=list)

    @property
    def tests(self) -> int:
        """How many tests the real run saw."""
        return len(self.real.outcomes) if self.real else 0

    @property
    def real_passes(self) -> int:
        """Tests that pass on the real package."""
        return len(self.real.passed) if self.real else 0

    @property
    def vial_passes(self) -> int:
        """Tests that pass on vial."""
        return len(self.vial.passed) if self.vial else 0

    @property
    def rate(self) -> float:
        """Share of the real package's passes that vial passes too, tests
        asserting the real package's wording left out of both counts."""
        if not self.real or not self.vial:
            return 0.0
        counted = self.real.passed - self.wording
        if not counted:
            return 1.0
        return len(counted & self.vial.passed) / len(counted)


UNEXPLAINED = "unexplained"


def compare(result: Result, differences: list[Difference]) -> None:
    """Group the tests that pass on the real package and not on vial."""
    assert result.real is not None
    assert result.vial is not None
    own = [entry for entry in differences if entry.suite == result.suite.name]
    used: set[int] = set()
    groups: dict[str, list[tuple[str, str]]] = {}
    for test in sorted(result.real.passed - result.vial.passed):
        detail = _detail(result.vial, test)
        for index, entry in enumerate(own):
            if entry.matches(test):
                used.add(index)
                if entry.kind == "wording":
                    result.wording.add(test)
                groups.setdefault(f"{entry.kind}: {entry.label}", []).append((test, ""))
                break
        else:
            groups.setdefault(UNEXPLAINED, []).append((test, detail))
    result.unexplained = len(groups.get(UNEXPLAINED, ()))
    if UNEXPLAINED in groups:
        groups[UNEXPLAINED] = _collapse_broken_modules(groups[UNEXPLAINED])
    result.groups = dict(
        sorted(groups.items(), key=lambda item: (item[0] == UNEXPLAINED, item[0]))
    )
    result.stale = [entry for i, entry in enumerate(own) if i not in used]


def _collapse_broken_modules(
    tests: list[tuple[str, str]],
) -> list[tuple[str, str]]:
    """One line per test module that does not import, and one for the tests
    a run never reached, not one per test."""
    collapsed: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    for test, detail in tests:
        if detail.startswith(_BROKEN):
            key = test.split("::", 1)[0]
        elif detail.startswith(_NOT_REACHED):
            key = "tests not reached"
        else:
            collapsed.append((test, detail))
            continue
        if key not in counts:
            collapsed.append((key, detail))
        counts[key] = counts.get(key, 0) + 1
    return [
        (f"{name} (all {counts[name]} tests)" if name in counts else name, detail)
        for name, detail in collapsed
    ]


_BROKEN = "module not importable"
_NOT_REACHED = "not reached"


def _detail(run: Run, test: str) -> str:
    outcome = run.outcomes.get(test)
    if outcome is None:
        module = test.split("::", 1)[0]
        if module in run.broken_modules:
            return f"{_BROKEN}: {run.broken_modules[module]}"
        if run.timed_out:
            return f"{_NOT_REACHED}: the run hit its time limit"
        if run.exit_code not in (0, 1):
            return (
                f"{_NOT_REACHED}: pytest stopped early (exit code"
                f" {run.exit_code}; a conftest.py that does not import stops it)"
            )
        return "not collected on vial"
    message = run.messages.get(test, "")
    return f"{outcome}: {message}" if message else outcome


def percent(value: float) -> str:
    """A rate as the table shows it."""
    return f"{value * 100:.1f}%"


def print_result(result: Result) -> None:
    """Print one suite's counts and every test it loses on vial."""
    suite = result.suite
    if result.not_run:
        print(f"\n{suite.title}: not run ({result.not_run})")
        return
    assert result.real is not None
    assert result.vial is not None
    print(
        f"\n{suite.title} on {suite.vial}: {result.tests} tests, "
        f"{result.real_passes} pass on {suite.project}, "
        f"{result.vial_passes} pass on vial ({percent(result.rate)} of the real"
        f" passes, target {percent(TARGET)}); "
        f"{result.real.seconds:.1f}s real, {result.vial.seconds:.1f}s vial"
    )
    for run, where in ((result.real, suite.project), (result.vial, "vial")):
        if run.exit_code not in (0, 1) and not run.timed_out:
            print(
                f"  pytest stopped early on {where} (exit code {run.exit_code}):"
                f" see {run.log}"
            )
        if run.timed_out:
            print(f"  the {where} run hit its {suite.timeout:.0f}s time limit")
        for module, message in sorted(run.broken_modules.items()):
            print(f"  {module} does not import on {where}: {message}")
    for heading, tests in result.groups.items():
        print(f"  {heading} ({len(tests)}):")
        for test, detail in tests:
            print(f"    {test}" + (f"  -- {detail}" if detail else ""))
    for entry in result.stale:
        print(
            f"  note: differences.toml lists {entry.label!r} for tests that"
            f" pass on vial now or do not exist: {', '.join(entry.tests)}"
        )


def load_record(path: Path = RECORD) -> dict[str, dict[str, object]]:
    """Read the recorded pass counts."""
    if not path.is_file():
        return {}
    record: dict[str, dict[str, object]] = tomllib.loads(
        path.read_text(encoding="utf-8")
    )
    return record


def check_record(
    results: list[Result], record: dict[str, dict[str, object]]
) -> list[str]:
    """Return the failures: a pass count below its record, or a rate below
    the target for a suite that has reached it before."""
    problems = []
    for result in results:
        if result.not_run or result.vial is None:
            continue
        if result.real is not None and (
            result.real.broken_modules or not result.real.passed
        ):
            problems.append(
                f"{result.suite.title}: the run on the real package is broken"
                " (a module does not import, or nothing passed); fix its"
                " requirements in pins.toml."
            )
        entry = record.get(result.suite.name, {})
        recorded = int(str(entry.get("vial_passes", 0)))
        if result.vial_passes < recorded:
            problems.append(
                f"{result.suite.title}: vial passes {result.vial_passes} tests,"
                f" fewer than the {recorded} recorded in {RECORD.name}."
            )
        if entry.get("target_met") and result.rate < TARGET:
            problems.append(
                f"{result.suite.title}: vial passes {percent(result.rate)} of"
                f" what {result.suite.project} passes, below the"
                f" {percent(TARGET)} this suite has reached before."
            )
    return problems


def write_record(
    results: list[Result], record: dict[str, dict[str, object]], path: Path = RECORD
) -> None:
    """Raise the record to this run's counts (never lower it)."""
    lines = [
        "# vial's pass count per conformance suite, which a run may not go",
        "# below, and whether the suite has reached the 98% target (after",
        "# which it may not fall below it). Written by",
        "# `nox -s conformance -- --update-record`; commit it with the change",
        "# that raised the count.",
    ]
    names = {result.suite.name: result for result in results}
    for name in sorted(set(record) | set(names)):
        entry = dict(record.get(name, {}))
        result = names.get(name)
        if result is not None and result.vial is not None and not result.not_run:
            passes = max(int(str(entry.get("vial_passes", 0))), result.vial_passes)
            entry["vial_passes"] = passes
            entry["target_met"] = bool(entry.get("target_met")) or (
                result.rate >= TARGET
            )
        if not entry:
            continue
        lines += ["", f"[{name}]"]
        lines.append(f"vial_passes = {int(str(entry.get('vial_passes', 0)))}")
        lines.append(f"target_met = {'true' if entry.get('target_met') else 'false'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
