"""Import aliasing: ``import flask`` gives vial.

An import hook (a finder placed first on :data:`sys.meta_path`) answers for
``flask``, ``flask.*`` and the Flask extension names that installed vial
extensions declare (see :func:`extension_aliases`).

Most Flask modules are the vial module itself under a second name
(``sys.modules["flask.globals"] is vial.globals``), so state, proxies and
monkeypatching are shared. The few modules where Flask has names vial does
not (``flask``, ``flask.app``, ``flask.config``, ``flask.testing``,
``flask.cli``, ``flask.sansio.*``) are thin modules that hold those names and
forward every other attribute, read or written, to the vial module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import typing as t
from importlib.metadata import Distribution
from importlib.metadata import DistributionFinder
from types import ModuleType

from vial import helpers

from ._flask import FLASK_VERSION

if t.TYPE_CHECKING:
    import os
    from collections.abc import Iterable
    from collections.abc import Sequence

#: Aliases added by hand, on top of those installed extensions declare:
#: a Flask extension's import name and the module that stands for it. Empty
#: unless an app or a test adds to it before :func:`alias_flask`.
EXTENSION_ALIASES: dict[str, str] = {}


def extension_aliases() -> dict[str, str]:
    """Return the Flask extension names the installed vial extensions stand for.

    Each extension declares its own in the ``vial.flask_aliases`` entry-point
    group of its ``pyproject.toml`` (``flask_login = "vial_login"``); the
    core lists none. :data:`EXTENSION_ALIASES` is added last, so it wins.
    """
    from importlib.metadata import entry_points

    from vial.ext import FLASK_ALIASES_GROUP

    found = {ep.name: ep.value for ep in entry_points(group=FLASK_ALIASES_GROUP)}
    found.update(EXTENSION_ALIASES)
    return found


_FLASK = "vial.compat._flask"

#: Flask modules with names vial does not have: the vial module they
#: forward to (``None`` for an empty package) and the extra names, each a
#: value or a lazy ``"module:attribute"`` reference.
_FLASK_MODULES: dict[str, tuple[str | None, dict[str, t.Any]]] = {
    "flask": (
        "vial",
        {
            "Flask": f"{_FLASK}:Flask",
            "Config": f"{_FLASK}:FlaskConfig",
            "__version__": FLASK_VERSION,
        },
    ),
    "flask.app": ("vial.app", {"Flask": f"{_FLASK}:Flask"}),
    "flask.config": ("vial.config", {"Config": f"{_FLASK}:FlaskConfig"}),
    "flask.testing": (
        "vial.testing",
        {
            "FlaskClient": "vial.testing:VialClient",
            "FlaskCliRunner": "vial.testing:VialCliRunner",
        },
    ),
    "flask.cli": ("vial.cli", {"FlaskGroup": "vial.compat._cli:FlaskGroup"}),
    "flask.sansio": (None, {}),
    "flask.sansio.app": ("vial.base", {"App": "vial.base:AppBase"}),
    "flask.sansio.scaffold": ("vial.scaffold", {}),
    "flask.sansio.blueprints": ("vial.blueprints", {}),
}

_MISSING = object()
_lock = threading.Lock()
_finder: _AliasFinder | None = None
_added_prefix = False


class _AliasModule(ModuleType):
    """A Flask module: its own extra names, and everything else read from
    and written to the vial module it stands for."""

    def __init__(self, name: str, target: ModuleType, extras: dict[str, t.Any]) -> None:
        super().__init__(name, target.__doc__)
        own = self.__dict__
        own["_vial_target"] = target
        own["_vial_extras"] = frozenset(extras)
        own["_vial_lazy"] = lazy = {}
        # Original values of vial attributes set through this module.
        own["_vial_saved"] = {}
        for key, value in extras.items():
            if isinstance(value, str) and ":" in value:
                lazy[key] = value
            else:
                own[key] = value
        if hasattr(target, "__path__"):
            # A package, so submodules can be imported through it; the
            # finder answers for them, not this (empty) path.
            own["__path__"] = []

    def __getattr__(self, name: str) -> t.Any:
        own = self.__dict__
        ref = own["_vial_lazy"].get(name)
        if ref is not None:
            module, _, attr = ref.partition(":")
            value = own[name] = getattr(importlib.import_module(module), attr)
            return value
        target = own["_vial_target"]
        if name == "__all__" and not hasattr(target, "__all__"):
            names = {n for n in vars(target) if n.isidentifier() and n[0] != "_"}
            return sorted(names | {n for n in own["_vial_extras"] if n[0] != "_"})
        try:
            value = getattr(target, name)
        except AttributeError:
            raise AttributeError(
                f"module {self.__name__!r} has no attribute {name!r}"
            ) from None
        if (
            isinstance(value, ModuleType)
            and value.__name__ == f"{target.__name__}.{name}"
        ):
            # A submodule: give its Flask form, which may add names.
            return importlib.import_module(f"{self.__name__}.{name}")
        return value

    def __setattr__(self, name: str, value: t.Any) -> None:
        if self._keeps(name, value):
            super().__setattr__(name, value)
            return
        target = self._vial_target
        saved = self._vial_saved
        original = saved.setdefault(name, vars(target).get(name, _MISSING))
        if value is original:
            del saved[name]
        setattr(target, name, value)

    def __delattr__(self, name: str) -> None:
        # Deleting what was set through this module restores vial's value,
        # so tools that undo a patch by deleting it (pytest's monkeypatch
        # looks at this module's own namespace) leave vial as it was.
        if name in self.__dict__:
            super().__delattr__(name)
            return
        target = self._vial_target
        original = self._vial_saved.pop(name, _MISSING)
        if original is _MISSING:
            delattr(target, name)
        else:
            setattr(target, name, original)

    def __repr__(self) -> str:
        return f"<module {self.__name__!r} (vial's {self._vial_target.__name__!r})>"

    def __dir__(self) -> list[str]:
        own = set(self.__dict__) | set(self._vial_lazy)
        return sorted(set(dir(self._vial_target)) | own)

    def _keeps(self, name: str, value: t.Any) -> bool:
        # Module attributes set by the import system, Flask's own names and
        # submodules (bound by "import flask.x") stay here; the rest is
        # vial's, so patching flask.x patches the code that uses it.
        return (
            name.startswith("__")
            or name in self._vial_extras
            or isinstance(value, ModuleType)
        )


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias: the vial module itself, or an :class:`_AliasModule`."""

    def __init__(self, target: str | None, extras: dict[str, t.Any] | None) -> None:
        self.target = target
        self.extras = extras
        self._target_spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """Import the vial module and return it, or a module forwarding to it."""
        if self.target is None:
            package = ModuleType(spec.name)
            return _AliasModule(spec.name, package, {"__path__": []})
        module = importlib.import_module(self.target)
        if self.extras is None:
            self._target_spec = module.__spec__
            return module
        return _AliasModule(spec.name, module, self.extras)

    def exec_module(self, module: ModuleType) -> None:
        """Undo what importing under a second name changed on a shared module."""
        if self._target_spec is not None:
            # The import system stores the alias's spec on the module; the
            # module's own spec must stay, or reloading it would break.
            module.__spec__ = self._target_spec


