from __future__ import annotations

from vial import Vial
from vial.ext import UNSET
from vial_wtf import CSRFProtect
from vial_wtf.config import get_setting
from vial_wtf.config import OPTIONS


def test_every_option_is_prefixed_or_a_flask_wtf_name_and_documented() -> None:
    # Flask-WTF names its reCAPTCHA keys without its WTF_ prefix; the
    # package's pyproject.toml lists them as flask_names.
    for option in OPTIONS:
        assert option.name.startswith(("WTF_", "RECAPTCHA_"))
        assert option.doc.endswith(".")


def test_apply_sets_missing_keys_only(app: Vial) -> None:
    app.config["WTF_CSRF_FIELD_NAME"] = "_csrf"
    OPTIONS.apply(app)
    assert app.config["WTF_CSRF_FIELD_NAME"] == "_csrf"
    for option in OPTIONS:
        assert (option.name in app.config) is (option.default is not UNSET)
    assert "RECAPTCHA_PRIVATE_KEY" not in app.config
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 3600
    assert app.config["WTF_I18N_LOCALES"] is None


def test_defaults_are_copies(app: Vial) -> None:
    OPTIONS.apply(app)
    app.config["WTF_CSRF_METHODS"].add("GET")
    app.config["WTF_CSRF_HEADERS"].append("X-Other")
    other = Vial("other")
    OPTIONS.apply(other)
    assert other.config["WTF_CSRF_METHODS"] == {"POST", "PUT", "PATCH", "DELETE"}
    assert other.config["WTF_CSRF_HEADERS"] == ["X-CSRFToken", "X-CSRF-Token"]
    assert get_setting(other, "WTF_CSRF_HEADERS") is not get_setting(
        Vial("third"), "WTF_CSRF_HEADERS"
    )


def test_get_setting_falls_back_to_default(app: Vial) -> None:
    assert "WTF_CSRF_ENABLED" not in app.config
    assert get_setting(app, "WTF_CSRF_ENABLED") is True
    app.config["WTF_CSRF_ENABLED"] = False
    assert get_setting(app, "WTF_CSRF_ENABLED") is False


def test_csrfprotect_applies_the_same_defaults(app: Vial) -> None:
    CSRFProtect(app)
    for option in OPTIONS:
        if option.default is UNSET:
            assert option.name not in app.config
        else:
            assert app.config[option.name] == option.default
