"""The API reference of every package, and the check that it is complete.

A package's public names are the names its ``__all__`` lists or, without
one, the names its ``__init__.py`` re-exports explicitly
(``from .extension import Mail as Mail``); underscored names are private.
Every package folder of the repository (``core/src/*`` and
``extensions/*/src/*``) is read, subpackages included.

``.. vial-api:: vial_mail``
    Documents every public name of the module with autodoc, in the order of
    its ``__init__.py``: classes with their members, functions, and data
    with the ``#:`` comment written above it where it is defined. A name
    that another page documents already (an extension page's own API
    section, say) is rendered again with ``:no-index:``, so the page stays
    complete and cross-references keep pointing to the other page. A name
    re-exported from another package links to it.

The check
    After every page is read, each public name must be documented in the
    site: under its public name, or, for a class, function or other object
    that is not a plain value, as the same object under another documented
    name (``vial.ext.ConfigOptions`` is ``vial.config.ConfigOptions``). A
    missing name is a warning naming the file that exports it, and the docs
    build, which turns warnings into errors, fails.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import types
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

if t.TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: Values compared by identity would match by accident (``"utf-8" is
#: "utf-8"``): names bound to these must be documented under their own name.
_PLAIN_VALUES = (str, bytes, int, float, bool, type(None), tuple, frozenset)


@dataclass(frozen=True)
class PublicName:
    """A public name of a module, and the module that defines it."""

    module: str
    name: str
    source: str

    @property
    def full_name(self) -> str:
        """The dotted name users import it by, such as ``vial_mail.Mail``."""
        return f"{self.module}.{self.name}"


def package_folders(root: Path = ROOT) -> list[Path]:
    """Return the folder of every import package of the repository."""
    sources = [root / "core" / "src", *sorted(root.glob("extensions/*/src"))]
    return [
        folder
        for src in sources
        for folder in sorted(src.iterdir())
        if (folder / "__init__.py").is_file()
    ]


def public_modules(root: Path = ROOT) -> list[tuple[str, Path]]:
    """Return ``(module, file)`` for every module that declares public names:
    each package ``__init__.py``, and any module with an ``__all__``."""
    found = []
    for folder in package_folders(root):
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder.parent).with_suffix("").parts
            if any(part.startswith("_") and part != "__init__" for part in parts):
                continue
            if path.name == "__init__.py":
                found.append((".".join(parts[:-1]), path))
            elif _all_of(ast.parse(path.read_text(encoding="utf-8"))) is not None:
                found.append((".".join(parts), path))
    return found


def public_names(module: str, path: Path) -> list[PublicName]:
    """Return the public names of ``module``, read from its source ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    exported = _all_of(tree)
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            source = _absolute(package, node.module, node.level)
            for alias in node.names:
                if exported is None and alias.asname != alias.name:
                    continue
                # "from . import json as json" re-exports a submodule.
                name = alias.asname or alias.name
                found[name] = source if node.module else f"{source}.{alias.name}"
        elif isinstance(node, ast.Import) and exported is None:
            for alias in node.names:
                if alias.asname == alias.name:
                    found[alias.name] = alias.name
    names = exported if exported is not None else list(found)
    return [
        PublicName(module, name, found.get(name, module))
        for name in names
        if not name.startswith("_")
    ]


def _all_of(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, (ast.List, ast.Tuple))
        ):
            return [
                item.value
                for item in node.value.elts
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            ]
    return None


def _absolute(package: str, module: str | None, level: int) -> str:
    if not level:
        return module or ""
    base = package.split(".")
    base = base[: len(base) - level + 1]
    return ".".join([*base, module] if module else base)


def every_public_name(root: Path = ROOT) -> list[PublicName]:
    """Return the public names of every module of every package."""
    return [
        name
        for module, path in public_modules(root)
        for name in public_names(module, path)
    ]


# -- what the pages document ---------------------------------------------------

_DIRECTIVE = re.compile(
    r"^\s*\.\.\s+(?:py:)?(auto)?(module|currentmodule|class|exception|function"
    r"|decorator|data|attribute|method)::\s*(\S+)"
)


@cache
def documented_by_hand(exclude: str = "api") -> frozenset[str]:
    """Return the full names that the pages outside ``docs/<exclude>/``
    document with an explicit object directive."""
    names = set()
    for page in sorted(DOCS.rglob("*.rst")):
        relative = page.relative_to(DOCS)
        if relative.parts[0] in (exclude, "_build"):
            continue
        current = ""
        for line in page.read_text(encoding="utf-8").splitlines():
            match = _DIRECTIVE.match(line)
            if not match:
                continue
            _, kind, target = match.groups()
            if kind in ("module", "currentmodule"):
                current = "" if target == "None" else target
                names.add(target)
            elif "." in target or not current:
                names.add(target)
            else:
                names.add(f"{current}.{target}")
    return frozenset(names)


# -- the directive -------------------------------------------------------------


def _resolve(dotted: str) -> t.Any:
    """Import the object named ``dotted``; raise ``LookupError`` if there is none."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: t.Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for part in parts[cut:]:
                obj = getattr(obj, part)
        except AttributeError:
            break
        return obj
    raise LookupError(dotted)


def _top(module: str) -> str:
    return module.partition(".")[0]


def _attribute_doc(source: str, name: str) -> list[str]:
    """Return the ``#:`` comment above ``name`` in module ``source``."""
    try:
        docs = ModuleAnalyzer.for_module(source).find_attr_docs()
    except Exception:  # no source to analyse: an extension module, say
        return []
    return list(docs.get(("", name), []))


