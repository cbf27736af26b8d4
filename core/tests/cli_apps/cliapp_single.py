"""The only app has a name the discovery does not guess."""

from __future__ import annotations

from vial import Vial

website = Vial("found_by_type")
