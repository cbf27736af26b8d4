"""The README's quickstart runs as written, followed by its "try it" block."""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(name: str) -> str:
    text = README.read_text("utf-8")
    found = re.search(
        rf"<!-- {name} -->\n```python\n(.*?)```\n<!-- /{name} -->", text, re.DOTALL
    )
    assert found, f"README.md has no python block between <!-- {name} --> markers"
    return found.group(1)


def test_quickstart_runs(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, t.Any] = {"__name__": "readme_quickstart"}
    exec(compile(_block("quickstart"), "README quickstart", "exec"), namespace)
    assert "app" in namespace
    exec(compile(_block("quickstart-check"), "README check", "exec"), namespace)
    # The console backend printed the invitation.
    assert "Subject: You are invited" in capsys.readouterr().out
