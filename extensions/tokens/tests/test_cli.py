"""The vial tokens commands."""

from __future__ import annotations

from datetime import timedelta

from support import UserStore

from vial import Vial
from vial_tokens import MemoryTokenStore
from vial_tokens import TokenAuth
from vial_tokens.store import utcnow


def test_revoke(app: Vial, users: UserStore) -> None:
    tokens = TokenAuth(app, store=MemoryTokenStore())
    with app.app_context():
        issued = tokens.issue_opaque_token(users.users["alice"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "revoke", issued.record.id])
    assert result.exit_code == 0, result.output
    assert f"Revoked the token {issued.record.id}." in result.output
    again = runner.invoke(args=["tokens", "revoke", issued.record.id])
    assert again.exit_code == 1
    assert "no live token" in again.output


def test_purge(app: Vial, users: UserStore) -> None:
    store = MemoryTokenStore()
    tokens = TokenAuth(app, store=store)
    alice = users.users["alice"]
    with app.app_context():
        old = tokens.issue_opaque_token(alice, expires_in=-timedelta(days=40))
        recent = tokens.issue_opaque_token(alice, expires_in=-timedelta(days=1))
        live = tokens.issue_opaque_token(alice)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 token record." in result.output
    assert store.get(old.record.id) is None
    assert store.get(recent.record.id) is not None
    result = runner.invoke(args=["tokens", "purge", "--days", "0"])
    assert "Deleted 1 token record." in result.output
    assert store.get(live.record.id) is not None
    assert store.purge(utcnow()) == 0


def test_purge_without_a_store(app: Vial) -> None:
    TokenAuth(app)
    result = app.test_cli_runner().invoke(args=["tokens", "purge"])
    assert result.exit_code == 1
    assert "no token store" in result.output
