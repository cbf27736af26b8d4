"""set_password, change_password and reset_access, from code."""

from __future__ import annotations

from support import add_user
from support import Browser
from support import find_user
from support import NEW_PASSWORD
from support import PASSWORD

from vial import Vial
from vial_accounts import change_password
from vial_accounts import get_datastore
from vial_accounts import reset_access
from vial_accounts.passwords import session_belongs_to
from vial_accounts.passwords import set_password


def test_set_password_renews_the_uniquifier(app: Vial) -> None:
    add_user(app)
    before = find_user(app, "ann@example.com")
    with app.app_context():
        set_password(get_datastore().find_user(email="ann@example.com"), NEW_PASSWORD)
    after = find_user(app, "ann@example.com")
    assert after.fs_uniquifier != before.fs_uniquifier
    assert after.password != before.password
    assert Browser(app).log_in(password=NEW_PASSWORD).status_code == 302


def test_change_password_outside_a_session_keeps_no_session(app: Vial) -> None:
    add_user(app)
    browser = Browser(app)
    browser.log_in()
    with app.test_request_context("/"):
        user = get_datastore().find_user(email="ann@example.com")
        assert session_belongs_to(user) is False
        change_password(user, NEW_PASSWORD)
    assert browser.get("/change").status_code == 302


def test_reset_access_keeps_the_password(app: Vial) -> None:
    add_user(app)
    browser = Browser(app)
    browser.log_in()
    with app.app_context():
        reset_access(get_datastore().find_user(email="ann@example.com"))
    assert browser.get("/change").status_code == 302
    assert Browser(app).log_in(password=PASSWORD).status_code == 302
