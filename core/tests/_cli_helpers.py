"""Shared by the ``test_cli_*`` and ``test_compat*`` modules: process state
that the command line changes, and running Python in a subprocess."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import typing as t
from contextlib import contextmanager

from vial import helpers

HERE = pathlib.Path(__file__).parent
#: The folder of the app modules the CLI tests load.
CLI_APPS = HERE / "cli_apps"


@contextmanager
def isolated_process_state(*module_roots: pathlib.Path) -> t.Iterator[None]:
    """Undo what loading apps changes in the process.

    The environment (the CLI writes ``VIAL_DEBUG`` and ``VIAL_RUN_FROM_CLI``,
    env files add variables), ``sys.path`` (:func:`vial.cli.prepare_import`
    adds folders), the environment prefixes, and the modules imported from
    ``tests/cli_apps`` or ``module_roots`` are restored after the block.
    Variables of vial, Flask and werkzeug's reloader are removed first, so the
    caller's environment does not leak into a test.
    """
    saved_env = dict(os.environ)
    saved_path = sys.path[:]
    saved_prefixes = helpers.ENV_PREFIXES[:]
    for key in list(os.environ):
        if key.startswith(("VIAL_", "FLASK_", "WERKZEUG_")) or key == "PYTHONSTARTUP":
            del os.environ[key]
    roots = [str(CLI_APPS), *map(str, module_roots)]
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        helpers.ENV_PREFIXES[:] = saved_prefixes
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None) or ""
            if file.startswith(tuple(roots)):
                del sys.modules[name]


def run_python(
    *args: str,
    cwd: pathlib.Path | str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``python <args>`` with this interpreter and return the result.

    The child gets a clean environment: no ``VIAL_*``/``FLASK_*`` variables
    from the caller, plus ``env``.
    """
    child_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIAL_", "FLASK_", "WERKZEUG_", "PYTEST_"))
    }
    child_env.update(env or {})
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
