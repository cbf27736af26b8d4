"""Loading environment variables from ``.vialenv`` and ``.env`` files."""

from __future__ import annotations

import os
import typing as t

import click

from vial import helpers


def _default_names() -> list[str]:
    """The default files, lowest precedence first.

    ``.vialenv`` holds the project's public command line settings (such as
    ``VIAL_APP``) and is usually committed; ``.env`` holds local and secret
    values and wins over it. With the Flask compatibility switch on,
    ``.flaskenv`` is read too, below ``.vialenv``.
    """
    names = [f".{prefix.lower()}env" for prefix in reversed(helpers.ENV_PREFIXES)]
    names.append(".env")
    return names


def _find_upwards(name: str) -> str | None:
    """Find ``name`` in the working directory or the closest parent."""
    folder = os.getcwd()
    while True:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_dotenv(
    path: str | os.PathLike[str] | None = None, load_defaults: bool = True
) -> bool:
    """Load environment variables from dotenv files into :data:`os.environ`.

    The default files (``.vialenv`` then ``.env``; ``.flaskenv`` first with
    the Flask compatibility switch) are searched from the working directory
    upward; a file given with ``path`` wins over them. Variables that are
    already set in the environment are never changed.

    Does nothing, apart from a hint when such files exist, if
    `python-dotenv <https://pypi.org/project/python-dotenv/>`_ is not
    installed (``pip install 'vial-core[dotenv]'``).

    :param path: An extra file to load, with the highest precedence of the
        files. Ignored if it does not exist.
    :param load_defaults: Also load the default files.
    :return: Whether any file was loaded.
    """
    names = _default_names() if load_defaults else []
    found = [p for p in map(_find_upwards, names) if p is not None]
    if path is not None and os.path.isfile(path):
        found.append(os.fspath(path))

    try:
        import dotenv
    except ImportError:
        if found:
            listed = ", ".join(os.path.basename(p) for p in found)
            click.secho(
                f" * Found {listed}, but python-dotenv is not installed, so"
                " these variables were not loaded. Install it with"
                " 'pip install python-dotenv' (or"
                " \"pip install 'vial-core[dotenv]'\").",
                fg="yellow",
                err=True,
            )
        return False

    values: dict[str, str | None] = {}
    for file in found:
        values.update(dotenv.dotenv_values(file, encoding="utf-8"))

    for key, value in values.items():
        # The environment wins over every file; a key without a value
        # ("KEY" alone on a line) sets nothing.
        if value is not None and key not in os.environ:
            os.environ[key] = value

    return bool(found)


def _require_dotenv_for(path: str) -> t.NoReturn:
    raise click.BadParameter(
        f"python-dotenv must be installed to load {path!r}. Install it with"
        " 'pip install python-dotenv' (or"
        " \"pip install 'vial-core[dotenv]'\").",
        param_hint="'--env-file'",
    )


def _dotenv_installed() -> bool:
    try:
        import dotenv  # noqa: F401
    except ImportError:
        return False
    return True
