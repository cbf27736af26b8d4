from __future__ import annotations

import blinker

import vial_sqlalchemy
from vial_sqlalchemy import signals
from vial_sqlalchemy import track_modifications


def test_signals_are_named_blinker_signals() -> None:
    assert isinstance(signals.models_committed, blinker.NamedSignal)
    assert signals.models_committed.name == "models-committed"
    assert signals.before_models_committed.name == "before-models-committed"


def test_signals_are_the_same_objects_everywhere() -> None:
    # Flask-SQLAlchemy code imports them from the package or from
    # track_modifications; every path must give the one signal.
    assert vial_sqlalchemy.models_committed is signals.models_committed
    assert track_modifications.models_committed is signals.models_committed
    assert vial_sqlalchemy.before_models_committed is (signals.before_models_committed)
    assert track_modifications.before_models_committed is (
        signals.before_models_committed
    )


def test_signals_are_not_core_signals() -> None:
    from vial import signals as core_signals

    core = {
        value
        for value in vars(core_signals).values()
        if isinstance(value, blinker.NamedSignal)
    }
    assert signals.models_committed not in core
    assert signals.before_models_committed not in core
