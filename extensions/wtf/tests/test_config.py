from __future__ import annotations

from pathlib import Path

from vial import Vial
from vial_wtf import CSRFProtect
from vial_wtf.config import get_setting
from vial_wtf.config import OPTIONS

PACKAGE = Path(__file__).resolve().parent.parent
README = PACKAGE / "README.md"
DOCS_PAGE = PACKAGE.parent.parent / "docs" / "extensions" / "wtf.rst"


def test_every_option_is_prefixed_and_documented() -> None:
    for option in OPTIONS:
        assert option.name.startswith("WTF_")
        assert option.doc.endswith(".")


def test_apply_sets_missing_keys_only(app: Vial) -> None:
    app.config["WTF_CSRF_FIELD_NAME"] = "_csrf"
    OPTIONS.apply(app)
    assert app.config["WTF_CSRF_FIELD_NAME"] == "_csrf"
    for option in OPTIONS:
        assert option.name in app.config
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
        assert app.config[option.name] == option.default


def test_readme_table_matches_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- config table start -->\n") + len(
        "<!-- config table start -->\n"
    )
    end = text.index("<!-- config table end -->")
    assert text[start:end].strip() == OPTIONS.markdown_table().strip(), (
        "README.md's configuration table is out of date; paste the output of"
        " vial_wtf.config.OPTIONS.markdown_table() between its markers."
    )


def test_markdown_table_renders_sets_sorted() -> None:
    table = OPTIONS.markdown_table()
    assert "| `{'DELETE', 'PATCH', 'POST', 'PUT'}` |" in table
    assert table.count("\n") == len(OPTIONS) + 2


def test_docs_page_table_matches_the_code() -> None:
    text = DOCS_PAGE.read_text(encoding="utf-8")
    # The docs may also render the table at build time with this directive.
    directive = ".. vial-config-table:: vial_wtf.config.OPTIONS\n"
    assert OPTIONS.rst_table() in text or directive in text, (
        f"The configuration table in {DOCS_PAGE.name} is out of date; paste the"
        " output of vial_wtf.config.OPTIONS.rst_table() there."
    )
