"""The README's quickstart runs as written, followed by its "try it" block.

integration_tests/test_contract.py runs every package's quickstart the same
way on installed wheels; this test finds a broken quickstart in the
package's own test run already.
"""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_between(text: str, start: str, end: str) -> str:
    section = text.partition(start)[2].partition(end)[0]
    blocks = re.findall(r"^```python\n(.*?)^```", section, re.M | re.S)
    assert blocks, f"README.md has no python block between {start} and {end}."
    return "\n".join(blocks)


def test_the_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    quickstart = _python_between(text, "<!-- quickstart -->", "<!-- /quickstart -->")
    check = _python_between(
        text, "<!-- quickstart-check -->", "<!-- /quickstart-check -->"
    )
    monkeypatch.chdir(tmp_path)
    module = types.ModuleType("readme_quickstart")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(quickstart, "README.md (quickstart)", "exec"), module.__dict__)
    exec(compile(check, "README.md (quickstart-check)", "exec"), module.__dict__)
