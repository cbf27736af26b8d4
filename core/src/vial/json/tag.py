"""Lossless JSON for the session cookie: tagged types.

JSON has no tuples, bytes, UUIDs or datetimes. :class:`TaggedJSONSerializer`
stores such values as a one-key dict whose key is a tag, such as
``{" t": [1, 2]}`` for the tuple ``(1, 2)``, and turns them back when
loading. The tag keys start with a space so they do not collide with keys
that applications commonly use; a real dict whose only key is a tag is
itself wrapped in the ``" di"`` tag so it loads back unchanged.

The format is the one Flask's sessions use, so a cookie written by either
framework reads back the same in the other when they share the secret key.

Register a tag for another type:

.. code-block:: python

    from decimal import Decimal
    from vial.json.tag import JSONTag

    class TagDecimal(JSONTag):
        __slots__ = ()
        key = " dec"

        def check(self, value):
            return isinstance(value, Decimal)

        def to_json(self, value):
            return str(value)

        def to_python(self, value):
            return Decimal(value)

    app.session_interface.serializer.register(TagDecimal, index=0)
"""

from __future__ import annotations

import typing as t
from base64 import b64decode
from base64 import b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import http_date
from werkzeug.http import parse_date

from . import dumps
from . import loads


class JSONTag:
    """Base class for the types :class:`TaggedJSONSerializer` can round-trip.

    :param serializer: the serializer the tag is registered with, used to
        tag and untag nested values.
    """

    __slots__ = ("serializer",)

    #: The key marking a tagged value. A tag with an empty key only
    #: transforms values when dumping and is never looked up when loading.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Return whether this tag handles ``value``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement check() to be registered."
        )

    def to_json(self, value: t.Any) -> t.Any:
        """Convert the value to something JSON can store, without the tag."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement to_json() to be registered."
        )

    def to_python(self, value: t.Any) -> t.Any:
        """Convert the stored JSON back to the Python value."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement to_python() to be registered."
        )

    def tag(self, value: t.Any) -> dict[str, t.Any]:
        """Convert the value and wrap it in a dict under :attr:`key`."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """Protect a one-key dict whose key is a registered tag.

    The key gets a ``__`` suffix while stored so it is not mistaken for a
    tag, and loses it again when loaded.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Match one-key dicts whose key is a registered tag key."""
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: t.Any) -> t.Any:
        """Suffix the key and tag the value."""
        key = next(iter(value))
        return {f"{key}__": self.serializer.tag(value[key])}

    def to_python(self, value: t.Any) -> t.Any:
        """Remove the key's suffix."""
        key = next(iter(value))
        return {key[:-2]: value[key]}


class PassDict(JSONTag):
    """Tag the values of any other dict; the dict itself needs no tag."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Match dicts."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """Tag every value. JSON object keys are strings, so keys stay."""
        return {k: self.serializer.tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """Store a tuple as a tagged list."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Match tuples."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """Tag every item into a list."""
        return [self.serializer.tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        """Turn the list back into a tuple."""
        return tuple(value)


class PassList(JSONTag):
    """Tag the items of a list; the list itself needs no tag."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Match lists."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """Tag every item."""
        return [self.serializer.tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Store bytes as base64 text."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Match bytes."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """Encode as base64."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """Decode the base64 text."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """Store an HTML-safe object (one with ``__html__``) as its HTML.

    It loads back as :class:`~markupsafe.Markup`, which keeps it safe.
    """

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Match objects with an ``__html__`` method."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """Store the HTML string."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """Wrap the string in :class:`~markupsafe.Markup`."""
        return Markup(value)


class TagUUID(JSONTag):
    """Store a :class:`~uuid.UUID` as its hex string."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Match UUIDs."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """Store the 32-character hex form."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the hex form."""
        return UUID(value)


class TagDateTime(JSONTag):
    """Store a :class:`~datetime.datetime` as an HTTP date string.

    The format has second precision and is in UTC; naive datetimes are
    taken as UTC, and values load back timezone-aware in UTC.
    """

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Match datetimes."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """Format as an HTTP date."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the HTTP date."""
        return parse_date(value)


class TaggedJSONSerializer:
    """Serialize values to compact JSON, tagging types JSON lacks.

    Supports, besides the JSON types, :class:`dict` (with any keys that
    are strings), :class:`tuple`, :class:`bytes`, :class:`~markupsafe.Markup`,
    :class:`~uuid.UUID` and :class:`~datetime.datetime`, nested freely.
    """

    __slots__ = ("_plain_values_pass", "order", "tags")

    #: The tag classes registered by every new serializer, in the order
    #: they are checked. Dict and list handling come first because they
    #: recurse into the other types.
    default_tags: t.ClassVar[list[type[JSONTag]]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        self._plain_values_pass = True

        for cls in self.default_tags:
            self.register(cls)

    def register(
        self,
        tag_class: type[JSONTag],
        force: bool = False,
        index: int | None = None,
    ) -> None:
        """Register a tag class with this serializer.

        :param tag_class: the tag class; it is instantiated with this
            serializer.
        :param force: replace an existing tag that uses the same key.
        :param index: position in the order in which tags are checked;
            appended by default. Put a tag for a subclass of a type already
            handled (``str`` subclasses with ``__html__``, say) before it.
        :raise KeyError: if the key is already registered and ``force`` is
            false.
        """
        tag = tag_class(self)
        key = tag.key

        if key:
            if not force and key in self.tags:
                raise KeyError(
                    f"A tag with the key {key!r} is already registered. Use"
                    " another key, or pass force=True to replace it."
                )

            self.tags[key] = tag

        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

        self._plain_values_pass = all(type(tag) in _BUILTIN_TAGS for tag in self.order)

    def tag(self, value: t.Any) -> t.Any:
        """Convert ``value`` to JSON-compatible data, tagging where needed."""
        if type(value) in _PLAIN_TYPES and self._plain_values_pass:
            # No built-in tag applies to these, so asking each is wasted.
            return value
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)

        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Convert a tagged dict back to its value; return others unchanged."""
        if len(value) != 1:
            return value

        key = next(iter(value))

        if key not in self.tags:
            return value

        return self.tags[key].to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        # Untag depth-first, so a tag's to_python receives already-restored
        # children (a tuple of bytes, a protected dict holding a datetime).
        if isinstance(value, dict):
            value = {k: self._untag_scan(v) for k, v in value.items()}
            return self.untag(value)

        if isinstance(value, list):
            return [self._untag_scan(item) for item in value]

        return value

    def dumps(self, value: t.Any) -> str:
        """Tag ``value`` and serialize it to compact JSON."""
        return dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> t.Any:
        """Parse JSON and untag the result."""
        return self._untag_scan(loads(value))


#: Types that are JSON already and that no built-in tag claims.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_BUILTIN_TAGS = frozenset(TaggedJSONSerializer.default_tags)
