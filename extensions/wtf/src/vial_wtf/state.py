"""Where vial-wtf keeps what belongs to one app: ``app.extensions["csrf"]``.

Flask-WTF stores its :class:`~vial_wtf.CSRFProtect` under ``"csrf"``, and
code written for it reads that slot: Flask-Security calls
``app.extensions["csrf"].protect()`` and ``.exempt("module.view")``. The
state kept there, :class:`CSRFState`, answers both by passing them on to
the ``CSRFProtect`` that serves the app, so that code keeps working. The
other modules of the package read the state through :data:`STATE`, never
by importing the extension class.
"""

from __future__ import annotations

import typing as t

from vial.ext import ExtensionKey

_ViewT = t.TypeVar("_ViewT")


class _Protector(t.Protocol):
    """What the state needs of :class:`~vial_wtf.CSRFProtect` (typed here so
    that this low module never imports the extension class)."""

    def protect(self, apply_exemptions: bool = False) -> None: ...

    def exempt(self, view: t.Any) -> t.Any: ...


class CSRFState:
    """The CSRF protection of one app: the :class:`~vial_wtf.CSRFProtect`
    serving it, reachable as Flask-WTF code expects.

    :param csrf: the ``CSRFProtect`` object set up on the app.
    """

    __slots__ = ("csrf",)

    def __init__(self, csrf: _Protector) -> None:
        #: The ``CSRFProtect`` set up on the app (the latest, after a
        #: second ``init_app``).
        self.csrf = csrf

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.csrf!r}>"

    def protect(self, apply_exemptions: bool = False) -> None:
        """Check the current request, as :meth:`vial_wtf.CSRFProtect.protect`."""
        self.csrf.protect(apply_exemptions=apply_exemptions)

    def exempt(self, view: _ViewT) -> _ViewT:
        """Exclude a view or blueprint, as :meth:`vial_wtf.CSRFProtect.exempt`."""
        return t.cast(_ViewT, self.csrf.exempt(view))


#: The slot of vial-wtf's per-app state. A second ``CSRFProtect(app)``
#: replaces the first, as in Flask-WTF, where ``init_app`` simply stores
#: the new object.
STATE: ExtensionKey[CSRFState] = ExtensionKey(
    "csrf", setup="CSRFProtect(app) or csrf.init_app(app)", replace=True
)
