from __future__ import annotations

import typing as t

from vial import Vial
from vial_roles import grant_role
from vial_roles import MemoryDatastore
from vial_roles import revoke_role
from vial_roles import role_granted
from vial_roles import role_revoked


def test_role_granted_and_revoked(app: Vial, datastore: MemoryDatastore) -> None:
    sent: list[tuple[str, t.Any, t.Any, t.Any]] = []

    def on_granted(sender: t.Any, **kwargs: t.Any) -> None:
        # Sent after the change is stored.
        stored = kwargs["role"] in datastore.get_user_roles(kwargs["user"])
        sent.append(("granted", sender, kwargs, stored))

    def on_revoked(sender: t.Any, **kwargs: t.Any) -> None:
        stored = kwargs["role"] not in datastore.get_user_roles(kwargs["user"])
        sent.append(("revoked", sender, kwargs, stored))

    bob = datastore.find_user("bob@example.com")
    viewer = datastore.find_role("viewer")
    assert viewer is not None
    with (
        role_granted.connected_to(on_granted),
        role_revoked.connected_to(on_revoked),
        app.app_context(),
    ):
        assert grant_role(bob, "viewer")
        assert not grant_role(bob, "viewer")  # held already: no signal
        assert revoke_role(bob, viewer)
        assert not revoke_role(bob, "viewer")  # not held: no signal
    assert sent == [
        ("granted", app, {"user": bob, "role": viewer}, True),
        ("revoked", app, {"user": bob, "role": viewer}, True),
    ]


def test_signals_are_sent_by_the_app_that_changed(datastore: MemoryDatastore) -> None:
    from conftest import make_app

    first, second = make_app(datastore, "first"), make_app(datastore, "second")
    senders: list[t.Any] = []

    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        senders.append(sender)

    with role_granted.connected_to(receiver, sender=second):
        with first.app_context():
            grant_role(datastore.find_user("bob@example.com"), "viewer")
        with second.app_context():
            grant_role(datastore.find_user("eve@example.com"), "viewer")
    assert senders == [second]
