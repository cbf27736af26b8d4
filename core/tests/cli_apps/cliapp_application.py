"""The app is named ``application``; ``app`` is something else."""

from __future__ import annotations

from vial import Vial

app = "not an application"
application = Vial("named_application")
