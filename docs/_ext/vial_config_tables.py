"""Render an extension's configuration keys as a Markdown or reST table.

The docs build renders every extension's table from its
:class:`vial.ext.ConfigOptions` with :func:`rst_table` (the
``vial-config-table`` directive), and the contract test checks that each
package README holds the output of :func:`markdown_table`, so the keys,
defaults and meanings users read are the ones the code sets. This module
needs no Sphinx.
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterable

from vial.ext import ConfigOption
from vial.ext import REQUIRED
from vial.ext import UNSET


def markdown_table(options: Iterable[ConfigOption]) -> str:
    """Render the keys, defaults and meanings as a Markdown table."""
    lines = ["| Key | Default | Meaning |", "| --- | --- | --- |"]

    for option in options:
        text, is_code = _shown_default(option)
        default = _markdown_code(text) if is_code else _markdown_cell(text)
        doc = _markdown_cell(option.doc.replace("``", "`"))
        lines.append(f"| {_markdown_code(option.name)} | {default} | {doc} |")

    return "\n".join(lines) + "\n"


def rst_table(options: Iterable[ConfigOption]) -> str:
    """Render the keys, defaults and meanings as a reST ``list-table``."""
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 25 20 55",
        "",
        "   * - Key",
        "     - Default",
        "     - Meaning",
    ]

    for option in options:
        text, is_code = _shown_default(option)
        default = f"``{text}``" if is_code else text
        # Continuation lines of a list item line up with its first line.
        doc = "\n       ".join(option.doc.splitlines())
        lines += [
            f"   * - ``{option.name}``",
            f"     - {default}",
            f"     - {doc}",
        ]

    return "\n".join(lines) + "\n"


def _shown_default(option: ConfigOption) -> tuple[str, bool]:
    """Return the text a table shows for the default, and whether it is code."""
    if option.shown_default is not None:
        return option.shown_default, False

    if option.default is UNSET:
        return "not set", False

    if option.default is REQUIRED:
        return "required", False

    return _python_source(option.default), True


def _python_source(value: t.Any) -> str:
    """Write ``value`` as short Python source: sets sorted, no module names."""
    if isinstance(value, (set, frozenset)):
        try:
            items = sorted(value)
        except TypeError:
            items = sorted(value, key=repr)

        inner = ", ".join(_python_source(item) for item in items)

        if isinstance(value, frozenset):
            return f"frozenset({{{inner}}})" if inner else "frozenset()"

        return f"{{{inner}}}" if inner else "set()"

    if isinstance(value, dict):
        pairs = (f"{_python_source(k)}: {_python_source(v)}" for k, v in value.items())
        return f"{{{', '.join(pairs)}}}"

    if isinstance(value, list):
        return f"[{', '.join(_python_source(item) for item in value)}]"

    if isinstance(value, tuple):
        if len(value) == 1:
            return f"({_python_source(value[0])},)"

        return f"({', '.join(_python_source(item) for item in value)})"

    text = repr(value)
    # "datetime.timedelta(days=365)" reads as "timedelta(days=365)".
    module = f"{type(value).__module__}."

    if module == "datetime." and text.startswith(module):
        return text[len(module) :]

    return text


def _markdown_cell(text: str) -> str:
    """Fit ``text`` in one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


def _markdown_code(text: str) -> str:
    """Format ``text`` as inline code that fits in a Markdown table cell."""
    text = text.replace("|", "\\|")

    if "`" not in text:
        return f"`{text}`"

    # A code span may hold backquotes when its fence is longer than any run
    # of them inside; the spaces keep a leading or trailing one apart.
    fence = "`" * (max(len(run) for run in re.findall("`+", text)) + 1)
    return f"{fence} {text} {fence}"
