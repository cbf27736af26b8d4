# mypy: ignore-errors
from __future__ import annotations

import sqlite3

import pytest
from notes_app.db import get_db


def test_connection_is_per_context(app):
    with app.app_context():
        db = get_db()
        assert db is get_db()

    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_init_db_command(runner, monkeypatch):
    calls = []
    monkeypatch.setattr("notes_app.db.init_db", lambda: calls.append(True))
    result = runner.invoke(args=["init-db"])
    assert "Initialized the database." in result.output
    assert calls == [True]


def test_count_notes_command(runner, app):
    assert runner.invoke(args=["count-notes"]).output == "1\n"
    assert runner.invoke(args=["count-notes", "--author", "bob"]).output == "0\n"
