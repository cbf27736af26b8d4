"""HTTPDigestAuth: MD5 and MD5-sess, signed nonces, stale nonces, replays."""

from __future__ import annotations

import hashlib
import typing as t

import pytest
from support import JSON
from support import move_clock
from werkzeug.http import parse_dict_header

from vial import Vial
from vial.testing import VialClient
from vial_tokens import HTTPDigestAuth

PASSWORDS = {"ann": "ann secret", "bob": "bob secret"}


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def challenge(client: VialClient, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 401
    scheme, params = response.headers["WWW-Authenticate"].split(None, 1)
    assert scheme == "Digest"
    parsed = parse_dict_header(params)
    return {k: v for k, v in parsed.items() if v is not None}


def answer(
    params: dict[str, str],
    *,
    username: str = "ann",
    password: str = "ann secret",
    method: str = "GET",
    uri: str = "/private",
    qop: str | None = "auth",
    sess: bool = False,
    cnonce: str = "0a4f113b",
    nc: str = "00000001",
) -> dict[str, str]:
    """The Authorization header a client computes for a challenge."""
    ha1 = md5(f"{username}:{params['realm']}:{password}")
    if sess:
        ha1 = md5(f"{ha1}:{params['nonce']}:{cnonce}")
    ha2 = md5(f"{method}:{uri}")
    fields = [
        f'username="{username}"',
        f'realm="{params["realm"]}"',
        f'nonce="{params["nonce"]}"',
        f'uri="{uri}"',
        f'opaque="{params["opaque"]}"',
    ]
    if qop:
        response = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:{qop}:{ha2}")
        fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        response = md5(f"{ha1}:{params['nonce']}:{ha2}")
        if sess:
            fields.append(f'cnonce="{cnonce}"')
    fields.append(f'response="{response}"')
    return {"Authorization": "Digest " + ",".join(fields)}


def make_app(app: Vial, **options: t.Any) -> HTTPDigestAuth:
    auth = HTTPDigestAuth(**options)
    auth.get_password(PASSWORDS.get)

    @app.route("/private", methods=["GET", "POST"])
    @auth.login_required
    def private() -> str:
        return f"hello {auth.username()}"

    @app.get("/other")
    @auth.login_required
    def other() -> str:
        return "other"

    return auth


def test_the_challenge(app: Vial) -> None:
    make_app(app)
    params = challenge(app.test_client(), "/private")
    assert params["realm"] == "Authentication Required"
    assert params["algorithm"] == "MD5"
    assert params["qop"] == "auth"
    assert all(c in "0123456789abcdef" for c in params["nonce"] + params["opaque"])
    assert "stale" not in params


@pytest.mark.parametrize("qop", ["auth", None])
@pytest.mark.parametrize("algorithm", ["MD5", "MD5-Sess"])
def test_a_right_answer(app: Vial, qop: str | None, algorithm: str) -> None:
    make_app(app, qop=qop, algorithm=algorithm)
    client = app.test_client()
    params = challenge(client, "/private")
    sess = algorithm == "MD5-Sess"
    headers = answer(params, qop=qop, sess=sess)
    assert client.get("/private", headers=headers).text == "hello ann"


def test_stored_ha1(app: Vial) -> None:
    auth = HTTPDigestAuth(use_ha1_pw=True)
    auth.get_password(lambda name: auth.generate_ha1(name, PASSWORDS[name]))

    @app.get("/private")
    @auth.login_required
    def private() -> str:
        return auth.username()

    client = app.test_client()
    assert (
        client.get("/private", headers=answer(challenge(client, "/private"))).text
        == "ann"
    )


def test_wrong_password_or_user(app: Vial) -> None:
    make_app(app)
    client = app.test_client()
    params = challenge(client, "/private")
    assert (
        client.get("/private", headers=answer(params, password="x")).status_code == 401
    )
    unknown = answer(params, username="zed", password="x")
    assert client.get("/private", headers=unknown).status_code == 401


@pytest.fixture
def stale(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> tuple[VialClient, dict[str, str]]:
    """A client and the challenge it got, five minutes and a second ago."""
    make_app(app)
    client = app.test_client()
    params = challenge(client, "/private")
    move_clock(monkeypatch, 301)
    return client, params


def test_a_stale_nonce_is_answered_with_stale_true(
    stale: tuple[VialClient, dict[str, str]],
) -> None:
    client, params = stale
    response = client.get("/private", headers={**answer(params), **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "stale"
    fresh = parse_dict_header(response.headers["WWW-Authenticate"].split(None, 1)[1])
    assert fresh["stale"] == "TRUE"
    assert fresh["nonce"] != params["nonce"]
    # The client retries with the new nonce, without asking the user.
    retry = answer({k: v for k, v in fresh.items() if v is not None})
    assert client.get("/private", headers=retry).text == "hello ann"


def test_a_stale_nonce_with_a_wrong_password_is_not_stale(
    stale: tuple[VialClient, dict[str, str]],
) -> None:
    client, params = stale
    response = client.get("/private", headers=answer(params, password="wrong"))
    assert response.status_code == 401
    assert "stale" not in response.headers["WWW-Authenticate"]


def test_the_nonce_lifetime_is_configurable(
    app: Vial, stale: tuple[VialClient, dict[str, str]]
) -> None:
    app.config["TOKENS_DIGEST_NONCE_MAX_AGE"] = 3600
    client, params = stale
    assert client.get("/private", headers=answer(params)).status_code == 200


def test_a_captured_answer_does_not_open_another_url_or_method(app: Vial) -> None:
    make_app(app)
    client = app.test_client()
    headers = answer(challenge(client, "/private"))
    assert client.get("/private", headers=headers).status_code == 200
    # Replayed against another URL (the answer names /private) ...
    assert client.get("/other", headers=headers).status_code == 401
    # ... or with another method, or with a query string added.
    assert client.post("/private", headers=headers).status_code == 401
    assert client.get("/private?x=1", headers=headers).status_code == 401


def test_the_uri_may_carry_the_query(app: Vial) -> None:
    make_app(app)
    client = app.test_client()
    headers = answer(challenge(client, "/private"), uri="/private?page=2")
    assert client.get("/private?page=2", headers=headers).status_code == 200


def test_a_nonce_signed_by_another_app_is_refused(app: Vial) -> None:
    make_app(app)
    other = Vial("other")
    other.config["SECRET_KEY"] = "another key"
    make_app(other)
    foreign = challenge(other.test_client(), "/private")
    response = app.test_client().get("/private", headers=answer(foreign))
    assert response.status_code == 401


def test_a_nonce_of_another_realm_is_refused(app: Vial) -> None:
    auth = make_app(app)
    params = challenge(app.test_client(), "/private")
    auth.realm = "Elsewhere"
    params["realm"] = "Elsewhere"
    assert app.test_client().get("/private", headers=answer(params)).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"nonce": "00ff"},
        {"nonce": "zz"},
        {"opaque": "00ff"},
        {"realm": "Other"},
    ],
)
def test_tampered_values_are_refused(app: Vial, change: dict[str, str]) -> None:
    make_app(app)
    client = app.test_client()
    params = {**challenge(client, "/private"), **change}
    assert client.get("/private", headers=answer(params)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Digest",
        "Digest garbage",
        'Digest username="ann"',
        'Digest username="ann", realm="Authentication Required", nonce="ab",'
        ' uri="/private", response="ab", qop=auth-int, nc=1, cnonce="c"',
        "Digest " + "a" * 10_000,
    ],
)
def test_malformed_answers_are_a_401(app: Vial, header: str) -> None:
    make_app(app)
    response = app.test_client().get("/private", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Digest ")


def test_qop_auth_needs_nc_and_cnonce(app: Vial) -> None:
    make_app(app)
    client = app.test_client()
    headers = answer(challenge(client, "/private"))
    stripped = headers["Authorization"].replace('cnonce="0a4f113b"', 'cnonce=""')
    assert (
        client.get("/private", headers={"Authorization": stripped}).status_code == 401
    )


def test_the_client_algorithm_must_match(app: Vial) -> None:
    make_app(app)
    client = app.test_client()
    headers = answer(challenge(client, "/private"))
    headers["Authorization"] += ",algorithm=MD5-sess"
    assert client.get("/private", headers=headers).status_code == 401


def test_constructor_options() -> None:
    assert HTTPDigestAuth().qop == ["auth"]
    assert HTTPDigestAuth(qop=None).qop is None
    assert HTTPDigestAuth(qop="auth, auth-int").qop == ["auth", "auth-int"]
    assert HTTPDigestAuth(qop=["auth"]).qop == ["auth"]
    assert HTTPDigestAuth(algorithm="md5-sess").algorithm == "MD5-Sess"
    with pytest.raises(ValueError, match="MD5"):
        HTTPDigestAuth(algorithm="SHA-256")


def test_custom_nonce_hooks_for_single_use_nonces(app: Vial) -> None:
    # A store shared by the workers (Redis, a table) makes nonces single-use,
    # so a captured answer cannot be replayed at all.
    auth = make_app(app)
    issued: set[str] = set()
    counter = iter(range(1000))

    @auth.generate_nonce
    def new_nonce() -> str:
        nonce = f"{next(counter):032x}"
        issued.add(nonce)
        return nonce

    @auth.verify_nonce
    def use_nonce(nonce: str) -> bool:
        if nonce in issued:
            issued.remove(nonce)
            return True
        return False

    auth.generate_opaque(lambda: "0" * 32)
    auth.verify_opaque(lambda opaque: opaque == "0" * 32)
    client = app.test_client()
    params = challenge(client, "/private")
    assert params["nonce"] == f"{0:032x}"
    headers = answer(params)
    assert client.get("/private", headers=headers).status_code == 200
    assert client.get("/private", headers=headers).status_code == 401  # replay
