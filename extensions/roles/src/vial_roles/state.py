"""Where vial-roles keeps what belongs to one app: the app's datastore.

Every other module of the package reads the current app's state through
:data:`STATE`, never through the :class:`~vial_roles.Roles` object, so the
extension module stays on top of the package and nothing imports it back.
"""

from __future__ import annotations

import typing as t

from vial.ext import ExtensionKey

if t.TYPE_CHECKING:
    from vial import Vial

    from .datastore import RoleDatastore


class RolesState:
    """The per-app state of vial-roles, in ``app.extensions["roles"]``.

    :param datastore: where the app's roles and the users' roles are stored.
    """

    __slots__ = ("datastore",)

    def __init__(self, datastore: RoleDatastore) -> None:
        #: Where the app's roles and the users' roles are stored; every role
        #: check asks it, on every request.
        self.datastore = datastore

    def __repr__(self) -> str:
        return f"<{type(self).__name__} datastore={self.datastore!r}>"


#: The slot of vial-roles' state in ``app.extensions``.
STATE: ExtensionKey[RolesState] = ExtensionKey(
    "roles", setup="Roles(app, datastore) or roles.init_app(app, datastore)"
)


def get_datastore(app: Vial | None = None) -> RoleDatastore:
    """Return the datastore of ``app``, or of the current app.

    :raises RuntimeError: vial-roles is not set up on the app, or no app is
        given and no application context is active.
    """
    return STATE.get(app).datastore
