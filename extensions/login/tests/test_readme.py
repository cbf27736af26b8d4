"""The README's quickstart runs as written, and its table matches the code."""

from __future__ import annotations

import importlib.util
import re
import typing as t
from pathlib import Path

from vial_login.config import OPTIONS

PACKAGE = Path(__file__).parent.parent
README = (PACKAGE / "README.md").read_text(encoding="utf-8")
TABLES = PACKAGE.parent.parent / "docs" / "_ext" / "vial_config_tables.py"


def _between(marker: str) -> str:
    match = re.search(f"<!-- {marker} -->(.*?)<!-- /{marker} -->", README, re.S)
    assert match is not None, f"the README has no {marker} markers"
    code = re.search(r"```python\n(.*?)```", match.group(1), re.S)
    assert code is not None, f"no python block between the {marker} markers"
    return code.group(1)


def test_quickstart_runs_as_written() -> None:
    namespace: dict[str, t.Any] = {"__name__": "quickstart"}
    exec(compile(_between("quickstart"), "README quickstart", "exec"), namespace)
    assert "app" in namespace
    exec(compile(_between("quickstart-check"), "README check", "exec"), namespace)


def test_config_table_is_generated_from_the_options() -> None:
    spec = importlib.util.spec_from_file_location("vial_config_tables", TABLES)
    assert spec is not None
    assert spec.loader is not None
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    match = re.search(
        "<!-- config table start -->\n(.*?)<!-- config table end -->", README, re.S
    )
    assert match is not None
    assert match.group(1) == tables.markdown_table(OPTIONS)
