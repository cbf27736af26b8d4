"""A factory named ``make_app``."""

from __future__ import annotations

from vial import Vial


def make_app() -> Vial:
    return Vial("made_by_make_app")
