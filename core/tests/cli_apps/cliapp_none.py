"""A module without an app or a factory."""

from __future__ import annotations

settings = {"DEBUG": True}


def helper() -> int:
    return 1
