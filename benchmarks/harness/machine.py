"""Describe the machine a run happened on, and pick a quiet CPU to pin workers to."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any


def _first_value(path: str, key: str) -> str | None:
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def _os_name() -> str:
    pretty = None
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return f"{pretty or platform.system()} (kernel {platform.release()})"


def _python_version(python: str) -> str:
    out = subprocess.run(
        [
            python,
            "-c",
            "import platform; print(platform.python_implementation(),"
            " platform.python_version())",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def _thread_siblings() -> list[str]:
    found = set()
    for path in Path("/sys/devices/system/cpu").glob("cpu[0-9]*/topology"):
        try:
            found.add((path / "thread_siblings_list").read_text().strip())
        except OSError:
            continue
    return sorted(found)


def describe(python: str) -> dict[str, Any]:
    """Return CPU, cores, memory, OS, Python version and the current UTC date."""
    memory = _first_value("/proc/meminfo", "MemTotal")
    memory_gib = None
    if memory is not None:
        memory_gib = round(int(memory.split()[0]) / 1024 / 1024, 1)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
        "cpu": _first_value("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": _os_name(),
        "python": _python_version(python),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        # What the guest sees: one entry per core, "0-1" or "0,2" for SMT pairs.
        # A VM's vCPUs may still share physical cores with other guests.
        "thread_siblings": _thread_siblings(),
    }


def cpu_jiffies() -> dict[int, tuple[int, int]]:
    """Return (busy, total) clock ticks per CPU since boot, from ``/proc/stat``."""
    ticks: dict[int, tuple[int, int]] = {}
    try:
        text = Path("/proc/stat").read_text()
    except OSError:
        return ticks
    for line in text.splitlines():
        name, _, rest = line.partition(" ")
        if not name.startswith("cpu") or not name[3:].isdigit():
            continue
        values = [int(value) for value in rest.split()]
        # user nice system idle iowait irq softirq steal (guest time is in user)
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        total = sum(values[:8])
        ticks[int(name[3:])] = (total - idle, total)
    return ticks


def busiest_first(
    before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]]
) -> list[tuple[float, int]]:
    """Return (busy fraction, cpu) between two readings, busiest first."""
    loads = []
    for cpu, (busy, total) in after.items():
        if cpu not in before:
            continue
        elapsed = total - before[cpu][1]
        loads.append(((busy - before[cpu][0]) / elapsed if elapsed > 0 else 0.0, cpu))
    return sorted(loads, reverse=True)


def allowed_cpus() -> list[int]:
    """Return the CPUs this process may run on (all of them without affinity)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def pick_cpu(mode: str, interval: float = 0.2) -> int | None:
    """Return the CPU to pin the next measurements to, or None not to pin.

    ``mode`` is ``none``, ``last`` (the highest-numbered allowed CPU, usually
    the one taking the fewest interrupts), ``auto`` (the least busy allowed
    CPU over ``interval`` seconds; ties go to the higher number) or a CPU
    number.
    """
    if mode == "none" or not hasattr(os, "sched_setaffinity"):
        return None
    allowed = allowed_cpus()
    if mode == "last":
        return allowed[-1]
    if mode != "auto":
        cpu = int(mode)
        if cpu not in allowed:
            raise ValueError(
                f"CPU {cpu} is not available to this process; choose one of"
                f" {', '.join(map(str, allowed))}."
            )
        return cpu
    before = cpu_jiffies()
    time.sleep(interval)
    loads = [
        item for item in busiest_first(before, cpu_jiffies()) if item[1] in allowed
    ]
    if not loads:
        return allowed[-1]
    least = min(load for load, _ in loads)
    return max(cpu for load, cpu in loads if load == least)
