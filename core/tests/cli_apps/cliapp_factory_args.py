"""A factory that cannot be called without arguments."""

from __future__ import annotations

from vial import Vial


def create_app(config: str) -> Vial:
    return Vial(f"needs_{config}")
