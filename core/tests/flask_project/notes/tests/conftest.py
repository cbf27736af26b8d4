# mypy: ignore-errors
from __future__ import annotations

import pytest
from flask import template_rendered
from notes_app import create_app
from notes_app.db import get_db
from notes_app.db import init_db
from werkzeug.security import generate_password_hash

# Hashed once, with few iterations: a strong hash is slow on purpose, and
# the tests log in many times.
PASSWORD_HASH = generate_password_hash("secret", method="pbkdf2:sha256:1000")


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "notes.sqlite"),
            "SECRET_KEY": "testing",
            "SERVER_NAME": "notes.test",
        }
    )
    with app.app_context():
        init_db()
        db = get_db()
        db.executemany(
            "INSERT INTO user (username, password) VALUES (?, ?)",
            [("ann", PASSWORD_HASH), ("bob", PASSWORD_HASH)],
        )
        db.execute(
            "INSERT INTO note (title, body, author_id) VALUES (?, ?, ?)",
            ("first note", "hello there", 1),
        )
        db.commit()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="ann", password="secret"):
        return self._client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self):
        return self._client.get("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def captured_templates(app):
    recorded = []

    def record(sender, template, context, **extra):
        recorded.append((template, context))

    template_rendered.connect(record, app)
    yield recorded
    template_rendered.disconnect(record, app)