def _pointer(full: str, obj: t.Any, options: list[str], text: str) -> list[str]:
    """Return an object entry for ``full`` whose body is ``text``."""
    if inspect.isclass(obj):
        kind = "class"
    elif inspect.isfunction(obj) or inspect.isbuiltin(obj):
        kind = "function"
    else:
        kind = "data"
    return [f".. py:{kind}:: {full}", *options, "", f"   {text}", ""]


def _entry(public: PublicName, obj: t.Any, no_index: bool) -> list[str]:
    """Return the reST that documents one public name."""
    full = public.full_name
    options = ["   :no-index:"] if no_index else []
    if isinstance(obj, types.ModuleType):
        text = f"The module :mod:`{obj.__name__}`, under this name."
        return _pointer(full, obj, options, text)
    first = _first_public_name(obj)
    if first is not None and first != full:
        # One full entry per object: autodoc registers the object's own
        # dotted name with each, which would be a duplicate.
        return _pointer(full, obj, options, f":obj:`{first}`, under a second name.")
    is_code = inspect.isclass(obj) or inspect.isfunction(obj)
    defined_in = getattr(obj, "__module__", None)
    if is_code and defined_in and _top(defined_in) != _top(public.module):
        # Another package's object: its own reference documents it.
        target = f"{defined_in}.{obj.__qualname__}"
        return _pointer(full, obj, options, f":obj:`{target}`, re-exported here.")
    if inspect.isclass(obj):
        kind = "autoexception" if issubclass(obj, BaseException) else "autoclass"
        return [f".. {kind}:: {full}", "   :members:", *options, ""]
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return [f".. autofunction:: {full}", *options, ""]
    # Data: the comment where it is defined, since the re-export has none.
    lines = [f".. py:data:: {full}", *options]
    if isinstance(obj, _PLAIN_VALUES) and not isinstance(obj, tuple):
        lines.append(f"   :value: {obj!r}")
    doc = _attribute_doc(public.source, public.name)
    if not any(line.strip() for line in doc):
        doc = [f"Defined in :mod:`{public.source}`."]
    return [*lines, "", *(f"   {line}" for line in doc), ""]


@cache
def _first_names() -> dict[int, str]:
    """Map each public object (not a plain value) to its first public name,
    in the order packages and modules are read."""
    first: dict[int, str] = {}
    for public in every_public_name():
        try:
            obj = _resolve(public.full_name)
        except LookupError:
            continue
        if not isinstance(obj, _PLAIN_VALUES):
            first.setdefault(id(obj), public.full_name)
    return first


def _first_public_name(obj: t.Any) -> str | None:
    if isinstance(obj, _PLAIN_VALUES):
        return None
    return _first_names().get(id(obj))


class ApiDirective(SphinxDirective):
    """Document every public name of the module named by the argument."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        module = self.arguments[0]
        paths = dict(public_modules())
        if module not in paths:
            _logger.warning(
                "vial-api: %s is not a module with public names in this"
                " repository; name a package such as vial_mail.",
                module,
                location=self.get_location(),
            )
            return []
        elsewhere = documented_by_hand()
        lines: list[str] = []
        for public in public_names(module, paths[module]):
            try:
                obj = _resolve(public.full_name)
            except LookupError:
                _logger.warning(
                    "vial-api: %s does not import; install the package.",
                    public.full_name,
                    location=self.get_location(),
                )
                continue
            lines += _entry(public, obj, public.full_name in elsewhere)
        if not lines:
            lines = [f":mod:`{module}` has no public names."]
        container = nodes.container()
        source = self.get_source_info()[0] or ""
        self.state.nested_parse(
            StringList(lines, source=source), self.content_offset, container
        )
        return list(container.children)


# -- the check ------------------------------------------------------------------


def missing_names(
    documented: t.Iterable[str], names: t.Iterable[PublicName]
) -> Iterator[PublicName]:
    """Yield the public names that no documented name covers."""
    documented = set(documented)
    identities = set()
    for name in documented:
        if _top(name) not in _our_packages():
            continue
        try:
            obj = _resolve(name)
        except LookupError:
            continue
        if not isinstance(obj, _PLAIN_VALUES):
            identities.add(id(obj))
    for public in names:
        if public.full_name in documented:
            continue
        try:
            obj = _resolve(public.full_name)
        except LookupError:
            yield public
            continue
        if isinstance(obj, _PLAIN_VALUES) or id(obj) not in identities:
            yield public


@cache
def _our_packages() -> frozenset[str]:
    return frozenset(folder.name for folder in package_folders())


def _check_coverage(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn about every public name that no page documents."""
    domain = env.get_domain("py")
    documented = {name for name, *_ in domain.get_objects()}
    paths = dict(public_modules())
    for public in missing_names(documented, every_public_name()):
        path = paths[public.module].relative_to(ROOT).as_posix()
        _logger.warning(
            "vial-api: %s is public (%s exports it) but the API reference does"
            " not document it; add it to docs/api.rst (the core) or to the"
            " package's docs/api/<slug>.rst, or make it private.",
            public.full_name,
            path,
            type="vial",
            subtype="api-coverage",
        )


def setup(app: Sphinx) -> dict[str, t.Any]:
    """Register the directive and the completeness check."""
    app.add_directive("vial-api", ApiDirective)
    app.connect("env-check-consistency", _check_coverage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
