from __future__ import annotations

import typing as t

import pytest

from vial import Vial
from vial.ext import add_credentials_check
from vial.ext import get_request_user
from vial.ext import has_api_credentials
from vial.ext import identity_changed
from vial.ext import request_user_loaded
from vial.ext import set_request_user
from vial.wrappers import Request


def _has_bearer(request: Request) -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def test_no_check_means_no_api_credentials(app: Vial) -> None:
    with app.test_request_context(headers={"Authorization": "Bearer x"}):
        assert has_api_credentials() is False
    assert has_api_credentials() is False


def test_registered_checks_decide(app: Vial) -> None:
    add_credentials_check(app, _has_bearer)
    add_credentials_check(app, _has_bearer)  # registered once
    with app.test_request_context(headers={"Authorization": "Bearer x"}) as ctx:
        assert has_api_credentials() is True
        assert has_api_credentials(ctx.request) is True
    with app.test_request_context(headers={"Authorization": "Basic eDp5"}):
        assert has_api_credentials() is False
    # Checks belong to the app that registered them.
    other = Vial("other")
    with other.test_request_context(headers={"Authorization": "Bearer x"}):
        assert has_api_credentials() is False


def test_set_request_user_lasts_for_one_request(app: Vial) -> None:
    received: list[tuple[t.Any, t.Any]] = []

    def receiver(sender: t.Any, user: t.Any) -> None:
        received.append((sender, user))

    @app.route("/")
    def index() -> str:
        before = get_request_user()
        set_request_user("alice")
        return f"{before}-{get_request_user()}"

    with request_user_loaded.connected_to(receiver):
        client = app.test_client()
        assert client.get("/").get_data(as_text=True) == "None-alice"
        assert client.get("/").get_data(as_text=True) == "None-alice"
    assert received == [(app, "alice"), (app, "alice")]
    assert get_request_user() is None


def test_set_request_user_needs_a_request() -> None:
    with pytest.raises(RuntimeError, match="needs a request"):
        set_request_user("alice")


def test_identity_changed_is_a_named_signal() -> None:
    assert identity_changed.name == "identity-changed"
    assert request_user_loaded.name == "request-user-loaded"
