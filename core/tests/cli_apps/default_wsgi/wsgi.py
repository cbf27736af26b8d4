"""Found without '--app', as ``wsgi.py`` in the working directory."""

from __future__ import annotations

from vial import Vial

app = Vial("default_wsgi_py")
