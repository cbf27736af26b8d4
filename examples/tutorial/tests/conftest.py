"""The fixtures of Toolshed's tests.

vial's pytest plugin builds ``client``, ``runner``, ``app_ctx`` and
``req_ctx`` on the ``app`` fixture defined here.
"""

from __future__ import annotations

import pytest
from vial import Vial
from vial.testing import VialClient
from vial_passwords import hash_password
from vial_roles import create_role
from vial_roles import grant_role
from vial_sqlalchemy.migrate import upgrade

from toolshed import create_app
from toolshed.extensions import db
from toolshed.models import Member
from toolshed.models import Tool

from support import Browser
from support import MIGRATIONS
from support import PASSWORD
from support import tool


@pytest.fixture
def app() -> Vial:
    """An app on a new in-memory database, built by the project's migrations,
    with two members: Ann, a steward who lends a drill, and Bob."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            # Cheap hashes keep the tests fast; production keeps the defaults.
            "PASSWORD_HASH_OPTIONS": {"argon2": {"memory_cost": 1024, "time_cost": 1}},
        }
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        password_hash = hash_password(PASSWORD)
        ann = Member(email="ann@example.com", name="Ann", password_hash=password_hash)
        bob = Member(email="bob@example.com", name="Bob", password_hash=password_hash)
        db.session.add_all([ann, bob, Tool(name="drill", owner=ann)])
        db.session.commit()
        create_role("steward", permissions="tools.remove")
        grant_role(ann, "steward")
    return app


@pytest.fixture
def drill_id(app: Vial) -> int:
    """The id of Ann's drill."""
    with app.app_context():
        return tool("drill").id


@pytest.fixture
def browser(client: VialClient) -> Browser:
    """The test client used like a browser: forms carry their CSRF token."""
    return Browser(client)
