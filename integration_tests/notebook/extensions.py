"""The extension objects, created once and set up on each app by the factory."""

from __future__ import annotations

from vial_login import LoginManager
from vial_passwords import Passwords
from vial_roles import Roles
from vial_sqlalchemy import SQLAlchemy
from vial_tokens import HTTPBasicAuth
from vial_tokens import TokenAuth
from vial_wtf import CSRFProtect

db = SQLAlchemy()
passwords = Passwords()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to see this page."
# The token API: a name and password (HTTP basic) buy a token, the token
# opens the rest. The roles datastore is given in the factory, once the
# models exist.
basic_auth = HTTPBasicAuth()
tokens = TokenAuth()
roles = Roles()
