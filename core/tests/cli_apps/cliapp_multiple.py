"""Two apps and no name that says which one to use."""

from __future__ import annotations

from vial import Vial

public = Vial("public")
admin = Vial("admin")
