"""A ``create_app`` factory with optional positional and keyword arguments."""

from __future__ import annotations

from vial import Vial


def create_app(config: str = "default", *, instance: str = "main") -> Vial:
    app = Vial(f"factory_{config}_{instance}")
    app.config["CONFIG_NAME"] = config
    return app
