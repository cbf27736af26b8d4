"""The signals, sent with the documented arguments."""

from __future__ import annotations

import typing as t
from datetime import datetime

from support import UserStore

from vial import Vial
from vial_tokens import MemoryTokenStore
from vial_tokens import TokenAuth
from vial_tokens.signals import token_issued
from vial_tokens.signals import token_revoked


def test_token_issued_and_revoked(app: Vial, users: UserStore) -> None:
    tokens = TokenAuth(app, store=MemoryTokenStore())
    alice = users.users["alice"]
    issued: list[dict[str, t.Any]] = []
    revoked: list[dict[str, t.Any]] = []

    def on_issued(sender: Vial, **kwargs: t.Any) -> None:
        assert sender is app
        issued.append(kwargs)

    def on_revoked(sender: Vial, **kwargs: t.Any) -> None:
        assert sender is app
        revoked.append(kwargs)

    with (
        token_issued.connected_to(on_issued, app),
        token_revoked.connected_to(on_revoked, app),
        app.app_context(),
    ):
        tokens.issue_token(alice)
        first = tokens.issue_opaque_token(alice)
        second = tokens.issue_opaque_token(alice, expires_in=None)
        tokens.revoke_token(first.token)
        tokens.revoke_token(first.token)  # already revoked: no signal
        tokens.revoke_user_tokens(alice)
    assert [i["token_id"] for i in issued] == [None, first.record.id, second.record.id]
    assert all(i["user"] is alice for i in issued)
    assert isinstance(issued[0]["expires_at"], datetime)
    assert issued[2]["expires_at"] is None
    assert revoked == [
        {"token_id": first.record.id, "user_key": alice.fs_uniquifier},
        {"token_id": second.record.id, "user_key": alice.fs_uniquifier},
    ]
