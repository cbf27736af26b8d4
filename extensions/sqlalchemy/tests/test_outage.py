"""A database that cannot be reached gives a 503 and comes back by itself.

On SQLite the database file sits in a folder that does not exist yet (so
it cannot be opened) and the folder is created to bring it back. On
PostgreSQL the app talks to the real server through a loopback
:class:`~vial_sqlalchemy.tcp_proxy.TCPProxy` that the test cuts and restores; the server
itself is never stopped.
"""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlalchemy.engine import URL
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from vial import Vial
from vial_sqlalchemy import database_unavailable
from vial_sqlalchemy import DatabaseUnavailable
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.outage import is_outage
from vial_sqlalchemy.tcp_proxy import TCPProxy

JSON = {"Accept": "application/json"}
MakeDB = t.Callable[[Vial], SQLAlchemy]


@pytest.fixture
def make_db() -> t.Iterator[MakeDB]:
    """Create ``SQLAlchemy(app)``; drop what it created where the database is
    back, and close its engines after the test."""
    made: list[tuple[SQLAlchemy, Vial]] = []

    def make(app: Vial) -> SQLAlchemy:
        db = SQLAlchemy(app)
        made.append((db, app))
        return db

    yield make
    for db, app in made:
        with app.app_context():
            try:
                db.drop_all(bind_key=None)
            except sa_exc.OperationalError:
                pass  # the database never came back in this test
            for engine in db.engines.values():
                engine.dispose()


def _notes_app(
    url: str, make_db: MakeDB, tmp_path: Path, **config: t.Any
) -> tuple[Vial, SQLAlchemy, type[t.Any]]:
    """Return an app with a ``Note`` model, a count view and a write view.

    ``POST /notes`` adds a note, flushes it, then runs the app's
    ``app.config["BETWEEN"]`` callable (a fault to inject) and commits.
    """
    app = Vial("outage", instance_path=str(tmp_path / "instance"))
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=url, **config)
    db = make_db(app)

    class Note(db.Model):  # type: ignore[name-defined,misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(sa.String(50))

    @app.get("/notes")
    def count() -> dict[str, int]:
        return {"notes": db.session.scalar(sa.select(sa.func.count(Note.id))) or 0}

    @app.post("/notes")
    def add() -> tuple[dict[str, int], int]:
        db.session.add(Note(text="kept only if committed"))
        db.session.flush()
        app.config.get("BETWEEN", lambda: None)()
        db.session.commit()
        return {"added": 1}, 201

    return app, db, Note


def _assert_503(response: t.Any, *, retry_after: str = "5") -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == retry_after


# SQLite


