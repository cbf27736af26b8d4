"""register_user, the confirmation token and confirm_user, from code."""

from __future__ import annotations

import pytest
from support import mails_to
from support import PASSWORD

from vial import Vial
from vial_accounts import confirm_user
from vial_accounts import DuplicateEmailError
from vial_accounts import LinkError
from vial_accounts import register_user
from vial_accounts.registration import confirmation_token
from vial_accounts.registration import user_for_confirmation_token


def test_register_user_hashes_commits_and_sends_the_link(app: Vial) -> None:
    with app.app_context():
        user = register_user("Ann@Example.com", PASSWORD)
        assert user.email == "ann@example.com"
        assert user.password.startswith("$pbkdf2-sha512$")
        with pytest.raises(DuplicateEmailError):
            register_user("ann@example.com", PASSWORD)
    assert [m.subject for m in mails_to(app, "ann@example.com")] == [
        "Confirm your e-mail address"
    ]


def test_tokens_confirm_their_user(app: Vial) -> None:
    with app.app_context():
        user = register_user("ann@example.com", PASSWORD)
        token = confirmation_token(user)
        assert user_for_confirmation_token(token) is user
        assert confirm_user(user) is True
        assert confirm_user(user) is False
        user.fs_uniquifier = "renewed"
        with pytest.raises(LinkError):
            user_for_confirmation_token(token)
