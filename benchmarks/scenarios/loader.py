"""Build a scenario's WSGI app for one framework: the tiny vial launcher lives here.

vial gets no scenario code of its own: ``load("vial", ...)`` switches on
``vial.compat.alias_flask()`` and then imports the very module the real Flask
runs, so ``from flask import Flask`` there gives vial's classes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: Framework name -> module holding its ``APPS`` mapping of scenario factories.
FRAMEWORK_MODULES: dict[str, str] = {
    "vial": "scenarios.flask_app",
    "flask": "scenarios.flask_app",
    "bottle": "scenarios.bottle_app",
    "falcon": "scenarios.falcon_app",
    "werkzeug": "scenarios.werkzeug_app",
    "raw": "scenarios.raw_app",
}

# The app class must come from this package, so a venv that accidentally has
# the real Flask cannot be measured as vial (or the other way round).
_APP_PACKAGE: dict[str, str] = {"vial": "vial", "flask": "flask"}


class FrameworkUnavailable(Exception):
    """The framework cannot run the Flask scenarios yet (vial without compat)."""


def _alias_flask() -> None:
    try:
        compat = importlib.import_module("vial.compat")
    except ImportError as error:
        raise FrameworkUnavailable(
            f"vial.compat cannot be imported ({error}); vial runs the Flask"
            " scenarios only once vial.compat.alias_flask() exists."
        ) from error
    alias: Callable[[], Any] | None = getattr(compat, "alias_flask", None)
    if alias is None:
        raise FrameworkUnavailable(
            "vial.compat has no alias_flask(); vial runs the Flask scenarios"
            " only once it exists."
        )
    alias()


def load(framework: str, scenario: str) -> Any | None:
    """Return the WSGI app for ``scenario`` on ``framework``, or None if n/a."""
    if framework not in FRAMEWORK_MODULES:
        known = ", ".join(FRAMEWORK_MODULES)
        raise ValueError(f"Unknown framework {framework!r}; choose one of {known}.")
    if framework == "vial":
        _alias_flask()
    module = importlib.import_module(FRAMEWORK_MODULES[framework])
    factories: dict[str, Callable[[], Any]] = module.APPS
    factory = factories.get(scenario)
    if factory is None:
        return None
    app = factory()
    package = _APP_PACKAGE.get(framework)
    if package is not None:
        app_module = type(app).__module__
        if app_module.split(".")[0] != package:
            raise RuntimeError(
                f"The {framework} scenario app is a {app_module}.{type(app).__name__};"
                f" its venv must provide {package}, not another framework."
            )
    return app


def describe_app(app: Any) -> str:
    """Return the dotted class name of an app, for the raw results."""
    cls = type(app)
    return f"{cls.__module__}.{cls.__qualname__}"
