from __future__ import annotations

import json
import logging
import typing as t
import urllib.request
from urllib.error import URLError
from urllib.parse import parse_qs

import pytest

from vial import Vial
from vial.testing import VialClient
from vial_wtf import Recaptcha
from vial_wtf import RecaptchaField
from vial_wtf import VialForm
from vial_wtf.config import RECAPTCHA_VERIFY_SERVER
from vial_wtf.recaptcha import validators
from vial_wtf.recaptcha.validators import RECAPTCHA_ERROR_CODES
from vial_wtf.recaptcha.validators import UNAVAILABLE

MISSING = RECAPTCHA_ERROR_CODES["missing-input-response"]


class CaptchaForm(VialForm):
    class Meta:
        csrf = False

    captcha = RecaptchaField()


class _Reply:
    """What urllib.request.urlopen returns, as far as the validator reads it."""

    def __init__(self, body: t.Any, code: int = 200) -> None:
        self.code = code
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.closed = False

    def read(self) -> bytes:
        return self.body

    def close(self) -> None:
        self.closed = True


class VerifyServer:
    """Replaces urlopen: records each request and gives the next reply."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, t.Any]]] = []
        self.replies: list[_Reply | Exception] = []
        monkeypatch.setattr(validators.http, "urlopen", self)

    def __call__(self, url: str, data: bytes, **kwargs: t.Any) -> _Reply:
        self.requests.append((url, parse_qs(data.decode()), kwargs))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> VerifyServer:
    return VerifyServer(monkeypatch)


def _errors(app: Vial, **context: t.Any) -> list[str]:
    context.setdefault("method", "POST")
    with app.test_request_context(**context):
        form = CaptchaForm()
        form.validate()
        return list(form.captcha.errors)


def _answered(app: Vial) -> list[str]:
    return _errors(
        app,
        data={"g-recaptcha-response": "answer"},
        environ_base={"REMOTE_ADDR": "1.2.3.4"},
    )


def test_http_is_urllib_request() -> None:
    # Flask-WTF's tests replace http.urlopen through this name.
    assert validators.http is urllib.request


def test_right_answer(recaptcha_app: Vial, server: VerifyServer) -> None:
    reply = _Reply({"success": True})
    server.replies.append(reply)
    assert _answered(recaptcha_app) == []
    url, data, kwargs = server.requests[0]
    assert url == RECAPTCHA_VERIFY_SERVER
    assert data == {
        "secret": ["secret-key"],
        "response": ["answer"],
        "remoteip": ["1.2.3.4"],
    }
    # No timeout unless configured, as Flask-WTF calls urlopen(url, data).
    assert kwargs == {}
    assert reply.closed


def test_timeout_and_verify_server_settings(
    recaptcha_app: Vial, server: VerifyServer
) -> None:
    recaptcha_app.config.update(
        WTF_RECAPTCHA_TIMEOUT=5, RECAPTCHA_VERIFY_SERVER="https://h.example/verify"
    )
    server.replies.append(_Reply({"success": True}))
    assert _answered(recaptcha_app) == []
    url, _, kwargs = server.requests[0]
    assert (url, kwargs) == ("https://h.example/verify", {"timeout": 5})


@pytest.mark.parametrize("code", sorted(RECAPTCHA_ERROR_CODES))
def test_error_codes_about_the_answer(
    recaptcha_app: Vial, server: VerifyServer, code: str
) -> None:
    server.replies.append(_Reply({"success": False, "error-codes": [code]}))
    assert _answered(recaptcha_app) == [RECAPTCHA_ERROR_CODES[code]]


def test_wrong_answer_without_a_known_code(
    recaptcha_app: Vial, server: VerifyServer
) -> None:
    server.replies.append(_Reply({"success": False, "error-codes": ["bad-request"]}))

    class Form(VialForm):
        class Meta:
            csrf = False

        captcha = RecaptchaField(validators=[Recaptcha("Try again, robot.")])

    with recaptcha_app.test_request_context(
        method="POST", data={"g-recaptcha-response": "answer"}
    ):
        form = Form()
        assert not form.validate()
        assert form.captcha.errors == ["Try again, robot."]
        assert form.captcha.recaptcha_error == "incorrect-captcha-sol"


def test_verify_server_refusing_the_request(
    recaptcha_app: Vial, server: VerifyServer
) -> None:
    server.replies.append(_Reply({"success": True}, code=400))
    assert _answered(recaptcha_app) == [MISSING]


@pytest.mark.parametrize(
    "reply",
    [
        URLError("no route to host"),
        TimeoutError("timed out"),
        _Reply(b"<html>busy</html>"),
        _Reply(["not", "an", "object"]),
        _Reply({"success": False, "error-codes": ["invalid-input-secret"]}),
    ],
    ids=["unreachable", "timeout", "not-json", "not-an-object", "bad-secret"],
)
def test_verify_server_trouble_is_not_a_server_error(
    recaptcha_app: Vial,
    server: VerifyServer,
    caplog: pytest.LogCaptureFixture,
    reply: _Reply | Exception,
) -> None:
    server.replies.append(reply)
    with caplog.at_level(logging.WARNING, logger="vial_wtf.recaptcha"):
        assert _answered(recaptcha_app) == [UNAVAILABLE]
    assert caplog.records


def test_missing_answer_asks_nothing(recaptcha_app: Vial, server: VerifyServer) -> None:
    assert _errors(recaptcha_app) == [MISSING]
    assert _errors(recaptcha_app, data={"g-recaptcha-response": ""}) == [MISSING]
    assert server.requests == []


def test_answer_from_a_json_body(recaptcha_app: Vial, server: VerifyServer) -> None:
    server.replies.append(_Reply({"success": True}))
    assert _errors(recaptcha_app, json={"g-recaptcha-response": "answer"}) == []
    assert server.requests[0][1]["response"] == ["answer"]
    assert _errors(recaptcha_app, json={"g-recaptcha-response": 5}) == [MISSING]
    # A body that is not a JSON object: a form reading it answers 400 itself;
    # one given its data explicitly leaves the validator to find no answer.
    for body in ([1, 2], "text"):
        with recaptcha_app.test_request_context(method="POST", json=body):
            form = CaptchaForm(None)
            assert not form.validate()
            assert form.captcha.errors == [MISSING]


def test_missing_private_key_is_a_clear_error(
    recaptcha_app: Vial, server: VerifyServer
) -> None:
    del recaptcha_app.config["RECAPTCHA_PRIVATE_KEY"]
    with pytest.raises(RuntimeError, match=r"RECAPTCHA_PRIVATE_KEY.*secret key"):
        _answered(recaptcha_app)


def test_testing_and_disabled_ask_nothing(
    recaptcha_app: Vial, server: VerifyServer
) -> None:
    recaptcha_app.testing = True
    assert _errors(recaptcha_app) == []
    recaptcha_app.testing = False
    recaptcha_app.config["RECAPTCHA_ENABLED"] = False
    assert _errors(recaptcha_app) == []
    assert server.requests == []


def test_over_http(recaptcha_app: Vial, server: VerifyServer) -> None:
    @recaptcha_app.post("/signup")
    def signup() -> t.Any:
        form = CaptchaForm()
        if form.validate_on_submit():
            return {"ok": True}
        return form.errors_response()

    client: VialClient = recaptcha_app.test_client()
    server.replies += [
        _Reply({"success": True}),
        _Reply({"success": False, "error-codes": ["timeout-or-duplicate"]}),
    ]
    data = {"g-recaptcha-response": "answer"}
    assert client.post("/signup", data=data).json == {"ok": True}
    assert client.post("/signup", data=data).json == {
        "errors": {"captcha": [RECAPTCHA_ERROR_CODES["timeout-or-duplicate"]]}
    }
    assert client.post("/signup").status_code == 400
