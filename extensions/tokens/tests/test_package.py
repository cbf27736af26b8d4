"""The package: its public names, its Flask alias, its README quickstart."""

from __future__ import annotations

import importlib
import re
import sys
import typing as t
from pathlib import Path

import pytest

import vial_tokens

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(marker: str) -> str:
    text = README.read_text("utf-8")
    found = re.search(
        rf"<!-- {marker} -->\n```python\n(.*?)```\n<!-- /{marker} -->", text, re.S
    )
    assert found is not None, f"README.md has no python block between {marker} markers"
    return found.group(1)


def test_the_readme_quickstart_runs() -> None:
    namespace: dict[str, t.Any] = {"__name__": "readme_quickstart"}
    exec(_block("quickstart"), namespace)
    assert "app" in namespace
    exec(_block("quickstart-check"), namespace)


def test_the_flask_httpauth_names() -> None:
    for name in (
        "HTTPAuth",
        "HTTPBasicAuth",
        "HTTPDigestAuth",
        "HTTPTokenAuth",
        "MultiAuth",
    ):
        assert isinstance(getattr(vial_tokens, name), type)


@pytest.fixture
def aliased() -> t.Iterator[None]:
    from vial import compat

    if "flask" in sys.modules and not compat.is_aliased():
        pytest.fail("The real Flask is imported in this process.", pytrace=False)
    compat.alias_flask()
    yield
    compat._unalias()


def test_flask_httpauth_is_this_package_under_alias_flask(aliased: None) -> None:
    flask_httpauth = importlib.import_module("flask_httpauth")
    assert flask_httpauth is vial_tokens
    from vial.compat import extension_aliases

    assert extension_aliases()["flask_httpauth"] == "vial_tokens"
