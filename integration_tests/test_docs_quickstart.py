"""docs/quickstart.rst runs as written.

Its Python blocks are one file, ``hello.py``, written in pieces (the app,
then more views, then a test); its ``html+jinja`` block is the template the
``hello`` view renders. The blocks are put together the way a reader would,
imported, and exercised, so a change to the API that the page shows breaks
this test instead of a reader's first hour.
"""

from __future__ import annotations

import re
import sys
import typing as t
from pathlib import Path

import pytest
from contract import ROOT

PAGE = ROOT / "docs" / "quickstart.rst"


def code_blocks(text: str, language: str) -> list[str]:
    """Return the bodies of the ``.. code-block:: <language>`` blocks, dedented."""
    blocks = []
    pattern = rf"^\.\. code-block:: {re.escape(language)}\n\n((?:   .*\n|\n)+)"
    for match in re.finditer(pattern, text, flags=re.MULTILINE):
        lines = match[1].rstrip("\n").splitlines()
        blocks.append("\n".join(line[3:] for line in lines) + "\n")
    return blocks


@pytest.fixture
def hello(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[t.Any]:
    text = PAGE.read_text(encoding="utf-8")
    python = code_blocks(text, "python")
    templates = code_blocks(text, "html+jinja")
    assert len(python) == 3, f"{PAGE.name}: expected app, views and test blocks"
    assert len(templates) == 1, f"{PAGE.name}: expected the hello.html block"
    (tmp_path / "hello.py").write_text("\n\n".join(python), encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hello.html").write_text(templates[0], "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "hello", raising=False)
    import hello  # type: ignore[import-not-found]

    yield hello
    sys.modules.pop("hello", None)


def test_the_quickstart_app_answers_as_the_page_says(hello: t.Any) -> None:
    client = hello.app.test_client()
    assert client.get("/").get_data(as_text=True) == "Hello, World!"
    page = client.get("/hello/%3Cb%3EAda").get_data(as_text=True)
    assert "<h1>Hello, &lt;b&gt;Ada!</h1>" in page
    assert client.get("/api/greeting?name=Ada").get_json() == {
        "greeting": "Hello, Ada!"
    }
    assert client.get("/api/greeting?name=" + "x" * 41).status_code == 400
    assert client.get("/api/square/x").status_code == 404
    assert client.post("/api/square/3").status_code == 405


def test_the_quickstart_test_passes(hello: t.Any) -> None:
    hello.test_square()
