"""The blueprint: templates apps override, the stylesheet, and the answer to
a CSRF error raised by CSRFProtect before a view ran."""

from __future__ import annotations

from pathlib import Path

from support import add_user
from support import body
from support import Browser
from support import JSONClient
from support import make_app
from support import PASSWORD

from vial import Vial
from vial_wtf import CSRFProtect


def test_the_stylesheet_is_served(browser: Browser) -> None:
    response = browser.get("/accounts-static/accounts.css")
    assert response.status_code == 200
    assert "max-width" in response.text
    assert "@media" in response.text


def test_apps_override_the_page_templates(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "accounts"
    folder.mkdir(parents=True)
    (folder / "login.html").write_text(
        "<h1>Our login</h1><form action='/login'>{{ form.csrf_token }}</form>"
    )
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "instance")
    app.template_folder = str(tmp_path / "templates")
    page = Browser(app).get("/login")
    assert page.text.startswith("<h1>Our login</h1>")
    # The other pages keep the blueprint's templates.
    assert "Create an account" in Browser(app).get("/register").text


def test_a_logout_button_in_any_template(app: Vial) -> None:
    from vial import render_template_string

    @app.get("/menu")
    def menu() -> str:
        return render_template_string(
            "{% set logout = accounts_logout_form() %}"
            "<form method='post' action='{{ url_for(\"accounts.logout\") }}'>"
            "{{ logout.csrf_token }}<button>Log out</button></form>"
        )

    add_user(app)
    browser = Browser(app)
    browser.log_in()
    page = browser.get("/menu")
    response = browser.submit({}, page=page)
    assert response.status_code == 302
    assert browser.get("/change").status_code == 302  # logged out


def test_csrf_protect_errors_come_back_as_the_page(app: Vial) -> None:
    CSRFProtect(app)
    add_user(app)
    browser = Browser(app)
    response = browser.open(
        "/login", "POST", data={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The form has expired; reload the page and try again." in response.text
    assert 'value="ann@example.com"' in response.text
    assert browser.submit({"password": PASSWORD}, page=response).status_code == 302
    # JSON clients get the accounts' JSON.
    api = JSONClient(app)
    api.get("/login")
    response = api.post(
        "/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert body(response)["errors"] == [
        "The form has expired; reload the page and try again."
    ]
