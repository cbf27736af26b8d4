from __future__ import annotations

import typing as t

import pytest
from itsdangerous import URLSafeTimedSerializer
from wtforms.validators import ValidationError

from vial import g
from vial import request
from vial import session
from vial import Vial
from vial.ext import identity_changed
from vial.testing import VialClient
from vial_wtf import csrf_meta_tag
from vial_wtf import generate_csrf
from vial_wtf import validate_csrf
from vial_wtf.errors import FORM_EXPIRED
from vial_wtf.tokens import TOKEN_SALT
from vial_wtf.tokens import token_serializer

if t.TYPE_CHECKING:
    from vial.ctx import AppContext
    from vial.ctx import RequestContext


# generate_csrf


def test_generate_stores_raw_token_in_session_and_signs_it(
    req_ctx: RequestContext,
) -> None:
    token = generate_csrf()
    raw = session["csrf_token"]
    assert isinstance(raw, str)
    assert len(raw) == 40
    serializer = URLSafeTimedSerializer("test secret key", salt=TOKEN_SALT)
    assert serializer.loads(token) == raw
    assert token != raw


def test_generate_reuses_token_within_request(req_ctx: RequestContext) -> None:
    first = generate_csrf()
    assert generate_csrf() == first
    # Cached in g under the field name, as Flask-WTF does (tests read it).
    assert g.csrf_token == first
    assert {name for name in g if not name.startswith("_vial_wtf_")} == {"csrf_token"}


def test_g_cache_follows_the_configured_field_name(app: Vial) -> None:
    app.config["WTF_CSRF_FIELD_NAME"] = "_csrf"
    with app.test_request_context():
        token = generate_csrf()
        assert g.get("_csrf") == token
        assert "csrf_token" not in g
        assert session["_csrf"]


def test_g_cache_is_not_reused_for_another_secret(req_ctx: RequestContext) -> None:
    first = generate_csrf()
    # A value the app put in g itself, or one cached for another session
    # secret or key, is replaced.
    g.csrf_token = "set by the app"
    second = generate_csrf()
    assert second == first
    session["csrf_token"] = "1" * 40
    third = generate_csrf()
    assert third != first
    validate_csrf(third)
    other_key = generate_csrf(secret_key="other key")
    assert g.csrf_token == other_key
    validate_csrf(other_key, secret_key="other key")


def test_generate_per_session_when_requests_share_an_app_context(
    app: Vial, app_ctx: AppContext
) -> None:
    # Both request contexts reuse the pushed app context, and so its g.
    with app.test_request_context():
        first = generate_csrf()
        validate_csrf(first)
    with app.test_request_context():
        second = generate_csrf()
        validate_csrf(second)
        with pytest.raises(ValidationError, match="do not match"):
            validate_csrf(first)
    assert first != second


def test_generate_keeps_raw_token_across_requests(
    app: Vial, client: VialClient
) -> None:
    @app.route("/token")
    def token() -> str:
        return generate_csrf()

    client.get("/token")
    with client.session_transaction() as sess:
        raw = sess["csrf_token"]
    client.get("/token")
    with client.session_transaction() as sess:
        assert sess["csrf_token"] == raw


def test_generate_with_token_key_uses_another_session_key(
    req_ctx: RequestContext,
) -> None:
    token = generate_csrf(token_key="other_token")
    assert "other_token" in session
    assert "other_token" in g
    assert "csrf_token" not in session
    validate_csrf(token, token_key="other_token")
    with pytest.raises(ValidationError, match="session token is missing"):
        validate_csrf("not signed")
    # A valid token, but this session holds no secret under the default key.
    with pytest.raises(ValidationError, match="has expired; reload the page"):
        validate_csrf(token)


def test_generate_with_secret_key(req_ctx: RequestContext) -> None:
    token = generate_csrf(secret_key="another key")
    validate_csrf(token, secret_key="another key")
    with pytest.raises(ValidationError, match=r"The CSRF token is invalid\."):
        validate_csrf(token)


def test_generate_replaces_a_corrupt_session_value(req_ctx: RequestContext) -> None:
    session["csrf_token"] = 12345
    token = generate_csrf()
    assert isinstance(session["csrf_token"], str)
    validate_csrf(token)


def test_generate_uses_wtf_secret_key(app: Vial) -> None:
    app.config["WTF_CSRF_SECRET_KEY"] = "csrf only key"
    with app.test_request_context():
        token = generate_csrf()
        serializer = URLSafeTimedSerializer("csrf only key", salt=TOKEN_SALT)
        assert serializer.loads(token) == session["csrf_token"]


