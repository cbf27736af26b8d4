"""A module inside the package, loaded by its file path."""

from __future__ import annotations

from cliapp_pkg import create_app

app = create_app()
app.config["LOADED_FROM"] = __name__
