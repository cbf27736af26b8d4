from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone
from decimal import Decimal
from uuid import UUID

import pytest
from markupsafe import Markup

from vial import Vial
from vial.json.tag import JSONTag
from vial.json.tag import TaggedJSONSerializer


@pytest.fixture
def serializer() -> TaggedJSONSerializer:
    return TaggedJSONSerializer()


@pytest.mark.parametrize(
    "value",
    [
        {" t": (1, 2, 3)},
        {" t__": b"a"},
        {" di": " di"},
        {"x": (1, 2, 3), "y": 4},
        (1, 2, 3),
        [(1, 2, 3)],
        b"\xff",
        Markup("<html>"),
        UUID("12345678-1234-5678-1234-567812345678"),
        datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
        {"nested": [{"deep": (b"x", [Markup("<i>")])}]},
        {},
        [],
        (),
        "text",
        1.5,
        None,
        True,
    ],
)
def test_round_trip(serializer: TaggedJSONSerializer, value: t.Any) -> None:
    loaded = serializer.loads(serializer.dumps(value))
    assert loaded == value
    assert type(loaded) is type(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ((1, "a"), '{" t":[1,"a"]}'),
        (b"hi", '{" b":"aGk="}'),
        (Markup("<b>"), '{" m":"<b>"}'),
        (
            UUID("12345678-1234-5678-1234-567812345678"),
            '{" u":"12345678123456781234567812345678"}',
        ),
        (
            datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
            '{" d":"Tue, 14 Nov 2023 22:13:20 GMT"}',
        ),
        ({" t": [1]}, '{" di":{" t__":[1]}}'),
        ({"a": [b"x", {"b": (1,)}]}, '{"a":[{" b":"eA=="},{"b":{" t":[1]}}]}'),
        ("é", '"\\u00e9"'),
    ],
)
def test_wire_format(
    serializer: TaggedJSONSerializer, value: t.Any, expected: str
) -> None:
    assert serializer.dumps(value) == expected


def test_loads_accepts_bytes(serializer: TaggedJSONSerializer) -> None:
    assert serializer.loads(b'{" t":[1]}') == (1,)


def test_naive_datetime_loads_as_utc(serializer: TaggedJSONSerializer) -> None:
    naive = datetime(2024, 2, 29, 12, 0, 1)
    loaded = serializer.loads(serializer.dumps(naive))
    assert loaded == naive.replace(tzinfo=timezone.utc)
    assert loaded.tzinfo is not None


def test_datetime_drops_microseconds(serializer: TaggedJSONSerializer) -> None:
    value = datetime(2024, 1, 1, 0, 0, 0, 999_999, tzinfo=timezone.utc)
    assert serializer.loads(serializer.dumps(value)) == value.replace(microsecond=0)


def test_html_object_loads_as_markup(serializer: TaggedJSONSerializer) -> None:
    class Html:
        def __html__(self) -> str:
            return "<em>x</em>"

    loaded = serializer.loads(serializer.dumps({"h": Html()}))
    assert loaded == {"h": Markup("<em>x</em>")}
    assert isinstance(loaded["h"], Markup)


def test_unknown_one_key_dict_passes_through(serializer: TaggedJSONSerializer) -> None:
    assert serializer.loads('{" x":[1]}') == {" x": [1]}
    assert serializer.untag({" x": 1}) == {" x": 1}
    assert serializer.untag({" t": [1], "b": 2}) == {" t": [1], "b": 2}


def test_unserializable_value_errors(serializer: TaggedJSONSerializer) -> None:
    class Thing:
        pass

    with pytest.raises(TypeError, match="Thing"):
        serializer.dumps({"x": Thing()})


def test_duplicate_tag_key(serializer: TaggedJSONSerializer) -> None:
    class TagDuplicate(JSONTag):
        key = " d"

    with pytest.raises(KeyError, match="already registered"):
        serializer.register(TagDuplicate)

    serializer.register(TagDuplicate, force=True)
    assert isinstance(serializer.tags[" d"], TagDuplicate)


