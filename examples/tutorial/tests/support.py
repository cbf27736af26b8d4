"""Helpers of the tests: a browser on the test client, and lookups."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from vial.testing import VialClient
from werkzeug.test import TestResponse

from toolshed.extensions import db
from toolshed.models import Member
from toolshed.models import Tool

#: The project's folder and its migrations, wherever pytest runs from.
PROJECT = Path(__file__).resolve().parents[1]
MIGRATIONS = PROJECT / "migrations"
#: The password of every member the ``app`` fixture adds.
PASSWORD = "a long enough password"

_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*\svalue="([^"]+)"')


class Browser:
    """Drives the test client as a browser does: a form is posted with the
    CSRF token of the page it is on."""

    def __init__(self, client: VialClient) -> None:
        self.client = client

    def csrf_token(self, page: str) -> str:
        """Open ``page`` and return the CSRF token of its forms."""
        html = self.client.get(page).text
        found = _CSRF_FIELD.search(html)
        assert found is not None, f"{page} has no form with a CSRF token"
        return found.group(1)

    def submit(
        self,
        page: str,
        data: dict[str, str] | None = None,
        *,
        action: str | None = None,
    ) -> TestResponse:
        """Post ``data`` from a form on ``page`` to ``action`` (the page itself
        by default), with the page's CSRF token."""
        form = {**(data or {}), "csrf_token": self.csrf_token(page)}
        return self.client.post(action or page, data=form)

    def log_in(self, email: str, password: str = PASSWORD) -> TestResponse:
        """Log in through the login page."""
        return self.submit("/auth/login", {"email": email, "password": password})


def member(email: str) -> Member:
    """Return the member with this address (in an app context)."""
    found = db.session.scalar(select(Member).filter_by(email=email))
    assert found is not None, f"There is no member {email}."
    return found


def tool(name: str) -> Tool:
    """Return the tool with this name (in an app context)."""
    found = db.session.scalar(select(Tool).filter_by(name=name))
    assert found is not None, f"There is no tool named {name}."
    return found
