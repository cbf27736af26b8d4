# mypy: ignore-errors
"""Notes: share short notes with other users."""

from __future__ import annotations

import os

from flask import Flask


def create_app(test_config=None):
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "notes.sqlite"),
        NOTES_PER_PAGE=20,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import api
    from . import auth
    from . import db
    from . import notes

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.add_url_rule("/", endpoint="index")

    @app.get("/health")
    def health():
        return {"status": "ok", "debug": app.debug}

    return app
