from __future__ import annotations

import os
import sys
import threading
import typing as t

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool
from sqlalchemy.pool import StaticPool

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.engines import apply_driver_defaults
from vial_sqlalchemy.engines import engine_options_for_app

MakeDB = t.Callable[..., SQLAlchemy]


def _app(tmp_path: t.Any, **config: t.Any) -> Vial:
    app = Vial("engines_test", instance_path=str(tmp_path / "instance"))
    app.config.update(
        SQLALCHEMY_DATABASE_URI=None,
        SQLALCHEMY_ENGINE_OPTIONS={},
        SQLALCHEMY_BINDS={},
        SQLALCHEMY_ECHO=False,
    )
    app.config.update(config)
    return app


def test_precedence_constructor_config_bind(tmp_path: t.Any) -> None:
    app = _app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_timeout": 5, "echo": True},
        SQLALCHEMY_BINDS={
            "a": "sqlite:///a.db",
            "b": {"url": "sqlite:///b.db", "pool_timeout": 9},
        },
    )
    base = {"pool_timeout": 1, "isolation_level": "SERIALIZABLE", "url": "sqlite:///x"}
    options = engine_options_for_app(app, base)
    # Config overrides the constructor for the default engine, and the URL
    # from SQLALCHEMY_DATABASE_URI wins over a url in the options.
    assert options[None]["pool_timeout"] == 5
    assert options[None]["isolation_level"] == "SERIALIZABLE"
    assert options[None]["echo"] is True
    assert str(options[None]["url"]) == "sqlite://"
    # Binds start from the constructor options only; their own dict wins.
    assert options["a"]["pool_timeout"] == 1
    assert options["a"]["echo"] is False
    assert options["b"]["pool_timeout"] == 9
    assert options["b"]["isolation_level"] == "SERIALIZABLE"


def test_constructor_url_is_the_default_database(tmp_path: t.Any) -> None:
    app = _app(tmp_path)
    options = engine_options_for_app(app, {"url": "sqlite://"})
    assert set(options) == {None}


def test_echo_fills_echo_and_echo_pool(tmp_path: t.Any) -> None:
    app = _app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SQLALCHEMY_ECHO=True,
        SQLALCHEMY_BINDS={"a": {"url": "sqlite://", "echo": False}},
    )
    options = engine_options_for_app(app, {})
    assert options[None]["echo"] is True
    assert options[None]["echo_pool"] is True
    assert options["a"]["echo"] is False
    assert options["a"]["echo_pool"] is True


@pytest.mark.parametrize(
    ("binds", "message"),
    [
        ("sqlite://", "must be a dict"),
        ({"a": 3}, r"SQLALCHEMY_BINDS\['a'\] must be a database URL"),
        ({"a": {"echo": True}}, r"SQLALCHEMY_BINDS\['a'\] has no 'url'"),
    ],
)
def test_bad_binds(tmp_path: t.Any, binds: t.Any, message: str) -> None:
    app = _app(tmp_path, SQLALCHEMY_BINDS=binds)
    with pytest.raises((TypeError, RuntimeError), match=message):
        engine_options_for_app(app, {})


def test_nothing_configured(tmp_path: t.Any) -> None:
    with pytest.raises(RuntimeError, match="No database is configured"):
        engine_options_for_app(_app(tmp_path), {})


