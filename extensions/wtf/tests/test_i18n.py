from __future__ import annotations

import os
import struct
import sys
import tempfile
import types
import typing as t
from pathlib import Path

import pytest
from wtforms import StringField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired

from vial import request
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial_wtf import VialForm
from vial_wtf.i18n import get_translations
from vial_wtf.i18n import Translations
from vial_wtf.i18n import translations

if t.TYPE_CHECKING:
    from vial.ctx import AppContext

REQUIRED_EN = "This field is required."
REQUIRED_DE = "Dieses Feld wird benötigt."
REQUIRED_FR = "Ce champ est requis."


class NameForm(VialForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])


def _required_message(app: Vial, **context: t.Any) -> str:
    with app.test_request_context(method="POST", data={}, **context):
        form = NameForm()
        assert not form.validate()
        messages = t.cast("list[str]", form.errors["name"])
        return messages[0]


def test_english_without_a_provider(app: Vial, app_ctx: AppContext) -> None:
    assert get_translations() is None
    assert _required_message(app) == REQUIRED_EN


def test_locale_list(app: Vial) -> None:
    app.config["WTF_I18N_LOCALES"] = ["de"]
    assert _required_message(app) == REQUIRED_DE


@pytest.mark.parametrize("locales", ["fr", ["fr-FR"], ("xx", "fr"), ["", "fr"]])
def test_locale_spellings(app: Vial, locales: t.Any) -> None:
    app.config["WTF_I18N_LOCALES"] = locales
    assert _required_message(app) == REQUIRED_FR


def test_callable_provider_per_request(app: Vial, client: VialClient) -> None:
    app.config["WTF_I18N_LOCALES"] = lambda: [
        request.accept_languages.best_match(["de", "fr"], default="en")
    ]

    @app.post("/")
    def view() -> ResponseReturnValue:
        form = NameForm()
        form.validate()
        return form.errors_response()

    def message(language: str | None) -> str:
        headers = {"Accept-Language": language} if language else {}
        response = client.post("/", headers=headers)
        assert response.json is not None
        return t.cast(str, response.json["errors"]["name"][0])

    assert message("de-CH, en;q=0.5") == REQUIRED_DE
    assert message("fr") == REQUIRED_FR
    assert message("ja") == REQUIRED_EN
    assert message(None) == REQUIRED_EN


@pytest.mark.parametrize("locales", [None, [], ["xx"], lambda: None, list])
def test_no_usable_locale_keeps_english(app: Vial, locales: t.Any) -> None:
    app.config["WTF_I18N_LOCALES"] = locales
    assert _required_message(app) == REQUIRED_EN
    with app.app_context():
        assert get_translations() is None


