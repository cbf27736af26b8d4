from __future__ import annotations

import base64

from vial import Vial
from vial.testing import VialClient
from vial_tokens import new_alt_id

from toolshed.extensions import db

from support import member
from support import PASSWORD


def basic(email: str, password: str = PASSWORD) -> dict[str, str]:
    """The Authorization header of HTTP basic credentials."""
    pair = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def bearer(client: VialClient, email: str) -> dict[str, str]:
    """The Authorization header of a new token of the member ``email``."""
    response = client.post("/api/tokens", headers=basic(email))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_a_script_borrows_a_tool(client: VialClient) -> None:
    # A token for an e-mail address and password (HTTP basic) ...
    response = client.post("/api/tokens", headers=basic("bob@example.com"))
    token = response.get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    # ... then the shelf with the token: no session, no CSRF token.
    tools = client.get("/api/tools", headers=auth).get_json()["tools"]
    drill = next(tool for tool in tools if tool["name"] == "drill")
    assert (drill["owner"], drill["borrower"]) == ("Ann", None)
    response = client.post(f"/api/tools/{drill['id']}/borrow", headers=auth)
    assert response.status_code == 200
    assert response.get_json()["borrower"] == "Bob"
    response = client.post(f"/api/tools/{drill['id']}/return", headers=auth)
    assert response.get_json()["borrower"] is None
    assert client.get_cookie("session") is None


def test_wrong_credentials_get_no_token(client: VialClient) -> None:
    for headers in (basic("bob@example.com", "wrong"), basic("nobody@example.com"), {}):
        response = client.post("/api/tokens", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["code"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_requests_without_a_valid_token_are_refused(client: VialClient) -> None:
    response = client.get("/api/tools")
    assert response.status_code == 401
    assert response.get_json()["reason"] == "missing"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.get("/api/tools", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401
    assert response.get_json()["reason"] == "invalid"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_new_alt_id_revokes_the_tokens(app: Vial, client: VialClient) -> None:
    auth = bearer(client, "bob@example.com")
    assert client.get("/api/tools", headers=auth).status_code == 200
    with app.app_context():
        member("bob@example.com").alt_id = new_alt_id()
        db.session.commit()
    assert client.get("/api/tools", headers=auth).status_code == 401


def test_lending_rules_answer_409(client: VialClient, drill_id: int) -> None:
    response = client.post(
        f"/api/tools/{drill_id}/borrow", headers=bearer(client, "ann@example.com")
    )
    assert response.status_code == 409
    assert response.get_json() == {
        "code": 409,
        "name": "Conflict",
        "error": "The drill is yours; no need to borrow it.",
    }


def test_unknown_tools_answer_404_in_json(client: VialClient) -> None:
    response = client.post(
        "/api/tools/999/borrow", headers=bearer(client, "bob@example.com")
    )
    assert response.status_code == 404
    assert response.get_json()["error"] == "There is no such tool."


def test_loans_are_for_stewards(client: VialClient, drill_id: int) -> None:
    bob = bearer(client, "bob@example.com")
    client.post(f"/api/tools/{drill_id}/borrow", headers=bob)
    response = client.get("/api/loans", headers=bob)
    assert response.status_code == 403
    assert response.get_json()["name"] == "Forbidden"
    response = client.get("/api/loans", headers=bearer(client, "ann@example.com"))
    assert response.status_code == 200
    [loan] = response.get_json()["loans"]
    assert (loan["name"], loan["borrower_email"]) == ("drill", "bob@example.com")