def test_generate_without_secret_key_is_a_clear_error(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with (
        app.test_request_context(),
        pytest.raises(RuntimeError, match=r"SECRET_KEY.*long random value"),
    ):
        generate_csrf()


def test_validate_without_secret_key_is_a_clear_error(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with (
        app.test_request_context(),
        pytest.raises(RuntimeError, match=r"No SECRET_KEY is set.*WTF_CSRF_SECRET_KEY"),
    ):
        validate_csrf("token")


def test_empty_field_name_is_a_clear_error(app: Vial) -> None:
    app.config["WTF_CSRF_FIELD_NAME"] = ""
    with (
        app.test_request_context(),
        pytest.raises(RuntimeError, match="WTF_CSRF_FIELD_NAME"),
    ):
        generate_csrf()


# validate_csrf


def test_validate_accepts_own_token(req_ctx: RequestContext) -> None:
    validate_csrf(generate_csrf())


def test_validate_missing_token(req_ctx: RequestContext) -> None:
    generate_csrf()
    for data in (None, ""):
        with pytest.raises(ValidationError) as info:
            validate_csrf(data)
        assert info.value.args[0] == "The CSRF token is missing."


def test_validate_missing_session_token(app: Vial) -> None:
    with app.test_request_context():
        token = generate_csrf()
    # A new request has a new, empty session.
    with app.test_request_context():
        for data in ("not a token", token[:-2] + "AA", ["a list"]):
            with pytest.raises(ValidationError) as info:
                validate_csrf(data)  # type: ignore[arg-type]
            assert info.value.args[0] == "The CSRF session token is missing."
        # A token this app signed: the session lost its secret since.
        with pytest.raises(ValidationError) as info:
            validate_csrf(token)
        assert info.value.args[0] == FORM_EXPIRED


def test_validate_missing_session_token_with_an_expired_token(
    app: Vial, clock_ahead: t.Callable[[float], None]
) -> None:
    with app.test_request_context():
        token = generate_csrf()
    clock_ahead(3601)
    with app.test_request_context(), pytest.raises(ValidationError) as info:
        validate_csrf(token)
    assert info.value.args[0] == "The CSRF session token is missing."


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not a token at all",
        lambda token: URLSafeTimedSerializer("wrong key", salt=TOKEN_SALT).dumps(
            "x" * 40
        ),
        lambda token: URLSafeTimedSerializer("test secret key", salt="other").dumps(
            "x" * 40
        ),
        lambda token: "é" + token,
    ],
    ids=["tampered", "garbage", "wrong-key", "wrong-salt", "non-ascii"],
)
def test_validate_forged_token(
    req_ctx: RequestContext, forge: t.Callable[[str], str]
) -> None:
    token = generate_csrf()
    with pytest.raises(ValidationError) as info:
        validate_csrf(forge(token))
    assert info.value.args[0] == "The CSRF token is invalid."


def test_validate_token_for_another_raw_value(req_ctx: RequestContext) -> None:
    generate_csrf()
    serializer = URLSafeTimedSerializer("test secret key", salt=TOKEN_SALT)
    other = serializer.dumps("0" * 40)
    with pytest.raises(ValidationError) as info:
        validate_csrf(other)
    assert info.value.args[0] == "The CSRF tokens do not match."


def test_validate_signed_non_string_payload(req_ctx: RequestContext) -> None:
    generate_csrf()
    serializer = URLSafeTimedSerializer("test secret key", salt=TOKEN_SALT)
    with pytest.raises(ValidationError, match="do not match"):
        validate_csrf(serializer.dumps(["a", "list"]))


def test_validate_expired_token(
    req_ctx: RequestContext, clock_ahead: t.Callable[[float], None]
) -> None:
    token = generate_csrf()
    clock_ahead(3601)
    with pytest.raises(ValidationError) as info:
        validate_csrf(token)
    assert info.value.args[0] == "The CSRF token has expired."


def test_validate_within_time_limit(
    req_ctx: RequestContext, clock_ahead: t.Callable[[float], None]
) -> None:
    token = generate_csrf()
    clock_ahead(3500)
    validate_csrf(token)


def test_validate_time_limit_argument(
    req_ctx: RequestContext, clock_ahead: t.Callable[[float], None]
) -> None:
    from datetime import timedelta

    token = generate_csrf()
    clock_ahead(20)
    validate_csrf(token)
    with pytest.raises(ValidationError, match="expired"):
        validate_csrf(token, time_limit=10)
    with pytest.raises(ValidationError, match="expired"):
        validate_csrf(token, time_limit=timedelta(seconds=10))


def test_validate_without_time_limit(
    app: Vial, clock_ahead: t.Callable[[float], None]
) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    with app.test_request_context():
        token = generate_csrf()
        clock_ahead(10 * 365 * 24 * 3600)
        validate_csrf(token)


def test_validate_accepts_tokens_signed_with_fallback_key(app: Vial) -> None:
    with app.test_request_context():
        old_token = generate_csrf()
        raw = session["csrf_token"]
    app.config.update(SECRET_KEY="new key", SECRET_KEY_FALLBACKS=["test secret key"])
    with app.test_request_context():
        session["csrf_token"] = raw
        validate_csrf(old_token)
        new_token = generate_csrf()
        # New tokens are signed with the new key.
        URLSafeTimedSerializer("new key", salt=TOKEN_SALT).loads(new_token)


