"""The README's quickstart runs as written, and its config table is current."""

from __future__ import annotations

import re
import runpy
import typing as t
from pathlib import Path

from vial_accounts.config import OPTIONS

PACKAGE = Path(__file__).resolve().parent.parent
README = (PACKAGE / "README.md").read_text(encoding="utf-8")
DOCS = PACKAGE.parent.parent / "docs"


def _block(marker: str) -> str:
    found = re.search(
        rf"<!-- {marker} -->\n```python\n(.*?)```\n<!-- /{marker} -->", README, re.S
    )
    assert found is not None, marker
    return found.group(1)


def test_quickstart_runs(tmp_path: Path, monkeypatch: t.Any) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, t.Any] = {"__name__": "readme_quickstart"}
    exec(compile(_block("quickstart"), "README quickstart", "exec"), namespace)
    exec(compile(_block("quickstart-check"), "README check", "exec"), namespace)
    assert namespace["app"].name == "readme_quickstart"


def test_config_table() -> None:
    tables = runpy.run_path(str(DOCS / "_ext" / "vial_config_tables.py"))
    markdown_table: t.Callable[[t.Any], str] = tables["markdown_table"]
    start = "<!-- config table start -->\n"
    table = README.split(start, 1)[1].split("<!-- config table end -->", 1)[0]
    assert table == markdown_table(OPTIONS)
