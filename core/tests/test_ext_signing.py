from __future__ import annotations

import hashlib
import time

import pytest
from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer

from vial import Vial
from vial.ext import get_serializer
from vial.ext import require_secret_key
from vial.sessions import session_json_serializer


def test_values_round_trip_under_the_apps_key(app: Vial) -> None:
    with app.app_context():
        token = get_serializer("ext.purpose").dumps({"user": 7})
        assert get_serializer("ext.purpose").loads(token) == {"user": 7}


def test_the_app_can_be_passed_instead_of_a_context(app: Vial) -> None:
    token = get_serializer("ext.purpose", app=app).dumps([1, 2])
    assert get_serializer("ext.purpose", app=app).loads(token) == [1, 2]


def test_a_salt_keeps_one_kind_of_value_from_passing_for_another(app: Vial) -> None:
    token = get_serializer("ext.reset", app=app).dumps("alice")
    with pytest.raises(BadSignature):
        get_serializer("ext.confirm", app=app).loads(token)


def test_any_changed_byte_breaks_the_signature(app: Vial) -> None:
    token = get_serializer("ext.purpose", app=app).dumps({"user": 7})
    for index in range(len(token)):
        changed = (
            token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
        )
        with pytest.raises(BadSignature):
            get_serializer("ext.purpose", app=app).loads(changed)


def test_old_values_verify_after_the_key_is_rotated(app: Vial) -> None:
    app.config["SECRET_KEY"] = "old key"
    old_token = get_serializer("ext.purpose", app=app).dumps("value")
    app.config["SECRET_KEY"] = "new key"
    app.config["SECRET_KEY_FALLBACKS"] = ["old key"]
    assert get_serializer("ext.purpose", app=app).loads(old_token) == "value"
    new_token = get_serializer("ext.purpose", app=app).dumps("value")
    assert new_token != old_token
    # New values are signed with the new key only.
    app.config["SECRET_KEY"] = "old key"
    app.config["SECRET_KEY_FALLBACKS"] = []
    with pytest.raises(BadSignature):
        get_serializer("ext.purpose", app=app).loads(new_token)


def test_a_key_dropped_from_the_fallbacks_no_longer_verifies(app: Vial) -> None:
    app.config["SECRET_KEY"] = "old key"
    token = get_serializer("ext.purpose", app=app).dumps("value")
    app.config["SECRET_KEY"] = "new key"
    with pytest.raises(BadSignature):
        get_serializer("ext.purpose", app=app).loads(token)


def test_another_apps_key_does_not_verify(app: Vial) -> None:
    other = Vial("other")
    other.config["SECRET_KEY"] = "another key"
    token = get_serializer("ext.purpose", app=other).dumps("value")
    with pytest.raises(BadSignature):
        get_serializer("ext.purpose", app=app).loads(token)


def test_max_age_expires_values(app: Vial, monkeypatch: pytest.MonkeyPatch) -> None:
    serializer = get_serializer("ext.purpose", app=app)
    token = serializer.dumps("value")
    assert serializer.loads(token, max_age=60) == "value"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    with pytest.raises(SignatureExpired):
        serializer.loads(token, max_age=60)


def test_an_explicit_key_replaces_the_apps_keys(app: Vial) -> None:
    token = get_serializer("ext.purpose", app=app, secret_key="own key").dumps(1)
    with pytest.raises(BadSignature):
        get_serializer("ext.purpose", app=app).loads(token)
    assert (
        get_serializer("ext.purpose", secret_key=["older", "own key"]).loads(token) == 1
    )
    app.config["SECRET_KEY_FALLBACKS"] = ["own key"]
    # An explicit key gets no fallbacks, and the app's fallbacks do not
    # widen it.
    other = get_serializer("ext.purpose", app=app, secret_key="other key")
    with pytest.raises(BadSignature):
        other.loads(token)


def test_no_secret_key_is_a_clear_error(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with pytest.raises(RuntimeError) as info:
        get_serializer("ext.purpose", app=app, purpose="password reset links")
    assert str(info.value) == (
        "No SECRET_KEY is set; set app.config['SECRET_KEY'] to a long random"
        " value to use password reset links."
    )
    with pytest.raises(RuntimeError, match="to use remember-me cookies"):
        require_secret_key(app, "remember-me cookies")


def test_serializers_are_cached_per_settings(app: Vial) -> None:
    first = get_serializer("ext.purpose", app=app)
    assert get_serializer("ext.purpose", app=app) is first
    assert get_serializer("ext.other", app=app) is not first
    assert (
        get_serializer("ext.purpose", app=app, digest_method=hashlib.sha256)
        is not first
    )
    app.config["SECRET_KEY"] = "changed"
    assert get_serializer("ext.purpose", app=app) is not first


@pytest.mark.parametrize(
    "value",
    [{"user": 7}, "x" * 2000, ["a", 1, None], {"nested": {"list": list(range(50))}}],
)
def test_the_tokens_are_those_itsdangerous_writes(app: Vial, value: object) -> None:
    # Same format as a plain itsdangerous serializer, compressed or not, so
    # values interoperate with other itsdangerous users of the same key.
    ours = get_serializer("ext.purpose", app=app)
    plain = URLSafeTimedSerializer("test key", salt="ext.purpose")
    token = ours.dumps(value)
    assert plain.loads(token) == value
    assert ours.loads(plain.dumps(value)) == value
    assert token.split(".")[:-2] == plain.dumps(value).split(".")[:-2]


def test_other_digests_and_derivations_round_trip(app: Vial) -> None:
    serializer = get_serializer(
        "ext.purpose",
        app=app,
        digest_method=hashlib.sha256,
        key_derivation="hmac",
        serializer=session_json_serializer,
    )
    plain = URLSafeTimedSerializer(
        "test key",
        salt="ext.purpose",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
    )
    token = serializer.dumps({"when": b"bytes"})
    assert plain.loads(token) == {"when": b"bytes"}


def test_a_secret_key_set_on_the_app_class_is_used() -> None:
    class KeyedApp(Vial):
        secret_key = "class key"

    app = KeyedApp("keyed")
    assert app.config["SECRET_KEY"] is None
    token = get_serializer("ext.purpose", app=app).dumps("value")
    plain = URLSafeTimedSerializer("class key", salt="ext.purpose")
    assert plain.loads(token) == "value"

    @app.route("/")
    def index() -> str:
        from vial import session

        session["seen"] = True
        return "ok"

    assert "session=" in app.test_client().get("/").headers["Set-Cookie"]
