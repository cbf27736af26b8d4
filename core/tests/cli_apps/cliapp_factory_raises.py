"""A factory whose own code raises TypeError: a bug, not wrong arguments."""

from __future__ import annotations

from vial import Vial


def _read_port(value: object) -> int:
    return int(value)  # type: ignore[call-overload]


def create_app() -> Vial:
    app = Vial("never")
    app.config["PORT"] = _read_port(None)
    return app
