"""auth_required with sessions, tokens and HTTP basic auth; the session and
token loaders; the roles decorators re-exported."""

from __future__ import annotations

import base64

import pytest
from support import add_user
from support import body
from support import Browser
from support import JSONClient
from support import PASSWORD

from vial import Vial
from vial_accounts import auth_required
from vial_accounts import current_user
from vial_accounts import get_datastore
from vial_accounts import roles_accepted
from vial_accounts import roles_required


def _basic(email: str, password: str) -> dict[str, str]:
    credentials = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


@pytest.fixture
def views(app: Vial) -> Vial:
    @app.get("/any")
    @auth_required("session", "token", "basic")
    def any_mechanism() -> str:
        return f"hello {current_user.email}"

    @app.get("/session-only")
    @auth_required("session")
    def session_only() -> str:
        return "session"

    @app.get("/api/token-or-basic")
    @auth_required("token", "basic")
    def api() -> str:
        return f"api {current_user.email}"

    @app.get("/admin")
    @roles_required("admin")
    def admin() -> str:
        return "admin"

    @app.get("/staff")
    @roles_accepted("admin", "editor")
    def staff() -> str:
        return "staff"

    # A token authenticates only where auth_required asks for it.
    @app.get("/api/staff")
    @auth_required("token")
    @roles_accepted("admin", "editor")
    def api_staff() -> str:
        return "api staff"

    add_user(app)
    return app


def _token(app: Vial) -> str:
    response = JSONClient(app).post(
        "/login?include_auth_token",
        json={"email": "ann@example.com", "password": PASSWORD},
    )
    return str(body(response)["user"]["authentication_token"])


def test_each_listed_mechanism_lets_the_request_in(views: Vial) -> None:
    browser = Browser(views)
    browser.log_in()
    assert browser.get("/any").text == "hello ann@example.com"
    api = JSONClient(views)
    api.token = _token(views)
    assert api.get("/any").text == "hello ann@example.com"
    response = JSONClient(views).get(
        "/any", headers=_basic("ann@example.com", PASSWORD)
    )
    assert response.text == "hello ann@example.com"


def test_a_mechanism_not_listed_does_not_count(views: Vial) -> None:
    api = JSONClient(views)
    api.token = _token(views)
    assert api.get("/session-only").status_code == 401
    browser = Browser(views)
    browser.log_in()
    assert browser.get("/api/token-or-basic").status_code == 401


def test_refusals_by_client(views: Vial) -> None:
    browser = Browser(views)
    response = browser.get("/any")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fany"
    response = JSONClient(views).get("/any")
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert "Basic realm=" in challenge
    response = JSONClient(views).get("/api/token-or-basic")
    assert response.status_code == 401
    assert response.get_json()["error"] == "Log in to see this page."


def test_wrong_credentials_are_refused(views: Vial) -> None:
    api = JSONClient(views)
    api.token = "not-a-token"
    assert api.get("/any").status_code == 401
    response = JSONClient(views).get("/any", headers=_basic("ann@example.com", "wrong"))
    assert response.status_code == 401
    response = JSONClient(views).get("/any", headers={"Authorization": "Basic !!!"})
    assert response.status_code == 401


def test_basic_auth_writes_no_session(views: Vial) -> None:
    client = views.test_client()
    response = client.get(
        "/api/token-or-basic", headers=_basic("ann@example.com", PASSWORD)
    )
    assert response.text == "api ann@example.com"
    assert "Set-Cookie" not in response.headers
    assert client.get("/api/token-or-basic").status_code == 401


def test_a_deactivated_user_loses_sessions_and_tokens(views: Vial) -> None:
    browser = Browser(views)
    browser.log_in()
    api = JSONClient(views)
    api.token = _token(views)
    with views.app_context():
        datastore = get_datastore()
        datastore.deactivate_user(datastore.find_user(email="ann@example.com"))
        datastore.commit()
    assert browser.get("/any").status_code == 302
    assert api.get("/any").status_code == 401
    response = JSONClient(views).get(
        "/any", headers=_basic("ann@example.com", PASSWORD)
    )
    assert response.status_code == 401


def test_roles_decorators_read_the_accounts_datastore(views: Vial) -> None:
    with views.app_context():
        datastore = get_datastore()
        datastore.create_role("admin")
        datastore.create_role("editor")
        datastore.commit()
    browser = Browser(views)
    browser.log_in()
    assert browser.get("/admin").status_code == 403
    assert browser.get("/staff").status_code == 403
    with views.app_context():
        datastore = get_datastore()
        datastore.add_role_to_user(
            datastore.find_user(email="ann@example.com"), "editor"
        )
        datastore.commit()
    assert browser.get("/staff").text == "staff"
    assert browser.get("/admin").status_code == 403
    api = JSONClient(views)
    api.token = _token(views)
    assert api.get("/api/staff").text == "api staff"
    assert api.get("/staff").status_code == 401


def test_options_requests_pass(views: Vial) -> None:
    response = views.test_client().options("/any")
    assert response.status_code == 200


def test_auth_required_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="does not know"):
        auth_required("cookie")
    with pytest.raises(TypeError, match=r"with\s+parentheses"):
        auth_required(lambda: "x")  # type: ignore[arg-type]


def test_no_mechanism_given_means_session_and_token(views: Vial) -> None:
    @views.get("/default")
    @auth_required()
    def default() -> str:
        return "ok"

    api = JSONClient(views)
    api.token = _token(views)
    assert api.get("/default").text == "ok"
    response = JSONClient(views).get(
        "/default", headers=_basic("ann@example.com", PASSWORD)
    )
    assert response.status_code == 401
