"""The configuration keys: defaults, durations, and the README table."""

from __future__ import annotations

import importlib
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from vial import Vial
from vial_tokens.config import OPTIONS
from vial_tokens.config import read_seconds

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = Path(__file__).resolve().parents[1]


def test_every_key_has_the_prefix() -> None:
    assert all(option.name.startswith("TOKENS_") for option in OPTIONS)


def test_apply_keeps_values_the_app_set(app: Vial) -> None:
    app.config["TOKENS_SCHEME"] = "Token"
    OPTIONS.apply(app)
    assert app.config["TOKENS_SCHEME"] == "Token"
    assert app.config["TOKENS_MAX_AGE"] == timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(timedelta(minutes=2), 120.0), (30, 30.0), (1.5, 1.5), (None, None)],
)
def test_read_seconds(app: Vial, value: object, seconds: float | None) -> None:
    app.config["TOKENS_OPAQUE_MAX_AGE"] = value
    assert read_seconds(app, "TOKENS_OPAQUE_MAX_AGE") == seconds


@pytest.mark.parametrize("value", ["60", True, [1]])
def test_read_seconds_refuses_other_values(app: Vial, value: object) -> None:
    app.config["TOKENS_MAX_AGE"] = value
    with pytest.raises(TypeError, match="TOKENS_MAX_AGE"):
        read_seconds(app, "TOKENS_MAX_AGE")


def test_defaults_without_init_app(app: Vial) -> None:
    assert read_seconds(app, "TOKENS_DIGEST_NONCE_MAX_AGE") == 300.0


def test_readme_table_matches_the_code() -> None:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        markdown_table = importlib.import_module("vial_config_tables").markdown_table
    finally:
        sys.path.pop(0)
    readme = (PACKAGE / "README.md").read_text("utf-8")
    start = readme.index("<!-- config table start -->\n") + len(
        "<!-- config table start -->\n"
    )
    end = readme.index("<!-- config table end -->")
    assert readme[start:end].strip() == markdown_table(OPTIONS).strip(), (
        "README.md's configuration table is out of date; paste the output of"
        " markdown_table(vial_tokens.config.OPTIONS) between its markers."
    )


def test_docs_page_renders_the_table() -> None:
    page = (ROOT / "docs" / "extensions" / "tokens.rst").read_text("utf-8")
    assert ".. vial-config-table:: vial_tokens.config.OPTIONS" in page
