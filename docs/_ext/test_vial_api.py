"""Tests of the API-reference check, run by ``nox -s docs`` before the build."""

from __future__ import annotations

from pathlib import Path

from vial_api import every_public_name
from vial_api import missing_names
from vial_api import public_names
from vial_api import PublicName


def _module(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "__init__.py"
    path.write_text(source, encoding="utf-8")
    return path


def test_explicit_re_exports_are_public(tmp_path: Path) -> None:
    path = _module(
        tmp_path,
        "from .mail import Mail as Mail\n"
        "from .mail import send\n"  # a plain import is not a re-export
        "from .message import Message as Message, _build as _build\n"
        "from . import signals as signals\n"
        "from .about import __version__ as __version__\n"
        "import json as json\n",
    )
    found = public_names("vial_mail", path)
    assert [(p.name, p.source) for p in found] == [
        ("Mail", "vial_mail.mail"),
        ("Message", "vial_mail.message"),
        ("signals", "vial_mail.signals"),
        ("json", "json"),
    ]
    assert found[0].full_name == "vial_mail.Mail"


def test_all_wins_over_re_exports(tmp_path: Path) -> None:
    path = _module(
        tmp_path,
        "from .fields import Field as Field\n"
        "from .checks import check\n"
        "LIMIT = 3\n"
        "__all__ = ['check', 'LIMIT', '_hidden']\n",
    )
    found = public_names("pkg.sub", path)
    assert [(p.name, p.source) for p in found] == [
        ("check", "pkg.sub.checks"),
        ("LIMIT", "pkg.sub"),
    ]


def test_the_repository_s_public_names_are_found() -> None:
    names = {public.full_name for public in every_public_name()}
    assert {"vial.Vial", "vial.ext.get_app", "vial.cli.AppGroup"} <= names
    assert "vial.compat._unalias" not in names
    assert any(name.startswith("vial_login.") for name in names)


def test_a_name_documented_under_its_own_name_is_covered() -> None:
    public = PublicName("vial.ext", "get_app", "vial.ext.context")
    assert list(missing_names({"vial.ext.get_app"}, [public])) == []
    assert list(missing_names({"vial.ext.find_app"}, [public])) == [public]


def test_the_same_object_under_another_name_is_covered() -> None:
    public = PublicName("vial.ext", "ConfigOptions", "vial.config")
    assert list(missing_names({"vial.config.ConfigOptions"}, [public])) == []


def test_plain_values_need_their_own_name() -> None:
    # "vial.flask_aliases" could be any other documented string.
    public = PublicName("vial.ext", "FLASK_ALIASES_GROUP", "vial.ext.state")
    documented = {"vial.ext.state.FLASK_ALIASES_GROUP"}
    assert list(missing_names(documented, [public])) == [public]


def test_a_name_that_does_not_import_is_missing() -> None:
    public = PublicName("vial.ext", "no_such_name", "vial.ext")
    assert list(missing_names({"vial.ext.get_app"}, [public])) == [public]