def test_relative_sqlite_path_lives_in_the_instance_folder(tmp_path: t.Any) -> None:
    app = Vial("sqlite_file", instance_path=str(tmp_path / "instance"))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///project.db"
    assert not os.path.exists(app.instance_path)
    db = SQLAlchemy(app)

    class Row(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        assert db.engine.url.database == os.path.join(app.instance_path, "project.db")
        db.create_all()
        db.session.add(Row())
        db.session.commit()
    assert os.path.isfile(tmp_path / "instance" / "project.db")
    app.extensions["sqlalchemy"].engines[None].dispose()


def test_relative_sqlite_uri_and_absolute_path(tmp_path: t.Any) -> None:
    app = Vial("sqlite_uri", instance_path=str(tmp_path / "instance"))
    options: dict[str, t.Any] = {"url": "sqlite:///file:data.db?uri=true&mode=rwc"}
    apply_driver_defaults(options, app)
    url = options["url"]
    assert url.database == f"file:{tmp_path / 'instance' / 'data.db'}"
    assert url.query["mode"] == "rwc"

    absolute: dict[str, t.Any] = {"url": f"sqlite:///{tmp_path / 'elsewhere.db'}"}
    apply_driver_defaults(absolute, app)
    assert absolute["url"].database == str(tmp_path / "elsewhere.db")
    assert "poolclass" not in absolute


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite+pysqlite://",
        "sqlite:///file::memory:?uri=true",
        "sqlite:///file:shared?mode=memory&cache=shared&uri=true",
    ],
)
def test_memory_sqlite_uses_one_shared_connection(tmp_path: t.Any, url: str) -> None:
    app = Vial("memory", instance_path=str(tmp_path / "instance"))
    options: dict[str, t.Any] = {"url": url, "connect_args": {"timeout": 3}}
    apply_driver_defaults(options, app)
    assert options["poolclass"] is StaticPool
    assert options["connect_args"] == {"timeout": 3, "check_same_thread": False}
    assert not os.path.exists(app.instance_path)


def test_memory_sqlite_is_shared_across_threads(tmp_path: t.Any) -> None:
    app = Vial("threads", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db = SQLAlchemy(app)

    class Hit(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        thread = db.Column(db.String(40))

    with app.app_context():
        db.create_all()
        db.session.add(Hit(thread="main"))
        db.session.commit()

    seen: list[int] = []
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            with app.app_context():
                seen.append(db.session.query(Hit).count())
                db.session.add(Hit(thread=name))
                db.session.commit()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    for index in range(3):
        thread = threading.Thread(target=worker, args=(f"worker-{index}",))
        thread.start()
        thread.join()

    assert errors == []
    assert seen == [1, 2, 3]
    with app.app_context():
        names = db.session.execute(db.select(Hit.thread).order_by(Hit.id)).scalars()
        assert list(names) == ["main", "worker-0", "worker-1", "worker-2"]
    app.extensions["sqlalchemy"].engines[None].dispose()


def test_server_database_defaults(tmp_path: t.Any) -> None:
    app = Vial("servers", instance_path=str(tmp_path))
    postgres: dict[str, t.Any] = {"url": "postgresql+psycopg://user@db.invalid/app"}
    apply_driver_defaults(postgres, app)
    assert postgres["pool_pre_ping"] is True
    assert "pool_recycle" not in postgres

    mysql: dict[str, t.Any] = {
        "url": "mysql+pymysql://user@db.invalid/app",
        "pool_pre_ping": False,
    }
    apply_driver_defaults(mysql, app)
    assert mysql["pool_pre_ping"] is False
    assert mysql["pool_recycle"] == 7200
    assert mysql["url"].query["charset"] == "utf8mb4"
    assert "charset" not in postgres["url"].query

    latin: dict[str, t.Any] = {"url": "mariadb://user@db.invalid/app?charset=latin1"}
    apply_driver_defaults(latin, app)
    assert latin["url"].query["charset"] == "latin1"


def test_engines_are_created_from_the_options(app: Vial, make_db: MakeDB) -> None:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_reset_on_return": "rollback"}
    db = make_db(engine_options={"execution_options": {"custom": "yes"}})
    with app.app_context():
        engine = db.engine
        assert engine.get_execution_options() == {"custom": "yes"}
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        if url.get_backend_name() == "sqlite":
            assert isinstance(engine.pool, StaticPool)
        else:
            assert isinstance(engine.pool, QueuePool)
            assert engine.pool._pre_ping is True
            assert engine.dialect.driver == "psycopg"
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar() == 1


def test_missing_driver_is_a_clear_error(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry in sys.modules makes the import fail as if not installed.
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    app = Vial("no_driver", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg2://u@db.invalid/x"
    with pytest.raises(RuntimeError, match=r"postgresql\+psycopg://"):
        SQLAlchemy(app)
    assert "sqlalchemy" not in app.extensions
    assert app.teardown_appcontext_funcs == []
