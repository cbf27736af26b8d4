from __future__ import annotations

from vial import Vial
from vial.testing import VialClient
from vial_roles import revoke_role

from support import Browser
from support import member
from support import tool


def test_everyone_sees_the_shelf(client: VialClient) -> None:
    page = client.get("/").text
    assert "drill" in page
    assert "Lent by Ann." in page
    assert "Borrow" not in page  # only for members who are logged in


def test_adding_a_tool(app: Vial, browser: Browser) -> None:
    browser.log_in("bob@example.com")
    form = {"name": "ladder", "notes": "Three metres."}
    response = browser.submit("/tools/new", form)
    assert response.status_code == 302
    assert "The ladder is on the shelf." in browser.client.get("/").text
    with app.app_context():
        assert tool("ladder").owner.name == "Bob"


def test_a_tool_needs_a_name(browser: Browser) -> None:
    browser.log_in("bob@example.com")
    page = browser.submit("/tools/new", {"name": "", "notes": ""}).text
    assert "This field is required." in page


def test_borrowing_needs_a_login(browser: Browser, drill_id: int) -> None:
    # A visitor's form, with a valid CSRF token, from the login page.
    response = browser.submit("/auth/login", action=f"/tools/{drill_id}/borrow")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_borrow_and_return(app: Vial, browser: Browser, drill_id: int) -> None:
    browser.log_in("bob@example.com")
    browser.submit("/", action=f"/tools/{drill_id}/borrow")
    page = browser.client.get("/").text
    assert "Enjoy the drill; Ann lent it to you." in page
    assert "With Bob since" in page
    browser.submit("/", action=f"/tools/{drill_id}/return")
    assert "The drill is back on the shelf." in browser.client.get("/").text
    with app.app_context():
        assert tool("drill").borrower is None


def test_lending_rules_are_flashed(browser: Browser, drill_id: int) -> None:
    browser.log_in("ann@example.com")
    response = browser.submit("/", action=f"/tools/{drill_id}/borrow")
    assert response.status_code == 302
    assert "The drill is yours; no need to borrow it." in browser.client.get("/").text


def test_unknown_tools_are_404(browser: Browser) -> None:
    browser.log_in("bob@example.com")
    assert browser.submit("/", action="/tools/999/borrow").status_code == 404


def test_only_the_owner_or_a_steward_removes(browser: Browser, drill_id: int) -> None:
    browser.log_in("bob@example.com")
    assert browser.submit("/", action=f"/tools/{drill_id}/remove").status_code == 403
    browser.submit("/", action="/auth/logout")
    browser.log_in("ann@example.com")
    assert browser.submit("/", action=f"/tools/{drill_id}/remove").status_code == 302
    assert "The drill is off the shelf." in browser.client.get("/").text


def test_loans_page_is_for_stewards(browser: Browser, drill_id: int) -> None:
    assert browser.client.get("/loans").status_code == 302  # to the login page
    browser.log_in("bob@example.com")
    browser.submit("/", action=f"/tools/{drill_id}/borrow")
    assert "Loans" not in browser.client.get("/").text
    assert browser.client.get("/loans").status_code == 403
    browser.submit("/", action="/auth/logout")
    browser.log_in("ann@example.com")
    page = browser.client.get("/loans").text
    assert '<a href="mailto:bob@example.com">Bob</a>' in page


def test_a_steward_loses_the_page_with_the_role(app: Vial, browser: Browser) -> None:
    browser.log_in("ann@example.com")
    assert browser.client.get("/loans").status_code == 200
    with app.app_context():
        revoke_role(member("ann@example.com"), "steward")
    assert browser.client.get("/loans").status_code == 403
