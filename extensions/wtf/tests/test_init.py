from __future__ import annotations

import vial_wtf


def test_public_names() -> None:
    public = {name for name in dir(vial_wtf) if not name.startswith("_")}
    modules = {"config", "csrf", "errors", "file", "form", "i18n"}
    assert public - modules == {
        "CSRFError",
        "CSRFProtect",
        "FileAllowed",
        "FileField",
        "FileRequired",
        "FileSize",
        "FlaskForm",
        "MultipleFileField",
        "VialForm",
        "file_allowed",
        "file_required",
        "file_size",
        "generate_csrf",
        "validate_csrf",
    }
    assert not hasattr(vial_wtf, "Form")
