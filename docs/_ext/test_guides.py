"""Tests that keep the guides complete, run by ``nox -s docs``."""

from __future__ import annotations

import re

from vial_api import DOCS
from vial_api import public_modules
from vial_api import public_names


def test_writing_extensions_explains_every_name_of_vial_ext() -> None:
    guide = (DOCS / "extensions" / "writing-extensions.rst").read_text("utf-8")
    path = dict(public_modules())["vial.ext"]
    names = [public.name for public in public_names("vial.ext", path)]
    assert len(names) > 20
    missing = [name for name in names if not re.search(rf"\b{name}\b", guide)]
    assert missing == [], (
        f"docs/extensions/writing-extensions.rst does not mention {missing};"
        " say what each vial.ext name is for."
    )
