from __future__ import annotations

import datetime

import pytest
from vial.ctx import AppContext

from toolshed.extensions import db
from toolshed.models import LendingError
from toolshed.models import Member
from toolshed.models import Tool

from support import member
from support import tool


def test_members_get_a_random_alt_id_for_sessions(app_ctx: AppContext) -> None:
    ann, bob = member("ann@example.com"), member("bob@example.com")
    assert len(ann.alt_id) >= 40
    assert ann.alt_id != bob.alt_id
    assert ann.get_id() == ann.alt_id != str(ann.id)


def test_lending(app_ctx: AppContext) -> None:
    drill, bob = tool("drill"), member("bob@example.com")
    drill.lend_to(bob)
    assert drill.borrower is bob
    assert drill.borrowed_on == datetime.date.today()


def test_taking_back(app_ctx: AppContext) -> None:
    drill, bob = tool("drill"), member("bob@example.com")
    drill.lend_to(bob)
    drill.take_back(bob)
    assert drill.borrower is None
    assert drill.borrowed_on is None


def test_the_owner_can_take_a_tool_back(app_ctx: AppContext) -> None:
    drill = tool("drill")
    drill.lend_to(member("bob@example.com"))
    drill.take_back(member("ann@example.com"))
    assert drill.borrower is None


def test_a_lent_tool_cannot_be_lent_again(app_ctx: AppContext) -> None:
    drill = tool("drill")
    carol = Member(email="carol@example.com", name="Carol", password_hash="-")
    db.session.add(carol)
    drill.lend_to(member("bob@example.com"))
    with pytest.raises(LendingError, match="The drill is already lent out"):
        drill.lend_to(carol)
    with pytest.raises(LendingError, match="Only the borrower or the owner"):
        drill.take_back(carol)


def test_owners_do_not_borrow_their_own_tools(app_ctx: AppContext) -> None:
    with pytest.raises(LendingError, match="The drill is yours"):
        tool("drill").lend_to(member("ann@example.com"))


def test_a_tool_on_the_shelf_cannot_be_returned(app_ctx: AppContext) -> None:
    with pytest.raises(LendingError, match="The drill is not lent out"):
        tool("drill").take_back(member("ann@example.com"))


def test_who_may_remove_a_tool(app_ctx: AppContext) -> None:
    ann, bob = member("ann@example.com"), member("bob@example.com")
    saw = Tool(name="saw", owner=bob)
    db.session.add(saw)
    db.session.flush()
    assert saw.can_be_removed_by(bob)  # the owner
    assert saw.can_be_removed_by(ann)  # a steward: tools.remove
    assert not tool("drill").can_be_removed_by(bob)
