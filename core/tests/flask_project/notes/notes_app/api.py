# mypy: ignore-errors
"""A JSON API for notes, written as a class-based view."""

from __future__ import annotations

from flask import Blueprint
from flask import g
from flask import jsonify
from flask import request
from flask import url_for
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from .db import get_db

bp = Blueprint("api", __name__)


def _note_json(row):
    return {
        "id": row["id"],
        "title": row["title"],
        "body": row["body"],
        "author": row["username"],
        "url": url_for("api.note", note_id=row["id"], _external=True),
    }


_SELECT = (
    "SELECT n.id, title, body, username FROM note n JOIN user u ON n.author_id = u.id"
)


class NoteAPI(MethodView):
    init_every_request = False

    def get(self, note_id=None):
        db = get_db()
        if note_id is None:
            rows = db.execute(f"{_SELECT} ORDER BY n.id").fetchall()
            return jsonify(notes=[_note_json(row) for row in rows])
        row = db.execute(f"{_SELECT} WHERE n.id = ?", (note_id,)).fetchone()
        if row is None:
            return {"error": f"There is no note {note_id}."}, 404
        return _note_json(row)

    def post(self):
        if g.user is None:
            return {"error": "Log in to write notes."}, 401
        # Not JSON, or not valid JSON: an HTTP error, which json_error shows.
        data = request.get_json()
        if not isinstance(data, dict) or not str(data.get("title", "")).strip():
            return {"error": "Send a JSON object with a 'title'."}, 400
        db = get_db()
        cursor = db.execute(
            "INSERT INTO note (title, body, author_id) VALUES (?, ?, ?)",
            (data["title"].strip(), data.get("body", ""), g.user["id"]),
        )
        db.commit()
        row = db.execute(f"{_SELECT} WHERE n.id = ?", (cursor.lastrowid,)).fetchone()
        return (
            _note_json(row),
            201,
            {"Location": url_for("api.note", note_id=row["id"])},
        )


view = NoteAPI.as_view("notes")
bp.add_url_rule("/notes", view_func=view, methods=["GET", "POST"])
bp.add_url_rule(
    "/notes/<int:note_id>", view_func=NoteAPI.as_view("note"), methods=["GET"]
)


@bp.errorhandler(HTTPException)
def json_error(error):
    return {"error": error.description}, error.code
