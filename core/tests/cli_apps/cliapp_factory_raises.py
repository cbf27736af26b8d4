"""A factory whose own code raises TypeError: a bug, not wrong arguments."""

from __future__ import annotations

import typing as t

from vial import Vial


def _read_port(value: t.Any) -> int:
    return int(value)


def create_app() -> Vial:
    app = Vial("never")
    app.config["PORT"] = _read_port(None)
    return app
