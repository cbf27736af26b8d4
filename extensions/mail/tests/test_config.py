from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from vial import Vial
from vial.ext import UNSET
from vial_mail import Mail
from vial_mail.config import OPTIONS

PACKAGE = Path(__file__).resolve().parents[1]
SOURCE = PACKAGE / "src" / "vial_mail"
README = PACKAGE / "README.md"
TABLES = PACKAGE.parents[1] / "docs" / "_ext" / "vial_config_tables.py"


def _tables() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vial_config_tables", TABLES)
    assert spec is not None, f"{TABLES} is missing"
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_apply_sets_every_default() -> None:
    app = Vial("defaults")
    OPTIONS.apply(app)
    assert {k: v for k, v in app.config.items() if k.startswith("MAIL_")} == {
        "MAIL_BACKEND": None,
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_SSL_CAFILE": None,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_TIMEOUT": 10.0,
        "MAIL_LOCAL_HOSTNAME": None,
        "MAIL_DEFAULT_SENDER": None,
        "MAIL_MAX_EMAILS": None,
        "MAIL_ASCII_ATTACHMENTS": False,
        "MAIL_OUTBOX_URL": None,
        "MAIL_OUTBOX_TABLE": "mail_outbox",
    }


def test_app_dependent_defaults_stay_out_of_the_config() -> None:
    app = Vial("dependent")
    Mail(app)
    unset = {option.name for option in OPTIONS if option.default is UNSET}
    assert unset == {"MAIL_SUPPRESS_SEND", "MAIL_DEBUG"}
    # As Flask-Mail: the app's own setting is read, the computed default is
    # kept in the state only.
    assert not unset & set(app.config)
    assert app.extensions["mail"].suppress is False
    assert app.extensions["mail"].debug is False
    keys = {k for k in app.config if k.startswith("MAIL_")}
    assert keys == {o.name for o in OPTIONS} - unset


def test_the_source_reads_only_documented_keys() -> None:
    used = set()
    for path in SOURCE.rglob("*.py"):
        used |= set(re.findall(r"\bMAIL_[A-Z][A-Z_]*\b", path.read_text("utf-8")))
    assert used - {option.name for option in OPTIONS} == set()


def test_readme_table_matches_the_code() -> None:
    table = _tables().markdown_table(OPTIONS)
    text = README.read_text("utf-8")
    start = text.index("<!-- config table start -->\n") + len(
        "<!-- config table start -->\n"
    )
    end = text.index("<!-- config table end -->")
    assert text[start:end].strip() == table.strip(), (
        "README.md's configuration table is out of date; paste the output of"
        " markdown_table(vial_mail.config.OPTIONS) between the markers."
    )
