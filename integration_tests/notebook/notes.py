"""The account page and the JSON API over the user's notes."""

from __future__ import annotations

import typing as t

from werkzeug.wrappers import Response

from vial import Blueprint
from vial import redirect
from vial import render_template
from vial import url_for
from vial_login import current_user
from vial_login import login_required

from .extensions import db
from .forms import LogoutForm
from .forms import NoteForm
from .models import Note

bp = Blueprint("notes", __name__)


def _add_note(form: NoteForm) -> Note:
    note = Note(text=form.text.data, author_id=current_user.id)
    db.session.add(note)
    db.session.commit()
    return note


@bp.route("/", methods=["GET", "POST"])
@login_required
def account() -> str | Response | tuple[str, int]:
    """Show the user's notes and add one from the page's form."""
    form = NoteForm()
    if form.validate_on_submit():
        _add_note(form)
        return redirect(url_for("notes.account"))
    page = render_template(
        "account.html", form=form, logout_form=LogoutForm(), notes=current_user.notes
    )
    return page, 400 if form.is_submitted() else 200


@bp.get("/api/notes")
@login_required
def list_notes() -> dict[str, t.Any]:
    """Return the user's name and notes as JSON."""
    notes = [note.as_json() for note in current_user.notes]
    return {"user": current_user.name, "notes": notes}


@bp.post("/api/notes")
@login_required
def create_note() -> Response | tuple[dict[str, t.Any], int]:
    """Add a note from a JSON body; the CSRF token comes in X-CSRFToken."""
    form = NoteForm()
    if not form.validate():
        return form.errors_response()
    return _add_note(form).as_json(), 201
