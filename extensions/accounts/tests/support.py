"""What the tests share: the models, the app, a browser and a JSON client.

The app runs vial-accounts on vial-sqlalchemy with every feature on, its
e-mails kept in vial-mail's outbox (in memory), and cheap password hashes
so that a test can log in many times.

:class:`Browser` drives the app as a person with a browser does: it opens a
page, reads the form's fields (the CSRF token among them) from the HTML,
fills them in and posts them, and follows links read from e-mails. Every
response is read to its end and closed, as a WSGI server does: that is when
vial-accounts sends the e-mails a request queued.
"""

from __future__ import annotations

import html.parser
import typing as t
from pathlib import Path

import sqlalchemy as sa
from werkzeug.test import TestResponse

from vial import Vial
from vial_accounts import Accounts
from vial_accounts.sqlalchemy import RoleModelMixin
from vial_accounts.sqlalchemy import SQLAlchemyUserDatastore
from vial_accounts.sqlalchemy import UserModelMixin
from vial_mail.outbox import StoredMessage
from vial_mail.state import STATE as MAIL_STATE
from vial_sqlalchemy import SQLAlchemy

#: The password of the users the tests create.
PASSWORD = "correct horse battery staple"

#: Another password that passes the policy.
NEW_PASSWORD = "a brand new passphrase"

db = SQLAlchemy()


class Role(db.Model, RoleModelMixin):  # type: ignore[name-defined, misc]
    """A role, in the table ``role``."""


class User(db.Model, UserModelMixin):  # type: ignore[name-defined, misc]
    """A user, in the table ``user``."""


#: The settings of the test app.
CONFIG: dict[str, t.Any] = {
    "TESTING": True,
    "SECRET_KEY": "accounts test secret key",
    "SERVER_NAME": "accounts.test",
    "MAIL_BACKEND": "outbox",
    "MAIL_OUTBOX_URL": "memory://",
    "MAIL_DEFAULT_SENDER": ("Accounts test", "noreply@accounts.test"),
    # Cheap hashes: tests log in many times. Production keeps the defaults.
    "PASSWORD_SCHEMES": ["pbkdf2_sha512", "argon2"],
    "PASSWORD_HASH_OPTIONS": {"pbkdf2_sha512": {"rounds": 1000}},
    "ACCOUNTS_REGISTERABLE": True,
    "ACCOUNTS_CONFIRMABLE": True,
    "ACCOUNTS_RECOVERABLE": True,
    "ACCOUNTS_CHANGEABLE": True,
    "ACCOUNTS_TRACKABLE": True,
}


#: The apps made by the running test, whose engines are closed after it.
MADE: list[Vial] = []


def close_apps() -> None:
    """Close the database connections of the apps made by the test."""
    from vial_accounts.state import get_state

    while MADE:
        app = MADE.pop()
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
        close = getattr(get_state(app).counters, "close", None)
        if close is not None:
            close()


def make_app(
    database_url: str,
    instance: Path,
    *,
    name: str = "accounts_test",
    create: bool = True,
    **config: t.Any,
) -> Vial:
    """Return the test app on ``database_url``, its tables created empty.

    :param create: drop and create the tables; ``False`` for a second app
        on the database of a first one.
    """
    app = Vial(name, instance_path=str(instance))
    app.config.update(CONFIG)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config.update(config)
    db.init_app(app)
    Accounts(app, SQLAlchemyUserDatastore(db, User, Role))

    @app.get("/")
    def home() -> str:
        return "home"

    MADE.append(app)
    if create:
        with app.app_context():
            db.drop_all()
            db.create_all()
    return app


def add_user(
    app: Vial,
    email: str = "ann@example.com",
    password: str = PASSWORD,
    *,
    confirmed: bool = True,
    **fields: t.Any,
) -> str:
    """Create a user (confirmed by default) and return its address."""
    from datetime import datetime
    from datetime import timezone

    from vial_accounts import register_user

    if confirmed:
        fields.setdefault("confirmed_at", datetime.now(timezone.utc))
    # Outside a request, e-mails leave at once.
    with app.app_context():
        user = register_user(email, password, **fields)
        return str(user.email)


