"""The source checks of the contract test, on small made-up packages.

The real packages pass or fail these checks depending on their state, so
these tests show that each check finds what it looks for, and only that.
"""

from __future__ import annotations

from pathlib import Path

from contract import between
from contract import ignored_proxy_lines
from contract import import_circles
from contract import import_graph
from contract import private_vial_names
from contract import python_blocks


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    modules = {}
    for name, source in files.items():
        path = tmp_path / "pkg" / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        module = (
            "pkg" if name == "__init__" else f"pkg.{name}".removesuffix(".__init__")
        )
        modules[module] = path
    return modules


def test_a_circle_through_module_level_imports_is_found(tmp_path: Path) -> None:
    modules = _package(
        tmp_path,
        {
            "__init__": "from .extension import Ext as Ext\n",
            "extension": "from .cli import make_cli\nclass Ext: ...\n",
            "cli": "from pkg.extension import Ext\ndef make_cli(): ...\n",
            "state": "STATE = 1\n",
        },
    )
    graph = import_graph(modules)
    assert graph["pkg.cli"] == {"pkg.extension"}
    assert import_circles(graph) == [["pkg.cli", "pkg.extension"]]


def test_imports_in_functions_and_type_checking_blocks_close_no_circle(
    tmp_path: Path,
) -> None:
    modules = _package(
        tmp_path,
        {
            "__init__": "",
            "extension": "from . import state\nclass Ext: ...\n",
            "state": (
                "import typing as t\n"
                "if t.TYPE_CHECKING:\n"
                "    from .extension import Ext\n"
                "else:\n"
                "    import json\n"
                "def lookup():\n"
                "    from .extension import Ext\n"
            ),
        },
    )
    graph = import_graph(modules)
    assert graph["pkg.extension"] == {"pkg.state"}
    assert graph["pkg.state"] == set()
    assert import_circles(graph) == []


def test_imports_in_classes_and_try_blocks_count(tmp_path: Path) -> None:
    modules = _package(
        tmp_path,
        {
            "__init__": "from .a import A as A\n",
            "a": "try:\n    from .b import B\nexcept ImportError:\n    B = None\n",
            "b": "class B:\n    from . import A\n",
        },
    )
    assert import_circles(import_graph(modules)) == [["pkg", "pkg.a", "pkg.b"]]


def test_private_vial_names_are_found() -> None:
    source = (
        "import vial\n"
        "from vial.globals import _cv_app\n"
        "from vial._jinja import env\n"
        "import vial._speedups\n"
        "from vial import __version__, request\n"
        "from vial_other import _fine\n"
        "x = vial.globals._cv_request\n"
        "y = other._private\n"
    )
    assert [line for line, _ in private_vial_names(source)] == [2, 3, 4, 7]


def test_type_ignore_on_a_core_proxy_is_found() -> None:
    source = (
        "from vial import current_app, request as rq\n"
        "from sqlalchemy.orm import session\n"
        "a = current_app._get_current_object()  # type: ignore[attr-defined]\n"
        "b = rq.thing  # type: ignore\n"
        "c = session.thing  # type: ignore[attr-defined]\n"
        "d = current_app.name\n"
        "e = other._get_current_object()  # type: ignore\n"
    )
    assert [line for line, _ in ignored_proxy_lines(source)] == [3, 4, 7]


def test_readme_sections_and_python_blocks() -> None:
    text = (
        "intro\n<!-- quickstart -->\n```python\nx = 1\n```\n\n```bash\nls\n```\n"
        "```py\ny = 2\n```\n<!-- /quickstart -->\n"
    )
    section = between(text, "<!-- quickstart -->", "<!-- /quickstart -->")
    assert section is not None
    assert python_blocks(section) == "x = 1\n\ny = 2\n"
    assert between(text, "<!-- quickstart-check -->", "<!-- /x -->") is None
