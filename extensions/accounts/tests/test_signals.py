"""Every signal is a blinker signal of its own, sent with the app."""

from __future__ import annotations

import typing as t

from support import add_user
from support import Browser
from support import JSONClient
from support import link_in
from support import mails_to
from support import NEW_PASSWORD

from vial import Vial
from vial_accounts import signals


def test_signals_are_distinct() -> None:
    names = [
        "user_registered",
        "user_confirmed",
        "confirm_instructions_sent",
        "reset_password_instructions_sent",
        "password_reset",
        "password_changed",
        "access_reset",
        "user_activated",
        "user_deactivated",
        "login_failed",
        "account_locked",
    ]
    found = {getattr(signals, name) for name in names}
    assert len(found) == len(names)


def test_the_lifecycle_sends_its_signals_with_the_app(app: Vial) -> None:
    received: list[tuple[str, t.Any, str]] = []

    def record(name: str) -> t.Callable[..., None]:
        def receiver(sender: t.Any, **kwargs: t.Any) -> None:
            user = kwargs.get("user")
            received.append((name, sender, getattr(user, "email", "")))
            if "token" in kwargs:
                assert isinstance(kwargs["token"], str)

        return receiver

    receivers = [
        (getattr(signals, name), record(name))
        for name in (
            "user_registered",
            "confirm_instructions_sent",
            "user_confirmed",
            "reset_password_instructions_sent",
            "password_reset",
        )
    ]
    for signal, receiver in receivers:
        signal.connect(receiver)
    try:
        add_user(app, "ann@example.com", confirmed=False)
        browser = Browser(app)
        browser.get(link_in(mails_to(app, "ann@example.com")[0], "/confirm/"))
        JSONClient(app).post("/reset", json={"email": "ann@example.com"})
        reset = [
            m for m in mails_to(app, "ann@example.com") if "/reset/" in str(m.links)
        ]
        browser.get(link_in(reset[0], "/reset/"))
        browser.submit({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    finally:
        for signal, receiver in receivers:
            signal.disconnect(receiver)
    assert [(name, email) for name, _, email in received] == [
        ("user_registered", "ann@example.com"),
        ("confirm_instructions_sent", "ann@example.com"),
        ("user_confirmed", "ann@example.com"),
        ("reset_password_instructions_sent", "ann@example.com"),
        ("password_reset", "ann@example.com"),
    ]
    assert all(sender is app for _, sender, _ in received)
