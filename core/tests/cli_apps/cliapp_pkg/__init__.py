"""An app package with a factory."""

from __future__ import annotations

from vial import Vial


def create_app() -> Vial:
    app = Vial(__name__)

    @app.route("/pkg")
    def pkg_index() -> str:
        return "package"

    return app
