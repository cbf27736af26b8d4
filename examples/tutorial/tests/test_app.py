from __future__ import annotations

import pytest
from vial import Vial

from toolshed import create_app


def test_defaults_for_trying_it_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIAL_SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == "dev"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///toolshed.sqlite"
    assert not app.testing


def test_environment_sets_the_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIAL_SECRET_KEY", "from the environment")
    assert create_app().config["SECRET_KEY"] == "from the environment"


def test_test_config_replaces_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIAL_SECRET_KEY", "from the environment")
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "test"


def test_every_extension_and_blueprint_is_set_up(app: Vial) -> None:
    assert {
        "sqlalchemy",
        "migrate",
        "csrf",
        "passwords",
        "login",
        "roles",
        "tokens",
    } <= set(app.extensions)
    assert set(app.blueprints) == {"shelf", "auth", "api"}
    assert app.config["TOKENS_ALT_ID_ATTRIBUTE"] == "alt_id"
