"""The :class:`Roles` extension: sets vial-roles up on an app.

This module sits on top of the package: it imports the others, and none of
them imports it; they read the app's datastore through
:data:`vial_roles.state.STATE`.
"""

from __future__ import annotations

import typing as t

from vial_login import AnonymousUserMixin
from vial_login import user_accessed

from .config import OPTIONS
from .datastore import RoleDatastore
from .memory import MemoryDatastore
from .mixins import AnonymousUser
from .state import RolesState
from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial


class Roles:
    """Role-based access control for one or more apps.

    .. code-block:: python

        roles = Roles(app, SQLAlchemyDatastore(db, User, Role))
        # or, in an app factory:
        roles = Roles(datastore=SQLAlchemyDatastore(db, User, Role))
        roles.init_app(app)

    :param app: the app to set up now; leave it out and call
        :meth:`init_app` later.
    :param datastore: where roles are stored, for every app this object sets
        up unless :meth:`init_app` is given another one.
    """

    def __init__(
        self, app: Vial | None = None, datastore: RoleDatastore | None = None
    ) -> None:
        #: The datastore :meth:`init_app` uses when it is given none.
        self.datastore = datastore
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} datastore={self.datastore!r}>"

    def init_app(self, app: Vial, datastore: RoleDatastore | None = None) -> None:
        """Set vial-roles up on ``app``: its ``ROLES_*`` defaults, its
        datastore and the ``vial roles`` commands.

        Visitors who are not logged in also get ``has_role`` (always
        ``False``): when the app's vial-login manager uses vial-login's
        default anonymous user, it is replaced by
        :class:`~vial_roles.AnonymousUser`, which subclasses it.

        :param datastore: this app's datastore, instead of the one given to
            the constructor.
        :raises RuntimeError: there is no datastore, or vial-roles is set up
            on the app already.
        :raises TypeError: the datastore does not implement
            :class:`~vial_roles.RoleDatastore`.
        """
        datastore = datastore if datastore is not None else self.datastore
        if datastore is None:
            raise RuntimeError(
                "vial-roles needs a datastore to keep roles in. Pass one:"
                " Roles(app, SQLAlchemyDatastore(db, User, Role)), or"
                " MemoryDatastore() for tests."
            )
        if not isinstance(datastore, RoleDatastore):
            raise TypeError(
                f"{datastore!r} is not a role datastore. Use a MemoryDatastore,"
                " a SQLAlchemyDatastore, or a class with every method of"
                " vial_roles.RoleDatastore."
            )
        OPTIONS.apply(app)
        STATE.register(app, RolesState(datastore))
        _use_roles_anonymous_user(app)
        # The login manager may be set up after this extension; vial-login
        # sends user_accessed before it loads each request's user.
        user_accessed.connect(_use_roles_anonymous_user, sender=app)

        from .cli import make_cli

        app.cli.add_command(make_cli())


def _use_roles_anonymous_user(app: Vial, **extra: t.Any) -> None:
    """Give the app's login manager an anonymous user with ``has_role``.

    Only vial-login's default is replaced; an app's own anonymous user
    class is left alone (give it ``has_role`` to use it in templates).
    """
    manager = getattr(app, "login_manager", None)
    if manager is not None and manager.anonymous_user is AnonymousUserMixin:
        manager.anonymous_user = AnonymousUser


def in_memory_roles(app: Vial | None = None) -> Roles:
    """Return a :class:`Roles` with a new :class:`~vial_roles.MemoryDatastore`.

    For tests and examples; it is the factory the extension contract test
    uses.
    """
    return Roles(app, MemoryDatastore())
