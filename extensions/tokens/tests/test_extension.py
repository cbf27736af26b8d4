"""TokenAuth: issuing and checking signed and opaque tokens, and the attacks."""

from __future__ import annotations

import base64
import json
import typing as t
from datetime import datetime
from datetime import timedelta

import pytest
from support import bearer
from support import JSON
from support import move_clock
from support import User
from support import UserStore

from vial import Vial
from vial.ext import get_request_user
from vial.ext import get_serializer
from vial.ext import has_api_credentials
from vial.ext import request_user_loaded
from vial_tokens import MemoryTokenStore
from vial_tokens import new_alt_id
from vial_tokens import TokenAuth
from vial_tokens.state import STATE


def setup_app(app: Vial, users: UserStore, **options: t.Any) -> TokenAuth:
    """Set TokenAuth up on ``app`` with a user loader, roles and two views."""
    tokens = TokenAuth(app, **options)
    tokens.user_loader(users.by_alt_id)

    @tokens.get_user_roles
    def roles(user: User) -> set[str]:
        return user.roles

    @app.route("/me", methods=["GET", "POST"])
    @tokens.login_required
    def me() -> dict[str, t.Any]:
        return {"name": tokens.current_user().name}

    @app.get("/admin")
    @tokens.login_required(role="admin")
    def admin() -> str:
        return "admin area"

    return tokens


@pytest.fixture
def tokens(app: Vial, users: UserStore) -> TokenAuth:
    return setup_app(app, users, store=MemoryTokenStore())


def issue(app: Vial, tokens: TokenAuth, user: User, **kwargs: t.Any) -> str:
    with app.app_context():
        return tokens.issue_token(user, **kwargs)


def issue_opaque(app: Vial, tokens: TokenAuth, user: User, **kwargs: t.Any) -> str:
    with app.app_context():
        return tokens.issue_opaque_token(user, **kwargs).token


# Setup


def test_both_ways_of_setting_up(users: UserStore) -> None:
    direct = Vial("direct")
    direct.config["SECRET_KEY"] = "k"
    TokenAuth(direct)
    factory = Vial("factory")
    factory.config["SECRET_KEY"] = "k"
    tokens = TokenAuth()
    tokens.init_app(factory)
    assert STATE.get(direct).auth is not tokens
    assert STATE.get(factory).auth is tokens
    assert direct.config["TOKENS_MAX_AGE"] == timedelta(days=1)
    assert direct.config["TOKENS_QUERY_PARAMETER"] is None


def test_one_object_serves_many_apps(users: UserStore) -> None:
    tokens = TokenAuth()
    apps = []
    for key in ("first key", "second key"):
        app = Vial(f"app-{key}")
        app.config.update(SECRET_KEY=key)
        tokens.init_app(app)
        apps.append(app)
    tokens.user_loader(users.by_alt_id)
    alice = users.users["alice"]
    token = issue(apps[0], tokens, alice)
    with apps[0].test_request_context():
        assert tokens.user_for_token(token) is alice
    with apps[1].test_request_context():
        assert tokens.user_for_token(token) is None  # other app, other key


def test_second_init_app_is_an_error(app: Vial) -> None:
    tokens = TokenAuth(app)
    with pytest.raises(RuntimeError, match="already set up"):
        tokens.init_app(app)
    with pytest.raises(RuntimeError, match="already set up"):
        TokenAuth(app)


def test_use_on_an_app_never_set_up_names_init_app(users: UserStore) -> None:
    tokens = TokenAuth()
    app = Vial("bare")
    app.config["SECRET_KEY"] = "k"
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        tokens.issue_token(users.users["alice"])


def test_a_view_on_an_app_never_set_up_names_init_app() -> None:
    tokens = TokenAuth()
    app = Vial("bare")
    app.testing = True

    @app.get("/me")
    @tokens.login_required
    def me() -> str:
        return "me"

    with pytest.raises(RuntimeError, match="init_app"):
        app.test_client().get("/me")


