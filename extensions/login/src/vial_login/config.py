"""The configuration keys of vial-login, their defaults and documentation.

The keys keep Flask-Login's names, so apps port unchanged. This module is the
single place where vial-login sets its defaults: each
:class:`~vial.ext.ConfigOption` carries the key, the default and the
sentence that documents it; ``init_app`` applies them with
``OPTIONS.apply(app)`` (``app.config.setdefault``), and the README and docs
tables are rendered from ``OPTIONS``.

Two keys differ from Flask-Login's defaults, for safety:
``REMEMBER_COOKIE_SAMESITE`` is ``"Lax"`` (Flask-Login: unset) and
``REMEMBER_COOKIE_HTTPONLY`` is ``True``.
"""

from __future__ import annotations

from datetime import timedelta

from vial.ext import ConfigOption
from vial.ext import ConfigOptions
from vial.ext import UNSET

#: The default name of the remember-me cookie.
COOKIE_NAME = "remember_token"

#: The default lifetime of the remember-me cookie.
COOKIE_DURATION = timedelta(days=365)

#: Whether the remember-me cookie is sent over HTTPS only, by default.
COOKIE_SECURE = False

#: Whether the remember-me cookie is hidden from JavaScript, by default.
COOKIE_HTTPONLY = True

#: The remember-me cookie's default SameSite attribute (Flask-Login: unset).
COOKIE_SAMESITE = "Lax"

#: The default flashed message asking the user to log in.
LOGIN_MESSAGE = "Please log in to access this page."

#: The default category of :data:`LOGIN_MESSAGE`.
LOGIN_MESSAGE_CATEGORY = "message"

#: The default flashed message asking the user to log in again.
REFRESH_MESSAGE = "Please reauthenticate to access this page."

#: The default category of :data:`REFRESH_MESSAGE`.
REFRESH_MESSAGE_CATEGORY = "message"

#: The request header Flask-Login's removed header loader read; kept as a
#: name for code that imports it.
AUTH_HEADER_NAME = "Authorization"

#: The default name of the user method giving the id stored in the session.
ID_ATTRIBUTE = "get_id"

#: Session keys vial-login writes; "strong" session protection removes them.
#: ``_login_id`` is the login's id in the session registry, when there is one.
SESSION_KEYS = {
    "_user_id",
    "_remember",
    "_remember_seconds",
    "_id",
    "_fresh",
    "_login_id",
    "next",
}

#: The session keys of vial-login that describe a login; a new login never
#: inherits them from the session it starts in.
LOGIN_KEYS = SESSION_KEYS - {"next"}

#: Request methods that ``login_required`` lets through, so CORS preflight
#: requests work without credentials.
EXEMPT_METHODS = {"OPTIONS"}

#: Whether ``unauthorized`` stores ``next`` in the session instead of the URL.
USE_SESSION_FOR_NEXT = False

#: How often, at most, a login's "last seen" time is written, in seconds.
LAST_SEEN_INTERVAL = 60

#: What a request of a logged-in session gets while the registry's store
#: cannot be reached: "anonymous" (served as anonymous, nothing ended) or
#: "error" (a 503 error).
REGISTRY_ON_ERROR = "anonymous"

