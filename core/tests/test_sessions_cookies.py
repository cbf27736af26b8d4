"""Hostile, broken, expired and rotated-key cookies: always a fresh session."""

from __future__ import annotations

import base64
import time
import typing as t
from datetime import timedelta

import pytest
from _session_helpers import cookie_value
from _session_helpers import freeze_time
from _session_helpers import register_session_views
from _session_helpers import signed

from vial import Vial
from vial.sessions import SecureCookieSessionInterface
from vial.testing import VialClient


@pytest.fixture
def seen(app: Vial) -> list[dict[str, t.Any]]:
    return register_session_views(app)


def test_server_side_expiry(
    app: Vial,
    client: VialClient,
    seen: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=100)
    now = time.time()
    freeze_time(monkeypatch, now - 50)
    client.get("/set/user/ann")

    freeze_time(monkeypatch, now)
    client.get("/read")
    freeze_time(monkeypatch, now + 60)
    rv = client.get("/read")
    assert rv.status_code == 200
    assert seen == [{"user": "ann"}, {}]


# Bad cookies


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(
            lambda c: c[:-5] + ("A" if c[-5] != "A" else "B") + c[-4:], id="bad-sig"
        ),
        pytest.param(
            lambda c: "e" + c[1:] if c[0] != "e" else "f" + c[1:], id="payload"
        ),
        pytest.param(lambda c: c[: len(c) // 2], id="truncated"),
        pytest.param(lambda c: c.split(".", 1)[0], id="no-signature"),
        pytest.param(lambda c: "!!!not*base64!!!", id="non-base64"),
        pytest.param(lambda c: "a.b.c", id="garbage-dots"),
        pytest.param(lambda c: "." + c, id="fake-compressed"),
        pytest.param(lambda c: "", id="empty"),
    ],
)
def test_bad_cookie_gives_empty_session(
    app: Vial,
    client: VialClient,
    seen: list[dict[str, t.Any]],
    mangle: t.Callable[[str], str],
) -> None:
    client.set_cookie("session", mangle(signed(app, {"user": "ann"})))
    rv = client.get("/read")
    assert rv.status_code == 200
    assert seen == [{}]


def test_wrong_key_gives_empty_session(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    client.set_cookie("session", signed(app, {"user": "ann"}, key="other key"))
    assert client.get("/read").status_code == 200
    assert seen == [{}]


def test_signed_non_dict_gives_empty_session(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    client.set_cookie("session", signed(app, ["not", "a", "session"]))
    assert client.get("/read").status_code == 200
    assert seen == [{}]


def test_signed_bad_compressed_payload_gives_empty_session(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert signer is not None
    # Correctly signed, but claims zlib compression of bytes that are not.
    payload = "." + base64.urlsafe_b64encode(b"not zlib").decode().rstrip("=")
    cookie = signer.make_signer().sign(payload).decode()
    client.set_cookie("session", cookie)
    assert client.get("/read").status_code == 200
    assert seen == [{}]


def test_bad_cookie_is_replaced_when_written(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    client.set_cookie("session", "garbage")
    client.get("/set/user/ann")
    client.get("/read")
    assert seen == [{"user": "ann"}]


# Key rotation


def test_secret_key_fallbacks(
    app: Vial, client: VialClient, seen: list[dict[str, t.Any]]
) -> None:
    old_cookie = signed(app, {"user": "ann"}, key="old key")
    client.set_cookie("session", old_cookie)

    client.get("/read")
    app.config["SECRET_KEY_FALLBACKS"] = ["older key", "old key"]
    client.get("/read")
    assert seen == [{}, {"user": "ann"}]

    # A new write is signed with the current key, not a fallback.
    rv = client.get("/set/role/admin")
    new_cookie = cookie_value(rv.headers["Set-Cookie"])
    app.config["SECRET_KEY_FALLBACKS"] = None
    client.set_cookie("session", new_cookie)
    client.get("/read")
    assert seen[-1] == {"user": "ann", "role": "admin"}
