# mypy: ignore-errors
"""Listing, writing, editing and deleting notes."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from .auth import login_required
from .db import get_db

bp = Blueprint("notes", __name__)


@bp.route("/")
def index():
    notes = (
        get_db()
        .execute(
            "SELECT n.id, title, body, author_id, username"
            " FROM note n JOIN user u ON n.author_id = u.id"
            " ORDER BY n.id DESC LIMIT ?",
            (current_app.config["NOTES_PER_PAGE"],),
        )
        .fetchall()
    )
    return render_template("notes/index.html", notes=notes)


def get_note(note_id, check_author=True):
    note = (
        get_db()
        .execute(
            "SELECT n.id, title, body, author_id, username"
            " FROM note n JOIN user u ON n.author_id = u.id WHERE n.id = ?",
            (note_id,),
        )
        .fetchone()
    )
    if note is None:
        abort(404, f"Note {note_id} does not exist.")
    if check_author and note["author_id"] != g.user["id"]:
        abort(403)
    return note


def _read_form():
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "")
    if not title:
        flash("Title is required.", "error")
        return None
    return title, body


@bp.route("/create", methods=("GET", "POST"))
@login_required
def create():
    if request.method == "POST":
        values = _read_form()
        if values is not None:
            db = get_db()
            db.execute(
                "INSERT INTO note (title, body, author_id) VALUES (?, ?, ?)",
                (*values, g.user["id"]),
            )
            db.commit()
            return redirect(url_for("notes.index"))
    return render_template("notes/form.html", note=None)


@bp.route("/<int:note_id>/update", methods=("GET", "POST"))
@login_required
def update(note_id):
    note = get_note(note_id)
    if request.method == "POST":
        values = _read_form()
        if values is not None:
            db = get_db()
            db.execute(
                "UPDATE note SET title = ?, body = ? WHERE id = ?",
                (*values, note_id),
            )
            db.commit()
            return redirect(url_for("notes.index"))
    return render_template("notes/form.html", note=note)


@bp.post("/<int:note_id>/delete")
@login_required
def delete(note_id):
    get_note(note_id)
    db = get_db()
    db.execute("DELETE FROM note WHERE id = ?", (note_id,))
    db.commit()
    flash("Note deleted.", "info")
    return redirect(url_for("notes.index"))
