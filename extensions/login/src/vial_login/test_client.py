"""A test client that starts logged in as a given user."""

from __future__ import annotations

import typing as t

from vial.testing import VialClient

from .state import STATE


class VialLoginClient(VialClient):
    """A test client whose session starts with ``user`` logged in.

    Plug it in with ``app.test_client_class = VialLoginClient``, then
    ``app.test_client(user=user)`` is logged in as ``user`` from its first
    request; ``fresh_login=False`` makes the login not fresh, as after a
    remember-me cookie. With a session registry, the login is recorded in
    it as a real one would be.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        user = kwargs.pop("user", None)
        fresh = kwargs.pop("fresh_login", True)
        super().__init__(*args, **kwargs)
        if user is None:
            return
        app = self.application
        state = STATE.find(app)
        if state is None:
            raise RuntimeError(
                "vial-login is not set up on this app; create LoginManager(app)"
                " before creating a VialLoginClient with a user."
            )
        manager = state.manager
        user_id = getattr(user, manager.id_attribute)()
        login_id = None
        # Bind the session to this client as login_user() would, so session
        # protection takes the session for this client's own.
        with app.test_request_context(environ_base=self.environ_base):
            identifier = manager._session_identifier_generator()
            if state.registry is not None:
                login_id = state.registry.open(user_id)
        with self.session_transaction() as sess:
            sess["_user_id"] = user_id
            sess["_fresh"] = fresh
            sess["_id"] = identifier
            if login_id is not None:
                sess["_login_id"] = login_id


#: The name Flask-Login uses, so ported test suites keep working.
FlaskLoginClient = VialLoginClient
