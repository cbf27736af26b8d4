"""Reset tokens and reset_password, from code."""

from __future__ import annotations

import pytest
from support import add_user
from support import Browser
from support import NEW_PASSWORD

from vial import Vial
from vial_accounts import get_datastore
from vial_accounts import LinkError
from vial_accounts import reset_password
from vial_accounts.recovery import reset_token
from vial_accounts.recovery import user_for_reset_token


def test_a_token_names_its_user_until_the_password_changes(app: Vial) -> None:
    add_user(app)
    with app.test_request_context("/"):
        user = get_datastore().find_user(email="ann@example.com")
        token = reset_token(user)
        assert user_for_reset_token(token) is user
        reset_password(user, NEW_PASSWORD)
        with pytest.raises(LinkError, match="used already"):
            user_for_reset_token(token)
    assert Browser(app).log_in(password=NEW_PASSWORD).status_code == 302


def test_a_deactivated_user_cannot_reset(app: Vial) -> None:
    add_user(app, active=False)
    with app.app_context():
        user = get_datastore().find_user(email="ann@example.com")
        token = reset_token(user)
        with pytest.raises(LinkError, match="disabled"):
            user_for_reset_token(token)
