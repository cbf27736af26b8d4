"""Sphinx directives that render vial's configuration tables from the code.

``.. vial-config-table:: vial_passwords.config.OPTIONS``
    Renders an extension's :class:`vial.ext.ConfigOptions` with
    :func:`vial_config_tables.rst_table`, so the documented keys, defaults
    and meanings are always the ones the package sets.

``.. vial-default-config::``
    Renders the core's defaults, :attr:`vial.base.AppBase.default_config`.
    The directive's content gives the meaning of each key, as a key name on
    a line of its own followed by the indented text. A key of the defaults
    without a meaning, or a meaning for a key that is not a default, is a
    warning, so the docs build (which turns warnings into errors) fails until
    the table matches the code.

Every extension's table must render somewhere: a package whose
``[tool.vial.extension]`` table names its ``options`` while no page holds
``.. vial-config-table::`` for them is a warning too.
"""

from __future__ import annotations

import importlib
import re
import sys
import typing as t
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from vial_config_tables import rst_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if t.TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_logger = logging.getLogger(__name__)


def _import_object(path: str) -> t.Any:
    """Import ``package.module.NAME`` and return ``NAME``."""
    module_name, _, attribute = path.rpartition(".")
    module = importlib.import_module(module_name)
    return getattr(module, attribute)


class _TableDirective(SphinxDirective):
    def _parse(self, text: str) -> list[nodes.Node]:
        container = nodes.container()
        source = self.get_source_info()[0] or ""
        lines = StringList(text.splitlines(), source=source)
        self.state.nested_parse(lines, self.content_offset, container)
        return list(container.children)


class ConfigTable(_TableDirective):
    """Render the ``ConfigOptions`` named by the argument as a table."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        try:
            options = _import_object(self.arguments[0])
        except (ImportError, AttributeError) as e:
            _logger.warning(
                "vial-config-table: cannot import %s (%s); install the package"
                " or fix the name.",
                self.arguments[0],
                e,
                location=self.get_location(),
            )
            return []
        return self._parse(rst_table(options))


class DefaultConfigTable(_TableDirective):
    """Render ``AppBase.default_config`` with the meanings in the content."""

    has_content = True

    def _meanings(self) -> dict[str, str]:
        meanings: dict[str, list[str]] = {}
        current: list[str] | None = None
        for line in self.content:
            if not line.strip():
                continue
            if line[0].isspace():
                if current is None:
                    raise self.error("A meaning comes after the key it explains.")
                current.append(line.strip())
            else:
                current = meanings.setdefault(line.strip(), [])
        return {key: " ".join(lines) for key, lines in meanings.items()}

    def run(self) -> list[nodes.Node]:
        from vial.base import AppBase
        from vial.config import ConfigOption
        from vial.config import ConfigOptions

        defaults = AppBase.default_config
        meanings = self._meanings()
        for key in defaults.keys() - meanings.keys():
            _logger.warning(
                "vial-default-config: %s is a default config key without a"
                " meaning; add it to the directive's content.",
                key,
                location=self.get_location(),
            )
        for key in meanings.keys() - defaults.keys():
            _logger.warning(
                "vial-default-config: %s is not a key of"
                " AppBase.default_config; remove it from the directive's"
                " content.",
                key,
                location=self.get_location(),
            )
        options = ConfigOptions(
            *(
                ConfigOption(key, value, meanings[key])
                for key, value in defaults.items()
                if key in meanings
            )
        )
        return self._parse(rst_table(options))


_DOCS = Path(__file__).resolve().parents[1]
_TABLE = re.compile(r"^\s*\.\.\s+vial-config-table::\s*(\S+)", re.MULTILINE)


def _declared_options() -> dict[str, str]:
    """Map each extension's options (``pkg.config.OPTIONS``) to its folder."""
    declared = {}
    for pyproject in sorted(_DOCS.parent.glob("extensions/*/pyproject.toml")):
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        table = data.get("tool", {}).get("vial", {}).get("extension", {})
        if "options" in table:
            declared[table["options"].replace(":", ".")] = pyproject.parent.name
    return declared


def _check_every_table_renders(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about an extension whose config table no page renders."""
    rendered = {
        match
        for docname in env.found_docs
        for match in _TABLE.findall(
            Path(env.doc2path(docname)).read_text(encoding="utf-8")
        )
    }
    for options, slug in _declared_options().items():
        if options not in rendered:
            _logger.warning(
                "vial-config-table: no page renders %s (extensions/%s); add"
                " '.. vial-config-table:: %s' to docs/extensions/%s.rst.",
                options,
                slug,
                options,
                slug,
                type="vial",
                subtype="config-table",
            )


def setup(app: Sphinx) -> dict[str, t.Any]:
    """Register the directives and the check that every table renders."""
    app.add_directive("vial-config-table", ConfigTable)
    app.add_directive("vial-default-config", DefaultConfigTable)
    app.connect("env-check-consistency", _check_every_table_renders)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
