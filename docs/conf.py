"""Sphinx configuration for the vial documentation site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

project = "vial"
author = "The vial developers"
copyright = "the vial developers"
release = "0.1.0"
version = "0.1"

# Local extensions: vial_docs renders the configuration tables from the code;
# vial_api documents packages' public names and fails the build when a public
# name is missing from the reference.
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "vial_docs",
    "vial_api",
]

_DOCS = Path(__file__).resolve().parent

# docs/api/<slug>.rst documents extensions/<slug>; a page whose package is not
# in this checkout yet stays out of the build until the package lands.
exclude_patterns = ["_build"] + [
    f"api/{page.stem}.rst"
    for page in sorted((_DOCS / "api").glob("*.rst"))
    if not (_DOCS.parent / "extensions" / page.stem / "pyproject.toml").is_file()
]
templates_path: list[str] = []
html_theme = "alabaster"
html_title = "vial documentation"
html_theme_options = {
    "description": "A small, fast, Flask-compatible micro web framework.",
}

# Unresolved cross-references are allowed (nitpicky off); every other warning
# fails the build, because nox runs sphinx-build with -W.
nitpicky = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"

_logger = logging.getLogger(__name__)

#: Pages the packages of the monorepo contribute. Each one joins the index's
#: table of contents as soon as its file exists; until then its entry is
#: dropped instead of failing the build with "nonexisting document".
PLANNED_PAGES = (
    "api",
    "compat",
    "extensions/sqlalchemy",
    "extensions/wtf",
    "extensions/passwords",
    "extensions/login",
    "extensions/tokens",
    "extensions/roles",
    "extensions/mail",
    "extensions/accounts",
    "extensions/batteries",
    "benchmarks",
)


def _page_exists(name: str) -> bool:
    return any((_DOCS / f"{name}{suffix}").is_file() for suffix in (".rst", ".md"))


def _drop_unwritten_pages(app: Sphinx, docname: str, source: list[str]) -> None:
    """Remove index toctree entries of planned pages that have no file yet."""
    if docname != "index":
        return
    unwritten = {name for name in PLANNED_PAGES if not _page_exists(name)}
    if not unwritten:
        return
    _logger.info("pages not written yet: %s", ", ".join(sorted(unwritten)))
    lines = source[0].splitlines(keepends=True)
    source[0] = "".join(line for line in lines if line.strip() not in unwritten)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hook that keeps unwritten planned pages out of the index."""
    app.connect("source-read", _drop_unwritten_pages)
    return {"parallel_read_safe": True}
