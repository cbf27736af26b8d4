"""A module that fails to import one of its own dependencies."""

from __future__ import annotations

import cliapp_missing_dependency  # type: ignore[import-not-found]  # noqa: F401

from vial import Vial

app = Vial(__name__)
