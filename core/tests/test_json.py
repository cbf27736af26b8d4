from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import typing as t
import uuid

import pytest
from markupsafe import Markup

from vial import json as vjson
from vial import jsonify
from vial import render_template_string
from vial import request
from vial import Vial
from vial.json.provider import DefaultJSONProvider
from vial.testing import VialClient


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Html:
    def __html__(self) -> str:
        return "<p>safe</p>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2024, 2, 29), '"Thu, 29 Feb 2024 00:00:00 GMT"'),
        (
            datetime.datetime(2024, 2, 29, 13, 5, 9),
            '"Thu, 29 Feb 2024 13:05:09 GMT"',
        ),
        (
            datetime.datetime(
                2024,
                2,
                29,
                15,
                5,
                9,
                tzinfo=datetime.timezone(datetime.timedelta(hours=2)),
            ),
            '"Thu, 29 Feb 2024 13:05:09 GMT"',
        ),
        (decimal.Decimal("0.10"), '"0.10"'),
        (
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            '"12345678-1234-5678-1234-567812345678"',
        ),
        (Point(1, 2), '{"x": 1, "y": 2}'),
        (Html(), '"<p>safe</p>"'),
        (Markup("<b>"), '"<b>"'),
    ],
)
def test_dumps_extra_types_without_app(value: t.Any, expected: str) -> None:
    assert vjson.dumps(value) == expected


def test_dumps_without_app_is_stdlib() -> None:
    # No app: the standard library defaults, so keys keep their order.
    assert vjson.dumps({"b": 1, "a": "é"}) == '{"b": 1, "a": "\\u00e9"}'
    assert vjson.dumps({"b": 1, "a": 2}, sort_keys=True, indent=1) == (
        '{\n "a": 2,\n "b": 1\n}'
    )


def test_dumps_unsupported_type_errors() -> None:
    with pytest.raises(TypeError, match="Object of type object is not JSON"):
        vjson.dumps(object())

    # A dataclass class is not an instance and is not serialized.
    with pytest.raises(TypeError, match="type is not JSON"):
        vjson.dumps(Point)


def test_loads_without_app() -> None:
    assert vjson.loads('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    assert vjson.loads(b'{"a": true}') == {"a": True}
    assert vjson.loads("1.5", parse_float=decimal.Decimal) == decimal.Decimal("1.5")


def test_dump_and_load_without_app() -> None:
    out = io.StringIO()
    vjson.dump({"when": datetime.date(2020, 1, 1)}, out)
    assert out.getvalue() == '{"when": "Wed, 01 Jan 2020 00:00:00 GMT"}'
    out.seek(0)
    assert vjson.load(out) == {"when": "Wed, 01 Jan 2020 00:00:00 GMT"}
    assert vjson.load(io.BytesIO(b"[1]")) == [1]


class RecordingProvider(DefaultJSONProvider):
    calls: t.ClassVar[list[str]] = []

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        self.calls.append("dumps")
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        self.calls.append("loads")
        return super().loads(s, **kwargs)


def test_functions_use_app_provider_in_app_context(app: Vial) -> None:
    RecordingProvider.calls = []
    app.json = RecordingProvider(app)

    with app.app_context():
        assert vjson.dumps({"b": 1, "a": "é"}) == '{"a": "\\u00e9", "b": 1}'
        assert vjson.loads("[1]") == [1]
        out = io.StringIO()
        vjson.dump([2], out)
        out.seek(0)
        assert vjson.load(out) == [2]

    assert RecordingProvider.calls == ["dumps", "loads", "dumps", "loads"]


def test_app_provider_settings_apply(app: Vial) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    with app.app_context():
        assert vjson.dumps({"b": "é", "a": 1}) == '{"b": "é", "a": 1}'


def test_jsonify_needs_app_context() -> None:
    with pytest.raises(RuntimeError, match="needs an application context"):
        jsonify({"a": 1})


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (({"a": 1, "b": [1, 2]},), {}, {"a": 1, "b": [1, 2]}),
        (([1, "two"],), {}, [1, "two"]),
        (("text",), {}, "text"),
        ((1, 2, 3), {}, [1, 2, 3]),
        ((), {"x": 1, "y": None}, {"x": 1, "y": None}),
        ((), {}, None),
    ],
)
def test_jsonify(
    app: Vial,
    client: VialClient,
    args: tuple[t.Any, ...],
    kwargs: dict[str, t.Any],
    expected: t.Any,
) -> None:
    @app.get("/")
    def index() -> t.Any:
        return jsonify(*args, **kwargs)

    rv = client.get("/")
    assert rv.status_code == 200
    assert rv.mimetype == "application/json"
    assert rv.json == expected
    assert rv.text.endswith("\n")


def test_jsonify_args_and_kwargs_is_type_error(app: Vial) -> None:
    with app.app_context(), pytest.raises(TypeError, match="not both"):
        jsonify(1, a=2)


def test_jsonify_extra_types(app: Vial, client: VialClient) -> None:
    @app.get("/")
    def index() -> t.Any:
        return jsonify(
            when=datetime.datetime(2024, 1, 2, 3, 4, 5),
            id=uuid.UUID(int=1),
            price=decimal.Decimal("9.99"),
            point=Point(3, 4),
            html=Markup("<i>x</i>"),
        )

    assert client.get("/").json == {
        "when": "Tue, 02 Jan 2024 03:04:05 GMT",
        "id": "00000000-0000-0000-0000-000000000001",
        "price": "9.99",
        "point": {"x": 3, "y": 4},
        "html": "<i>x</i>",
    }


def test_view_returning_dict_or_list_is_json(app: Vial, client: VialClient) -> None:
    @app.get("/dict")
    def as_dict() -> t.Any:
        return {"b": 1, "a": [True]}

    @app.get("/list")
    def as_list() -> t.Any:
        return [{"z": 1, "y": 2}]

    rv = client.get("/dict")
    assert rv.mimetype == "application/json"
    assert rv.text == '{"a":[true],"b":1}\n'
    assert client.get("/list").text == '[{"y":2,"z":1}]\n'


def test_request_json_uses_app_provider(app: Vial, client: VialClient) -> None:
    RecordingProvider.calls = []
    app.json = RecordingProvider(app)

    @app.post("/")
    def echo() -> t.Any:
        data = request.get_json()
        return jsonify(sorted(data))

    rv = client.post("/", json={"b": 1, "a": 2})
    assert rv.json == ["a", "b"]
    assert "loads" in RecordingProvider.calls


def test_tojson_filter_is_html_safe(app: Vial) -> None:
    with app.app_context():
        rv = render_template_string(
            "<script>var data = {{ data|tojson }};</script>",
            data={"html": "</script><b>&'", "n": 1},
        )

    assert rv == (
        "<script>var data = "
        '{"html": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u0027", "n": 1};'
        "</script>"
    )


def test_tojson_filter_uses_app_provider(app: Vial) -> None:
    class Upper(DefaultJSONProvider):
        def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
            return super().dumps(obj, **kwargs).upper()

    # Set before the template environment is first used, as in an app
    # factory or a provider class.
    app.json = Upper(app)

    with app.app_context():
        assert render_template_string("{{ 'abc'|tojson }}") == '"ABC"'
