"""Registration, e-mail confirmation, password recovery and change, login
tracking and brute-force lockout for vial apps.

The SQLAlchemy datastore and model mixins live in
:mod:`vial_accounts.sqlalchemy`, imported only by apps that use them (the
``vial-accounts[sqlalchemy]`` extra).
"""

from vial_login import current_user as current_user

from .addresses import InvalidEmailError as InvalidEmailError
from .addresses import normalize_email as normalize_email
from .auth import auth_required as auth_required
from .auth import roles_accepted as roles_accepted
from .auth import roles_required as roles_required
from .authentication import authenticate as authenticate
from .authentication import login_account as login_account
from .authentication import LoginRefused as LoginRefused
from .counters import CounterStore as CounterStore
from .counters import CountersUnavailable as CountersUnavailable
from .counters import DatastoreCounters as DatastoreCounters
from .counters import RedisCounters as RedisCounters
from .datastore import Count as Count
from .datastore import DuplicateEmailError as DuplicateEmailError
from .datastore import UserDatastore as UserDatastore
from .datastore import UserDatastoreMixin as UserDatastoreMixin
from .extension import Accounts as Accounts
from .links import LinkError as LinkError
from .lockout import TooManyAttempts as TooManyAttempts
from .memory import MemoryUser as MemoryUser
from .memory import MemoryUserDatastore as MemoryUserDatastore
from .mixins import UserMixin as UserMixin
from .passwords import change_password as change_password
from .passwords import reset_access as reset_access
from .recovery import reset_password as reset_password
from .recovery import (
    send_reset_password_instructions as send_reset_password_instructions,
)
from .registration import confirm_user as confirm_user
from .registration import register_user as register_user
from .registration import (
    send_confirmation_instructions as send_confirmation_instructions,
)
from .signals import access_reset as access_reset
from .signals import account_locked as account_locked
from .signals import confirm_instructions_sent as confirm_instructions_sent
from .signals import login_failed as login_failed
from .signals import password_changed as password_changed
from .signals import password_reset as password_reset
from .signals import (
    reset_password_instructions_sent as reset_password_instructions_sent,
)
from .signals import user_activated as user_activated
from .signals import user_confirmed as user_confirmed
from .signals import user_deactivated as user_deactivated
from .signals import user_registered as user_registered
from .state import get_datastore as get_datastore
