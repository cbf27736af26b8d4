"""The configuration tables the docs and READMEs show, rendered from the code."""

from __future__ import annotations

import sys
import typing as t
from datetime import timedelta
from pathlib import Path

import pytest

from vial.ext import ConfigOption
from vial.ext import ConfigOptions
from vial.ext import REQUIRED
from vial.ext import UNSET

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))

from vial_config_tables import markdown_table
from vial_config_tables import rst_table


def _options() -> ConfigOptions:
    return ConfigOptions(
        ConfigOption("EXT_NAME", "ext", "Name of the thing."),
        ConfigOption("EXT_HOSTS", ["a", "b"], "Hosts, tried in order."),
        ConfigOption("EXT_LIFETIME", timedelta(days=7), "How long it lasts."),
        ConfigOption("EXT_FALLBACK", UNSET, "Overrides the object's attribute."),
    )


def test_markdown_table() -> None:
    assert markdown_table(_options()) == (
        "| Key | Default | Meaning |\n"
        "| --- | --- | --- |\n"
        "| `EXT_NAME` | `'ext'` | Name of the thing. |\n"
        "| `EXT_HOSTS` | `['a', 'b']` | Hosts, tried in order. |\n"
        "| `EXT_LIFETIME` | `timedelta(days=7)` | How long it lasts. |\n"
        "| `EXT_FALLBACK` | not set | Overrides the object's attribute. |\n"
    )


def test_rst_table() -> None:
    assert rst_table(_options()) == (
        ".. list-table::\n"
        "   :header-rows: 1\n"
        "   :widths: 25 20 55\n"
        "\n"
        "   * - Key\n"
        "     - Default\n"
        "     - Meaning\n"
        "   * - ``EXT_NAME``\n"
        "     - ``'ext'``\n"
        "     - Name of the thing.\n"
        "   * - ``EXT_HOSTS``\n"
        "     - ``['a', 'b']``\n"
        "     - Hosts, tried in order.\n"
        "   * - ``EXT_LIFETIME``\n"
        "     - ``timedelta(days=7)``\n"
        "     - How long it lasts.\n"
        "   * - ``EXT_FALLBACK``\n"
        "     - not set\n"
        "     - Overrides the object's attribute.\n"
    )


@pytest.mark.parametrize(
    ("default", "shown"),
    [
        (None, "`None`"),
        ({"PUT", "DELETE", "POST"}, "`{'DELETE', 'POST', 'PUT'}`"),
        ({3, 1, 2}, "`{1, 2, 3}`"),
        ({1, "a"}, "`{'a', 1}`"),
        (set(), "`set()`"),
        (frozenset({"b", "a"}), "`frozenset({'a', 'b'})`"),
        (frozenset(), "`frozenset()`"),
        (("one",), "`('one',)`"),
        ((1, 2), "`(1, 2)`"),
        ({"b": {2, 1}, "a": [timedelta(0)]}, "`{'b': {1, 2}, 'a': [timedelta(0)]}`"),
        (
            timedelta(hours=1, microseconds=5),
            "`timedelta(seconds=3600, microseconds=5)`",
        ),
        ("a|b", "`'a\\|b'`"),
        ("a`b", "`` 'a`b' ``"),
        ("``", "``` '``' ```"),
    ],
)
def test_markdown_table_shows_defaults_as_python(default: t.Any, shown: str) -> None:
    options = ConfigOptions(ConfigOption("EXT_VALUE", default, "A value."))
    row = markdown_table(options).splitlines()[2]
    assert row == f"| `EXT_VALUE` | {shown} | A value. |"


def test_markdown_table_turns_rst_markup_into_markdown() -> None:
    options = ConfigOptions(
        ConfigOption(
            "EXT_URL",
            None,
            "A URL such as ``sqlite://``,\nor a dict | a list.",
            shown_default="see below",
        )
    )
    row = markdown_table(options).splitlines()[2]
    assert row == (
        "| `EXT_URL` | see below | A URL such as `sqlite://`, or a dict \\| a list. |"
    )
    # reST keeps the markup; a continuation line is indented under its item.
    assert rst_table(options).splitlines()[-4:] == [
        "   * - ``EXT_URL``",
        "     - see below",
        "     - A URL such as ``sqlite://``,",
        "       or a dict | a list.",
    ]


def test_a_required_key_shows_as_required() -> None:
    options = ConfigOptions(ConfigOption("EXT_SERVER", REQUIRED, "Host."))
    assert markdown_table(options).splitlines()[2] == (
        "| `EXT_SERVER` | required | Host. |"
    )
