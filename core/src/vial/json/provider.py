"""Pluggable JSON support for an application: :attr:`Vial.json <vial.Vial.json>`."""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date
from functools import cached_property

from werkzeug.http import http_date

if t.TYPE_CHECKING:
    from vial.app import Vial
    from vial.wrappers import Response


class JSONProvider:
    """The JSON operations an application uses, as a replaceable object.

    Subclass it and set :attr:`Vial.json_provider_class
    <vial.Vial.json_provider_class>` to use another JSON library, or
    assign an instance to ``app.json``. Subclasses implement :meth:`dumps`
    and :meth:`loads`; the other methods are built on those two.

    The provider keeps only a weak reference to the application, so it does
    not keep the application alive.

    :param app: the application that owns this provider.
    """

    def __init__(self, app: Vial) -> None:
        self._app: Vial = t.cast("Vial", weakref.proxy(app))

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement dumps() to serialize JSON."
        )

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialize ``obj`` as JSON and write it to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize a JSON string or bytes to a Python object."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement loads() to parse JSON."
        )

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Read JSON from the file ``fp`` and deserialize it."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> t.Any:
        if args and kwargs:
            raise TypeError(
                "app.json.response() takes either positional or keyword"
                " arguments, not both; pass a single dict instead."
            )

        if not args and not kwargs:
            return None

        if len(args) == 1:
            return args[0]

        return list(args) if args else kwargs

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Build a response with the given data serialized as JSON.

        One positional argument is serialized as is, several are serialized as
        a list, and keyword arguments as a dict. No arguments give ``null``.
        """
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    """Serialize the extra types the default provider supports."""
    # datetime is a subclass of date, so this covers both.
    if isinstance(o, date):
        return http_date(o)

    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)

    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)

    if hasattr(o, "__html__"):
        return str(o.__html__())

    raise TypeError(
        f"Object of type {type(o).__name__} is not JSON serializable; convert it"
        " to a supported type first, or extend app.json.default to handle it."
    )


_ENCODER_OPTIONS = frozenset({"separators", "indent"})


class DefaultJSONProvider(JSONProvider):
    """The JSON provider used unless the application configures another.

    It uses :mod:`json` from the standard library and also serializes:

    -   :class:`datetime.datetime` and :class:`datetime.date` as HTTP date
        strings (RFC 822);
    -   :class:`uuid.UUID` and :class:`decimal.Decimal` as strings;
    -   :mod:`dataclasses` instances through :func:`dataclasses.asdict`;
    -   objects with an ``__html__`` method (like
        :class:`~markupsafe.Markup`) as the string that method returns.
    """

    #: Called for objects :mod:`json` cannot serialize; replace it on a
    #: subclass or instance to support more types.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)

    #: Escape non-ASCII characters, which keeps the output safe for
    #: transports that mangle other encodings.
    ensure_ascii = True

    #: Sort the keys of dicts, which makes output stable and cacheable.
    sort_keys = True

    #: Compact output in :meth:`response` when ``True``, indented when
    #: ``False``; when ``None``, indented only while the app is in debug mode.
    compact: bool | None = None

    #: The mimetype of :meth:`response` bodies.
    mimetype = "application/json"

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` to a JSON string, applying the class settings.

        Keyword arguments are passed to :func:`json.dumps` and override
        :attr:`default`, :attr:`ensure_ascii` and :attr:`sort_keys`.
        """
        if kwargs.keys() <= _ENCODER_OPTIONS:
            # The same encoder json.dumps() would build, kept for reuse:
            # encoding keeps no state in it.
            key = (
                self.default,
                self.ensure_ascii,
                self.sort_keys,
                kwargs.get("separators"),
                kwargs.get("indent"),
            )
            encoder = self._encoders.get(key)
            if encoder is None:
                encoder = json.JSONEncoder(
                    default=key[0],
                    ensure_ascii=key[1],
                    sort_keys=key[2],
                    separators=key[3],
                    indent=key[4],
                )
                if len(self._encoders) >= 16:
                    self._encoders.clear()
                self._encoders[key] = encoder
            return encoder.encode(obj)
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    @cached_property
    def _encoders(self) -> dict[tuple[t.Any, ...], json.JSONEncoder]:
        return {}

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize a JSON string or bytes with :func:`json.loads`."""
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            # Nesting deeper than the recursion limit is malformed input: raise
            # what other decoding errors raise, so request.get_json() gives 400.
            raise ValueError("The JSON document is nested too deeply.") from None

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Build a JSON response, pretty-printed or compact per :attr:`compact`.

        The body ends with a newline so it displays well in a terminal.
        """
        obj = self._prepare_response_obj(args, kwargs)
        dump_args: dict[str, t.Any] = {}

        if (self.compact is None and self._app.debug) or self.compact is False:
            dump_args["indent"] = 2
        else:
            dump_args["separators"] = (",", ":")

        return self._app.response_class(
            f"{self.dumps(obj, **dump_args)}\n", mimetype=self.mimetype
        )