def test_a_missing_secret_key_fails_at_init_app() -> None:
    app = Vial("no_key")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        TokenAuth(app)
    assert not STATE.is_registered(app)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("TOKENS_MAX_AGE", None),
        ("TOKENS_MAX_AGE", "a day"),
        ("TOKENS_SCHEME", "Bearer token"),
        ("TOKENS_HEADER", ""),
        ("TOKENS_OPAQUE_MAX_AGE", "forever"),
    ],
)
def test_unusable_settings_fail_at_init_app(app: Vial, key: str, value: t.Any) -> None:
    app.config[key] = value
    with pytest.raises((ValueError, TypeError), match=key):
        TokenAuth(app)
    assert not STATE.is_registered(app)


def test_scheme_realm_and_header_come_from_the_config(
    app: Vial, tokens: TokenAuth
) -> None:
    app.config.update(TOKENS_SCHEME="Token", TOKENS_REALM="api")
    with app.app_context():
        assert (tokens.scheme, tokens.realm, tokens.header) == (
            "Token",
            "api",
            "Authorization",
        )
        with pytest.raises(AttributeError, match="TOKENS_SCHEME"):
            tokens.scheme = "Other"


def test_a_missing_user_loader_is_a_clear_error(app: Vial, users: UserStore) -> None:
    tokens = TokenAuth(app)
    token = issue(app, tokens, users.users["alice"])
    with app.test_request_context(), pytest.raises(RuntimeError, match="user_loader"):
        tokens.user_for_token(token)


# Signed tokens


