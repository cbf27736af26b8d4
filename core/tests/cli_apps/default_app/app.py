"""Found without '--app', as ``app.py`` in the working directory."""

from __future__ import annotations

from vial import Vial

app = Vial("default_app_py")
