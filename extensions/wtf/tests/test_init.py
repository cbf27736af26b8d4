from __future__ import annotations

import wtforms

import vial_wtf


def test_public_names() -> None:
    public = {name for name in dir(vial_wtf) if not name.startswith("_")}
    modules = {
        "config",
        "csrf",
        "errors",
        "file",
        "form",
        "i18n",
        "recaptcha",
        "state",
        "tokens",
    }
    assert public - modules == {
        "CSRFError",
        "CSRFProtect",
        "FileAllowed",
        "FileField",
        "FileRequired",
        "FileSize",
        "FlaskForm",
        "Form",
        "MultipleFileField",
        "Recaptcha",
        "RecaptchaField",
        "RecaptchaWidget",
        "UploadedFile",
        "VialForm",
        "csrf_meta_tag",
        "file_allowed",
        "file_required",
        "file_size",
        "generate_csrf",
        "safe_filename",
        "validate_csrf",
    }


def test_form_is_wtforms_form_as_in_flask_wtf() -> None:
    assert vial_wtf.Form is wtforms.Form
    assert issubclass(vial_wtf.FlaskForm, wtforms.Form)
