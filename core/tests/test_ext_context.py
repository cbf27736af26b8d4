from __future__ import annotations

import pytest

from vial import current_app
from vial import request
from vial import Vial
from vial.ext import current_app_context
from vial.ext import current_request_context
from vial.ext import find_app
from vial.ext import get_app
from vial.ext import get_request


def test_outside_any_context() -> None:
    assert find_app() is None
    assert current_app_context() is None
    assert current_request_context() is None
    with pytest.raises(RuntimeError, match="outside of application context"):
        get_app()
    with pytest.raises(RuntimeError, match="outside of request context"):
        get_request()


def test_in_an_app_context_the_real_objects_are_returned(app: Vial) -> None:
    with app.app_context() as ctx:
        assert get_app() is app
        assert find_app() is app
        assert current_app_context() is ctx
        assert current_request_context() is None
        # The real object, not the proxy around it.
        assert type(get_app()) is Vial
        assert get_app() is current_app._get_current_object()  # type: ignore[attr-defined]


def test_in_a_request_context(app: Vial) -> None:
    with app.test_request_context("/path?x=1") as ctx:
        assert get_request() is ctx.request
        assert get_request().args["x"] == "1"
        assert current_request_context() is ctx
        assert get_request() is request._get_current_object()  # type: ignore[attr-defined]


def test_each_pushed_app_context_is_its_own_scope(app: Vial) -> None:
    with app.app_context() as outer:
        with app.app_context() as inner:
            assert current_app_context() is inner
        assert current_app_context() is outer
