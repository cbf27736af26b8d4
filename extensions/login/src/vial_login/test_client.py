"""Test clients that start logged in as a given user."""

from __future__ import annotations

import typing as t

from vial.testing import VialClient

from .state import STATE


class VialLoginClient(VialClient):
    """A test client whose session starts with ``user`` logged in.

    Plug it in with ``app.test_client_class = VialLoginClient``, then
    ``app.test_client(user=user)`` is logged in as ``user`` from its first
    request; ``fresh_login=False`` makes the login not fresh, as after a
    remember-me cookie. The session is bound to the client as
    :func:`~vial_login.login_user` binds it, so session protection takes it
    for the client's own. With a session registry, the login is recorded in
    it as a real one would be.
    """

    #: Whether the session carries the client identifier session protection
    #: compares; :class:`FlaskLoginClient` leaves it out, as Flask-Login does.
    bind_session: t.ClassVar[bool] = True

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
                f" before creating a {type(self).__name__} with a user."
            )
        manager = state.manager
        user_id = getattr(user, manager.id_attribute)()
        identifier = login_id = None
        with app.test_request_context(environ_base=self.environ_base):
            if self.bind_session:
                identifier = manager._session_identifier_generator()
            if state.registry is not None:
                login_id = state.registry.open(user_id)
        with self.session_transaction() as sess:
            sess["_user_id"] = user_id
            sess["_fresh"] = fresh
            if identifier is not None:
                sess["_id"] = identifier
            if login_id is not None:
                sess["_login_id"] = login_id


class FlaskLoginClient(VialLoginClient):
    """Flask-Login's test client: logged in, but not bound to the client.

    As in Flask-Login, the session holds the user and the freshness but not
    the client identifier, so session protection sees a session from another
    client at the first request: with ``"basic"`` (the default) the login is
    not fresh, with ``"strong"`` the client is anonymous. Test suites
    written for Flask-Login expect exactly that; new tests use
    :class:`VialLoginClient`, whose login holds under any protection mode.
    """

    bind_session = False
