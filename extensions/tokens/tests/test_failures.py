"""Refusal reasons, and the negotiated 401 and 403."""

from __future__ import annotations

import json

from vial import Vial
from vial_tokens.failures import auth_error
from vial_tokens.failures import clear_failure
from vial_tokens.failures import describe
from vial_tokens.failures import public_reason
from vial_tokens.failures import record_failure
from vial_tokens.failures import recorded_failure


def test_reasons_belong_to_one_request(app: Vial) -> None:
    with app.test_request_context():
        assert recorded_failure() is None
        record_failure("expired")
        record_failure("revoked")
        assert recorded_failure() == "revoked"
        clear_failure()
        assert recorded_failure() is None
        record_failure("invalid")
    with app.test_request_context():
        assert recorded_failure() is None


def test_outside_a_request_nothing_is_recorded() -> None:
    record_failure("invalid")
    clear_failure()
    assert recorded_failure() is None


def test_an_inactive_account_looks_like_bad_credentials() -> None:
    assert public_reason("inactive") == "invalid"
    assert describe("inactive") == describe("invalid")
    assert public_reason("expired") == "expired"


def test_auth_error_is_negotiated(app: Vial) -> None:
    error = auth_error(401, "expired", 'Bearer realm="api"')
    assert error.code == 401
    with app.test_request_context(headers={"Accept": "application/json"}) as ctx:
        environ = ctx.request.environ
        headers = dict(error.get_headers(environ))
        body = json.loads(error.get_body(environ))
    assert headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert headers["Content-Type"] == "application/json"
    assert body == {
        "code": 401,
        "name": "Unauthorized",
        "error": "The token has expired; get a new one.",
        "reason": "expired",
    }
    with app.test_request_context(headers={"Accept": "text/html"}) as ctx:
        assert "<p>The token has expired" in error.get_body(ctx.request.environ)
