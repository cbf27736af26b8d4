from __future__ import annotations

import pytest

from vial import Vial
from vial.ext import ExtensionKey


class _State:
    def __init__(self, label: str) -> None:
        self.label = label


KEY: ExtensionKey[_State] = ExtensionKey(
    "demo", setup="Demo(app) or demo.init_app(app)"
)


def test_register_stores_the_state_in_app_extensions(app: Vial) -> None:
    state = KEY.register(app, _State("one"))
    assert app.extensions["demo"] is state
    assert KEY.is_registered(app)
    assert KEY.get(app) is state
    assert KEY.find(app) is state


def test_a_second_registration_is_refused_with_the_fix(app: Vial) -> None:
    first = KEY.register(app, _State("one"))
    with pytest.raises(RuntimeError) as info:
        KEY.register(app, _State("two"))
    message = str(info.value)
    assert "'demo' is already set up on the app 'testapp'" in message
    assert "Demo(app) or demo.init_app(app)" in message
    assert app.extensions["demo"] is first


def test_a_replacing_key_takes_the_new_state(app: Vial) -> None:
    key: ExtensionKey[_State] = ExtensionKey("demo", setup="Demo(app)", replace=True)
    key.register(app, _State("one"))
    second = key.register(app, _State("two"))
    assert key.get(app) is second


def test_get_reads_the_current_app(app: Vial) -> None:
    state = KEY.register(app, _State("one"))
    with app.app_context():
        assert KEY.get() is state
        assert KEY.find() is state


def test_each_app_has_its_own_state(app: Vial) -> None:
    other = Vial("other")
    KEY.register(app, _State("one"))
    KEY.register(other, _State("two"))
    with other.app_context():
        assert KEY.get().label == "two"
    with app.app_context():
        assert KEY.get().label == "one"


def test_get_on_an_app_never_set_up_names_init_app(app: Vial) -> None:
    assert not KEY.is_registered(app)
    assert KEY.find(app) is None
    with pytest.raises(RuntimeError) as info:
        KEY.get(app)
    assert "'demo' is not set up on the app 'testapp'" in str(info.value)
    assert "Set it up first: Demo(app) or demo.init_app(app)." in str(info.value)


def test_get_outside_an_app_context_says_where_to_use_it() -> None:
    with pytest.raises(RuntimeError, match="outside of an application context"):
        KEY.get()
    assert KEY.find() is None


def test_repr_names_the_key() -> None:
    assert repr(KEY) == "<ExtensionKey 'demo'>"
