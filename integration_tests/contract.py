"""What the contract test reads: each extension's declaration and sources.

An extension declares its parts in the ``[tool.vial.extension]`` table of
its ``pyproject.toml``; :func:`load` reads the table and imports what it
names. The static checks (private core names, ``type: ignore`` on a core
proxy, import circles, README sections) read the package's own source
files with :mod:`ast`, so they need nothing but the folder.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import sys
import tokenize
import typing as t
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TABLE = "[tool.vial.extension]"
REQUIRED_KEYS = ("class", "state", "options", "prefixes")
OPTIONAL_KEYS = ("flask_names", "replace_on_second_init", "config", "factory")
#: The core's context proxies: an extension that needs ``type: ignore`` to
#: use one should ask ``vial.ext`` (``get_app()``, ``get_request()``) instead.
CORE_PROXIES = frozenset({"current_app", "request", "session", "g"})
#: The modules an extension may take those proxies from.
PROXY_MODULES = frozenset({"vial", "vial.ext", "vial.globals"})


class ContractError(Exception):
    """The package's declaration is missing or wrong; the message says how."""


@dataclass(frozen=True)
class Package:
    """One folder under ``extensions/`` and what its ``pyproject.toml`` says."""

    folder: Path
    project: dict[str, t.Any]
    table: dict[str, t.Any] | None
    import_name: str

    @property
    def slug(self) -> str:
        """The folder name, such as ``login``."""
        return self.folder.name

    @property
    def rel(self) -> str:
        """The folder relative to the repository root."""
        return self.folder.relative_to(ROOT).as_posix()

    @property
    def source(self) -> Path:
        """The folder of the import package, under ``src/``."""
        return self.folder / "src" / self.import_name.replace(".", "/")

    def modules(self) -> dict[str, Path]:
        """Return every module of the package by dotted name."""
        found = {}
        for path in sorted(self.source.rglob("*.py")):
            parts = path.relative_to(self.source.parent).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
        return found


def discover() -> list[Package]:
    """Return every ``extensions/*`` folder holding a ``pyproject.toml``."""
    packages = []
    for pyproject in sorted(ROOT.glob("extensions/*/pyproject.toml")):
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        project = data["project"]
        module = data.get("tool", {}).get("flit", {}).get("module", {})
        packages.append(
            Package(
                folder=pyproject.parent,
                project=project,
                table=data.get("tool", {}).get("vial", {}).get("extension"),
                import_name=module.get("name", project["name"].replace("-", "_")),
            )
        )
    return packages


@dataclass
class Declared:
    """The contract table of one package, with the objects it names imported."""

    package: Package
    cls: type[t.Any]
    state: t.Any
    options: t.Any
    options_path: str
    prefixes: tuple[str, ...]
    flask_names: tuple[str, ...]
    replace_on_second_init: bool
    config: dict[str, t.Any]
    factory: Callable[[t.Any], t.Any] | None = field(default=None)

    def make(self, app: t.Any = None) -> t.Any:
        """Create the extension, set up on ``app`` when one is given."""
        if self.factory is not None:
            return self.factory(app)
        return self.cls() if app is None else self.cls(app)


def import_object(package: Package, key: str, path: str) -> t.Any:
    """Import ``module:attribute`` named by the table's ``key``."""
    module_name, colon, attribute = path.partition(":")
    where = f"{package.rel}/pyproject.toml {TABLE} {key} = {path!r}"
    if not colon or not attribute:
        raise ContractError(f"{where}: write it as 'module:attribute'.")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ContractError(f"{where}: the module does not import ({e}).") from e
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ContractError(f"{where}: {module_name} has no {attribute!r}.") from None