class TagDecimal(JSONTag):
    __slots__ = ()
    key = " dec"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, Decimal)

    def to_json(self, value: t.Any) -> t.Any:
        return str(value)

    def to_python(self, value: t.Any) -> t.Any:
        return Decimal(value)


def test_custom_tag(serializer: TaggedJSONSerializer) -> None:
    serializer.register(TagDecimal)
    value = {"price": Decimal("9.99"), "list": [Decimal("1")]}
    dumped = serializer.dumps(value)
    assert dumped == '{"price":{" dec":"9.99"},"list":[{" dec":"1"}]}'
    assert serializer.loads(dumped) == value
    # Registering the key also protects dicts that happen to use it.
    assert serializer.loads(serializer.dumps({" dec": 1})) == {" dec": 1}


def test_register_index_controls_order(serializer: TaggedJSONSerializer) -> None:
    class UpperMarkup(JSONTag):
        __slots__ = ()
        key = " U"

        def check(self, value: t.Any) -> bool:
            return isinstance(value, Markup)

        def to_json(self, value: t.Any) -> t.Any:
            return str(value).upper()

        def to_python(self, value: t.Any) -> t.Any:
            return Markup(value)

    # Appended, the default Markup tag still matches first.
    serializer.register(UpperMarkup)
    assert serializer.dumps(Markup("<b>")) == '{" m":"<b>"}'

    serializer.register(UpperMarkup, force=True, index=0)
    assert serializer.order[0].key == " U"
    assert serializer.dumps(Markup("<b>")) == '{" U":"<B>"}'


def test_keyless_tag_is_not_looked_up(serializer: TaggedJSONSerializer) -> None:
    class Reverse(JSONTag):
        __slots__ = ()

        def check(self, value: t.Any) -> bool:
            return isinstance(value, str) and value.startswith("rev:")

        def to_json(self, value: t.Any) -> t.Any:
            return value[::-1]

        def tag(self, value: t.Any) -> t.Any:
            return self.to_json(value)

    count = len(serializer.tags)
    serializer.register(Reverse, index=0)
    assert len(serializer.tags) == count
    assert serializer.dumps("rev:ab") == '"ba:ver"'


def test_base_tag_methods_must_be_implemented(serializer: TaggedJSONSerializer) -> None:
    tag = JSONTag(serializer)
    assert tag.serializer is serializer

    with pytest.raises(NotImplementedError, match="check"):
        tag.check(1)

    with pytest.raises(NotImplementedError, match="to_json"):
        tag.to_json(1)

    with pytest.raises(NotImplementedError, match="to_python"):
        tag.to_python(1)


def test_serializers_are_independent() -> None:
    first = TaggedJSONSerializer()
    second = TaggedJSONSerializer()
    first.register(TagDecimal)
    assert " dec" in first.tags
    assert " dec" not in second.tags


def test_dumps_uses_app_provider_in_app_context(
    app: Vial, serializer: TaggedJSONSerializer
) -> None:
    # Session cookies are written inside a request, so with the app's sorted
    # keys; the output does not depend on insertion order.
    with app.app_context():
        assert serializer.dumps({"b": "é", "a": b"x"}) == (
            '{"a":{" b":"eA=="},"b":"\\u00e9"}'
        )


def test_registered_tag_for_a_plain_type_is_still_applied() -> None:
    # Plain values skip the tag checks only while no custom tag could claim
    # them.
    class TagNegative(JSONTag):
        __slots__ = ()
        key = " neg"

        def check(self, value: t.Any) -> bool:
            return type(value) is int and value < 0

        def to_json(self, value: t.Any) -> t.Any:
            return -value

        def to_python(self, value: t.Any) -> t.Any:
            return -value

    serializer = TaggedJSONSerializer()
    serializer.register(TagNegative, index=0)
    assert serializer.dumps({"n": -3, "p": 2}) == '{"n":{" neg":3},"p":2}'
    assert serializer.loads(serializer.dumps({"n": -3})) == {"n": -3}
