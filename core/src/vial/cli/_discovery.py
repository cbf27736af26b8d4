"""Finding the application that the ``vial`` command works with.

``--app`` (or ``VIAL_APP``) names a module, a package or a file, optionally
followed by ``:name`` or ``:factory(args)``. Without a name, the module is
searched for an app the way :func:`find_best_app` describes.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import sys
import traceback
import typing as t
from types import ModuleType
from types import TracebackType

import click

from vial import helpers
from vial.app import Vial

#: Names tried, in order, for an application object in a module.
_APP_NAMES = ("app", "application")
#: Names tried, in order, for an application factory in a module.
_FACTORY_NAMES = ("create_app", "make_app")


class NoAppException(click.UsageError):
    """Raised when the application cannot be found or loaded."""


class FlaskAppException(NoAppException):
    """Raised when the app imports Flask (or a Flask extension) while the
    Flask compatibility switch is off."""


def find_best_app(module: ModuleType) -> Vial:
    """Return the application a module provides.

    Tried in order: an app named ``app`` or ``application``; the only
    :class:`~vial.Vial` instance in the module; a factory named
    ``create_app`` or ``make_app``, called without arguments.
    """
    for name in _APP_NAMES:
        candidate = getattr(module, name, None)
        if isinstance(candidate, Vial):
            return candidate

    found = [value for value in vars(module).values() if isinstance(value, Vial)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise NoAppException(
            f"The module {module.__name__!r} holds several Vial applications,"
            " so it is not clear which one to use. Name it with"
            f" '--app {module.__name__}:name'."
        )

    for name in _FACTORY_NAMES:
        factory = getattr(module, name, None)
        if not inspect.isfunction(factory):
            continue
        try:
            app = factory()
        except TypeError as e:
            if not _called_with_wrong_args(factory, e):
                raise
            raise NoAppException(
                f"The module {module.__name__!r} has an application factory"
                f" {name!r}, but it cannot be called without arguments. Pass"
                f" them with '--app {module.__name__}:{name}(args)'."
            ) from e
        if isinstance(app, Vial):
            return app

    raise NoAppException(
        f"No Vial application or factory was found in the module"
        f" {module.__name__!r}. Name the app with '--app"
        f" {module.__name__}:name', or define 'app' or 'create_app' in it."
    )


def _called_with_wrong_args(func: t.Callable[..., t.Any], exc: TypeError) -> bool:
    """Whether a ``TypeError`` comes from calling ``func`` with the wrong
    arguments, rather than from code that runs inside ``func``."""
    tb: TracebackType | None = exc.__traceback__
    code = getattr(func, "__code__", None)
    while tb is not None:
        if tb.tb_frame.f_code is code:
            # The function's body ran, so the arguments were accepted.
            return False
        tb = tb.tb_next
    return True


def _parse_app_name(
    module: ModuleType, app_name: str
) -> tuple[str, list[t.Any], dict[str, t.Any], bool]:
    """Split ``name`` or ``name(args)`` into the name, the positional and
    keyword arguments, and whether it is a call."""
    target = f"{module.__name__}:{app_name}"
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"{target!r} cannot be parsed. After the colon, give an attribute"
            " name ('app') or a factory call with literal arguments"
            " ('create_app(\"dev\")')."
        ) from None

    if isinstance(expr, ast.Name):
        return expr.id, [], {}, False
    if not isinstance(expr, ast.Call) or not isinstance(expr.func, ast.Name):
        raise NoAppException(
            f"{target!r} is neither an attribute name nor a call of one. Give"
            " 'name' or 'name(args)' after the colon."
        )
    try:
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs = {
            kw.arg: ast.literal_eval(kw.value)
            for kw in expr.keywords
            if kw.arg is not None
        }
    except ValueError:
        raise NoAppException(
            f"The arguments in {target!r} are not all literal values. Only"
            " strings, numbers, booleans, None and containers of them can be"
            " passed to a factory from the command line."
        ) from None
    if len(kwargs) != len(expr.keywords):
        raise NoAppException(
            f"{target!r} unpacks keyword arguments with '**', which the"
            " command line cannot pass. Give each argument by name."
        )
    return expr.func.id, args, kwargs, True


def find_app_by_string(module: ModuleType, app_name: str) -> Vial:
    """Return the app named by ``app_name`` in ``module``: an attribute, or a
    factory called with the literal arguments written after its name."""
    name, args, kwargs, is_call = _parse_app_name(module, app_name)
    try:
        attr = getattr(module, name)
    except AttributeError:
        raise NoAppException(
            f"The module {module.__name__!r} has no attribute {name!r}. Check"
            " the name given after the colon in '--app'."
        ) from None

    if inspect.isfunction(attr):
        try:
            app = attr(*args, **kwargs)
        except TypeError as e:
            if not _called_with_wrong_args(attr, e):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in the module {module.__name__!r}"
                f" could not be called with these arguments: {e}. Check its"
                " signature."
            ) from e
    elif is_call:
        raise NoAppException(
            f"{name!r} in the module {module.__name__!r} is not a function, so"
            " it cannot be called with arguments. Remove the parentheses or"
            " name a factory function."
        )
    else:
        app = attr

    if isinstance(app, Vial):
        return app
    raise NoAppException(
        f"'{module.__name__}:{app_name}' gave {type(app).__name__!r}, not a"
        " Vial application. Name an app or a factory that returns one."
    )


def prepare_import(path: str) -> str:
    """Turn a file or folder path into an importable module name, adding the
    folder it must be imported from to :data:`sys.path`.

    A plain module name is returned unchanged (its parent is the working
    directory). Packages are followed upward through their ``__init__.py``
    files, so ``src/shop/views.py`` becomes ``shop.views``.
    """
    path = os.path.realpath(path)
    base, ext = os.path.splitext(path)
    if ext == ".py":
        path = base
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts: list[str] = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break

    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Vial: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = ...
) -> Vial | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Vial | None:
    """Import ``module_name`` and return the app in it.

    :param module_name: The module to import.
    :param app_name: ``name`` or ``factory(args)``; ``None`` searches the
        module with :func:`find_best_app`.
    :param raise_if_not_found: When the module itself does not exist, raise
        :exc:`NoAppException` (``True``) or return ``None``.
    """
    try:
        __import__(module_name)
    except ImportError as e:
        if _is_flask_import(e):
            raise FlaskAppException(
                f"{module_name!r} imports {e.name!r}, which vial provides only"
                " with its Flask compatibility switch on. Run the command as"
                " 'vial --flask-compat ...' or 'python -m vial.compat ...';"
                " FLASK_APP, FLASK_DEBUG, FLASK_RUN_* and '.flaskenv' are"
                " read then."
            ) from None
        if not _is_missing(module_name, e):
            # The module exists, but importing something inside it failed:
            # show where, since that is the bug to fix.
            raise NoAppException(
                f"Importing {module_name!r} failed with an error inside it:\n\n"
                f"{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(
                f"The module {module_name!r} could not be imported: it does"
                " not exist. Check the name given with '--app' or"
                f" {helpers._env_names('APP')} and the current directory."
            ) from None
        return None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def _is_flask_import(exc: ImportError) -> bool:
    """Whether ``exc`` is Flask code failing to import Flask because the
    compatibility switch is off (with it on, ``flask`` is found)."""
    if not isinstance(exc, ModuleNotFoundError) or exc.name is None:
        return False
    compat = sys.modules.get("vial.compat")
    if compat is not None and compat.is_aliased():
        return False
    from vial.compat import extension_aliases

    top = exc.name.partition(".")[0]
    return top == "flask" or top in extension_aliases()


def _is_missing(module_name: str, exc: ImportError) -> bool:
    """Whether ``exc`` says that ``module_name`` (or a package it is in)
    does not exist, as opposed to a failing import inside the module."""
    if not isinstance(exc, ModuleNotFoundError) or exc.name is None:
        return False
    return module_name == exc.name or module_name.startswith(f"{exc.name}.")


_APP_SPLIT = re.compile(r":(?![\\/])")


def split_app_import_path(value: str) -> tuple[str, str | None]:
    """Split ``path:name`` into the path and the name.

    The first colon that is not followed by a path separator splits, so
    Windows paths with a drive letter keep it.
    """
    path, *rest = _APP_SPLIT.split(value, maxsplit=1)
    return path, (rest[0] if rest else None)
