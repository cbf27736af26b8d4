"""The shelf: the pages where members see, add, borrow and return tools."""

from __future__ import annotations

import typing as t

from sqlalchemy import select
from vial import abort
from vial import Blueprint
from vial import flash
from vial import redirect
from vial import render_template
from vial import url_for
from vial_login import current_user
from vial_login import login_required
from vial_roles import roles_required
from werkzeug.wrappers import Response as BaseResponse

from toolshed.extensions import db
from toolshed.forms import ToolForm
from toolshed.models import LendingError
from toolshed.models import lent_tools
from toolshed.models import Member
from toolshed.models import Tool
from toolshed.models import tool_or_404

bp = Blueprint("shelf", __name__)


@bp.get("/")
def index() -> str:
    """List every tool, and who has it."""
    tools = db.session.scalars(select(Tool).order_by(Tool.name)).all()
    return render_template("shelf/index.html", tools=tools)


@bp.route("/tools/new", methods=["GET", "POST"])
@login_required
def add() -> str | BaseResponse:
    """Put a tool of the current member's on the shelf."""
    form = ToolForm()
    if form.validate_on_submit():
        tool = Tool(name=form.name.data, notes=form.notes.data, owner=current_user)
        db.session.add(tool)
        db.session.commit()
        flash(f"The {tool.name} is on the shelf.")
        return redirect(url_for("shelf.index"))
    return render_template("shelf/add.html", form=form)


def _change_loan(
    tool_id: int, change: t.Callable[[Tool, Member], None], done: str
) -> BaseResponse:
    """Apply a lending change for the current member, flash how it went
    (``done`` is formatted with the tool), and go back to the shelf."""
    tool = tool_or_404(tool_id)
    try:
        change(tool, current_user)
    except LendingError as e:
        flash(str(e), "error")
    else:
        db.session.commit()
        flash(done.format(tool=tool))
    return redirect(url_for("shelf.index"))


@bp.post("/tools/<int:tool_id>/borrow")
@login_required
def borrow(tool_id: int) -> BaseResponse:
    """Lend the tool to the current member."""
    done = "Enjoy the {tool.name}; {tool.owner.name} lent it to you."
    return _change_loan(tool_id, Tool.lend_to, done)


@bp.post("/tools/<int:tool_id>/return")
@login_required
def give_back(tool_id: int) -> BaseResponse:
    """Put a lent tool back on the shelf."""
    return _change_loan(
        tool_id, Tool.take_back, "The {tool.name} is back on the shelf."
    )


@bp.post("/tools/<int:tool_id>/remove")
@login_required
def remove(tool_id: int) -> BaseResponse:
    """Take a tool off the shelf: its owner may, and so may a steward."""
    tool = tool_or_404(tool_id)
    if not tool.can_be_removed_by(current_user):
        abort(403, description="Only the owner or a steward can remove this tool.")
    db.session.delete(tool)
    db.session.commit()
    flash(f"The {tool.name} is off the shelf.")
    return redirect(url_for("shelf.index"))


@bp.get("/loans")
@roles_required("steward")
def loans() -> str:
    """Show stewards who has which tool."""
    return render_template("shelf/loans.html", tools=lent_tools())
