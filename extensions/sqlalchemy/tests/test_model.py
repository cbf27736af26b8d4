from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from vial import Vial
from vial_sqlalchemy import Model
from vial_sqlalchemy import Query
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.model import BindMetaMixin
from vial_sqlalchemy.model import BindMixin
from vial_sqlalchemy.model import camel_to_snake_case
from vial_sqlalchemy.model import DefaultMeta
from vial_sqlalchemy.model import DefaultMetaNoName
from vial_sqlalchemy.model import NameMetaMixin
from vial_sqlalchemy.model import NameMixin
from vial_sqlalchemy.model import should_set_tablename

MakeDB = t.Callable[..., SQLAlchemy]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("User", "user"),
        ("CamelCase", "camel_case"),
        ("HTTPServer", "http_server"),
        ("APIKey", "api_key"),
        ("UserAPI", "user_api"),
        ("ResponseHTTP200", "response_http200"),
        ("HTTP2Response", "http2_response"),
        ("Snake_Case", "snake__case"),
        ("already_snake", "already_snake"),
        ("ABC", "abc"),
        ("_Private", "private"),
        ("__Dunder", "dunder"),
        ("Foo_", "foo_"),
        ("ABC_DEF", "abc_def"),
        ("X2Y", "x2_y"),
        ("aB", "a_b"),
        ("ABCDef", "abc_def"),
        ("IPv4Address", "i_pv4_address"),
        ("my_HTTPServer", "my_http_server"),
    ],
)
def test_camel_to_snake_case(name: str, expected: str) -> None:
    assert camel_to_snake_case(name) == expected


def test_automatic_tablename(db: SQLAlchemy) -> None:
    class HTTPServer(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    assert HTTPServer.__tablename__ == "http_server"
    assert HTTPServer.__table__.name == "http_server"
    assert db.metadata.tables["http_server"] is HTTPServer.__table__


def test_explicit_tablename_and_table_win(db: SQLAlchemy) -> None:
    class Named(db.Model):  # type: ignore[name-defined, misc]
        __tablename__ = "people"
        id = db.Column(db.Integer, primary_key=True)

    table = db.Table("things", db.Column("id", db.Integer, primary_key=True))

    class Thing(db.Model):  # type: ignore[name-defined, misc]
        __table__ = table

    assert Named.__table__.name == "people"
    assert Thing.__table__ is table
    assert "__tablename__" not in Thing.__dict__


def test_single_table_inheritance_has_no_table_of_its_own(db: SQLAlchemy) -> None:
    class Employee(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str]
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "e"}

    class Manager(Employee):
        reports: Mapped[int | None]
        __mapper_args__ = {"polymorphic_identity": "m"}

    assert "__tablename__" not in Manager.__dict__
    assert Manager.__tablename__ == "employee"
    assert Manager.__table__ is Employee.__table__
    assert "reports" in Employee.__table__.c
    assert set(db.metadata.tables) == {"employee"}


def test_joined_inheritance_gets_a_table(db: SQLAlchemy) -> None:
    class Vehicle(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        kind = db.Column(db.String(20))
        __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "v"}

    class RaceCar(Vehicle):
        id = db.Column(db.ForeignKey(Vehicle.id), primary_key=True)
        top_speed = db.Column(db.Integer)
        __mapper_args__ = {"polymorphic_identity": "race"}

    assert RaceCar.__tablename__ == "race_car"
    assert RaceCar.__table__.name == "race_car"
    assert RaceCar.__mapper__.inherits is Vehicle.__mapper__


def test_joined_inheritance_with_typed_primary_key_and_mixin(db: SQLAlchemy) -> None:
    class Base(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str]
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "b"}

    class Typed(Base):
        id: Mapped[int] = mapped_column(sa.ForeignKey("base.id"), primary_key=True)
        __mapper_args__ = {"polymorphic_identity": "t"}

    class ConstraintChild(Base):
        other_id = db.Column(db.ForeignKey("base.id"))
        __table_args__ = (sa.PrimaryKeyConstraint("other_id"),)
        __mapper_args__ = {"polymorphic_identity": "c"}

    assert Typed.__table__.name == "typed"
    assert ConstraintChild.__table__.name == "constraint_child"


