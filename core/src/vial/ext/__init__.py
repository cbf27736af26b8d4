"""The public extension API: the one part of vial that extensions build on.

An extension (first- or third-party) reaches the core through these names
only. They cover what every extension needs and must not write again:

- per-app state and its lookup (:class:`ExtensionKey`),
- configuration keys with defaults and docs (:class:`ConfigOptions`),
- values signed with the app's secret key, with key rotation
  (:func:`get_serializer`),
- JSON-or-HTML answers by content negotiation (:func:`wants_json`,
  :class:`NegotiatedHTTPException`, :func:`negotiated_error`),
- typed access to the current app, request and contexts (:func:`get_app`,
  :func:`current_app_context`, ...),
- safe redirect targets (:func:`is_safe_redirect_url`),
- what authentication extensions tell each other without importing each
  other (:data:`identity_changed`, :func:`set_request_user`,
  :func:`add_credentials_check`).

Flask aliases (``import flask_login`` giving ``vial_login`` under
:func:`vial.compat.alias_flask`) are declared by each extension as entry
points in the :data:`FLASK_ALIASES_GROUP` group of its ``pyproject.toml``.

.. versionadded:: 0.2
"""

from __future__ import annotations

from vial.config import ConfigOption as ConfigOption
from vial.config import ConfigOptions as ConfigOptions
from vial.config import REQUIRED as REQUIRED
from vial.config import UNSET as UNSET
from vial.globals import ContextProxy as ContextProxy
from vial.globals import current_app as current_app
from vial.globals import g as g
from vial.globals import request as request
from vial.globals import session as session

from .auth import add_credentials_check as add_credentials_check
from .auth import get_request_user as get_request_user
from .auth import has_api_credentials as has_api_credentials
from .auth import identity_changed as identity_changed
from .auth import request_user_loaded as request_user_loaded
from .auth import set_request_user as set_request_user
from .context import current_app_context as current_app_context
from .context import current_request_context as current_request_context
from .context import find_app as find_app
from .context import get_app as get_app
from .context import get_request as get_request
from .negotiation import negotiated_error as negotiated_error
from .negotiation import NegotiatedHTTPException as NegotiatedHTTPException
from .negotiation import wants_json as wants_json
from .redirects import is_safe_redirect_url as is_safe_redirect_url
from .signing import get_serializer as get_serializer
from .signing import require_secret_key as require_secret_key
from .state import ExtensionKey as ExtensionKey
from .state import FLASK_ALIASES_GROUP as FLASK_ALIASES_GROUP
