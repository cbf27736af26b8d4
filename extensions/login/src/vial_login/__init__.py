"""Session authentication for vial apps, with the Flask-Login 0.6 API.

``__version__`` is the Flask-Login release whose API this provides, for code
written for Flask-Login (see :mod:`vial_login.__about__`).
"""

from .__about__ import __version__ as __version__
from .config import AUTH_HEADER_NAME as AUTH_HEADER_NAME
from .config import COOKIE_DURATION as COOKIE_DURATION
from .config import COOKIE_HTTPONLY as COOKIE_HTTPONLY
from .config import COOKIE_NAME as COOKIE_NAME
from .config import COOKIE_SAMESITE as COOKIE_SAMESITE
from .config import COOKIE_SECURE as COOKIE_SECURE
from .config import EXEMPT_METHODS as EXEMPT_METHODS
from .config import ID_ATTRIBUTE as ID_ATTRIBUTE
from .config import LOGIN_MESSAGE as LOGIN_MESSAGE
from .config import LOGIN_MESSAGE_CATEGORY as LOGIN_MESSAGE_CATEGORY
from .config import REFRESH_MESSAGE as REFRESH_MESSAGE
from .config import REFRESH_MESSAGE_CATEGORY as REFRESH_MESSAGE_CATEGORY
from .login_manager import LoginManager as LoginManager
from .mixins import AnonymousUserMixin as AnonymousUserMixin
from .mixins import UserMixin as UserMixin
from .redirects import get_next_url as get_next_url
from .redirects import is_safe_next_url as is_safe_next_url
from .registry import SessionRegistry as SessionRegistry
from .registry import SessionRegistryUnavailable as SessionRegistryUnavailable
from .revocation import active_sessions as active_sessions
from .revocation import current_session_id as current_session_id
from .revocation import get_session_registry as get_session_registry
from .revocation import logout_everywhere as logout_everywhere
from .revocation import revoke_session as revoke_session
from .session_store import SessionRecord as SessionRecord
from .session_store import SessionStore as SessionStore
from .session_store import SessionStoreError as SessionStoreError
from .signals import session_protected as session_protected
from .signals import session_rejected as session_rejected
from .signals import session_revoked as session_revoked
from .signals import user_accessed as user_accessed
from .signals import user_loaded_from_cookie as user_loaded_from_cookie
from .signals import user_loaded_from_request as user_loaded_from_request
from .signals import user_logged_in as user_logged_in
from .signals import user_logged_out as user_logged_out
from .signals import user_login_confirmed as user_login_confirmed
from .signals import user_needs_refresh as user_needs_refresh
from .signals import user_unauthorized as user_unauthorized
from .test_client import FlaskLoginClient as FlaskLoginClient
from .test_client import VialLoginClient as VialLoginClient
from .utils import confirm_login as confirm_login
from .utils import current_user as current_user
from .utils import decode_cookie as decode_cookie
from .utils import encode_cookie as encode_cookie
from .utils import fresh_login_required as fresh_login_required
from .utils import login_fresh as login_fresh
from .utils import login_remembered as login_remembered
from .utils import login_required as login_required
from .utils import login_url as login_url
from .utils import login_user as login_user
from .utils import logout_user as logout_user
from .utils import make_next_param as make_next_param
from .utils import set_login_view as set_login_view