class _FlaskDistribution(Distribution):
    """What :mod:`importlib.metadata` reports for ``flask`` while aliased."""

    def read_text(self, filename: str) -> str | None:
        """Return the metadata file ``filename``, if there is one."""
        if filename == "METADATA":
            return (
                "Metadata-Version: 2.1\n"
                "Name: Flask\n"
                f"Version: {FLASK_VERSION}\n"
                "Summary: Provided by vial's Flask compatibility switch.\n"
            )
        return None

    def locate_file(self, path: str | os.PathLike[str]) -> t.Any:
        """There are no files; the path is returned unchanged."""
        return path


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answers imports of ``flask``, ``flask.*`` and the extension aliases."""

    def __init__(self, extensions: dict[str, str]) -> None:
        self.extensions = extensions

    def _target(
        self, fullname: str
    ) -> tuple[str | None, dict[str, t.Any] | None] | None:
        if fullname in _FLASK_MODULES:
            return _FLASK_MODULES[fullname]
        if fullname.startswith("flask."):
            return "vial" + fullname[5:], None
        top, dot, rest = fullname.partition(".")
        if top in self.extensions:
            return self.extensions[top] + dot + rest, None
        return None

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """Return a spec for an aliased name, ``None`` for any other."""
        found = self._target(fullname)
        if found is None:
            return None
        name, extras = found
        if name is None:
            is_package = True
        else:
            try:
                spec = importlib.util.find_spec(name)
            except ModuleNotFoundError:
                spec = None
            if spec is None:
                top = fullname.partition(".")[0]
                if top in self.extensions and name == self.extensions[top]:
                    raise ModuleNotFoundError(
                        f"No module named {fullname!r}: with vial's Flask"
                        f" compatibility switch on, {fullname!r} is provided by"
                        f" the module {name!r}, which cannot be imported."
                        " Reinstall the vial extension that declares it.",
                        name=fullname,
                    )
                # No vial counterpart: the import fails as for any missing
                # module.
                return None
            is_package = spec.submodule_search_locations is not None
        return importlib.util.spec_from_loader(
            fullname, _AliasLoader(name, extras), is_package=is_package
        )

    def find_distributions(
        self, context: DistributionFinder.Context | None = None
    ) -> Iterable[Distribution]:
        """Report ``flask`` as installed, at :data:`FLASK_VERSION`."""
        name = getattr(context, "name", None)
        if name is not None and name.lower() == "flask":
            return [_FlaskDistribution()]
        return []


def _is_alias(module: ModuleType) -> bool:
    return isinstance(module, _AliasModule)


def alias_flask(extensions: bool = True) -> None:
    """Make Flask code run on vial, in this process.

    Afterwards ``import flask`` and ``import flask.<module>`` give vial's
    modules, with Flask's names added (``Flask``, ``FlaskClient``,
    ``FlaskCliRunner``, ``FlaskGroup``, ``flask.__version__``); ``FLASK_APP``,
    ``FLASK_DEBUG``, ``FLASK_RUN_*``, ``FLASK_SKIP_DOTENV`` and ``.flaskenv``
    are honoured next to their ``VIAL`` forms, which win; and the Flask
    extension names that installed vial extensions declare
    (``flask_sqlalchemy``, ``flask_login``, ...) give those extensions.

    Call it before anything imports Flask code, for example first thing in
    the entry point, or run ``python -m vial.compat`` instead of ``flask``.
    Calling it again does nothing.

    :param extensions: Also alias the Flask extension names of
        :func:`extension_aliases`. Turn off to use real pure-Python Flask
        extensions instead.
    :raises RuntimeError: if the real Flask is already imported.
    """
    global _finder, _added_prefix
    with _lock:
        existing = sys.modules.get("flask")
        if existing is not None and not _is_alias(existing):
            where = getattr(existing, "__file__", None) or "an unknown place"
            raise RuntimeError(
                f"The real Flask is already imported (from {where}), so vial"
                " cannot stand in for it. Call vial.compat.alias_flask()"
                " before anything imports flask, for example at the very top"
                " of the program's entry point, or run the app with"
                " 'python -m vial.compat'."
            )
        if _finder is not None:
            return
        _finder = _AliasFinder(extension_aliases() if extensions else {})
        sys.meta_path.insert(0, _finder)
        if "FLASK" not in helpers.ENV_PREFIXES:
            helpers.ENV_PREFIXES.append("FLASK")
            _added_prefix = True


def is_aliased() -> bool:
    """Whether :func:`alias_flask` is in effect."""
    return _finder is not None


def _unalias() -> None:
    """Undo :func:`alias_flask`, for tests: remove the import hook, the
    aliased modules and the ``FLASK`` environment prefix.

    Code that kept references to aliased modules keeps them.
    """
    global _finder, _added_prefix
    with _lock:
        if _finder is None:
            return
        finder = _finder
        _finder = None
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for name in list(sys.modules):
            if finder._target(name) is not None:
                del sys.modules[name]
        if _added_prefix and "FLASK" in helpers.ENV_PREFIXES:
            helpers.ENV_PREFIXES.remove("FLASK")
        _added_prefix = False
