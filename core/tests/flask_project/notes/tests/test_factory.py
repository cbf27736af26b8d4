# mypy: ignore-errors
from __future__ import annotations

import flask
from notes_app import create_app


def test_config(tmp_path):
    assert not create_app({"DATABASE": str(tmp_path / "db")}).testing
    assert create_app({"TESTING": True}).testing


def test_app_is_a_flask_app(app):
    assert isinstance(app, flask.Flask)
    assert app.name == "notes_app"
    assert set(app.blueprints) == {"auth", "notes", "api"}


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "debug": False}


def test_config_from_flask_environment(monkeypatch):
    monkeypatch.setenv("FLASK_NOTES_PER_PAGE", "5")
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["NOTES_PER_PAGE"] == 5
    assert app.secret_key == "from-the-environment"


def test_url_building(app):
    with app.test_request_context():
        assert flask.url_for("notes.update", note_id=3) == "/3/update"
        assert flask.url_for("index", _external=True) == "http://notes.test/"
