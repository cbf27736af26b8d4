# mypy: ignore-errors
"""The SQLite connection, kept on ``g`` for the length of a context."""

from __future__ import annotations

import sqlite3

import click
from flask import current_app
from flask import g
from flask.cli import with_appcontext


def get_db():
    """Return this context's connection, opening it on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    """Drop and create the tables."""
    db = get_db()
    with current_app.open_resource("schema.sql") as f:
        db.executescript(f.read().decode("utf8"))


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Clear the data and create the tables."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)

    @app.cli.command("count-notes")
    @click.option("--author", help="Only count this user's notes.")
    def count_notes(author):
        """Print how many notes there are."""
        sql = "SELECT COUNT(*) FROM note JOIN user ON user.id = author_id"
        args = ()
        if author:
            sql += " WHERE username = ?"
            args = (author,)
        click.echo(get_db().execute(sql, args).fetchone()[0])
