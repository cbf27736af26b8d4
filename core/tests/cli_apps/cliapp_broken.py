"""A factory that fails with an error that is not about finding the app."""

from __future__ import annotations

from vial import Vial


def create_app() -> Vial:
    raise RuntimeError("the database is not configured")
