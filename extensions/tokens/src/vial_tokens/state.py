"""Per-app state of :class:`~vial_tokens.TokenAuth`, and where it is kept.

Every module that needs the current app's token settings reads them through
:data:`STATE`, without importing the extension class.
"""

from __future__ import annotations

import typing as t

from vial.ext import ExtensionKey

if t.TYPE_CHECKING:
    from .store import TokenStore


class TokensState:
    """What :class:`~vial_tokens.TokenAuth` keeps for one app.

    :param auth: the extension object set up on the app.
    :param store: where the app's opaque tokens are kept, or ``None`` when
        the app issues signed tokens only.
    """

    __slots__ = ("auth", "store")

    def __init__(self, auth: t.Any, store: TokenStore | None) -> None:
        #: The :class:`~vial_tokens.TokenAuth` set up on the app.
        self.auth = auth
        #: The app's opaque token store, if it has one.
        self.store = store

    def __repr__(self) -> str:
        return f"<TokensState store={self.store!r}>"


#: The slot of vial-tokens' state in ``app.extensions``.
STATE: ExtensionKey[TokensState] = ExtensionKey(
    "tokens", setup="TokenAuth(app) or tokens.init_app(app)"
)