def load(package: Package) -> Declared:
    """Read and check the package's contract table; import what it names."""
    from vial.ext import ConfigOptions
    from vial.ext import ExtensionKey

    where = f"{package.rel}/pyproject.toml"
    table = package.table
    if table is None:
        raise ContractError(
            f"{where} has no {TABLE} table. Add one naming class, state,"
            " options and prefixes (and flask_names, replace_on_second_init,"
            " config, factory where they apply), as the extension contract in"
            " ARCHITECTURE.md describes."
        )
    missing = [key for key in REQUIRED_KEYS if key not in table]
    unknown = sorted(set(table) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if missing or unknown:
        raise ContractError(
            f"{where} {TABLE}: missing keys {missing}, unknown keys {unknown};"
            f" the keys are {list(REQUIRED_KEYS)} and optionally"
            f" {list(OPTIONAL_KEYS)}."
        )
    cls = import_object(package, "class", table["class"])
    state = import_object(package, "state", table["state"])
    options = import_object(package, "options", table["options"])
    if not isinstance(state, ExtensionKey):
        raise ContractError(
            f"{where} {TABLE} state = {table['state']!r} is a"
            f" {type(state).__name__}, not a vial.ext.ExtensionKey."
        )
    if not isinstance(options, ConfigOptions):
        raise ContractError(
            f"{where} {TABLE} options = {table['options']!r} is a"
            f" {type(options).__name__}, not a vial.ext.ConfigOptions."
        )
    if not isinstance(cls, type) or not callable(getattr(cls, "init_app", None)):
        raise ContractError(
            f"{where} {TABLE} class = {table['class']!r} is not a class with"
            " an init_app(app) method."
        )
    factory = table.get("factory") or None
    return Declared(
        package=package,
        cls=cls,
        state=state,
        options=options,
        options_path=table["options"].replace(":", "."),
        prefixes=tuple(table["prefixes"]),
        flask_names=tuple(table.get("flask_names", ())),
        replace_on_second_init=bool(table.get("replace_on_second_init", False)),
        config=dict(table.get("config", {})),
        factory=import_object(package, "factory", factory) if factory else None,
    )


# -- README sections -------------------------------------------------------------


def between(text: str, start: str, end: str) -> str | None:
    """Return the text between the markers ``start`` and ``end``, or None."""
    _, found, rest = text.partition(start)
    if not found or end not in rest:
        return None
    return rest.partition(end)[0]


def python_blocks(markdown: str) -> str:
    """Return the fenced ``python`` blocks of ``markdown``, joined."""
    blocks = re.findall(r"^```(?:python|py)[ \t]*\n(.*?)^```", markdown, re.M | re.S)
    return "\n".join(blocks)


# -- static checks of the sources ----------------------------------------------


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_vial_module(name: str | None) -> bool:
    return name is not None and (name == "vial" or name.startswith("vial."))


def private_vial_names(source: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line, text)`` for each private ``vial`` name the code uses."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            if not _is_vial_module(node.module):
                continue
            assert node.module is not None
            if any(_is_private(part) for part in node.module.split(".")):
                yield node.lineno, f"from {node.module} import ..."
            for alias in node.names:
                if _is_private(alias.name):
                    yield node.lineno, f"from {node.module} import {alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if _is_vial_module(alias.name) and any(map(_is_private, parts)):
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            chain = _dotted(node)
            if chain is not None and _is_vial_module(chain.rpartition(".")[0]):
                yield node.lineno, chain


def _dotted(node: ast.expr) -> str | None:
    """Return ``a.b.c`` for a chain of attributes on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def ignored_proxy_lines(source: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line, text)`` where a ``type: ignore`` sits on a core proxy."""
    tree = ast.parse(source)
    proxies = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in PROXY_MODULES:
            proxies |= {
                a.asname or a.name for a in node.names if a.name in CORE_PROXIES
            }
    ignored = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and re.search(r"type:\s*ignore", token.string)
    }
    lines = source.splitlines()
    flagged = set()
    for node in ast.walk(tree):
        line = getattr(node, "end_lineno", None)
        if line not in ignored:
            continue
        if (isinstance(node, ast.Name) and node.id in proxies) or (
            isinstance(node, ast.Attribute)
            and (
                node.attr == "_get_current_object"
                or (node.attr in CORE_PROXIES and _dotted(node) == f"vial.{node.attr}")
            )
        ):
            flagged.add(line)
    for line in sorted(flagged):
        yield line, lines[line - 1].strip()


def _is_type_checking(test: ast.expr) -> bool:
    name = _dotted(test)
    return name is not None and name.rpartition(".")[2] == "TYPE_CHECKING"


def _top_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Yield the imports run when the module is imported.

    Function bodies run later and ``if TYPE_CHECKING:`` blocks never, so
    neither can close a circle at import time; class bodies, ``try`` and
    other blocks run with the module.
    """
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        elif isinstance(statement, ast.If) and _is_type_checking(statement.test):
            yield from _top_level_imports(statement.orelse)
        else:
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(statement, name, ()):
                    if isinstance(child, ast.stmt):
                        yield from _top_level_imports([child])
                    else:  # an except handler or a match case
                        yield from _top_level_imports(child.body)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Return, for each module, the modules of the same package it imports."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _top_level_imports(tree.body):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
                continue
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, node.module] if node.module else parts)
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    graph[name].add(submodule)
                elif base in modules:
                    graph[name].add(base)
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other (Tarjan's SCC)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(circles)