def _write_catalog(path: Path, messages: dict[str, str]) -> None:
    """Write a GNU gettext .mo file holding ``messages``."""
    entries = sorted(
        {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items()
    )
    ids = [key.encode() for key, _ in entries]
    strs = [value.encode() for _, value in entries]
    count = len(entries)
    ids_start = 7 * 4 + 16 * count
    table, offset = [], ids_start
    for data in ids:
        table += [len(data), offset]
        offset += len(data) + 1
    for data in strs:
        table += [len(data), offset]
        offset += len(data) + 1
    header = [0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0]
    body = b"".join(data + b"\0" for data in ids + strs)
    path.parent.mkdir(parents=True)
    path.write_bytes(
        struct.pack(f"<{len(header) + len(table)}I", *header, *table) + body
    )


def test_locale_names_cannot_reach_other_files(app: Vial) -> None:
    # gettext joins locale names into file paths: a provider passing on a
    # request header unchecked must not let "../" load another catalog.
    # (tempfile's names hold no "-", which the provider would turn into "_".)
    with tempfile.TemporaryDirectory() as directory:
        planted = Path(directory) / "planted"
        _write_catalog(
            planted / "LC_MESSAGES" / "wtforms.mo", {REQUIRED_EN: "planted message"}
        )
        escape = os.path.relpath(planted, messages_path())
        assert ".." in escape
        for locales in ([escape], [escape, "de"]):
            app.config["WTF_I18N_LOCALES"] = locales
            message = _required_message(app)
            assert message != "planted message"
            assert message == (REQUIRED_DE if "de" in locales else REQUIRED_EN)


def test_locale_codeset_is_ignored(app: Vial) -> None:
    app.config["WTF_I18N_LOCALES"] = ["de_DE.UTF-8"]
    assert _required_message(app) == REQUIRED_DE


def test_disabled_keeps_english(app: Vial) -> None:
    app.config.update(WTF_I18N_ENABLED=False, WTF_I18N_LOCALES=["de"])
    assert _required_message(app) == REQUIRED_EN
    assert get_translations(app) is None


def test_disabled_leaves_wtforms_meta_locales_working(app: Vial) -> None:
    class GermanForm(NameForm):
        class Meta:
            locales = ["de"]

    app.config["WTF_I18N_ENABLED"] = False
    with app.test_request_context(method="POST", data={}):
        form = GermanForm()
        assert not form.validate()
        assert form.errors == {"name": [REQUIRED_DE]}


def test_translations_are_cached(app: Vial) -> None:
    app.config["WTF_I18N_LOCALES"] = ["de"]
    first = get_translations(app)
    assert first is not None
    assert get_translations(app) is first
    assert first.gettext(REQUIRED_EN) == REQUIRED_DE


def test_form_outside_app_context_uses_english() -> None:
    form = NameForm(data={})
    assert not form.validate()
    assert form.errors == {"name": [REQUIRED_EN]}


# Flask-Babel


class _Locale:
    """Prints as a locale name, as babel.Locale does."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


@pytest.fixture
def babel(app: Vial, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Flask-Babel, as far as vial-wtf uses it, set up on the app.

    vial-wtf uses two things of Flask-Babel: its ``"babel"`` entry in
    ``app.extensions`` (``Babel(app)`` adds it) and ``flask_babel.get_locale()``.
    Flask-Babel itself imports Flask, which this package's test venv must not
    have, so this module stands in for it; the real Flask-Babel runs on vial
    in Flask-WTF's own test_i18n.py under vial.compat.alias_flask().

    Returns the list whose last item ``get_locale()`` returns.
    """
    selected: list[str | None] = ["de"]
    module = types.ModuleType("flask_babel")

    def get_locale() -> _Locale | None:
        name = selected[-1]
        return None if name is None else _Locale(name)

    module.get_locale = get_locale  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flask_babel", module)
    app.extensions["babel"] = object()
    return selected


def test_flask_babel_locale(app: Vial, babel: list[str | None]) -> None:
    assert _required_message(app) == REQUIRED_DE
    babel.append("fr_FR")
    assert _required_message(app) == REQUIRED_FR
    babel.append(None)
    assert _required_message(app) == REQUIRED_EN
    babel.append("xx")
    assert _required_message(app) == REQUIRED_EN


def test_flask_babel_per_request(
    app: Vial, client: VialClient, babel: list[str | None]
) -> None:
    @app.post("/")
    def view() -> ResponseReturnValue:
        babel.append(request.headers.get("X-Locale"))
        form = NameForm()
        form.validate()
        return form.errors_response()

    assert client.post("/", headers={"X-Locale": "fr"}).json == {
        "errors": {"name": [REQUIRED_FR]}
    }
    assert client.post("/").json == {"errors": {"name": [REQUIRED_EN]}}


def test_locales_setting_wins_over_flask_babel(
    app: Vial, babel: list[str | None]
) -> None:
    app.config["WTF_I18N_LOCALES"] = ["fr"]
    assert _required_message(app) == REQUIRED_FR


def test_flask_babel_when_disabled_or_not_set_up(
    app: Vial, babel: list[str | None]
) -> None:
    app.config["WTF_I18N_ENABLED"] = False
    assert _required_message(app) == REQUIRED_EN
    app.config["WTF_I18N_ENABLED"] = True
    # Flask-Babel imported, but not set up on this app.
    del app.extensions["babel"]
    assert _required_message(app) == REQUIRED_EN


def test_flask_babel_set_up_but_not_imported(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Something else registered "babel": nothing is imported for it.
    monkeypatch.delitem(sys.modules, "flask_babel", raising=False)
    app.extensions["babel"] = object()
    assert _required_message(app) == REQUIRED_EN
    assert "flask_babel" not in sys.modules


# The translations object, as Flask-WTF names it


def test_translations_object_outside_a_request() -> None:
    assert translations.gettext(REQUIRED_EN) == REQUIRED_EN
    singular, plural = "%(num)d file", "%(num)d files"
    assert translations.ngettext(singular, plural, 1) == singular
    assert translations.ngettext(singular, plural, 2) == plural


def test_translations_object_in_a_request(app: Vial) -> None:
    app.config["WTF_I18N_LOCALES"] = ["de"]
    singular = "Field must be at least %(min)d character long."
    plural = "Field must be at least %(min)d characters long."
    with app.test_request_context():
        assert translations.gettext(REQUIRED_EN) == REQUIRED_DE
        german = translations.ngettext(singular, plural, 2)
        assert german != plural
        assert "Zeichen" in german
    with app.test_request_context():
        app.config["WTF_I18N_LOCALES"] = None
        assert translations.ngettext(singular, plural, 2) == plural
    assert isinstance(translations, Translations)
