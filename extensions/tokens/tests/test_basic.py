"""HTTPBasicAuth: the callbacks, and credentials a client should not send."""

from __future__ import annotations

import base64
import hashlib
import typing as t

import pytest
from support import basic
from support import JSON
from support import User
from support import UserStore

from vial import Vial
from vial.ext import get_request_user
from vial.ext import has_api_credentials
from vial_tokens import HTTPBasicAuth


@pytest.fixture
def auth(app: Vial, users: UserStore) -> HTTPBasicAuth:
    auth = HTTPBasicAuth()

    @auth.verify_password
    def verify(username: str, password: str) -> User | None:
        return users.check(username, password)

    @app.get("/me")
    @auth.login_required
    def me() -> str:
        return f"{auth.current_user().name} {auth.username()}"

    return auth


def test_right_credentials(app: Vial, auth: HTTPBasicAuth) -> None:
    response = app.test_client().get("/me", headers=basic("alice", "alice password"))
    assert response.data == b"alice alice"


def test_wrong_password(app: Vial, auth: HTTPBasicAuth) -> None:
    response = app.test_client().get("/me", headers=basic("alice", "guess"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Basic realm="Authentication Required"'
    )


def test_the_authenticated_user_is_the_request_user(
    app: Vial, auth: HTTPBasicAuth, users: UserStore
) -> None:
    @app.get("/who")
    @auth.login_required
    def who() -> str:
        return str(get_request_user() is users.users["bob"])

    response = app.test_client().get("/who", headers=basic("bob", "bob password"))
    assert response.data == b"True"
    assert "Set-Cookie" not in response.headers


def test_basic_credentials_are_not_api_credentials_by_default(
    app: Vial, auth: HTTPBasicAuth
) -> None:
    # A browser that logged in with basic auth sends the credentials with
    # forged requests too, so CSRF protection must stay on for them.
    with app.test_request_context(headers=basic("alice", "alice password")):
        assert not has_api_credentials()
    auth.init_app(app)
    with app.test_request_context(headers=basic("alice", "alice password")):
        assert has_api_credentials()


@pytest.mark.parametrize(
    "value",
    [
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(b"no colon here").decode(),
        "Basic " + base64.b64encode(b"alice:alice password").decode()[:-2],
        "Basic",
        "Basic ✓",
        "nonsense",
    ],
)
def test_unreadable_credentials_are_a_401_before_any_callback(
    app: Vial, value: str
) -> None:
    calls: list[tuple[str, str]] = []
    auth = HTTPBasicAuth()

    @auth.verify_password
    def verify(username: str, password: str) -> bool:
        calls.append((username, password))
        return True  # would let anonymous requests in

    @app.get("/open")
    @auth.login_required
    def open_view() -> str:
        return "in"

    response = app.test_client().get("/open", headers={"Authorization": value, **JSON})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
    assert response.json is not None
    assert response.json["reason"] == "malformed"
    assert calls == []


def test_a_huge_header_is_a_401(app: Vial, auth: HTTPBasicAuth) -> None:
    header = basic("alice", "x" * 50_000)
    response = app.test_client().get("/me", headers={**header, **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "too_long"


def test_the_length_limit_is_configurable(app: Vial, auth: HTTPBasicAuth) -> None:
    app.config["TOKENS_MAX_CREDENTIALS_LENGTH"] = 20
    response = app.test_client().get("/me", headers=basic("alice", "alice password"))
    assert response.status_code == 401


def test_a_non_utf8_password_is_a_401_not_a_500(app: Vial, auth: HTTPBasicAuth) -> None:
    response = app.test_client().get("/me", headers=basic(b"alice", b"\xff\xfe\x80"))
    assert response.status_code == 401


def test_latin1_credentials_are_read_as_latin1(app: Vial) -> None:
    auth = HTTPBasicAuth()
    auth.verify_password(lambda u, p: u if (u, p) == ("garçon", "été") else None)

    @app.get("/latin")
    @auth.login_required
    def latin() -> str:
        return str(auth.current_user())

    credentials = basic("garçon".encode("latin-1"), "été".encode("latin-1"))
    assert app.test_client().get("/latin", headers=credentials).text == "garçon"


def test_get_password_compares_in_constant_time_even_outside_ascii(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hmac

    compared: list[tuple[t.Any, t.Any]] = []
    real = hmac.compare_digest

    def spy(a: t.Any, b: t.Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    auth = HTTPBasicAuth()
    auth.get_password(lambda name: "pässword" if name == "ann" else None)

    @app.get("/pw")
    @auth.login_required
    def pw() -> str:
        return auth.username()

    client = app.test_client()
    assert client.get("/pw", headers=basic("ann", "pässword")).text == "ann"
    assert client.get("/pw", headers=basic("ann", "password")).status_code == 401
    assert client.get("/pw", headers=basic("bob", "pässword")).status_code == 401
    assert compared  # the secrets went through hmac.compare_digest


@pytest.mark.parametrize("two_arguments", [False, True])
def test_hash_password_with_one_or_two_arguments(
    app: Vial, two_arguments: bool
) -> None:
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    auth = HTTPBasicAuth(realm="Hashes")
    auth.get_password(lambda name: digest(f"{name}secret") if name == "ann" else None)
    if two_arguments:
        auth.hash_password(lambda name, password: digest(f"{name}{password}"))
    else:
        auth.hash_password(lambda password: digest(f"ann{password}"))

    @app.get("/hashed")
    @auth.login_required
    def hashed() -> str:
        return auth.username()

    client = app.test_client()
    assert client.get("/hashed", headers=basic("ann", "secret")).text == "ann"
    response = client.get("/hashed", headers=basic("ann", "wrong"))
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Hashes"'


def test_no_callback_refuses_everyone(app: Vial) -> None:
    auth = HTTPBasicAuth()

    @app.get("/nobody")
    @auth.login_required
    def nobody() -> str:
        return "in"

    response = app.test_client().get("/nobody", headers=basic("ann", ""))
    assert response.status_code == 401


def test_verify_password_sees_anonymous_requests(app: Vial) -> None:
    auth = HTTPBasicAuth()
    auth.verify_password(lambda u, p: "guest" if (u, p) == ("", "") else None)

    @app.get("/guest")
    @auth.login_required
    def guest() -> str:
        return str(auth.current_user())

    assert app.test_client().get("/guest").text == "guest"


def test_a_custom_scheme_still_reads_basic_credentials(
    app: Vial, users: UserStore
) -> None:
    auth = HTTPBasicAuth(scheme="xBasic")
    auth.verify_password(users.check)

    @app.get("/x")
    @auth.login_required
    def x() -> str:
        return auth.current_user().name  # type: ignore[no-any-return]

    client = app.test_client()
    response = client.get("/x")
    assert response.headers["WWW-Authenticate"].startswith("xBasic ")
    assert client.get("/x", headers=basic("bob", "bob password")).text == "bob"
    encoded = basic("bob", "bob password")["Authorization"].split()[1]
    assert (
        client.get("/x", headers={"Authorization": f"xBasic {encoded}"}).text == "bob"
    )


def test_other_schemes_count_as_no_credentials(app: Vial, auth: HTTPBasicAuth) -> None:
    response = app.test_client().get(
        "/me", headers={"Authorization": "Bearer abc", **JSON}
    )
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "missing"