# The keys whose default is UNSET are only read, never set, because their
# fallback is an attribute of the LoginManager.
OPTIONS = ConfigOptions(
    ConfigOption(
        "REMEMBER_COOKIE_NAME",
        COOKIE_NAME,
        "Name of the remember-me cookie.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_DURATION",
        COOKIE_DURATION,
        "Lifetime of the remember-me cookie, a timedelta or seconds; the signed"
        " cookie is refused once it is older, whatever the browser keeps.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_DOMAIN",
        None,
        "Domain of the remember-me cookie; None means the current host only.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_PATH",
        "/",
        "Path of the remember-me cookie.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_SECURE",
        COOKIE_SECURE,
        "Send the remember-me cookie over HTTPS only. Set it to True in production.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_HTTPONLY",
        COOKIE_HTTPONLY,
        "Hide the remember-me cookie from JavaScript.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_SAMESITE",
        COOKIE_SAMESITE,
        'SameSite attribute of the remember-me cookie. "Lax" by default, safer'
        " than Flask-Login's unset default; None leaves it out.",
    ),
    ConfigOption(
        "REMEMBER_COOKIE_REFRESH_EACH_REQUEST",
        False,
        "Renew the remember-me cookie (and its lifetime) on every request.",
    ),
    ConfigOption(
        "USE_SESSION_FOR_NEXT",
        USE_SESSION_FOR_NEXT,
        "Keep the page to return to after login in the session instead of in"
        " the login URL's next parameter.",
    ),
    ConfigOption(
        "LOGIN_DISABLED",
        False,
        "Let login_required and fresh_login_required views through without a"
        " user, for tests.",
    ),
    ConfigOption(
        "LOGIN_PRESERVED_SESSION_KEYS",
        ["_flashes", "next"],
        "Session keys kept when a login empties the session: a login (by"
        " login_user() or a remember-me cookie) into a session that held"
        " another user's login, and every login and logout with"
        " LOGIN_ALWAYS_CLEAR_SESSION. The session's permanent flag is always"
        " kept.",
    ),
    ConfigOption(
        "LOGIN_ALWAYS_CLEAR_SESSION",
        False,
        "Empty the session (but for LOGIN_PRESERVED_SESSION_KEYS) at every"
        " login and logout, the strictest choice. By default a login keeps the"
        " data of an anonymous session (a cart, the page to return to), as"
        " Flask-Login and Django do, and empties only a session that held"
        " another user's login; a logout removes only the login.",
    ),
    ConfigOption(
        "LOGIN_SESSION_REGISTRY",
        None,
        "The server-side session registry that makes logouts final: None (off),"
        ' "sqlalchemy" (a table in the app\'s vial-sqlalchemy database,'
        ' vial-login[sqlalchemy]), "redis" (vial-login[redis], at'
        " LOGIN_SESSION_REGISTRY_URL), or a store object. Without it, a session"
        " or remember-me cookie copied before a logout stays valid until it"
        " expires.",
    ),
    ConfigOption(
        "LOGIN_SESSION_REGISTRY_URL",
        None,
        'The Redis URL of the "redis" registry, such as "redis://localhost:6379/0".',
    ),
    ConfigOption(
        "LOGIN_SESSION_REGISTRY_PREFIX",
        "vial-login:",
        'The prefix of the "redis" registry\'s keys.',
    ),
    ConfigOption(
        "LOGIN_SESSION_REGISTRY_BIND",
        None,
        'The vial-sqlalchemy bind key of the "sqlalchemy" registry\'s table;'
        " None is the default database.",
    ),
    ConfigOption(
        "LOGIN_SESSION_REGISTRY_TABLE",
        "login_sessions",
        'The table name of the "sqlalchemy" registry; db.create_all() (or a'
        " migration) creates it.",
    ),
    ConfigOption(
        "LOGIN_SESSION_LAST_SEEN_INTERVAL",
        LAST_SEEN_INTERVAL,
        "Seconds between two writes of a login's last-seen time and address, so"
        " that a busy session does not write on every request.",
    ),
    ConfigOption(
        "LOGIN_SESSION_REGISTRY_ON_ERROR",
        REGISTRY_ON_ERROR,
        'While the registry\'s store cannot be reached: "anonymous" serves'
        " logged-in sessions as anonymous and logs the error (nothing is ended;"
        ' they work again once the store is back), "error" answers 503. Logins'
        " and logouts answer 503 either way, since they cannot be recorded.",
    ),
    ConfigOption(
        "SESSION_PROTECTION",
        UNSET,
        'Overrides LoginManager.session_protection ("basic", "strong" or None)'
        " when set.",
    ),
    ConfigOption(
        "FORCE_HOST_FOR_REDIRECTS",
        UNSET,
        "Host put in the URLs login_url() builds, when set.",
    ),
)
