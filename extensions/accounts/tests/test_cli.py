"""The ``vial users`` commands."""

from __future__ import annotations

import typing as t

import pytest
from support import add_user
from support import Browser
from support import find_user
from support import JSONClient
from support import outbox
from support import PASSWORD

from vial import Vial
from vial_accounts import access_reset
from vial_accounts import get_datastore
from vial_accounts import user_activated
from vial_accounts import user_deactivated


def _run(app: Vial, *args: str, input: str | None = None) -> t.Any:
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def test_create_a_user_with_a_role(app: Vial) -> None:
    with app.app_context():
        get_datastore().create_role("admin")
        get_datastore().commit()
    result = _run(
        app,
        "create",
        "Ann@Example.com",
        "--password",
        PASSWORD,
        "--role",
        "admin",
        "--active",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Created the user 'ann@example.com' (active, confirmed), with the roles"
        " admin.\n"
    )
    user = find_user(app, "ann@example.com")
    assert user.password != PASSWORD
    with app.app_context():
        datastore = get_datastore()
        roles = datastore.get_user_roles(datastore.find_user(email="ann@example.com"))
        assert [role.name for role in roles] == ["admin"]
    # Created confirmed: no confirmation e-mail, and the user logs in.
    assert outbox(app) == []
    assert Browser(app).log_in().status_code == 302


def test_the_password_is_asked_for_without_echo(app: Vial) -> None:
    result = _run(
        app, "create", "ann@example.com", "--active", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert Browser(app).log_in().status_code == 302


def test_users_are_created_inactive_unless_asked(app: Vial) -> None:
    result = _run(app, "create", "ann@example.com", "--password", PASSWORD)
    assert "(inactive, confirmed)" in result.output
    assert Browser(app).log_in().status_code == 400


def test_an_unconfirmed_user_gets_the_link(app: Vial) -> None:
    result = _run(
        app,
        "create",
        "ann@example.com",
        "--password",
        PASSWORD,
        "--active",
        "--unconfirmed",
    )
    assert "(active, not confirmed)" in result.output
    assert [m.subject for m in outbox(app)] == ["Confirm your e-mail address"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bad", "--password", PASSWORD], "Enter a valid e-mail address"),
        (["ann@example.com", "--password", "short"], "at least 8 characters"),
        (
            ["ann@example.com", "--password", PASSWORD, "--role", "nope"],
            "no role named 'nope'",
        ),
    ],
)
def test_create_refuses_bad_input(app: Vial, args: list[str], message: str) -> None:
    result = _run(app, "create", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert find_user(app, "ann@example.com") is None


def test_create_refuses_a_taken_address(app: Vial) -> None:
    add_user(app)
    result = _run(app, "create", "ANN@example.com", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "exists already" in result.output


def test_deactivate_and_activate(app: Vial) -> None:
    add_user(app)
    browser = Browser(app)
    browser.log_in()
    events: list[str] = []
    user_deactivated.connect(lambda app, user: events.append("off"), weak=False)
    user_activated.connect(lambda app, user: events.append("on"), weak=False)
    try:
        result = _run(app, "deactivate", "ann@example.com")
        assert result.output == "'ann@example.com' is deactivated.\n"
        assert browser.get("/login").status_code == 200  # logged out
        assert Browser(app).log_in().status_code == 400
        result = _run(app, "deactivate", "ann@example.com")
        assert "inactive already; nothing changed" in result.output
        result = _run(app, "activate", "ann@example.com")
        assert result.output == "'ann@example.com' is activated.\n"
        assert Browser(app).log_in().status_code == 302
    finally:
        user_deactivated.receivers.clear()
        user_activated.receivers.clear()
    assert events == ["off", "on"]


def test_reset_access_ends_every_login_and_token(app: Vial) -> None:
    add_user(app)
    browser = Browser(app)
    browser.log_in(remember=True)
    api = JSONClient(app)
    login = api.post(
        "/login?include_auth_token",
        json={"email": "ann@example.com", "password": PASSWORD},
    )
    token = login.get_json()["response"]["user"]["authentication_token"]
    reset: list[str] = []
    access_reset.connect(lambda app, user: reset.append(user.email), weak=False)
    try:
        result = _run(app, "reset-access", "ann@example.com")
    finally:
        access_reset.receivers.clear()
    assert result.exit_code == 0
    assert "stopped working" in result.output
    assert reset == ["ann@example.com"]
    assert browser.get("/change").status_code == 302  # sent to the login page
    other = JSONClient(app)
    other.token = token
    assert other.get("/change").status_code == 401
    # The password still works.
    assert Browser(app).log_in().status_code == 302


def test_list(app: Vial) -> None:
    assert "There are no users yet" in _run(app, "list").output
    add_user(app, "bob@example.com")
    add_user(app, "ann@example.com", confirmed=False, active=False)
    with app.app_context():
        datastore = get_datastore()
        datastore.create_role("admin")
        datastore.add_role_to_user(
            datastore.find_user(email="bob@example.com"), "admin"
        )
        datastore.commit()
    assert _run(app, "list").output == (
        "ann@example.com (inactive, not confirmed)\n"
        "bob@example.com (active, confirmed) roles: admin\n"
    )


def test_unknown_users_are_named(app: Vial) -> None:
    for command in ("activate", "deactivate", "reset-access"):
        result = _run(app, command, "nobody@example.com")
        assert result.exit_code == 1
        assert "No user has the e-mail address 'nobody@example.com'" in result.output
