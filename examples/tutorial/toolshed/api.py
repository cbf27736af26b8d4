"""The JSON API for scripts and phone apps: a token for an e-mail address and
password, then the shelf with that token."""

from __future__ import annotations

import typing as t

from sqlalchemy import select
from vial import abort
from vial import Blueprint
from vial.ext import NegotiatedHTTPException
from vial.typing import ResponseReturnValue
from vial_roles import roles_required
from vial_tokens import HTTPBasicAuth
from werkzeug.exceptions import HTTPException

from toolshed.auth import authenticate
from toolshed.extensions import csrf
from toolshed.extensions import db
from toolshed.extensions import tokens
from toolshed.models import LendingError
from toolshed.models import lent_tools
from toolshed.models import Member
from toolshed.models import member_by_alt_id
from toolshed.models import Tool
from toolshed.models import tool_or_404

bp = Blueprint("api", __name__, url_prefix="/api")
basic_auth = HTTPBasicAuth()


@basic_auth.verify_password
def check_password(email: str, password: str) -> Member | None:
    """Return the member these HTTP basic credentials belong to, or None."""
    if not email:  # no credentials at all
        return None
    return authenticate(email.strip().lower(), password)


# A token carries the member's alt_id (TOKENS_ALT_ID_ATTRIBUTE).
tokens.user_loader(member_by_alt_id)


@bp.errorhandler(HTTPException)
def error_as_json(error: HTTPException) -> ResponseReturnValue:
    """Answer the API's errors in JSON, whatever the client's Accept header."""
    body: dict[str, t.Any] = {
        "code": error.code,
        "name": error.name,
        "error": error.description,
    }
    if isinstance(error, NegotiatedHTTPException):
        body.update(error.json_extra)  # such as vial-tokens' "reason"
    # Keep WWW-Authenticate on a 401, Allow on a 405.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return body, error.code or 500, headers


def _tool_json(tool: Tool) -> dict[str, t.Any]:
    return {
        "id": tool.id,
        "name": tool.name,
        "notes": tool.notes,
        "owner": tool.owner.name,
        "borrower": tool.borrower.name if tool.borrower else None,
        "borrowed_on": tool.borrowed_on.isoformat() if tool.borrowed_on else None,
    }


# Basic credentials are not API credentials to vial-wtf, since a browser
# resends them by itself; but this view changes nothing, and another site
# cannot read the token it answers with.
@bp.post("/tokens")
@csrf.exempt
@basic_auth.login_required
def issue_token() -> ResponseReturnValue:
    """Trade an e-mail address and password for a token."""
    return {"token": tokens.issue_token(basic_auth.current_user())}


@bp.get("/tools")
@tokens.login_required
def list_tools() -> ResponseReturnValue:
    """List every tool on the shelf."""
    tools = db.session.scalars(select(Tool).order_by(Tool.name))
    return {"tools": [_tool_json(tool) for tool in tools]}


def _change_loan(tool_id: int, change: t.Callable[[Tool, Member], None]) -> Tool:
    """Apply a lending change for the token's member, or answer 409."""
    tool = tool_or_404(tool_id)
    try:
        change(tool, tokens.current_user())
    except LendingError as e:
        abort(409, description=str(e))
    db.session.commit()
    return tool


@bp.post("/tools/<int:tool_id>/borrow")
@tokens.login_required
def borrow(tool_id: int) -> ResponseReturnValue:
    """Borrow a tool for the token's member."""
    return _tool_json(_change_loan(tool_id, Tool.lend_to))


@bp.post("/tools/<int:tool_id>/return")
@tokens.login_required
def give_back(tool_id: int) -> ResponseReturnValue:
    """Return a lent tool."""
    return _tool_json(_change_loan(tool_id, Tool.take_back))


@bp.get("/loans")
@tokens.login_required
@roles_required("steward")
def loans() -> ResponseReturnValue:
    """List the lent tools with their borrowers' addresses; for stewards."""
    return {
        "loans": [
            {**_tool_json(tool), "borrower_email": tool.borrower.email}
            for tool in lent_tools()
            if tool.borrower is not None
        ]
    }
