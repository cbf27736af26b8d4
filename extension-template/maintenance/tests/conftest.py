from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from vial import Vial
from vial_maintenance import Maintenance


@pytest.fixture
def make_app(tmp_path: Path) -> t.Callable[..., Vial]:
    """Return a function that builds an app in ``tmp_path``, set up with the
    extension after the keyword arguments were put in its config."""

    def make(**config: t.Any) -> Vial:
        app = Vial(
            __name__,
            root_path=str(tmp_path),
            instance_path=str(tmp_path / "instance"),
        )
        app.config.update(TESTING=True, **config)

        @app.route("/")
        def index() -> str:
            return "home"

        @app.route("/health")
        def health() -> str:
            return "ok"

        Maintenance(app)
        return app

    return make


@pytest.fixture
def app(make_app: t.Callable[..., Vial]) -> Vial:
    """The app the core's fixtures (``client``, ``runner``, ``app_ctx``) use."""
    return make_app()
