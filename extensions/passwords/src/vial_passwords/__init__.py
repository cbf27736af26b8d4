"""Password hashing for vial apps through passlib, with policy and upgrades."""

from .extension import hash_password as hash_password
from .extension import Passwords as Passwords
from .extension import validate_password as validate_password
from .extension import verify_and_update as verify_and_update
from .extension import verify_password as verify_password
from .hasher import PasswordHasher as PasswordHasher
from .policy import PasswordPolicy as PasswordPolicy
from .state import PasswordsState as PasswordsState
