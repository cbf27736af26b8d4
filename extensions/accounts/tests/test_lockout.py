"""Brute-force protection: the growing delay, the lockout per account and per
client address, 429 with Retry-After, the signals, and the counters shared
through the database or Redis."""

from __future__ import annotations

import logging
import socket
import typing as t
from pathlib import Path

import pytest
from support import add_user
from support import body
from support import Browser
from support import Clock
from support import JSONClient
from support import make_app
from support import PASSWORD

from vial import Vial
from vial_accounts import account_locked
from vial_accounts import login_failed
from vial_accounts.lockout import growing_delay

WRONG = {"email": "ann@example.com", "password": "wrong guess"}
RIGHT = {"email": "ann@example.com", "password": PASSWORD}


def _guess(app: Vial, address: str, email: str = "ann@example.com") -> t.Any:
    return JSONClient(app, remote_addr=address).post(
        "/login", json={"email": email, "password": "wrong guess"}
    )


def test_the_delay_grows_from_the_second_failure(app: Vial, clock: Clock) -> None:
    add_user(app)
    assert growing_delay(app, 1) == 0
    assert [growing_delay(app, n) for n in (2, 3, 4)] == [1, 2, 4]
    assert _guess(app, "198.51.100.1").status_code == 400
    assert _guess(app, "198.51.100.1").status_code == 400
    # Right after the second failure, even the right password waits.
    api = JSONClient(app, remote_addr="198.51.100.1")
    refused = api.post("/login", json=RIGHT)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert body(refused)["errors"] == [
        "Too many failed logins. Wait 1 second before trying again."
    ]
    clock.advance(1.1)
    assert _guess(app, "198.51.100.1").status_code == 400  # the third failure
    clock.advance(1.1)
    assert _guess(app, "198.51.100.1").status_code == 429  # waits 2 s now
    clock.advance(1.1)
    assert api.post("/login", json=RIGHT).status_code == 200


def test_guessing_from_one_address_locks_the_account(app: Vial, clock: Clock) -> None:
    add_user(app)
    locked: list[dict[str, t.Any]] = []
    failed: list[dict[str, t.Any]] = []
    account_locked.connect(lambda app, **kw: locked.append(kw), weak=False)
    login_failed.connect(lambda app, **kw: failed.append(kw), weak=False)
    try:
        statuses = []
        for _ in range(7):
            statuses.append(_guess(app, "203.0.113.5").status_code)
            clock.advance(20)
    finally:
        account_locked.receivers.clear()
        login_failed.receivers.clear()
    assert statuses == [400, 400, 400, 400, 400, 429, 429]
    assert len(failed) == 5  # refused attempts are not checked, nor counted
    assert failed[0]["email"] == "ann@example.com"
    assert failed[0]["address"] == "203.0.113.5"
    assert failed[0]["mechanism"] == "form"
    assert failed[0]["user"].email == "ann@example.com"
    assert [(e["scope"], e["email"]) for e in locked] == [
        ("account", "ann@example.com")
    ]
    # The right password does not get through, from anywhere.
    owner = Browser(app, remote_addr="192.0.2.200")
    response = owner.log_in()
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    assert "Too many failed logins for this account" in response.text
    # Other accounts are not locked.
    add_user(app, "bob@example.com")
    assert (
        Browser(app, remote_addr="192.0.2.201").log_in("bob@example.com").status_code
        == 302
    )
    # The window ends, and so does the lockout.
    clock.advance(retry_after + 1)
    assert owner.log_in().status_code == 302


def test_guessing_from_many_addresses_locks_the_account(
    app: Vial, clock: Clock
) -> None:
    add_user(app)
    statuses = []
    for number in range(8):
        statuses.append(_guess(app, f"198.51.100.{number + 1}").status_code)
        clock.advance(20)
    assert statuses == [400] * 5 + [429] * 3
    assert Browser(app, remote_addr="192.0.2.9").log_in().status_code == 429


def test_ipv6_clients_are_counted_per_network(app: Vial, clock: Clock) -> None:
    app.config["ACCOUNTS_LOCKOUT_ADDRESS_THRESHOLD"] = 3
    statuses = []
    for number in range(4):
        address = f"2001:db8:1:2::{number + 1:x}"
        statuses.append(_guess(app, address, f"user{number}@example.com").status_code)
    assert statuses == [400, 400, 400, 429]
    # Another /64 is another client.
    assert _guess(app, "2001:db8:1:3::1", "x@example.com").status_code == 400