def test_an_unreachable_sqlite_database_answers_503_until_it_is_back(
    make_db: MakeDB, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "not yet"
    app, db, _ = _notes_app(f"sqlite:///{folder / 'app.db'}", make_db, tmp_path)
    client = app.test_client()
    sent: list[BaseException] = []

    def record(sender: Vial, error: BaseException) -> None:
        sent.append(error)

    with (
        database_unavailable.connected_to(record, sender=app),
        caplog.at_level(logging.WARNING, logger=app.logger.name),
    ):
        page = client.get("/notes")
        as_json = client.get("/notes", headers=JSON)
    _assert_503(page)
    assert page.mimetype == "text/html"
    assert "cannot reach its database" in page.text
    _assert_503(as_json)
    assert as_json.json is not None
    assert as_json.json["code"] == 503
    assert "cannot reach its database" in as_json.json["error"]
    assert len(sent) == 2
    assert all(isinstance(error, sa_exc.OperationalError) for error in sent)
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    assert "database cannot be reached" in messages[0]
    assert "unable to open database file" in messages[0]

    # The database comes back: the same process serves it at once.
    folder.mkdir()
    with app.app_context():
        db.create_all()
    assert client.post("/notes").status_code == 201
    assert client.get("/notes").json == {"notes": 1}


def test_retry_after_is_configurable(make_db: MakeDB, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'app.db'}"
    app, _, _ = _notes_app(url, make_db, tmp_path, SQLALCHEMY_OUTAGE_RETRY_AFTER=120)
    _assert_503(app.test_client().get("/notes"), retry_after="120")


def test_a_write_cut_off_midway_is_rolled_back(make_db: MakeDB, tmp_path: Path) -> None:
    # The note is flushed to the default database; then a query on a bind
    # that cannot be opened fails. With an app context held across the
    # request (as tests and CLI commands do), the session is the caller's:
    # it must come back rolled back and usable, the note not committed.
    app, db, note_model = _notes_app(
        f"sqlite:///{tmp_path / 'app.db'}",
        make_db,
        tmp_path,
        SQLALCHEMY_BINDS={"gone": f"sqlite:///{tmp_path / 'missing' / 'gone.db'}"},
    )

    def query_the_missing_bind() -> None:
        missing = db.engines["gone"]
        db.session.execute(sa.text("SELECT 1"), bind_arguments={"bind": missing})

    app.config["BETWEEN"] = query_the_missing_bind
    with app.app_context():
        db.create_all(bind_key=None)
        _assert_503(app.test_client().post("/notes"))
        assert not db.session.new
        assert db.session.scalar(sa.select(sa.func.count(note_model.id))) == 0


def test_a_bug_is_not_an_outage(make_db: MakeDB, tmp_path: Path) -> None:
    # SQLite calls a missing table an OperationalError too: that is a 500.
    app, _, _ = _notes_app(f"sqlite:///{tmp_path / 'app.db'}", make_db, tmp_path)
    with pytest.raises(sa_exc.OperationalError, match="no such table"):
        app.test_client().get("/notes")


def test_the_503_can_be_switched_off(make_db: MakeDB, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'app.db'}"
    app, _, _ = _notes_app(url, make_db, tmp_path, SQLALCHEMY_OUTAGE_503=False)
    with pytest.raises(sa_exc.OperationalError, match="unable to open"):
        app.test_client().get("/notes")


def test_an_app_errorhandler_for_503_answers_the_outage(
    make_db: MakeDB, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'app.db'}"
    app, _, _ = _notes_app(url, make_db, tmp_path)

    @app.errorhandler(503)
    def busy(error: DatabaseUnavailable) -> tuple[str, int]:
        assert isinstance(error.__cause__, sa_exc.OperationalError)
        return "back soon", 503

    response = app.test_client().get("/notes")
    assert (response.status_code, response.text) == (503, "back soon")


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (sa_exc.OperationalError("SELECT 1", {}, Exception("gone")), True),
        (sa_exc.InterfaceError("SELECT 1", {}, Exception("closed")), True),
        (sa_exc.DisconnectionError("ping failed"), True),
        (
            sa_exc.ProgrammingError(
                "SELECT 1", {}, Exception("lost"), connection_invalidated=True
            ),
            True,
        ),
        (sa_exc.ProgrammingError("SELECT 1", {}, Exception("syntax")), False),
        (sa_exc.IntegrityError("INSERT", {}, Exception("duplicate")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_is_outage(error: BaseException, outage: bool) -> None:
    assert is_outage(error) is outage


# PostgreSQL, behind a proxy the test cuts


@pytest.fixture
def proxy(postgresql_url: URL) -> t.Iterator[TCPProxy]:
    """A proxy in front of the test server, closed after the test."""
    with TCPProxy(postgresql_url.host or "127.0.0.1", postgresql_url.port or 5432) as p:
        yield p


def test_postgresql_going_away_answers_503_and_loses_no_write(
    postgresql_url: URL, proxy: TCPProxy, make_db: MakeDB, tmp_path: Path
) -> None:
    url = postgresql_url.set(host="127.0.0.1", port=proxy.port)
    app, db, _ = _notes_app(
        url.render_as_string(hide_password=False), make_db, tmp_path
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert client.post("/notes").status_code == 201

    # Cut while idle: the pooled connection is dead, and no new one opens.
    proxy.cut()
    _assert_503(client.get("/notes", headers=JSON))
    _assert_503(client.post("/notes"))

    # Back: the same app serves again, with no restart.
    proxy.restore()
    assert client.get("/notes").json == {"notes": 1}

    # Cut in the middle of a write, after the flush and before the commit:
    # nothing of it is in the database afterwards.
    app.config["BETWEEN"] = proxy.cut
    _assert_503(client.post("/notes", headers=JSON))
    proxy.restore()
    app.config["BETWEEN"] = lambda: None
    assert client.get("/notes").json == {"notes": 1}
    assert client.post("/notes").status_code == 201
    assert client.get("/notes").json == {"notes": 2}
