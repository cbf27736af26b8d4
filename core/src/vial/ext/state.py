"""Per-app state of an extension: where it is kept and how it is read back.

Every extension keeps what belongs to one app in ``app.extensions[<name>]``
and nothing per-app on the extension object, so one object serves many apps
(application dispatching, app factories in tests). :class:`ExtensionKey`
is that slot, typed: ``init_app`` registers the state, and every module of
the extension reads it back for the current app without importing the
extension class, which keeps the modules of a package free of import
circles.

.. code-block:: python

    # vial_mail/state.py, imported by every other module of the package
    STATE: ExtensionKey[MailState] = ExtensionKey(
        "mail", setup="Mail(app) or mail.init_app(app)"
    )

    # vial_mail/extension.py
    class Mail:
        def init_app(self, app: Vial) -> None:
            OPTIONS.apply(app)
            STATE.register(app, MailState(app.config))

    # vial_mail/message.py
    def send(message: Message) -> None:
        STATE.get().backend.send(message)
"""

from __future__ import annotations

import typing as t

from vial.globals import _cv_app

if t.TYPE_CHECKING:
    from vial.app import Vial

S = t.TypeVar("S")

#: The entry-point group in which an extension declares the Flask module
#: names it stands in for: ``flask_login = "vial_login"`` in the
#: ``[project.entry-points."vial.flask_aliases"]`` table of its
#: ``pyproject.toml``. :func:`vial.compat.alias_flask` reads it.
FLASK_ALIASES_GROUP = "vial.flask_aliases"


class ExtensionKey(t.Generic[S]):
    """The slot of one extension's per-app state in ``app.extensions``.

    :param name: the key in ``app.extensions``, usually the extension's
        short name (``"login"``, ``"sqlalchemy"``).
    :param setup: how a user sets the extension up, quoted in errors, such
        as ``"LoginManager(app) or login_manager.init_app(app)"``.
    :param replace: whether registering on an app that already has the
        state replaces it. Off by default, which makes a second ``init_app``
        an error; on only where the Flask extension a package stands in for
        accepts it (Flask-Login replaces the manager).
    """

    __slots__ = ("name", "replace", "setup")

    def __init__(self, name: str, *, setup: str, replace: bool = False) -> None:
        self.name = name
        self.setup = setup
        self.replace = replace

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def register(self, app: Vial, state: S) -> S:
        """Store ``state`` as the app's state of this extension; return it.

        :raises RuntimeError: the app already has this extension's state and
            :attr:`replace` is off.
        """
        if self.name in app.extensions and not self.replace:
            raise RuntimeError(
                f"The extension {self.name!r} is already set up on the app"
                f" {app.name!r}. Set it up once per app: {self.setup}."
            )
        app.extensions[self.name] = state
        return state

    def is_registered(self, app: Vial) -> bool:
        """Return whether ``app`` has this extension's state."""
        return self.name in app.extensions

    def get(self, app: Vial | None = None) -> S:
        """Return the state of ``app``, or of the current app.

        :raises RuntimeError: the extension was never set up on the app
            (the message names the ``init_app`` call to add), or no app is
            given and no application context is active.
        """
        if app is None:
            ctx = _cv_app.get(None)
            if ctx is None:
                raise RuntimeError(
                    f"The extension {self.name!r} was used outside of an"
                    " application context. Use it in a view or a CLI command,"
                    " or inside 'with app.app_context():'."
                )
            app = ctx.app
        try:
            return app.extensions[self.name]  # type: ignore[no-any-return]
        except KeyError:
            raise RuntimeError(
                f"The extension {self.name!r} is not set up on the app"
                f" {app.name!r}. Set it up first: {self.setup}."
            ) from None

    def find(self, app: Vial | None = None) -> S | None:
        """Return the state of ``app`` or of the current app, else ``None``.

        ``None`` when the extension is not set up on the app, and when no
        app is given and no application context is active. For optional
        integrations between extensions.
        """
        if app is None:
            ctx = _cv_app.get(None)
            if ctx is None:
                return None
            app = ctx.app
        return app.extensions.get(self.name)