def test_a_signed_token_authenticates(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue(app, tokens, users.users["alice"])
    response = app.test_client().get("/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json == {"name": "alice"}


def test_the_scheme_is_compared_without_case(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue(app, tokens, users.users["alice"])
    response = app.test_client().get("/me", headers=bearer(token, "bEARER"))
    assert response.status_code == 200


def test_no_token_is_a_401_with_a_challenge(app: Vial, tokens: TokenAuth) -> None:
    response = app.test_client().get("/me", headers=JSON)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="Authentication Required"'
    )
    assert response.json is not None
    assert response.json["reason"] == "missing"


def test_a_browser_gets_an_html_page(app: Vial, tokens: TokenAuth) -> None:
    response = app.test_client().get("/me", headers={"Accept": "text/html"})
    assert response.status_code == 401
    assert response.mimetype == "text/html"
    assert "WWW-Authenticate" in response.headers


def test_an_expired_token_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue(app, tokens, users.users["alice"])
    app.config["TOKENS_MAX_AGE"] = 60
    move_clock(monkeypatch, 61)
    response = app.test_client().get("/me", headers={**bearer(token), **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "expired"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_shorter_lifetime_is_honoured(
    app: Vial, tokens: TokenAuth, users: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue(app, tokens, users.users["alice"], expires_in=timedelta(seconds=30))
    client = app.test_client()
    assert client.get("/me", headers=bearer(token)).status_code == 200
    move_clock(monkeypatch, 31)
    response = client.get("/me", headers={**bearer(token), **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "expired"


def test_a_lifetime_over_the_maximum_is_an_error(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    with pytest.raises(ValueError, match="TOKENS_MAX_AGE"):
        issue(app, tokens, users.users["alice"], expires_in=timedelta(days=2))


def _tamper(token: str, payload: dict[str, t.Any]) -> str:
    """Replace the payload of a signed token, keeping its signature."""
    _, timestamp, signature = token.split(".")
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
    return ".".join([body.decode(), timestamp, signature])


def test_a_forged_token_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue(app, tokens, users.users["bob"])
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = app.test_client().get("/me", headers={**bearer(forged), **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "invalid"


def test_privilege_escalation_through_a_tampered_token_fails(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    # Bob's token, its payload swapped for Alice's (an admin) id, or given
    # roles: the signature no longer matches.
    token = issue(app, tokens, users.users["bob"])
    client = app.test_client()
    assert client.get("/admin", headers=bearer(token)).status_code == 403
    alice_id = users.users["alice"].fs_uniquifier
    for payload in (
        {"u": alice_id},
        {"u": users.users["bob"].fs_uniquifier, "r": ["admin"]},
    ):
        response = client.get("/admin", headers=bearer(_tamper(token, payload)))
        assert response.status_code == 401


def test_a_token_signed_with_another_apps_key_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice = users.users["alice"]
    other = Vial("other")
    other.config["SECRET_KEY"] = "another app's key"
    with other.app_context():
        foreign = get_serializer("vial-tokens.access").dumps({"u": alice.fs_uniquifier})
    response = app.test_client().get("/me", headers=bearer(foreign))
    assert response.status_code == 401


def test_a_token_of_another_salt_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    # A value the app signed for another purpose cannot pass for a token.
    with app.app_context():
        other = get_serializer("vial-login.remember").dumps(
            {"u": users.users["alice"].fs_uniquifier}
        )
    assert app.test_client().get("/me", headers=bearer(other)).status_code == 401


def test_key_rotation_keeps_old_tokens_valid(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue(app, tokens, users.users["alice"])
    app.config.update(
        SECRET_KEY="the new key", SECRET_KEY_FALLBACKS=["test secret key"]
    )
    client = app.test_client()
    assert client.get("/me", headers=bearer(token)).status_code == 200
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/me", headers=bearer(token)).status_code == 401


def test_rotating_the_alt_id_revokes_every_token(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice = users.users["alice"]
    signed = issue(app, tokens, alice)
    opaque = issue_opaque(app, tokens, alice)
    alice.fs_uniquifier = new_alt_id()
    client = app.test_client()
    for token in (signed, opaque):
        assert client.get("/me", headers=bearer(token)).status_code == 401
    assert (
        client.get("/me", headers=bearer(issue(app, tokens, alice))).status_code == 200
    )


def test_a_loader_matching_on_something_else_cannot_revive_a_token(
    app: Vial, users: UserStore
) -> None:
    # The loader ignores the id and returns Alice: her current id must
    # still be the one in the token.
    alice = users.users["alice"]
    tokens = TokenAuth(app)
    tokens.user_loader(lambda alt_id: alice)
    token = issue(app, tokens, alice)
    alice.fs_uniquifier = new_alt_id()
    with app.test_request_context():
        assert tokens.user_for_token(token) is None


def test_a_deactivated_users_tokens_are_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    carol = users.users["carol"]
    client = app.test_client()
    for token in (issue(app, tokens, carol), issue_opaque(app, tokens, carol)):
        response = client.get("/me", headers={**bearer(token), **JSON})
        assert response.status_code == 401
        assert response.json is not None
        assert response.json["reason"] == "invalid"  # not "inactive": no telling


def test_a_wrong_scheme_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue(app, tokens, users.users["alice"])
    client = app.test_client()
    for scheme in ("Basic", "Token", "Bearerx"):
        response = client.get("/me", headers=bearer(token, scheme))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize(
    "value",
    ["Bearer", "Bearer ", "tokenwithoutscheme", "Bearer not.a.token", "Bearer ✓✓✓"],
)
def test_malformed_tokens_are_a_401(app: Vial, tokens: TokenAuth, value: str) -> None:
    response = app.test_client().get("/me", headers={"Authorization": value})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


def test_a_huge_token_is_refused_before_decoding(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    huge = "A" * 100_000
    response = app.test_client().get("/me", headers={**bearer(huge), **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "too_long"


def test_roles_are_read_from_the_user_on_each_request(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice = users.users["alice"]
    token = issue(app, tokens, alice)
    client = app.test_client()
    assert client.get("/admin", headers=bearer(token)).data == b"admin area"
    alice.roles.discard("admin")
    response = client.get("/admin", headers={**bearer(token), **JSON})
    assert response.status_code == 403
    assert response.json is not None
    assert response.json["reason"] == "forbidden"
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


# Where the token comes from


def test_query_parameter_tokens_are_off_by_default(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue(app, tokens, users.users["alice"])
    assert app.test_client().get(f"/me?access_token={token}").status_code == 401


def test_query_parameter_tokens_when_switched_on(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    app.config["TOKENS_QUERY_PARAMETER"] = "access_token"
    token = issue(app, tokens, users.users["alice"])
    assert app.test_client().get(f"/me?access_token={token}").status_code == 200


def test_a_custom_header(app: Vial, users: UserStore) -> None:
    app.config["TOKENS_HEADER"] = "X-API-Key"
    tokens = setup_app(app, users)
    token = issue(app, tokens, users.users["alice"])
    client = app.test_client()
    assert client.get("/me", headers={"X-API-Key": token}).status_code == 200
    assert client.get("/me", headers=bearer(token)).status_code == 401


# Opaque tokens


def test_an_opaque_token_authenticates_and_records_its_use(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice = users.users["alice"]
    with app.app_context():
        issued = tokens.issue_opaque_token(alice, name="laptop")
    assert issued.token.startswith("vto_")
    assert issued.record.last_used_at is None
    assert issued.token not in repr(issued.record)  # only the hash is kept
    client = app.test_client()
    assert client.get("/me", headers=bearer(issued.token)).json == {"name": "alice"}
    with app.app_context():
        (record,) = tokens.list_tokens(alice)
    assert record.name == "laptop"
    assert record.last_used_at is not None


def test_last_used_is_written_at_most_once_per_interval(
    app: Vial, users: UserStore
) -> None:
    writes: list[datetime] = []

    class CountingStore(MemoryTokenStore):
        def touch(self, token_id: str, when: datetime) -> None:
            writes.append(when)
            super().touch(token_id, when)

    tokens = setup_app(app, users, store=CountingStore())
    token = issue_opaque(app, tokens, users.users["alice"])
    client = app.test_client()
    for _ in range(3):
        assert client.get("/me", headers=bearer(token)).status_code == 200
    assert len(writes) == 1
    app.config["TOKENS_LAST_USED_INTERVAL"] = 0
    client.get("/me", headers=bearer(token))
    assert len(writes) == 2


def test_revoking_one_opaque_token(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice = users.users["alice"]
    first = issue_opaque(app, tokens, alice)
    second = issue_opaque(app, tokens, alice)
    with app.app_context():
        assert tokens.revoke_token(first)
        assert not tokens.revoke_token(first)
    client = app.test_client()
    response = client.get("/me", headers={**bearer(first), **JSON})
    assert response.status_code == 401
    assert response.json is not None
    assert response.json["reason"] == "revoked"
    assert client.get("/me", headers=bearer(second)).status_code == 200


def test_revoking_all_opaque_tokens_of_a_user(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice, bob = users.users["alice"], users.users["bob"]
    alice_tokens = [issue_opaque(app, tokens, alice) for _ in range(2)]
    bob_token = issue_opaque(app, tokens, bob)
    with app.app_context():
        assert tokens.revoke_user_tokens(alice) == 2
    client = app.test_client()
    for token in alice_tokens:
        assert client.get("/me", headers=bearer(token)).status_code == 401
    assert client.get("/me", headers=bearer(bob_token)).status_code == 200


def test_an_expired_opaque_token_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue_opaque(app, tokens, users.users["alice"], expires_in=-1)
    response = app.test_client().get("/me", headers={**bearer(token), **JSON})
    assert response.json is not None
    assert response.json["reason"] == "expired"


def test_an_opaque_token_without_expiry(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    with app.app_context():
        issued = tokens.issue_opaque_token(users.users["alice"], expires_in=None)
    assert issued.record.expires_at is None
    assert app.test_client().get("/me", headers=bearer(issued.token)).status_code == 200


def test_a_guessed_opaque_token_is_refused(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    token = issue_opaque(app, tokens, users.users["alice"])
    token_id = token[4:20]
    client = app.test_client()
    guesses = [f"vto_{token_id}_{'0' * 64}", f"vto_{'0' * 16}_{token[21:]}", "vto_x_y"]
    for guess in guesses:
        assert client.get("/me", headers=bearer(guess)).status_code == 401


def test_opaque_tokens_need_a_store(app: Vial, users: UserStore) -> None:
    tokens = setup_app(app, users)
    with app.app_context(), pytest.raises(RuntimeError, match="store"):
        tokens.issue_opaque_token(users.users["alice"])
    token = "vto_" + "a" * 16 + "_" + "b" * 64
    assert app.test_client().get("/me", headers=bearer(token)).status_code == 401


def test_a_user_without_alt_id_gets_no_token(app: Vial, tokens: TokenAuth) -> None:
    class Nameless:
        fs_uniquifier = None

    with app.app_context(), pytest.raises(ValueError, match="new_alt_id"):
        tokens.issue_token(Nameless())


def test_alt_id_from_another_attribute_or_a_callback(
    app: Vial, users: UserStore
) -> None:
    app.config["TOKENS_ALT_ID_ATTRIBUTE"] = "name"
    tokens = setup_app(app, users)
    tokens.user_loader(users.by_name)
    token = issue(app, tokens, users.users["bob"])
    assert app.test_client().get("/me", headers=bearer(token)).json == {"name": "bob"}
    tokens.alt_id_getter(lambda user: f"id-{user.id}")
    tokens.user_loader(lambda alt_id: users.by_id(alt_id.removeprefix("id-")))
    token = issue(app, tokens, users.users["alice"])
    assert app.test_client().get("/me", headers=bearer(token)).json == {"name": "alice"}


def test_new_alt_id_is_random() -> None:
    ids = {new_alt_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(alt_id) >= 43 for alt_id in ids)


# Integration


def test_the_user_becomes_the_request_user_and_no_cookie_is_set(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    alice = users.users["alice"]
    seen: list[t.Any] = []

    @app.get("/who")
    @tokens.login_required
    def who() -> str:
        seen.append(get_request_user())
        return "ok"

    loaded: list[t.Any] = []

    def on_loaded(sender: Vial, user: t.Any) -> None:
        loaded.append((sender, user))

    with request_user_loaded.connected_to(on_loaded, app):
        response = app.test_client().get(
            "/who", headers=bearer(issue(app, tokens, alice))
        )
    assert seen == [alice]
    assert loaded == [(app, alice)]
    assert "Set-Cookie" not in response.headers


def test_with_vial_login_the_token_user_is_current_user_for_one_request(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    from vial_login import current_user
    from vial_login import LoginManager

    LoginManager(app).user_loader(users.by_id)

    @app.get("/current")
    @tokens.login_required(optional=True)
    def current() -> dict[str, t.Any]:
        return {
            "authenticated": current_user.is_authenticated,
            "name": getattr(current_user, "name", None),
        }

    client = app.test_client()
    token = issue(app, tokens, users.users["bob"])
    response = client.get("/current", headers=bearer(token))
    assert response.json == {"authenticated": True, "name": "bob"}
    assert "Set-Cookie" not in response.headers
    # The next request without the token is anonymous again.
    assert client.get("/current").json == {"authenticated": False, "name": None}


def test_requests_with_a_token_count_as_api_requests(
    app: Vial, tokens: TokenAuth
) -> None:
    with app.test_request_context(headers=bearer("anything")):
        assert has_api_credentials()
    with app.test_request_context(headers={"Authorization": "Basic eDp5"}):
        assert not has_api_credentials()
    with app.test_request_context("/?access_token=x"):
        assert not has_api_credentials()
    app.config["TOKENS_QUERY_PARAMETER"] = "access_token"
    with app.test_request_context("/?access_token=x"):
        assert has_api_credentials()


def test_token_auth_in_a_multi_auth(
    app: Vial, tokens: TokenAuth, users: UserStore
) -> None:
    from vial_tokens import HTTPBasicAuth
    from vial_tokens import MultiAuth

    basic = HTTPBasicAuth()
    basic.verify_password(users.check)
    multi = MultiAuth(basic, tokens)

    @app.get("/either")
    @multi.login_required
    def either() -> str:
        return str(multi.current_user().name)

    client = app.test_client()
    token = issue(app, tokens, users.users["bob"])
    assert client.get("/either", headers=bearer(token)).data == b"bob"
    response = client.get(
        "/either", headers={"Authorization": "Basic Ym9iOmJvYiBwYXNzd29yZA=="}
    )
    assert response.data == b"bob"
    assert client.get("/either").headers["WWW-Authenticate"].startswith("Basic ")
