"""Run a Flask project's tests on vial: ``pytest -p vial.compat.pytest_plugin``.

The Flask compatibility switch is turned on before the project's
``conftest.py`` files are imported, so ``from flask import ...`` in them and
in the code they import gives vial.
"""

from __future__ import annotations

import pytest

from . import alias_flask


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Turn the switch on before any ``conftest.py`` is imported."""
    alias_flask()
