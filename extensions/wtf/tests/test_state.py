from __future__ import annotations

import typing as t

import pytest

from vial import Vial
from vial_wtf import CSRFProtect
from vial_wtf.state import CSRFState
from vial_wtf.state import STATE


class _Recorder:
    """Stands in for a CSRFProtect and records what the state passes on."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, t.Any]] = []

    def protect(self, apply_exemptions: bool = False) -> None:
        self.calls.append(("protect", apply_exemptions))

    def exempt(self, view: t.Any) -> t.Any:
        self.calls.append(("exempt", view))
        return view


def test_state_passes_protect_and_exempt_on() -> None:
    recorder = _Recorder()
    state = CSRFState(recorder)
    state.protect()
    state.protect(apply_exemptions=True)
    assert state.exempt("module.view") == "module.view"
    assert recorder.calls == [
        ("protect", False),
        ("protect", True),
        ("exempt", "module.view"),
    ]
    assert repr(state) == f"<CSRFState {recorder!r}>"


def test_the_key_is_flask_wtf_s() -> None:
    assert STATE.name == "csrf"
    assert STATE.replace is True


def test_state_of_an_app_never_set_up(app: Vial) -> None:
    assert STATE.find(app) is None
    with pytest.raises(RuntimeError, match=r"CSRFProtect\(app\) or csrf.init_app"):
        STATE.get(app)


def test_one_csrfprotect_many_apps_each_with_its_own_state() -> None:
    csrf = CSRFProtect()
    first, second = Vial("first"), Vial("second")
    for app in (first, second):
        app.config["SECRET_KEY"] = "key"
        csrf.init_app(app)
    assert STATE.get(first) is not STATE.get(second)
    assert STATE.get(first).csrf is STATE.get(second).csrf is csrf
    # Nothing per-app on the extension object.
    assert not [value for value in vars(csrf).values() if isinstance(value, Vial)]