def test_tokens_interoperate_with_plain_itsdangerous(req_ctx: RequestContext) -> None:
    # Flask-WTF signs with URLSafeTimedSerializer(key, salt="wtf-csrf-token")
    # and its defaults: tokens of either package verify in the other.
    flask_wtf_style = URLSafeTimedSerializer("test secret key", salt="wtf-csrf-token")
    ours = generate_csrf()
    assert flask_wtf_style.loads(ours) == session["csrf_token"]
    validate_csrf(flask_wtf_style.dumps(session["csrf_token"]))


def test_token_serializer_prefers_the_wtf_key(app: Vial, app_ctx: AppContext) -> None:
    app.config["WTF_CSRF_SECRET_KEY"] = "csrf only key"
    signed = token_serializer(app).dumps("x")
    assert URLSafeTimedSerializer("csrf only key", salt=TOKEN_SALT).loads(signed) == "x"
    explicit = token_serializer(app, "given").dumps("x")
    assert URLSafeTimedSerializer("given", salt=TOKEN_SALT).loads(explicit) == "x"


# csrf_meta_tag


def test_csrf_meta_tag(app: Vial, req_ctx: RequestContext) -> None:
    token = generate_csrf()
    assert csrf_meta_tag() == f'<meta name="csrf-token" content="{token}">'
    app.config["WTF_CSRF_META_NAME"] = "authenticity"
    assert csrf_meta_tag() == f'<meta name="authenticity" content="{token}">'
    assert csrf_meta_tag(name="x") == f'<meta name="x" content="{token}">'
    tag = csrf_meta_tag(name='"><script>')
    assert "<script>" not in tag
    assert tag.startswith('<meta name="&#34;&gt;&lt;script&gt;"')


def test_csrf_meta_tag_token_key(req_ctx: RequestContext) -> None:
    tag = csrf_meta_tag(token_key="other")
    assert tag == f'<meta name="csrf-token" content="{g.other}">'
    validate_csrf(g.other, token_key="other")


# Renewal at login and logout


def _login(app: Vial, reason: str = "login") -> None:
    user = None if reason == "logout" else object()
    identity_changed.send(app, user=user, reason=reason)


@pytest.mark.parametrize("reason", ["login", "remember", "logout"])
def test_identity_change_renews_the_secret(
    app: Vial, req_ctx: RequestContext, reason: str
) -> None:
    before = generate_csrf()
    raw_before = session["csrf_token"]
    _login(app, reason)
    assert "csrf_token" not in session
    assert "csrf_token" not in g
    after = generate_csrf()
    assert session["csrf_token"] != raw_before
    assert after != before
    validate_csrf(after)
    with pytest.raises(ValidationError) as info:
        validate_csrf(before)
    assert info.value.args[0] == FORM_EXPIRED


def test_a_planted_token_never_works_after_login(app: Vial) -> None:
    @app.route("/token")
    def token() -> str:
        return generate_csrf()

    @app.post("/login")
    def login() -> str:
        _login(app)
        return "in"

    @app.post("/check")
    def check() -> str:
        try:
            validate_csrf(request.form["csrf_token"])
        except ValidationError as e:
            return str(e)
        return "ok"

    # The attacker's own session (signed by the app, so it can be planted in
    # the victim's browser through a sibling subdomain) and its token.
    attacker = app.test_client()
    planted = attacker.get("/token").text
    cookie = attacker.get_cookie("session")
    assert cookie is not None
    victim = app.test_client()
    victim.set_cookie("session", cookie.value)
    assert victim.post("/check", data={"csrf_token": planted}).text == "ok"
    victim.post("/login")
    assert victim.post("/check", data={"csrf_token": planted}).text == FORM_EXPIRED
    # Nor after a page made a new secret.
    fresh = victim.get("/token").text
    assert victim.post("/check", data={"csrf_token": planted}).text == FORM_EXPIRED
    assert victim.post("/check", data={"csrf_token": fresh}).text == "ok"


def test_identity_change_outside_a_request_does_nothing(
    app: Vial, app_ctx: AppContext
) -> None:
    _login(app)


def test_identity_change_without_a_secret_keeps_the_session_empty(
    app: Vial, req_ctx: RequestContext
) -> None:
    _login(app)
    assert dict(session) == {}


def test_forms_made_before_and_after_other_changes(app: Vial) -> None:
    # Only the digest of the last secret dropped is kept: a token from two
    # logins ago reads as not matching, and a forged raw value never
    # matches the digest.
    with app.test_request_context():
        first = generate_csrf()
        _login(app)
        second = generate_csrf()
        _login(app, "logout")
        third = generate_csrf()
        with pytest.raises(ValidationError, match="has expired; reload"):
            validate_csrf(second)
        with pytest.raises(ValidationError, match="do not match"):
            validate_csrf(first)
        validate_csrf(third)
        forged = token_serializer(app).dumps(session["_wtf_csrf_renewed"])
        with pytest.raises(ValidationError, match="do not match"):
            validate_csrf(forged)
