from __future__ import annotations

import pytest
from support import body
from support import users

from vial import Vial
from vial.testing import VialClient
from vial_login import FlaskLoginClient
from vial_login import VialLoginClient


def _me(client: VialClient) -> tuple[str | None, bool, bool]:
    """Return the user number, whether logged in and whether fresh."""
    me = body(client.get("/me"))
    user_id = me["id"]
    number = None if user_id is None else user_id.partition(":")[0]
    return number, me["authenticated"], me["fresh"]


def test_client_logged_in_as_user(app: Vial) -> None:
    app.test_client_class = VialLoginClient
    alice = users(app).by_name("alice")
    client = app.test_client(user=alice)
    assert client.get("/protected").get_data(as_text=True) == "hello alice"
    assert client.get("/fresh").get_data(as_text=True) == "fresh alice"
    me = body(client.get("/me"))
    assert me is not None
    assert me["id"] == alice.get_id()  # type: ignore[union-attr]
    assert me["fresh"] is True


def test_client_with_a_login_that_is_not_fresh(app: Vial) -> None:
    app.test_client_class = VialLoginClient
    client = app.test_client(user=users(app).by_name("bob"), fresh_login=False)
    assert client.get("/protected").get_data(as_text=True) == "hello bob"
    assert client.get("/fresh").location == "/reauth?next=%2Ffresh"


def test_client_without_user_is_anonymous(app: Vial) -> None:
    app.test_client_class = VialLoginClient
    assert app.test_client().get("/protected").status_code == 302


@pytest.mark.parametrize("client_class", [VialLoginClient, FlaskLoginClient])
def test_client_without_login_manager(client_class: type[VialLoginClient]) -> None:
    app = Vial("bare")
    app.config["SECRET_KEY"] = "k"
    app.test_client_class = client_class
    message = rf"create LoginManager\(app\) before creating a {client_class.__name__}"
    with pytest.raises(RuntimeError, match=message):
        app.test_client(user=object())


def test_flask_login_name_is_a_client_of_its_own() -> None:
    from vial_login.test_client import FlaskLoginClient as from_module

    assert from_module is FlaskLoginClient
    assert issubclass(FlaskLoginClient, VialLoginClient)
    assert FlaskLoginClient is not VialLoginClient


@pytest.mark.parametrize("client_class", [VialLoginClient, FlaskLoginClient])
@pytest.mark.parametrize("fresh", [True, False])
def test_without_session_protection_both_clients_keep_the_login(
    app: Vial, client_class: type[VialLoginClient], fresh: bool
) -> None:
    app.config["SESSION_PROTECTION"] = None
    app.test_client_class = client_class
    client = app.test_client(user=users(app).by_name("alice"), fresh_login=fresh)
    assert _me(client) == ("1", True, fresh)
    assert _me(client) == ("1", True, fresh)


@pytest.mark.parametrize("mode", ["basic", "strong"])
@pytest.mark.parametrize("fresh", [True, False])
def test_vial_client_binds_its_session_to_the_client(
    app: Vial, mode: str, fresh: bool
) -> None:
    app.config["SESSION_PROTECTION"] = mode
    app.test_client_class = VialLoginClient
    client = app.test_client(user=users(app).by_name("alice"), fresh_login=fresh)
    assert _me(client) == ("1", True, fresh)
    with client.session_transaction() as sess:
        assert sess["_id"]
    # The same session from another client trips the protection.
    with client.session_transaction() as sess:
        sess["_id"] = "another client"
    expected = ("1", True, False) if mode == "basic" else (None, False, False)
    assert _me(client) == expected


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("basic", ("1", True, False)), ("strong", (None, False, False))],
)
@pytest.mark.parametrize("fresh", [True, False])
def test_flask_client_trips_session_protection(
    app: Vial, mode: str, expected: tuple[str | None, bool, bool], fresh: bool
) -> None:
    # As in Flask-Login: "basic" makes the login not fresh, "strong" ends it.
    app.config["SESSION_PROTECTION"] = mode
    app.test_client_class = FlaskLoginClient
    client = app.test_client(user=users(app).by_name("alice"), fresh_login=fresh)
    with client.session_transaction() as sess:
        assert "_id" not in sess
    assert _me(client) == expected
    assert _me(client) == expected
    reauth = "/reauth" if mode == "basic" else "/login"
    assert client.get("/fresh").location == f"{reauth}?next=%2Ffresh"
