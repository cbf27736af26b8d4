from __future__ import annotations

from datetime import timedelta

from vial import Vial
from vial_login import LoginManager
from vial_login.config import OPTIONS


def test_defaults() -> None:
    app = Vial("defaults")
    OPTIONS.apply(app)
    assert app.config["REMEMBER_COOKIE_NAME"] == "remember_token"
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=365)
    assert app.config["REMEMBER_COOKIE_DOMAIN"] is None
    assert app.config["REMEMBER_COOKIE_PATH"] == "/"
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] is False
    assert app.config["USE_SESSION_FOR_NEXT"] is False
    assert app.config["LOGIN_DISABLED"] is False
    assert app.config["LOGIN_PRESERVED_SESSION_KEYS"] == ["_flashes", "next"]
    assert app.config["LOGIN_ALWAYS_CLEAR_SESSION"] is False
    # The session registry is off until an app asks for it.
    assert app.config["LOGIN_SESSION_REGISTRY"] is None
    assert app.config["LOGIN_SESSION_REGISTRY_URL"] is None
    assert app.config["LOGIN_SESSION_REGISTRY_PREFIX"] == "vial-login:"
    assert app.config["LOGIN_SESSION_REGISTRY_BIND"] is None
    assert app.config["LOGIN_SESSION_REGISTRY_TABLE"] == "login_sessions"
    assert app.config["LOGIN_SESSION_LAST_SEEN_INTERVAL"] == 60
    assert app.config["LOGIN_SESSION_REGISTRY_ON_ERROR"] == "anonymous"
    # These fall back to the manager's attributes, so they stay unset.
    assert "SESSION_PROTECTION" not in app.config
    assert "FORCE_HOST_FOR_REDIRECTS" not in app.config


def test_app_values_win(app: Vial) -> None:
    other = Vial("other")
    other.config["REMEMBER_COOKIE_SAMESITE"] = "Strict"
    LoginManager(other)
    assert other.config["REMEMBER_COOKIE_SAMESITE"] == "Strict"


def test_defaults_are_not_shared_between_apps() -> None:
    first, second = Vial("first"), Vial("second")
    OPTIONS.apply(first)
    OPTIONS.apply(second)
    first.config["LOGIN_PRESERVED_SESSION_KEYS"].append("cart")
    assert second.config["LOGIN_PRESERVED_SESSION_KEYS"] == ["_flashes", "next"]


def test_every_option_is_documented() -> None:
    for option in OPTIONS:
        assert option.doc.endswith("."), option.name
