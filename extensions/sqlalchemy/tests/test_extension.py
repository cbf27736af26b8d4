from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.orm as sa_orm
from werkzeug.exceptions import NotFound

from vial import request
from vial import Vial
from vial_sqlalchemy import Query
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy import SQLAlchemyState

MakeDB = t.Callable[..., SQLAlchemy]


def _sqlite_app(name: str, tmp_path: t.Any) -> Vial:
    app = Vial(name, instance_path=str(tmp_path / name))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    return app


def test_app_in_constructor(app: Vial, make_db: MakeDB) -> None:
    db = make_db()
    state = app.extensions["sqlalchemy"]
    assert isinstance(state, SQLAlchemyState)
    assert state.db is db
    assert set(state.engines) == {None}
    assert not hasattr(db, "app")


def test_init_app_in_factory(tmp_path: t.Any) -> None:
    db = SQLAlchemy()

    def create_app() -> Vial:
        app = _sqlite_app("factory", tmp_path)
        db.init_app(app)
        return app

    app = create_app()
    with app.app_context():
        assert db.engine.url.drivername == "sqlite"
    app.extensions["sqlalchemy"].engines[None].dispose()


def test_one_instance_serves_many_apps(tmp_path: t.Any) -> None:
    db = SQLAlchemy()

    class Counter(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    first = _sqlite_app("first", tmp_path)
    second = _sqlite_app("second", tmp_path)
    db.init_app(first)
    db.init_app(second)

    with first.app_context():
        db.create_all()
        db.session.add_all([Counter(), Counter()])
        db.session.commit()
        first_engine = db.engine
    with second.app_context():
        db.create_all()
        db.session.add(Counter())
        db.session.commit()
        assert db.engine is not first_engine
        assert db.session.execute(sa.select(sa.func.count(Counter.id))).scalar() == 1
    with first.app_context():
        assert db.session.execute(sa.select(sa.func.count(Counter.id))).scalar() == 2
    assert not hasattr(db, "app")
    for app in (first, second):
        app.extensions["sqlalchemy"].engines[None].dispose()


def test_second_init_app_on_the_same_app_is_an_error(app: Vial, db: SQLAlchemy) -> None:
    teardowns = len(app.teardown_appcontext_funcs)
    message = r"already set up on the app .*: SQLAlchemy\(app\) or db.init_app\(app\)"
    with pytest.raises(RuntimeError, match=message):
        db.init_app(app)
    with pytest.raises(RuntimeError, match=message):
        SQLAlchemy(app)
    assert app.extensions["sqlalchemy"].db is db
    # Refused before anything was added to the app.
    assert len(app.teardown_appcontext_funcs) == teardowns


def test_missing_database_config_fails_at_init_app(tmp_path: t.Any) -> None:
    app = Vial("unconfigured", instance_path=str(tmp_path))
    with pytest.raises(
        RuntimeError, match=r"SQLALCHEMY_DATABASE_URI.*SQLALCHEMY_BINDS"
    ):
        SQLAlchemy(app)
    assert "sqlalchemy" not in app.extensions


def test_init_app_after_first_request_fails_cleanly(tmp_path: t.Any) -> None:
    app = _sqlite_app("served", tmp_path)

    @app.route("/")
    def index() -> str:
        return "ok"

    assert app.test_client().get("/").status_code == 200
    with pytest.raises(AssertionError):
        SQLAlchemy(app)
    assert "sqlalchemy" not in app.extensions


def test_engines_need_an_app_context(db: SQLAlchemy) -> None:
    with pytest.raises(RuntimeError, match="need an application context"):
        _ = db.engines
    with pytest.raises(RuntimeError, match="need an application context"):
        _ = db.engine


def test_engines_of_an_app_never_set_up(db: SQLAlchemy, tmp_path: t.Any) -> None:
    other = _sqlite_app("other", tmp_path)
    with other.app_context():
        with pytest.raises(RuntimeError, match=r"not set up .*db.init_app\(app\)"):
            _ = db.engines
        with pytest.raises(RuntimeError, match=r"not set up .*db.init_app\(app\)"):
            db.create_all()


def test_engines_of_an_app_set_up_with_another_db(
    app: Vial, db: SQLAlchemy, tmp_path: t.Any
) -> None:
    other = _sqlite_app("other", tmp_path)
    other_db = SQLAlchemy(other)
    with other.app_context(), pytest.raises(RuntimeError, match="another SQLAlchemy"):
        _ = db.engines
    with other.app_context():
        assert other_db.engines[None].url.drivername == "sqlite"
    other.extensions["sqlalchemy"].engines[None].dispose()


def test_engine_without_default_database(tmp_path: t.Any) -> None:
    app = Vial("binds_only", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_BINDS"] = {"a": "sqlite://"}
    db = SQLAlchemy(app)
    with app.app_context():
        assert set(db.engines) == {"a"}
        with pytest.raises(RuntimeError, match="SQLALCHEMY_DATABASE_URI is not set"):
            _ = db.engine
    app.extensions["sqlalchemy"].engines["a"].dispose()


def test_metadata_and_metadatas(db: SQLAlchemy) -> None:
    assert db.metadata is db.metadatas[None]
    assert db.metadata.info["bind_key"] is None
    assert db.Model.metadata is db.metadata


def test_sqlalchemy_names_on_db(db: SQLAlchemy) -> None:
    assert db.Column is sa.Column
    assert db.Integer is sa.Integer
    assert db.String is sa.String
    assert db.ForeignKey is sa.ForeignKey
    assert db.select is sa.select
    assert db.func is sa.func
    assert db.Mapped is sa_orm.Mapped
    assert db.mapped_column is sa_orm.mapped_column
    assert db.event is sa_event
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        _ = db.NoSuchThing
    with pytest.raises(AttributeError):
        _ = db._private_name


def test_repr_names_the_engines(app: Vial, make_db: MakeDB, tmp_path: t.Any) -> None:
    app.config["SQLALCHEMY_BINDS"] = {"audit": f"sqlite:///{tmp_path}/audit.db"}
    db = make_db()
    assert repr(db) == "<SQLAlchemy>"
    with app.app_context():
        assert repr(db) == f"<SQLAlchemy {db.engine.url}, binds 'audit'>"
    # In another app's context, this db has no engines to name.
    with Vial("elsewhere").app_context():
        assert repr(db) == "<SQLAlchemy>"


def test_repr_hides_the_password(tmp_path: t.Any) -> None:
    app = Vial("secret", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_BINDS"] = {
        "main": "postgresql+psycopg://user:hunter2@db.invalid/app"
    }
    db = SQLAlchemy(app)
    with app.app_context():
        assert repr(db) == "<SQLAlchemy binds 'main'>"
        assert "hunter2" not in repr(app.extensions["sqlalchemy"])
    app.extensions["sqlalchemy"].engines["main"].dispose()


def test_create_drop_and_reflect_by_bind_key(
    app: Vial, make_db: MakeDB, tmp_path: t.Any
) -> None:
    binds = {"a": f"sqlite:///{tmp_path}/a.db", "b": f"sqlite:///{tmp_path}/b.db"}
    app.config["SQLALCHEMY_BINDS"] = binds
    db = make_db()

    class Default(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class InA(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "a"
        id = db.Column(db.Integer, primary_key=True)

    class InB(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "b"
        id = db.Column(db.Integer, primary_key=True)
        label = db.Column(db.String(10))

    def tables(key: str | None) -> set[str]:
        return set(sa.inspect(db.engines[key]).get_table_names())

    with app.app_context():
        db.create_all(bind_key="a")
        assert tables("a") == {"in_a"}
        assert tables("b") == set()
        assert "default" not in tables(None)

        db.create_all(bind_key=[None, "b"])
        assert "default" in tables(None)
        assert tables("b") == {"in_b"}

        db.drop_all(bind_key=None)
        assert "default" not in tables(None)
        assert tables("a") == {"in_a"}

        db.create_all()
        assert "default" in tables(None)

    # A second extension, with no models, reads the tables from the databases.
    reader_app = Vial("reader", instance_path=app.instance_path)
    reader_app.config["SQLALCHEMY_BINDS"] = binds
    reader = make_db(reader_app)
    with reader_app.app_context():
        reader.reflect(bind_key="b")
        assert set(reader.metadatas["b"].tables) == {"in_b"}
        assert set(reader.metadatas["b"].tables["in_b"].c.keys()) == {"id", "label"}
        assert reader.metadatas["a"].tables == {}
        reader.reflect()
        assert set(reader.metadatas["a"].tables) == {"in_a"}
        # Reflected tables belong to the reader now; its teardown must not
        # drop them before the first extension does.
        reader.metadatas["a"].clear()
        reader.metadatas["b"].clear()

    with app.app_context():
        db.drop_all()
        assert tables("a") == set()
        assert tables("b") == set()
        assert "default" not in tables(None)


def test_unknown_bind_key_is_a_clear_error(app: Vial, db: SQLAlchemy) -> None:
    with app.app_context():
        with pytest.raises(sa.exc.UnboundExecutionError, match="'nope' is not in"):
            db.create_all(bind_key="nope")
        with pytest.raises(sa.exc.UnboundExecutionError, match="'nope' is not in"):
            db.drop_all(bind_key=["nope"])


def test_all_binds_skip_unconfigured_binds_without_tables(
    app: Vial, db: SQLAlchemy
) -> None:
    db._make_metadata("elsewhere")  # as another app's init_app would
    with app.app_context():
        db.create_all()

    class Stray(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "elsewhere"
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context(), pytest.raises(sa.exc.UnboundExecutionError):
        db.create_all()


def _table_with_item_1(app: Vial, db: SQLAlchemy) -> t.Any:
    """Define an ``Item`` model, create its table and store the item with id 1."""

    class Item(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        db.session.add(Item(id=1))
        db.session.commit()
    return Item


def test_get_or_404(app: Vial, db: SQLAlchemy) -> None:
    Item = _table_with_item_1(app, db)
    with app.app_context():
        assert db.get_or_404(Item, 1).id == 1
        with pytest.raises(NotFound) as info:
            db.get_or_404(Item, 2, description="No such item.")
        assert info.value.description == "No such item."


def test_first_or_404_and_one_or_404(app: Vial, db: SQLAlchemy) -> None:
    class Item(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        color = db.Column(db.String(10))

    with app.app_context():
        db.create_all()
        db.session.add_all([Item(color="red"), Item(color="red"), Item(color="blue")])
        db.session.commit()
        red = db.select(Item).filter_by(color="red").order_by(Item.id)
        blue = db.select(Item).filter_by(color="blue")
        green = db.select(Item).filter_by(color="green")

        assert db.first_or_404(red).id == 1
        assert db.one_or_404(blue).color == "blue"
        with pytest.raises(NotFound) as info:
            db.first_or_404(green, description="No green item.")
        assert info.value.description == "No green item."
        with pytest.raises(NotFound):
            db.one_or_404(green)
        with pytest.raises(NotFound) as info:
            db.one_or_404(red, description="Ambiguous.")
        assert info.value.description == "Ambiguous."


def test_404_helpers_in_views(app: Vial, db: SQLAlchemy) -> None:
    class Item(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    @app.route("/items/<int:ident>")
    def show(ident: int) -> str:
        item = db.get_or_404(Item, ident, description="That item does not exist.")
        return f"item {item.id}"

    with app.app_context():
        db.create_all()
        db.session.add(Item(id=5))
        db.session.commit()

    client = app.test_client()
    assert client.get("/items/5").text == "item 5"
    response = client.get("/items/6")
    assert response.status_code == 404
    assert "That item does not exist." in response.text


# Values the database refuses for an integer key, and shapes that do not fit
# a single key: JSON's true, lists and objects, and None. Before, true and
# {"id": 1} loaded row 1 and the other shapes were server errors.
_BAD_VALUES = ["abc", "1.5", "\x00", str(2**64), 2**63, 2**64, -(2**70)]
_BAD_SHAPES = [True, False, [1], [], [1, 2], {"id": 1}, {}, {1}, (1, 2), (), None]


@pytest.mark.parametrize("ident", _BAD_VALUES + _BAD_SHAPES, ids=repr)
def test_get_or_404_with_a_bad_ident(app: Vial, db: SQLAlchemy, ident: t.Any) -> None:
    Item = _table_with_item_1(app, db)
    with app.app_context():
        with pytest.raises(NotFound) as info:
            db.get_or_404(Item, ident, description="No such item.")
        assert info.value.description == "No such item."
        # The session still works in the same app context afterwards.
        assert db.session.execute(db.select(db.func.count(Item.id))).scalar() == 1
        assert db.get_or_404(Item, 1).id == 1
        assert db.get_or_404(Item, (1,)).id == 1


def test_get_or_404_with_a_composite_key(app: Vial, db: SQLAlchemy) -> None:
    class Seat(db.Model):  # type: ignore[name-defined, misc]
        row = db.Column(db.String(2), primary_key=True)
        number = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        db.session.add(Seat(row="A", number=1))
        db.session.commit()
        assert db.get_or_404(Seat, ("A", 1)).number == 1
        assert db.get_or_404(Seat, ["A", 1]).number == 1
        assert db.get_or_404(Seat, {"row": "A", "number": 1}).number == 1
        for ident in (
            "A",
            1,
            ("A",),
            ("A", 1, 2),
            {"row": "A"},
            {"row": "A", "number": 1, "extra": 2},
            {"row": "A", "seat": 1},
            ("A", True),
            ("A", [1]),
            ("A", None),
        ):
            with pytest.raises(NotFound):
                db.get_or_404(Seat, ident)


def test_get_or_404_with_a_boolean_key(app: Vial, db: SQLAlchemy) -> None:
    class Switch(db.Model):  # type: ignore[name-defined, misc]
        on = db.Column(db.Boolean, primary_key=True)

    with app.app_context():
        db.create_all()
        db.session.add(Switch(on=True))
        db.session.commit()
        assert db.get_or_404(Switch, True).on is True
        with pytest.raises(NotFound):
            db.get_or_404(Switch, False)


def test_json_ids_of_the_wrong_shape_are_404_not_500(app: Vial, db: SQLAlchemy) -> None:
    Item = _table_with_item_1(app, db)

    @app.post("/items/lookup")
    def lookup() -> dict[str, int]:
        body: t.Any = request.get_json()
        return {"id": db.get_or_404(Item, body["id"]).id}

    client = app.test_client()
    assert client.post("/items/lookup", json={"id": 1}).json == {"id": 1}
    for ident in (True, [1], {"id": 1}, [[1]], None):
        response = client.post("/items/lookup", json={"id": ident})
        assert response.status_code == 404, ident


def test_get_or_404_passes_options_to_session_get(app: Vial, db: SQLAlchemy) -> None:
    class Author(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class Book(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(20))
        author_id = db.Column(db.ForeignKey(Author.id))
        author = db.relationship(Author)

    with app.app_context():
        db.create_all()
        db.session.add(Book(id=1, title="Kindred", author=Author(id=1)))
        db.session.commit()

    with app.app_context():
        book = db.get_or_404(Book, 1, options=[sa_orm.joinedload(Book.author)])
        assert "author" in sa.inspect(book).dict  # loaded with the book
        with db.session.no_autoflush:
            book.title = "changed"  # populate_existing reloads it
            again = db.get_or_404(Book, 1, populate_existing=True)
        assert again is book
        assert book.title == "Kindred"
        with pytest.raises(NotFound, match=r"No book 2\."):
            db.get_or_404(Book, 2, description="No book 2.", populate_existing=True)


def test_bad_ids_from_the_url_are_404_not_500(app: Vial, db: SQLAlchemy) -> None:
    Item = _table_with_item_1(app, db)

    @app.route("/items/<int:ident>")
    def by_int(ident: int) -> str:
        return f"item {db.get_or_404(Item, ident).id}"

    @app.route("/raw/<ident>")
    def by_string(ident: str) -> str:
        return f"item {db.get_or_404(Item, ident).id}"

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        # The error page itself uses the database.
        count = db.session.execute(db.select(db.func.count(Item.id))).scalar()
        return f"not found among {count}", 404

    client = app.test_client()
    for path in (f"/items/{2**63}", f"/items/{2**64}", "/raw/abc", "/raw/1.5"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.text == "not found among 1", path
    assert client.get("/raw/1").text == "item 1"


def test_relationship_uses_the_query_class(app: Vial, make_db: MakeDB) -> None:
    class CustomQuery(Query):
        def names(self) -> list[str]:
            return sorted(item.name for item in self)

    db = make_db(query_class=CustomQuery)

    class Shelf(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        books = db.relationship("Book", lazy="dynamic", backref="shelf")
        loader = db.dynamic_loader("Book", viewonly=True)

    class Book(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))
        shelf_id = db.Column(db.ForeignKey(Shelf.id))

    class Author(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        shelf_id = db.Column(db.ForeignKey(Shelf.id))
        shelf = db.relationship(Shelf, backref=db.backref("authors", lazy="dynamic"))

    class Reader(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        shelf_id = db.Column(db.ForeignKey(Shelf.id))
        shelf = db.relationship(Shelf, backref=("readers", {"lazy": "dynamic"}))

    with app.app_context():
        db.create_all()
        shelf = Shelf()
        db.session.add_all([Book(name="b", shelf=shelf), Book(name="a", shelf=shelf)])
        db.session.add(Author(shelf=shelf))
        db.session.add(Reader(shelf=shelf))
        db.session.commit()
        assert isinstance(shelf.books, CustomQuery)
        assert shelf.books.names() == ["a", "b"]
        assert isinstance(shelf.loader, CustomQuery)
        assert isinstance(shelf.authors, CustomQuery)
        assert shelf.authors.count() == 1
        assert isinstance(shelf.readers, CustomQuery)
        assert shelf.readers.count() == 1
        assert db.Query is CustomQuery
        assert Book.query_class is CustomQuery
        assert isinstance(Book.query, CustomQuery)


def test_cli_group_is_joined(app: Vial, db: SQLAlchemy) -> None:
    assert set(app.cli.commands["db"].commands) == {"create", "drop"}  # type: ignore[attr-defined]
