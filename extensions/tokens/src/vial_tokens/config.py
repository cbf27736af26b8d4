"""The configuration keys of vial-tokens, their defaults and documentation.

This module is the one place where vial-tokens sets its defaults:
:class:`~vial_tokens.TokenAuth` applies them at ``init_app`` with
``OPTIONS.apply(app)``, and the README and docs tables are rendered from
them. The Flask-HTTPAuth classes (:class:`~vial_tokens.HTTPBasicAuth`, ...)
need no ``init_app``; the few keys they read, such as
``TOKENS_DIGEST_NONCE_MAX_AGE``, are read with ``OPTIONS.read(app, key)``,
which falls back to the default.

The defaults lean to the safe side: signed tokens expire after a day,
tokens in the query string are refused, and oversized credentials are
refused before anything decodes them.
"""

from __future__ import annotations

import typing as t
from datetime import timedelta

from vial.ext import ConfigOption
from vial.ext import ConfigOptions

if t.TYPE_CHECKING:
    from vial import Vial

OPTIONS = ConfigOptions(
    ConfigOption(
        "TOKENS_MAX_AGE",
        timedelta(days=1),
        "Lifetime of the signed tokens ``TokenAuth.issue_token()`` makes, a"
        " timedelta or seconds. A token older than this is refused as"
        " expired, whatever lifetime it was issued with.",
    ),
    ConfigOption(
        "TOKENS_HEADER",
        "Authorization",
        "Request header that carries the token. With ``Authorization``, the"
        " value is the scheme followed by the token; with any other header"
        " (such as ``X-API-Key``), the whole value is the token.",
    ),
    ConfigOption(
        "TOKENS_SCHEME",
        "Bearer",
        "Authentication scheme of the token in the ``Authorization`` header"
        " and in the ``WWW-Authenticate`` header of a refusal; compared"
        " without regard to case.",
    ),
    ConfigOption(
        "TOKENS_REALM",
        "Authentication Required",
        "Realm named in the ``WWW-Authenticate`` header of a refusal.",
    ),
    ConfigOption(
        "TOKENS_QUERY_PARAMETER",
        None,
        "Name of a query parameter that may carry the token when the header"
        " does not, such as ``access_token``. None, the default, refuses"
        " tokens in URLs, which end up in server logs, browser history and"
        " Referer headers.",
    ),
    ConfigOption(
        "TOKENS_ALT_ID_ATTRIBUTE",
        "fs_uniquifier",
        "Attribute of a user object holding its alternative id: a random"
        " value that a token carries instead of the user's primary key."
        " Giving the user a new value revokes all of the user's tokens at"
        " once. ``@tokens.alt_id_getter`` overrides it.",
    ),
    ConfigOption(
        "TOKENS_OPAQUE_MAX_AGE",
        timedelta(days=90),
        "Default lifetime of stored (opaque) tokens, a timedelta or seconds;"
        " None issues tokens that live until they are revoked.",
    ),
    ConfigOption(
        "TOKENS_LAST_USED_INTERVAL",
        timedelta(minutes=1),
        "How far the stored last-used time of an opaque token may lag, a"
        " timedelta or seconds: a use within this interval of the stored"
        " time writes nothing, so a busy client does not cost a database"
        " write on every request.",
    ),
    ConfigOption(
        "TOKENS_MAX_CREDENTIALS_LENGTH",
        4096,
        "Longest token or ``Authorization`` value accepted, in characters."
        " Longer credentials are refused with a 401 before they are decoded"
        " or looked up.",
    ),
    ConfigOption(
        "TOKENS_DIGEST_NONCE_MAX_AGE",
        timedelta(minutes=5),
        "Lifetime of the signed nonces ``HTTPDigestAuth`` hands out, a"
        " timedelta or seconds. A client that answers with an older nonce"
        " is asked again with ``stale=TRUE``, which browsers and HTTP"
        " libraries follow without asking the user.",
    ),
)


_DEFAULTS = {option.name: option.default for option in OPTIONS}


def setting(app: Vial, name: str) -> t.Any:
    """Return the app's value of a ``TOKENS_*`` key, or its default.

    ``OPTIONS.read`` without the copy of mutable defaults (there are none),
    for the settings read on every authenticated request.
    """
    return app.config.get(name, _DEFAULTS[name])


def read_seconds(app: Vial, name: str) -> float | None:
    """Return a duration option of ``app`` in seconds; ``None`` stays ``None``.

    :raises TypeError: the app set the key to something that is not a
        timedelta, a number of seconds or None.
    """
    value = setting(app, name)
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(
        f"app.config[{name!r}] is {value!r}; set it to a timedelta or a number"
        " of seconds."
    )
