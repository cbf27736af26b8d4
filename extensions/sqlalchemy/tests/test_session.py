from __future__ import annotations

import asyncio
import threading
import typing as t

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from vial import Vial
from vial_sqlalchemy import Session
from vial_sqlalchemy import SQLAlchemy

MakeDB = t.Callable[..., SQLAlchemy]


def test_one_session_per_app_context(app: Vial, db: SQLAlchemy) -> None:
    with app.app_context():
        first = db.session()
        assert db.session() is first
        assert isinstance(first, Session)
        with app.app_context():
            assert db.session() is not first
        assert db.session() is first
    with app.app_context():
        assert db.session() is not first


def test_session_is_removed_at_teardown(app: Vial, db: SQLAlchemy) -> None:
    class Note(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        text = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        session = db.session()
        note = Note(text="kept")
        db.session.add(note)
        db.session.commit()
        db.session.add(Note(text="never committed"))
        db.session.flush()
    # The session was closed: its objects are detached and the open
    # transaction rolled back.
    assert sa_orm.object_session(note) is None
    assert not session.in_transaction()
    with app.app_context():
        texts = db.session.execute(db.select(Note.text)).scalars().all()
        assert texts == ["kept"]


def test_session_in_requests(app: Vial, db: SQLAlchemy) -> None:
    sessions: list[sa_orm.Session] = []

    @app.route("/")
    def index() -> str:
        sessions.append(db.session())
        return "ok"

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert len(sessions) == 2
    assert sessions[0] is not sessions[1]


def test_threads_get_their_own_sessions(app: Vial, db: SQLAlchemy) -> None:
    sessions: dict[str, sa_orm.Session] = {}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        with app.app_context():
            sessions[name] = db.session()
            # Both contexts are alive at once, so ids cannot be reused.
            barrier.wait(timeout=10)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sessions["a"] is not sessions["b"]


def test_asyncio_tasks_get_their_own_sessions(app: Vial, db: SQLAlchemy) -> None:
    async def in_context() -> sa_orm.Session:
        with app.app_context():
            session = db.session()
            await asyncio.sleep(0)
            assert db.session() is session
            return session

    async def main() -> list[sa_orm.Session]:
        return list(await asyncio.gather(in_context(), in_context()))

    first, second = asyncio.run(main())
    assert first is not second


def test_session_outside_app_context(db: SQLAlchemy) -> None:
    with pytest.raises(RuntimeError, match="outside of an application context"):
        db.session()


def test_session_options(app: Vial, make_db: MakeDB) -> None:
    class CustomSession(Session):
        pass

    scopes: list[int] = []

    def scope() -> int:
        scopes.append(1)
        return 1

    db = make_db(
        session_options={
            "expire_on_commit": False,
            "class_": CustomSession,
            "scopefunc": scope,
        }
    )

    class Flag(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        flag = Flag()
        db.session.add(flag)
        db.session.commit()
        assert isinstance(db.session(), CustomSession)
        assert "id" in flag.__dict__  # not expired by the commit
        db.session.remove()
    assert scopes


@pytest.fixture
def bound(app: Vial, make_db: MakeDB, tmp_path: t.Any) -> SQLAlchemy:
    app.config["SQLALCHEMY_BINDS"] = {"audit": f"sqlite:///{tmp_path}/audit.db"}
    return make_db()


def test_get_bind_routes_by_bind_key(app: Vial, bound: SQLAlchemy) -> None:
    db = bound

    class User(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class Event(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "audit"
        id = db.Column(db.Integer, primary_key=True)
        what = db.Column(db.String(20))

    log = db.Table("log", db.Column("line", db.String(20)), bind_key="audit")

    with app.app_context():
        audit = db.engines["audit"]
        session = db.session()
        assert session.get_bind(User) is db.engine
        assert session.get_bind(Event) is audit
        assert session.get_bind(sa.inspect(Event)) is audit
        assert session.get_bind(clause=log) is audit
        assert session.get_bind(clause=sa.select(log)) is audit
        assert session.get_bind(clause=sa.insert(log)) is audit
        assert session.get_bind(clause=sa.select(User.__table__)) is db.engine
        assert session.get_bind(clause=sa.text("SELECT 1")) is db.engine
        assert session.get_bind(Event, bind=db.engine) is db.engine

        db.create_all()
        db.session.add(Event(what="login"))
        db.session.execute(sa.insert(log).values(line="hello"))
        db.session.commit()

        # The rows are in the audit database, read by its engine alone.
        with audit.connect() as connection:
            assert connection.execute(sa.text("SELECT what FROM event")).scalar() == (
                "login"
            )
            assert connection.execute(sa.text("SELECT line FROM log")).scalar() == (
                "hello"
            )
        assert "event" not in sa.inspect(db.engine).get_table_names()
        assert db.session.execute(sa.select(log.c.line)).scalar() == "hello"
        assert db.session.execute(db.select(Event)).scalar_one().what == "login"


def test_get_bind_unknown_bind_key(app: Vial, db: SQLAlchemy) -> None:
    class Orphan(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "missing"
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        with pytest.raises(sa.exc.UnboundExecutionError, match="'missing'"):
            db.session.execute(db.select(Orphan))
        with pytest.raises(sa_orm.exc.UnmappedClassError):
            db.session().get_bind(int)


def test_default_table_without_default_engine(tmp_path: t.Any) -> None:
    app = Vial("binds_only", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_BINDS"] = {"a": "sqlite://"}
    db = SQLAlchemy(app)

    class Plain(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        with pytest.raises(sa.exc.UnboundExecutionError, match="default engine"):
            db.session.execute(db.select(Plain))
        with pytest.raises(sa.exc.UnboundExecutionError):
            db.session.execute(sa.text("SELECT 1"))
    app.extensions["sqlalchemy"].engines["a"].dispose()
