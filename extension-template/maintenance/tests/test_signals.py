from __future__ import annotations

import typing as t

from vial import Vial
from vial.testing import VialClient
from vial_maintenance import Notice
from vial_maintenance import switch_off
from vial_maintenance import switch_on
from vial_maintenance.signals import request_refused
from vial_maintenance.signals import switched


def test_request_refused_is_sent_for_each_request_turned_away(
    app: Vial, client: VialClient
) -> None:
    received: list[tuple[t.Any, dict[str, t.Any]]] = []

    def record(sender: t.Any, **kwargs: t.Any) -> None:
        received.append((sender, kwargs))

    switch_on("Back soon.", app=app)
    with request_refused.connected_to(record, app):
        client.get("/anything")
        client.get("/maintenance")  # the status page is served, not refused
    assert len(received) == 1
    sender, kwargs = received[0]
    assert sender is app
    assert kwargs["request"].path == "/anything"
    assert isinstance(kwargs["notice"], Notice)
    assert kwargs["notice"].message == "Back soon."


def test_switched_is_sent_on_and_off(app: Vial) -> None:
    received: list[dict[str, t.Any]] = []

    def record(sender: t.Any, **kwargs: t.Any) -> None:
        assert sender is app
        received.append(kwargs)

    with switched.connected_to(record, app):
        switch_on("Upgrading.", app=app)
        switch_off(app=app)
        switch_off(app=app)  # nothing to remove: nothing changed, no signal
    assert received == [
        {"active": True, "message": "Upgrading."},
        {"active": False, "message": None},
    ]
