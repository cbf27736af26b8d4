"""Each backend has the shape a connection expects of it."""

from __future__ import annotations

import io

import pytest

from vial_mail import Message
from vial_mail.backend import Backend
from vial_mail.console import ConsoleBackend
from vial_mail.outbox import MemoryOutbox
from vial_mail.outbox import OutboxBackend


@pytest.mark.parametrize("kind", ["console", "outbox"])
def test_open_send_close(kind: str) -> None:
    stream, store = io.StringIO(), MemoryOutbox()
    backend: Backend = (
        ConsoleBackend(stream) if kind == "console" else OutboxBackend(store)
    )
    message = Message("Shape", sender="a@example.com", recipients=["b@example.com"])
    backend.open()
    backend.send(message, message.envelope())
    backend.close()
    assert ("Subject: Shape" in stream.getvalue()) or store.count() == 1