def test_guessing_many_accounts_from_one_address_locks_the_address(
    app: Vial, clock: Clock
) -> None:
    add_user(app, "victim@example.com")
    locked: list[dict[str, t.Any]] = []
    account_locked.connect(lambda app, **kw: locked.append(kw), weak=False)
    try:
        statuses = [
            _guess(app, "203.0.113.99", f"user{number}@example.com").status_code
            for number in range(26)
        ]
    finally:
        account_locked.receivers.clear()
    assert statuses == [400] * 25 + [429]
    assert [(e["scope"], e["address"]) for e in locked] == [("address", "203.0.113.99")]
    response = JSONClient(app, remote_addr="203.0.113.99").post(
        "/login", json={"email": "victim@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "from your network" in body(response)["errors"][0]
    # The account itself is fine from elsewhere.
    assert (
        Browser(app, remote_addr="192.0.2.7").log_in("victim@example.com").status_code
        == 302
    )


def test_a_lockout_does_not_tell_whether_the_account_exists(
    app: Vial, clock: Clock
) -> None:
    add_user(app)
    answers = {}
    for email in ("ann@example.com", "nobody@example.com"):
        statuses = []
        for number in range(6):
            response = _guess(app, f"198.51.100.{number + 10}", email)
            statuses.append((response.status_code, body(response)["errors"]))
            clock.advance(20)
        answers[email] = statuses
    assert answers["ann@example.com"] == answers["nobody@example.com"]


def test_a_successful_login_clears_the_account_count(app: Vial, clock: Clock) -> None:
    add_user(app)
    for _ in range(4):
        _guess(app, "198.51.100.1")
        clock.advance(20)
    assert JSONClient(app, "198.51.100.1").post("/login", json=RIGHT).status_code == 200
    for _ in range(4):
        assert _guess(app, "198.51.100.1").status_code == 400
        clock.advance(20)


def test_basic_auth_guesses_meet_the_same_lockout(app: Vial, clock: Clock) -> None:
    import base64

    from vial_accounts import auth_required

    @app.get("/api/basic")
    @auth_required("basic")
    def basic() -> str:
        return "ok"

    add_user(app)
    failed: list[str] = []
    login_failed.connect(lambda app, **kw: failed.append(kw["mechanism"]), weak=False)

    def attempt(password: str) -> t.Any:
        credentials = base64.b64encode(f"ann@example.com:{password}".encode()).decode()
        return JSONClient(app, "203.0.113.8").get(
            "/api/basic", headers={"Authorization": f"Basic {credentials}"}
        )

    try:
        statuses = []
        for _ in range(6):
            statuses.append(attempt("wrong").status_code)
            clock.advance(20)
    finally:
        login_failed.receivers.clear()
    assert statuses == [401] * 5 + [429]
    assert failed == ["basic"] * 5
    refused = attempt(PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert refused.get_json()["retry_after"] == int(refused.headers["Retry-After"])


@pytest.mark.parametrize("counters", ["database", "redis"])
def test_every_worker_sees_the_same_counts(
    tmp_path: Path, clock: Clock, counters: str, request: pytest.FixtureRequest
) -> None:
    """Two apps on one database (or one Redis) stand for two worker
    processes: failures counted by one lock the account in the other."""
    config: dict[str, t.Any] = {}
    if counters == "redis":
        config["ACCOUNTS_LOCKOUT_REDIS_URL"] = request.getfixturevalue("redis_url")
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first = make_app(url, tmp_path / "one", name="worker_one", **config)
    add_user(first)
    second = make_app(url, tmp_path / "two", name="worker_two", create=False, **config)
    for number in range(5):
        worker = first if number % 2 else second
        assert _guess(worker, f"198.51.100.{number}").status_code == 400
        clock.advance(20)
    for worker in (first, second):
        response = JSONClient(worker, "192.0.2.1").post("/login", json=RIGHT)
        assert response.status_code == 429


def _closed_port() -> int:
    """Return a loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_redis_that_is_down_answers_503_not_500(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    app = make_app(
        f"sqlite:///{tmp_path / 'down.sqlite3'}",
        tmp_path,
        name="redis_down",
        ACCOUNTS_LOCKOUT_REDIS_URL=down,
    )
    add_user(app)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        api = JSONClient(app).post("/login", json=RIGHT)
        page = Browser(app).log_in("ann@example.com", PASSWORD)
    for response in (api, page):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
    # The negotiated error of every extension, not the accounts views' body.
    error = api.get_json()
    assert error["code"] == 503
    assert "cannot be checked right now" in error["error"]
    assert page.mimetype == "text/html"
    assert "cannot be checked right now" in page.text
    assert any("Redis cannot be reached" in r.getMessage() for r in caplog.records)
    # Pages that count nothing still answer.
    assert JSONClient(app).open("/", method="GET").status_code == 200