def test_joined_inheritance_with_the_key_from_a_declared_attr_mixin(
    db: SQLAlchemy,
) -> None:
    class Animal(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class ChildKey:
        # The primary key only exists once SQLAlchemy evaluates this.
        @sa_orm.declared_attr
        def id(cls) -> Mapped[int]:
            return mapped_column(sa.ForeignKey(Animal.id), primary_key=True)

    class Dog(ChildKey, Animal):
        pass

    assert Dog.__tablename__ == "dog"
    assert Dog.__table__.name == "dog"
    assert set(db.metadata.tables) == {"animal", "dog"}


def test_single_table_inheritance_over_two_levels(db: SQLAlchemy) -> None:
    class Shape(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        kind = db.Column(db.String(10))
        __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "shape"}

    class Polygon(Shape):
        sides = db.Column(db.Integer)
        __mapper_args__ = {"polymorphic_identity": "polygon"}

    class Square(Polygon):
        __mapper_args__ = {"polymorphic_identity": "square"}

    assert set(db.metadata.tables) == {"shape"}
    assert Square.__table__ is Polygon.__table__ is Shape.__table__
    assert "__tablename__" not in Polygon.__dict__
    assert "__tablename__" not in Square.__dict__
    assert Square.__tablename__ == "shape"


def test_declared_attr_tablename_reaches_past_mapped_parents(db: SQLAlchemy) -> None:
    class Upper:
        @sa_orm.declared_attr.directive
        def __tablename__(cls) -> str:
            return t.cast("type[t.Any]", cls).__name__.upper()

    class Bird(Upper, db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class Duck(Bird):
        id = db.Column(db.ForeignKey(Bird.id), primary_key=True)

    class Mallard(Duck):
        id = db.Column(db.ForeignKey("DUCK.id"), primary_key=True)

    assert [Bird.__tablename__, Duck.__tablename__, Mallard.__tablename__] == [
        "BIRD",
        "DUCK",
        "MALLARD",
    ]


def test_a_named_subclass_without_a_key_is_not_made_single_table(
    db: SQLAlchemy,
) -> None:
    class Parent(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    # It asked for a table of its own: SQLAlchemy explains what is missing,
    # rather than its columns silently joining the parent's table.
    with pytest.raises(sa.exc.ArgumentError, match="foreign key"):

        class Child(Parent):
            __tablename__ = "child"
            note = db.Column(db.String(10))


def test_abstract_base_and_declared_attr_mixin(db: SQLAlchemy) -> None:
    class TimestampedBase(db.Model):  # type: ignore[name-defined, misc]
        __abstract__ = True
        created = db.Column(db.Integer, default=0)

    class Note(TimestampedBase):
        id = db.Column(db.Integer, primary_key=True)

    class PrefixedName:
        @sa_orm.declared_attr.directive
        def __tablename__(cls) -> str:
            return "app_" + t.cast("type[t.Any]", cls).__name__.lower()

    class Setting(PrefixedName, db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    assert "__tablename__" not in TimestampedBase.__dict__
    assert Note.__table__.name == "note"
    assert "created" in Note.__table__.c
    assert Setting.__table__.name == "app_setting"


def test_disable_autonaming(make_db: MakeDB) -> None:
    db = make_db(disable_autonaming=True)

    with pytest.raises(sa.exc.InvalidRequestError, match="__tablename__"):

        class Unnamed(db.Model):  # type: ignore[name-defined, misc]
            id = db.Column(db.Integer, primary_key=True)

    class Named(db.Model):  # type: ignore[name-defined, misc]
        __tablename__ = "named"
        id = db.Column(db.Integer, primary_key=True)

    assert Named.__table__.name == "named"


def test_classic_and_typed_models_work_together(app: Vial, db: SQLAlchemy) -> None:
    class Author(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(50), nullable=False)
        books = db.relationship("Book", back_populates="author")

    class Book(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(sa.String(100))
        author_id: Mapped[int] = mapped_column(sa.ForeignKey("author.id"))
        author: Mapped[Author] = sa_orm.relationship(back_populates="books")

    with app.app_context():
        db.create_all()
        author = Author(name="Ursula")
        db.session.add(Book(title="The Dispossessed", author=author))
        db.session.commit()

    with app.app_context():
        book = db.session.execute(db.select(Book)).scalar_one()
        assert book.author.name == "Ursula"
        assert [b.title for b in book.author.books] == ["The Dispossessed"]


def _declarative_base_classes() -> list[type[t.Any]]:
    class Base(sa_orm.DeclarativeBase):
        pass

    class BaseNoMeta(sa_orm.DeclarativeBaseNoMeta):
        pass

    class DataclassBase(sa_orm.MappedAsDataclass, sa_orm.DeclarativeBase):
        pass

    class DataclassNoMeta(sa_orm.MappedAsDataclass, sa_orm.DeclarativeBaseNoMeta):
        pass

    return [Base, BaseNoMeta, DataclassBase, DataclassNoMeta]


@pytest.mark.parametrize("index", range(4), ids=["base", "nometa", "dc", "dc-nometa"])
def test_declarative_base_model_class(app: Vial, make_db: MakeDB, index: int) -> None:
    base = _declarative_base_classes()[index]
    db = make_db(model_class=base)
    dataclass = issubclass(base, sa_orm.MappedAsDataclass)
    id_options: dict[str, t.Any] = {"init": False} if dataclass else {}

    class UserAccount(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True, **id_options)
        name: Mapped[str] = mapped_column(sa.String(50))

    class Archive(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "archive"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert issubclass(db.Model, base)
    assert db.metadata is base.metadata
    assert db.metadata.info["bind_key"] is None
    assert UserAccount.__tablename__ == "user_account"
    assert Archive.metadata is db.metadatas["archive"]
    assert UserAccount.query_class is Query

    with app.app_context():
        db.create_all(bind_key=None)
        db.session.add(UserAccount(name="ada"))
        db.session.commit()
        user = db.session.execute(db.select(UserAccount)).scalar_one()
        assert user.name == "ada"
        assert UserAccount.query.count() == 1
        if dataclass:
            assert repr(user).endswith(".<locals>.UserAccount(id=1, name='ada')")
        else:
            assert repr(user) == "<UserAccount 1>"


def test_declarative_base_with_metadata_argument(make_db: MakeDB) -> None:
    metadata = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s"})

    class Base(sa_orm.DeclarativeBase):
        pass

    # The base's own metadata wins, as with Flask-SQLAlchemy, with a warning
    # that says where the metadata goes.
    with pytest.deprecated_call(match="in the class body"):
        db = make_db(model_class=Base, metadata=metadata)

    class Item(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    assert db.metadata is Base.metadata
    assert db.metadata.info["bind_key"] is None
    assert Item.__table__.metadata is Base.metadata


def test_declarative_base_with_its_own_metadata(make_db: MakeDB) -> None:
    class Base(sa_orm.DeclarativeBase):
        metadata = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s"})

    db = make_db(model_class=Base)

    class Item(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    assert db.metadata is Base.metadata
    assert Item.__table__.metadata is Base.metadata
    assert Item.__table__.primary_key.name == "pk_item"


def test_declarative_base_must_be_a_direct_subclass() -> None:
    class Base(sa_orm.DeclarativeBase):
        pass

    class Mapped_(Base):
        __tablename__ = "mapped"
        id = sa.Column(sa.Integer, primary_key=True)

    with pytest.raises(TypeError, match=r"subclass\s+DeclarativeBase"):
        SQLAlchemy(model_class=Mapped_)


def test_legacy_declarative_base_is_used_as_is(app: Vial, make_db: MakeDB) -> None:
    base = sa_orm.declarative_base()
    db = make_db(model_class=base)

    class Legacy(db.Model):  # type: ignore[name-defined, misc]
        __tablename__ = "legacy"
        id = sa.Column(sa.Integer, primary_key=True)

    assert db.Model is base
    assert db.metadata is base.metadata
    with app.app_context():
        db.create_all()
        db.session.add(Legacy(id=7))
        db.session.commit()
        assert Legacy.query.filter_by(id=7).one().id == 7


def test_custom_model_class(app: Vial, make_db: MakeDB) -> None:
    class Base(Model):
        def describe(self) -> str:
            return f"{type(self).__name__} #{self.id}"  # type: ignore[attr-defined]

        def __repr__(self) -> str:
            return "custom"

    db = make_db(model_class=Base)

    class Gadget(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    assert repr(Gadget(id=3)) == "custom"
    assert Gadget(id=3).describe() == "Gadget #3"


def test_plain_model_class_gets_the_model_behaviour(make_db: MakeDB) -> None:
    class Plain:
        def shout(self) -> str:
            return "hi"

    db = make_db(model_class=Plain)

    class Thing(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    assert issubclass(db.Model, Plain)
    assert issubclass(db.Model, Model)
    assert Thing().shout() == "hi"
    assert repr(Thing()).startswith("<Thing (transient ")


def test_repr_states(app: Vial, db: SQLAlchemy) -> None:
    class Pair(db.Model):  # type: ignore[name-defined, misc]
        a = db.Column(db.Integer, primary_key=True, autoincrement=False)
        b = db.Column(db.String(5), primary_key=True)

    with app.app_context():
        db.create_all()
        pair = Pair(a=1, b="x")
        assert repr(pair) == f"<Pair (transient {id(pair)})>"
        db.session.add(pair)
        assert repr(pair) == f"<Pair (pending {id(pair)})>"
        db.session.commit()
        assert repr(pair) == "<Pair 1, x>"


def test_bind_key_models_use_the_bind_metadata(db: SQLAlchemy) -> None:
    class Audit(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "audit"
        id = db.Column(db.Integer, primary_key=True)

    class AuditDetail(Audit):
        id = db.Column(db.ForeignKey(Audit.id), primary_key=True)

    assert Audit.metadata is db.metadatas["audit"]
    assert db.metadatas["audit"].info["bind_key"] == "audit"
    assert "audit" in db.metadatas["audit"].tables
    assert "audit_detail" in db.metadatas["audit"].tables
    assert "audit" not in db.metadata.tables


def test_bind_metadata_copies_the_naming_convention(make_db: MakeDB) -> None:
    convention = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
    db = make_db(metadata=sa.MetaData(naming_convention=convention))

    class Code(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "other"
        id = db.Column(db.Integer, primary_key=True)
        value = db.Column(db.String(10), unique=True)

    constraint = next(
        c for c in Code.__table__.constraints if isinstance(c, sa.UniqueConstraint)
    )
    assert constraint.name == "uq_code_value"


def test_query_property(app: Vial, db: SQLAlchemy) -> None:
    class Tag(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        db.session.add_all([Tag(name="a"), Tag(name="b")])
        db.session.commit()
        query = Tag.query
        assert isinstance(query, Query)
        assert query.session is db.session()
        assert sorted(tag.name for tag in query) == ["a", "b"]
        assert Tag.query.filter_by(name="b").one().id == 2


def test_reflected_table_is_used_by_name(app: Vial, db: SQLAlchemy) -> None:
    with app.app_context():
        db.session.execute(
            sa.text(
                "CREATE TABLE legacy_table (id INTEGER PRIMARY KEY, label VARCHAR(20))"
            )
        )
        db.session.commit()
        db.reflect()

        class LegacyTable(db.Model):  # type: ignore[name-defined, misc]
            pass

        assert LegacyTable.__table__ is db.metadata.tables["legacy_table"]
        db.session.add(LegacyTable(id=1, label="old"))
        db.session.commit()
        row = db.session.get(LegacyTable, 1)
        assert row is not None
        assert row.label == "old"


def test_default_model_uses_the_flask_sqlalchemy_metaclasses() -> None:
    assert isinstance(SQLAlchemy().Model, DefaultMeta)
    plain = SQLAlchemy(disable_autonaming=True).Model
    assert isinstance(plain, DefaultMetaNoName)
    assert not isinstance(plain, NameMetaMixin)
    assert isinstance(plain, BindMetaMixin)


def test_declarative_base_models_use_the_mixins() -> None:
    class Base(sa_orm.DeclarativeBase):
        pass

    class Other(sa_orm.DeclarativeBase):
        pass

    named = SQLAlchemy(model_class=Base).Model
    assert issubclass(named, BindMixin)
    assert issubclass(named, NameMixin)
    unnamed = SQLAlchemy(model_class=Other, disable_autonaming=True).Model
    assert issubclass(unnamed, BindMixin)
    assert not issubclass(unnamed, NameMixin)


def test_a_base_made_with_default_meta_behaves_as_db_model(
    app: Vial, make_db: MakeDB
) -> None:
    base = sa_orm.declarative_base(cls=Model, metaclass=DefaultMeta, name="Model")
    db = make_db(model_class=base)

    class HTTPLog(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class Archived(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "archive"
        id = db.Column(db.Integer, primary_key=True)

    assert db.Model is base
    assert HTTPLog.__tablename__ == "http_log"
    assert Archived.metadata is db.metadatas["archive"]
    with app.app_context():
        db.create_all(bind_key=None)
        db.session.add(HTTPLog(id=1))
        db.session.commit()
        assert repr(HTTPLog.query.one()) == "<HTTPLog 1>"


def test_should_set_tablename() -> None:
    class Base(sa_orm.DeclarativeBase):
        pass

    class Mapped_(Base):
        __tablename__ = "mapped"
        id = sa.Column(sa.Integer, primary_key=True)

    class Abstract:
        __abstract__ = True

    class FixedName:
        __tablename__ = "fixed"

    assert should_set_tablename(type("Fresh", (), {}))
    assert not should_set_tablename(Abstract)
    assert not should_set_tablename(FixedName)
    assert not should_set_tablename(type("UnderFixed", (FixedName,), {}))
    # A subclass of a mapped model gets a name; its table decides later
    # whether it keeps it.
    assert should_set_tablename(type("Sub", (Mapped_,), {"__module__": __name__}))
