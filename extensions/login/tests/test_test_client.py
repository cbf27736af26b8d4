from __future__ import annotations

import pytest
from support import body
from support import users

from vial import Vial
from vial_login import VialLoginClient


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


def test_client_without_login_manager() -> None:
    app = Vial("bare")
    app.config["SECRET_KEY"] = "k"
    app.test_client_class = VialLoginClient
    with pytest.raises(RuntimeError, match=r"create LoginManager\(app\)"):
        app.test_client(user=object())


def test_flask_login_name_is_the_same_client() -> None:
    from vial_login import FlaskLoginClient
    from vial_login.test_client import FlaskLoginClient as from_module

    assert FlaskLoginClient is VialLoginClient
    assert from_module is VialLoginClient