def find_user(app: Vial, email: str) -> t.Any:
    """Return the stored user with ``email`` (detached: read its columns only)."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def outbox(app: Vial) -> list[StoredMessage]:
    """Return the e-mails the app sent, oldest first."""
    store = MAIL_STATE.get(app).outbox
    assert store is not None
    return store.messages()


def mails_to(app: Vial, email: str) -> list[StoredMessage]:
    """Return the e-mails sent to ``email``, oldest first."""
    return [m for m in outbox(app) if email in m.recipients]


def link_in(message: StoredMessage, part: str) -> str:
    """Return the link of ``message`` whose path holds ``part``."""
    found = [link for link in message.links if part in link]
    assert len(found) == 1, (part, message.links)
    return found[0]


class _Inputs(html.parser.HTMLParser):
    """Collect the inputs of the first form of a page: name -> value."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.action: str | None = None
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._done:
            return
        if tag == "form" and self.action is None:
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("name"):
            kind = attributes.get("type")
            if kind == "checkbox":
                return
            self.fields[str(attributes["name"])] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._done = True


def page_form(page: str) -> tuple[str, dict[str, str]]:
    """Return the action and the fields of the first form of an HTML page."""
    parser = _Inputs()
    parser.feed(page)
    assert parser.action is not None, "the page has no form"
    return parser.action, parser.fields


class Browser:
    """A person with a browser: pages, forms with their CSRF token, links.

    :param remote_addr: the client address the app sees.
    """

    def __init__(self, app: Vial, remote_addr: str = "192.0.2.10") -> None:
        self.app = app
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": remote_addr}
        #: The last page shown.
        self.page: TestResponse | None = None

    def open(self, url: str, method: str = "GET", **kwargs: t.Any) -> TestResponse:
        """Send a request, read the whole response and close it."""
        environ = {**self.environ, **kwargs.pop("environ_base", {})}
        response = self.client.open(url, method=method, environ_base=environ, **kwargs)
        response.get_data()
        response.close()
        return response

    def get(self, url: str, **kwargs: t.Any) -> TestResponse:
        """Open ``url`` and keep it as the current page."""
        self.page = self.open(url, **kwargs)
        return self.page

    def follow(self, response: TestResponse) -> TestResponse:
        """Follow a redirect, as a browser does."""
        assert response.status_code in (301, 302, 303), response.status_code
        assert response.location is not None
        return self.get(response.location)

    def submit(
        self, data: t.Mapping[str, str | bool], *, page: TestResponse | None = None
    ) -> TestResponse:
        """Fill the first form of the current page (or ``page``) and post it.

        Hidden fields (the CSRF token, ``next``) keep their values; a
        ``True`` value ticks a checkbox.
        """
        shown = page if page is not None else self.page
        assert shown is not None, "open a page first"
        action, fields = page_form(shown.text)
        for name, value in data.items():
            if value is True:
                fields[name] = "y"
            elif value is not False:
                fields[name] = str(value)
        return self.open(action, method="POST", data=fields)

    def fill(self, url: str, data: t.Mapping[str, str | bool]) -> TestResponse:
        """Open the form at ``url``, fill it and post it."""
        self.get(url)
        return self.submit(data)

    def log_in(
        self, email: str = "ann@example.com", password: str = PASSWORD, **extra: t.Any
    ) -> TestResponse:
        """Log in through the login form."""
        return self.fill("/login", {"email": email, "password": password, **extra})

    def cookie(self, name: str) -> str | None:
        """Return the value of the browser's cookie ``name``."""
        cookie = self.client.get_cookie(name, domain="accounts.test")
        if cookie is None:
            cookie = self.client.get_cookie(name)
        return None if cookie is None else cookie.value


class JSONClient:
    """An API client: JSON bodies in and out, no page, an optional token."""

    def __init__(self, app: Vial, remote_addr: str = "192.0.2.20") -> None:
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": remote_addr}
        self.token: str | None = None

    def open(
        self, url: str, method: str = "POST", json: t.Any = None, **kwargs: t.Any
    ) -> TestResponse:
        """Send JSON (or nothing), asking for JSON; read and close the answer."""
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        response = self.client.open(
            url,
            method=method,
            json=json,
            headers=headers,
            environ_base=self.environ,
            **kwargs,
        )
        response.get_data()
        response.close()
        return response

    def post(self, url: str, json: t.Any = None, **kwargs: t.Any) -> TestResponse:
        """POST ``json`` to ``url``."""
        return self.open(url, "POST", json=json, **kwargs)

    def get(self, url: str, **kwargs: t.Any) -> TestResponse:
        """GET ``url``."""
        return self.open(url, "GET", **kwargs)


def body(response: TestResponse) -> dict[str, t.Any]:
    """Return the ``response`` part of an accounts JSON answer, checking ``meta``."""
    data = response.get_json()
    assert isinstance(data, dict), response.text
    assert data["meta"] == {"code": response.status_code}, data
    result: dict[str, t.Any] = data["response"]
    return result


class Clock:
    """Moves ``time.time`` forward for the rest of the test."""

    def __init__(self) -> None:
        self.offset = 0.0

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.offset += seconds
