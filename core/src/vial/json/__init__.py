"""JSON helpers that use the current application's JSON provider if any."""

from __future__ import annotations

import json as _json
import typing as t

from vial.globals import _cv_app

from .provider import _default

if t.TYPE_CHECKING:
    from vial.wrappers import Response


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialize ``obj`` to a JSON string.

    Inside an application context this calls :meth:`app.json.dumps()
    <vial.json.provider.JSONProvider.dumps>`, so the app's settings apply.
    Otherwise it uses :func:`json.dumps` with the default provider's support
    for dates, UUIDs, decimals, dataclasses and HTML-safe strings.
    """
    ctx = _cv_app.get(None)

    if ctx is not None:
        return ctx.app.json.dumps(obj, **kwargs)

    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialize ``obj`` as JSON and write it to the text file ``fp``."""
    ctx = _cv_app.get(None)

    if ctx is not None:
        ctx.app.json.dump(obj, fp, **kwargs)
    else:
        kwargs.setdefault("default", _default)
        _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Deserialize a JSON string or bytes, with the app's provider if any."""
    ctx = _cv_app.get(None)

    if ctx is not None:
        return ctx.app.json.loads(s, **kwargs)

    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Read JSON from the file ``fp``, with the app's provider if any."""
    ctx = _cv_app.get(None)

    if ctx is not None:
        return ctx.app.json.load(fp, **kwargs)

    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return a response whose body is the arguments serialized as JSON.

    One positional argument is serialized as is, several as a list, keyword
    arguments as a dict. This calls :meth:`app.json.response()
    <vial.json.provider.JSONProvider.response>`, so it needs an active
    application context.
    """
    ctx = _cv_app.get(None)

    if ctx is None:
        raise RuntimeError(
            "jsonify() needs an application context to build a response. Call"
            " it inside a view, or push one with 'with app.app_context():'."
        )

    return ctx.app.json.response(*args, **kwargs)
