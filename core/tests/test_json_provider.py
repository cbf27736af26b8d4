from __future__ import annotations

import gc
import io
import typing as t

import pytest

from vial import Vial
from vial.json.provider import DefaultJSONProvider
from vial.json.provider import JSONProvider
from vial.testing import VialClient


def test_app_uses_default_provider(app: Vial) -> None:
    assert type(app.json) is DefaultJSONProvider
    assert app.json_provider_class is DefaultJSONProvider


def test_provider_class_on_subclass() -> None:
    class MyProvider(DefaultJSONProvider):
        sort_keys = False

    class MyVial(Vial):
        json_provider_class = MyProvider

    app = MyVial("myapp")
    assert type(app.json) is MyProvider


def test_default_provider_settings(app: Vial) -> None:
    provider = app.json
    assert isinstance(provider, DefaultJSONProvider)
    assert provider.ensure_ascii is True
    assert provider.sort_keys is True
    assert provider.compact is None
    assert provider.mimetype == "application/json"
    assert provider.dumps({"b": "é", "a": 1}) == '{"a": 1, "b": "\\u00e9"}'
    assert provider.dumps({"b": "é", "a": 1}, sort_keys=False, ensure_ascii=False) == (
        '{"b": "é", "a": 1}'
    )
    assert provider.loads('{"a": [1]}') == {"a": [1]}
    assert provider.loads(b"[true]") == [True]


def test_default_provider_dump_and_load(app: Vial) -> None:
    out = io.StringIO()
    app.json.dump({"z": 1, "a": 2}, out)
    assert out.getvalue() == '{"a": 2, "z": 1}'
    out.seek(0)
    assert app.json.load(out) == {"a": 2, "z": 1}


def test_default_provider_default_hook(app: Vial) -> None:
    class Money:
        def __init__(self, cents: int) -> None:
            self.cents = cents

    class MoneyProvider(DefaultJSONProvider):
        @staticmethod
        def default(o: t.Any) -> t.Any:
            if isinstance(o, Money):
                return f"{o.cents / 100:.2f}"

            return DefaultJSONProvider.default(o)

    provider = MoneyProvider(app)
    assert provider.dumps({"price": Money(1999)}) == '{"price": "19.99"}'

    with pytest.raises(TypeError, match="not JSON serializable"):
        provider.dumps(object())

    with pytest.raises(TypeError, match="not JSON serializable"):
        app.json.dumps(Money(1))


@pytest.mark.parametrize(
    ("debug", "compact", "expected"),
    [
        (False, None, '{"a":1,"b":[1,2]}\n'),
        (True, None, '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}\n'),
        (True, True, '{"a":1,"b":[1,2]}\n'),
        (False, False, '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}\n'),
    ],
)
def test_response_formatting(
    app: Vial, debug: bool, compact: bool | None, expected: str
) -> None:
    app.debug = debug
    app.json.compact = compact  # type: ignore[attr-defined]

    response = app.json.response({"b": [1, 2], "a": 1})
    assert response.get_data(as_text=True) == expected
    assert response.mimetype == "application/json"
    assert isinstance(response, app.response_class)


def test_response_mimetype(app: Vial) -> None:
    app.json.mimetype = "application/vnd.api+json"  # type: ignore[attr-defined]
    assert app.json.response([]).mimetype == "application/vnd.api+json"


def test_response_arguments(app: Vial) -> None:
    def body(*args: t.Any, **kwargs: t.Any) -> str:
        return app.json.response(*args, **kwargs).get_data(as_text=True)

    assert body() == "null\n"
    assert body([1]) == "[1]\n"
    assert body(1, "a") == '[1,"a"]\n'
    assert body(b=1, a=2) == '{"a":2,"b":1}\n'

    with pytest.raises(TypeError, match="not both"):
        app.json.response(1, a=2)


class ReprProvider(JSONProvider):
    """A minimal provider that only implements the two required methods."""

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return f"<{obj!r}>"

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        return ("loaded", s)


def test_base_provider_builds_on_dumps_and_loads(app: Vial) -> None:
    provider = ReprProvider(app)
    out = io.StringIO()
    provider.dump([1], out)
    assert out.getvalue() == "<[1]>"
    assert provider.load(io.StringIO("x")) == ("loaded", "x")

    response = provider.response(a=1)
    assert response.get_data(as_text=True) == "<{'a': 1}>"
    assert response.mimetype == "application/json"
    assert provider.response(1, 2).get_data(as_text=True) == "<[1, 2]>"


def test_base_provider_requires_dumps_and_loads(app: Vial) -> None:
    provider = JSONProvider(app)

    with pytest.raises(NotImplementedError, match="dumps"):
        provider.dumps(1)

    with pytest.raises(NotImplementedError, match="loads"):
        provider.loads("1")


def test_custom_provider_serves_responses(app: Vial, client: VialClient) -> None:
    app.json = ReprProvider(app)

    @app.get("/")
    def index() -> t.Any:
        return {"a": [1]}

    rv = client.get("/")
    assert rv.text == "<{'a': [1]}>"
    assert rv.mimetype == "application/json"


def test_provider_does_not_keep_app_alive() -> None:
    app = Vial("short_lived")
    provider = app.json
    assert provider._app.name == "short_lived"
    del app
    gc.collect()

    with pytest.raises(ReferenceError):
        provider._app.name  # noqa: B018


def test_settings_changed_after_first_use_apply(app: Vial) -> None:
    provider = DefaultJSONProvider(app)
    assert provider.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'

    provider.sort_keys = False
    assert provider.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'

    provider.ensure_ascii = False
    assert provider.dumps("é") == '"é"'

    provider.default = lambda o: f"<{type(o).__name__}>"
    assert provider.dumps({"x": object()}) == '{"x": "<object>"}'


def test_other_json_options_still_reach_json_dumps(app: Vial) -> None:
    provider = DefaultJSONProvider(app)
    assert provider.dumps([1.5], allow_nan=False) == "[1.5]"
    with pytest.raises(ValueError, match="Out of range"):
        provider.dumps([float("nan")], allow_nan=False)
    assert provider.dumps({"a": [1]}, indent=1) == '{\n "a": [\n  1\n ]\n}'
