"""Roles and permissions for vial apps: decorators, datastores, CLI and signals.

The SQLAlchemy models and datastore live in :mod:`vial_roles.sqlalchemy`,
imported only by apps that use them (the ``vial-roles[sqlalchemy]`` extra).
"""

from .access import current_request_user as current_request_user
from .access import get_user_roles as get_user_roles
from .access import permissions_accepted as permissions_accepted
from .access import permissions_required as permissions_required
from .access import roles_accepted as roles_accepted
from .access import roles_required as roles_required
from .datastore import RoleDatastore as RoleDatastore
from .extension import Roles as Roles
from .management import create_role as create_role
from .management import find_role as find_role
from .management import grant_role as grant_role
from .management import revoke_role as revoke_role
from .memory import MemoryDatastore as MemoryDatastore
from .memory import Role as Role
from .mixins import AnonymousUser as AnonymousUser
from .mixins import UserRolesMixin as UserRolesMixin
from .role import RoleMixin as RoleMixin
from .signals import role_granted as role_granted
from .signals import role_revoked as role_revoked
from .state import get_datastore as get_datastore
