"""The ACCOUNTS_* options: defaults, durations and checks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vial import Vial
from vial_accounts.config import check_config
from vial_accounts.config import COUNTS
from vial_accounts.config import DURATIONS
from vial_accounts.config import FEATURES
from vial_accounts.config import OPTIONS
from vial_accounts.config import read_seconds


def test_every_option_is_prefixed_and_documented() -> None:
    for option in OPTIONS:
        assert option.name.startswith("ACCOUNTS_")
        assert option.doc.endswith(".")
    names = {option.name for option in OPTIONS}
    assert set(FEATURES) | set(DURATIONS) | set(COUNTS) <= names


def test_safe_defaults() -> None:
    defaults = {option.name: option.default for option in OPTIONS}
    assert not any(defaults[name] for name in FEATURES)
    assert defaults["ACCOUNTS_RETURN_GENERIC_RESPONSES"] is True
    assert defaults["ACCOUNTS_LOCKOUT_THRESHOLD"] == 5
    assert defaults["ACCOUNTS_RESET_PASSWORD_WITHIN"] == timedelta(hours=1)


def test_read_seconds() -> None:
    app = Vial("config_test")
    app.config.update(A=timedelta(minutes=2), B=30, C=1.5, D="soon", E=-1, F=False)
    assert read_seconds(app, "A") == 120.0
    assert read_seconds(app, "B") == 30.0
    assert read_seconds(app, "C") == 1.5
    for name in ("D", "F"):
        with pytest.raises(ValueError, match="timedelta or a number of seconds"):
            read_seconds(app, name)
    with pytest.raises(ValueError, match="negative"):
        read_seconds(app, "E")


def test_check_config_accepts_the_defaults() -> None:
    app = Vial("config_test")
    OPTIONS.apply(app)
    check_config(app)
