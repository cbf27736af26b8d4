"""The extension objects, created once and set up on each app by the factory."""

from __future__ import annotations

from vial_login import LoginManager
from vial_passwords import Passwords
from vial_sqlalchemy import SQLAlchemy
from vial_wtf import CSRFProtect

db = SQLAlchemy()
passwords = Passwords()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to see this page."
