"""Reading per-CPU load from /proc/stat and picking the CPU to pin workers to."""

from __future__ import annotations

import pytest
from harness.machine import allowed_cpus
from harness.machine import busiest_first
from harness.machine import cpu_jiffies
from harness.machine import describe
from harness.machine import pick_cpu


def test_busy_fractions_come_from_the_tick_deltas() -> None:
    before = {0: (100, 1000), 1: (500, 1000), 2: (0, 0)}
    after = {0: (190, 1100), 1: (510, 1100), 2: (0, 0), 3: (5, 10)}
    # CPU 0 was busy 90 of 100 ticks, CPU 1 10 of 100; CPU 2 had no ticks and
    # CPU 3 has no earlier reading.
    assert busiest_first(before, after) == [(0.9, 0), (0.1, 1), (0.0, 2)]


def test_proc_stat_lists_every_allowed_cpu() -> None:
    ticks = cpu_jiffies()
    assert set(allowed_cpus()) <= set(ticks)
    assert all(0 <= busy <= total for busy, total in ticks.values())


def test_pick_cpu_modes() -> None:
    allowed = allowed_cpus()
    assert pick_cpu("none") is None
    assert pick_cpu("last") == allowed[-1]
    assert pick_cpu(str(allowed[0])) == allowed[0]
    assert pick_cpu("auto", interval=0.01) in allowed


def test_a_cpu_outside_the_affinity_is_refused() -> None:
    with pytest.raises(ValueError, match="is not available to this process"):
        pick_cpu("4096")


def test_machine_description_names_the_cpu_topology() -> None:
    machine = describe("python3")
    assert machine["cores"] >= 1
    assert isinstance(machine["thread_siblings"], list)
