from __future__ import annotations

from pathlib import Path

from vial import Vial
from vial_wtf import CSRFProtect
from vial_wtf.config import config_table
from vial_wtf.config import get_setting
from vial_wtf.config import render_default
from vial_wtf.config import set_defaults
from vial_wtf.config import SETTINGS

PACKAGE = Path(__file__).resolve().parent.parent
README = PACKAGE / "README.md"
DOCS_PAGE = PACKAGE.parent.parent / "docs" / "extensions" / "wtf.rst"


def test_every_setting_is_prefixed_and_documented() -> None:
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names))
    for setting in SETTINGS:
        assert setting.name.startswith("WTF_")
        assert setting.doc.endswith(".")


def test_set_defaults_sets_missing_keys_only(app: Vial) -> None:
    app.config["WTF_CSRF_FIELD_NAME"] = "_csrf"
    set_defaults(app)
    assert app.config["WTF_CSRF_FIELD_NAME"] == "_csrf"
    for setting in SETTINGS:
        assert setting.name in app.config
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 3600
    assert app.config["WTF_I18N_LOCALES"] is None


def test_defaults_are_copies(app: Vial) -> None:
    set_defaults(app)
    app.config["WTF_CSRF_METHODS"].add("GET")
    app.config["WTF_CSRF_HEADERS"].append("X-Other")
    other = Vial("other")
    set_defaults(other)
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
    for setting in SETTINGS:
        assert app.config[setting.name] == setting.default


def test_readme_table_matches_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- config table start -->\n") + len(
        "<!-- config table start -->\n"
    )
    end = text.index("<!-- config table end -->")
    assert text[start:end].strip() == config_table().strip(), (
        "README.md's configuration table is out of date; paste the output of"
        " vial_wtf.config.config_table() between its markers."
    )


def test_config_table_renders_sets_sorted() -> None:
    table = config_table()
    assert "`{'DELETE', 'PATCH', 'POST', 'PUT'}`" in table
    assert table.count("\n") == len(SETTINGS) + 2


def test_docs_page_table_matches_the_code() -> None:
    text = DOCS_PAGE.read_text(encoding="utf-8")
    for setting in SETTINGS:
        row = (
            f"   * - ``{setting.name}``\n"
            f"     - ``{render_default(setting.default)}``\n"
            f"     - {setting.doc}\n"
        )
        assert row in text, f"{DOCS_PAGE.name} lacks or misstates {setting.name}"
