"""The ``PASSWORD_*`` configuration keys, their defaults and their documentation.

This module is the single place where vial-passwords sets its defaults.
Each :class:`~vial.ext.ConfigOption` carries the key, the default and the
sentence that documents it; ``init_app`` applies them with
``OPTIONS.apply(app)`` (``app.config.setdefault``), and the README's table
and the documentation's ``vial-config-table`` directive are rendered from
:data:`OPTIONS`.
"""

from __future__ import annotations

import typing as t

from vial.ext import ConfigOption
from vial.ext import ConfigOptions

#: Cost settings for each scheme when the app does not override them. The
#: argon2 values are OWASP's current minimum for argon2id (19 MiB of memory,
#: two passes, one lane); bcrypt uses cost 12 and pbkdf2_sha512 OWASP's
#: 210,000 iterations. Apps override single keys through
#: ``PASSWORD_HASH_OPTIONS``; the rest keep these values.
DEFAULT_HASH_OPTIONS: dict[str, dict[str, t.Any]] = {
    "argon2": {"type": "ID", "memory_cost": 19456, "time_cost": 2, "parallelism": 1},
    "bcrypt": {"rounds": 12},
    "pbkdf2_sha512": {"rounds": 210000},
}

OPTIONS = ConfigOptions(
    ConfigOption(
        "PASSWORD_SCHEMES",
        ["argon2", "bcrypt", "pbkdf2_sha512"],
        "passlib scheme names, preferred first. New hashes use the first one; "
        "the others are still verified.",
    ),
    ConfigOption(
        "PASSWORD_DEPRECATED",
        "auto",
        'Schemes whose hashes are upgraded on the next successful login; "auto" '
        "deprecates every scheme but the first.",
    ),
    ConfigOption(
        "PASSWORD_HASH_OPTIONS",
        DEFAULT_HASH_OPTIONS,
        "Per-scheme cost settings, merged key by key over the safe defaults "
        "(argon2id m=19456 KiB, t=2, p=1; bcrypt rounds=12; pbkdf2_sha512 "
        "rounds=210000). A hash made with a lower cost is upgraded on login.",
        shown_default="safe costs, see below",
    ),
    ConfigOption(
        "PASSWORD_PEPPER",
        None,
        "Optional secret (str or bytes) kept out of the database. The password "
        "is HMAC-SHA256'd with it before hashing. Changing it invalidates every "
        "hash unless the old value is listed in PASSWORD_PEPPER_FALLBACKS.",
    ),
    ConfigOption(
        "PASSWORD_PEPPER_FALLBACKS",
        [],
        "Older peppers still accepted when verifying; a hash that verifies with "
        "one of them is re-hashed with the current pepper. None stands for "
        '"no pepper", to migrate hashes made before a pepper was set.',
    ),
    ConfigOption(
        "PASSWORD_NORMALIZE_FORM",
        "NFKD",
        'Unicode normalisation applied before hashing ("NFC", "NFD", "NFKC", '
        '"NFKD"), so the same visible password always verifies; None disables.',
    ),
    ConfigOption(
        "PASSWORD_MIN_LENGTH",
        8,
        "Fewest characters validate_password() accepts.",
    ),
    ConfigOption(
        "PASSWORD_MAX_LENGTH",
        128,
        "Most characters accepted. Longer passwords fail validate_password() and "
        "verify_password() without being hashed, which guards against hashing "
        "denial of service; hash_password() raises ValueError for them.",
    ),
    ConfigOption(
        "PASSWORD_CHECK_COMPLEXITY",
        None,
        'Optional callable (or "module:function" import string) called as '
        "check(password, user) and returning a list of problems (strings), "
        "added to those validate_password() reports.",
    ),
)


def _check_count(value: t.Any, key: str) -> int:
    """Return ``value`` if it is a whole number of characters, else raise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} must be a whole number of characters, 0 or more.")
    return value
