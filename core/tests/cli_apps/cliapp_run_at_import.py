"""A script that starts the server when imported, without a main guard."""

from __future__ import annotations

from vial import Vial

app = Vial(__name__)
app.run()
