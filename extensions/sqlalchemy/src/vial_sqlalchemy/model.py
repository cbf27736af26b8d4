"""The declarative base behind ``db.Model``.

``db.Model`` is built from the ``model_class`` given to the extension, and
its subclasses get two behaviours when they are defined, before SQLAlchemy
maps them:

* a model with ``__bind_key__`` goes into that bind's metadata, so it is
  created in and queried from that bind's engine;
* a model that needs a table of its own gets the ``__tablename__`` made from
  its class name in snake case (``HTTPServer`` gets ``http_server``), unless
  ``disable_autonaming=True``. A subclass of a model gets a table of its own
  when it declares a primary key (joined inheritance), and shares its
  parent's otherwise (single-table inheritance).

``model_class`` may be a plain class (the default :class:`Model`, or a
subclass of it), a subclass of :class:`~sqlalchemy.orm.DeclarativeBase` or
:class:`~sqlalchemy.orm.DeclarativeBaseNoMeta` (optionally with
:class:`~sqlalchemy.orm.MappedAsDataclass`), or a finished base from
:func:`~sqlalchemy.orm.declarative_base`, which is used as it is.

The metaclasses and mixins that carry the behaviours (:class:`DefaultMeta`,
:class:`BindMixin`, ...) keep the names Flask-SQLAlchemy 3.1 gives them, since
code written for it imports them from this module.
"""

from __future__ import annotations

import re
import types
import typing as t
import warnings

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from .query import Query

if t.TYPE_CHECKING:
    from .state import DatabaseExtension


class _QueryProperty:
    """The class attribute ``Model.query``: a new legacy query on each access."""

    def __get__(self, obj: Model | None, cls: type[Model]) -> Query:
        return cls.query_class(cls, session=cls.__fsa__.session())


class Model:
    """The default ``model_class``: what every ``db.Model`` subclass can do.

    Subclass it to add behaviour to all models, then pass the subclass as
    ``SQLAlchemy(model_class=...)``.
    """

    #: The extension this model belongs to; set on ``db.Model``.
    __fsa__: t.ClassVar[DatabaseExtension]

    #: The class of :attr:`query`; the extension's ``query_class`` by default.
    query_class: t.ClassVar[type[Query]] = Query

    #: A legacy :class:`~vial_sqlalchemy.Query` for this model, on the
    #: current app's session. Prefer ``db.session.execute(db.select(...))``.
    query: t.ClassVar[Query]

    def __repr__(self) -> str:
        state = sa.inspect(self)
        if state.transient:
            key = f"(transient {id(self)})"
        elif state.pending:
            key = f"(pending {id(self)})"
        else:
            key = ", ".join(str(value) for value in state.identity or ())
        return f"<{type(self).__name__} {key}>"


# A word starts at a capital that follows a lower-case letter or a digit, and
# at any capital but the first character that a lower-case letter follows.
_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?!^)(?=[A-Z][a-z])")


def camel_to_snake_case(name: str) -> str:
    """Turn a class name into a table name: ``HTTPServer`` becomes ``http_server``.

    The names are those Flask-SQLAlchemy generates, so a ported app finds
    its existing tables: an underscore is added at each word boundary even
    next to one already there (``Snake_Case`` becomes ``snake__case``), and
    leading underscores are dropped.
    """
    return _BOUNDARY.sub("_", name).lower().lstrip("_")


def _is_model_base(cls: type) -> bool:
    """Whether ``cls`` is ``db.Model`` itself or a helper class behind it."""
    namespace = cls.__dict__
    return namespace.get("__vial_model_base__", False) is True or (
        "registry" in namespace  # the class declarative_base() is creating
    )


def _is_mapped(cls: type) -> bool:
    return "__mapper__" in cls.__dict__ or "_sa_class_manager" in cls.__dict__


# The behaviour of db.Model subclasses is written once, in the functions
# below. Two forms apply it, as in Flask-SQLAlchemy, whose names code written
# for it imports: metaclass mixins for bases made by declarative_base()
# (DefaultMeta is the metaclass of the default db.Model), and class mixins
# for DeclarativeBase subclasses, which have no metaclass to extend.

#: Set on a class whose ``__tablename__`` was made here, so that the table
#: hook knows it may give that name up for single-table inheritance.
_AUTOMATIC_NAME = "__vial_automatic_tablename__"


def _use_bind_metadata(cls: type) -> None:
    """Put a model with ``__bind_key__`` into that bind's metadata."""
    namespace = cls.__dict__
    if (
        not _is_model_base(cls)
        and "__bind_key__" in namespace
        and "metadata" not in namespace
        and "__table__" not in namespace
    ):
        model: t.Any = cls
        model.metadata = model.__fsa__._make_metadata(namespace["__bind_key__"])


def _name_table(cls: type) -> None:
    """Give ``cls`` its automatic ``__tablename__`` if it may need a table."""
    if not _is_model_base(cls) and should_set_tablename(cls):
        model: t.Any = cls
        model.__tablename__ = camel_to_snake_case(cls.__name__)
        setattr(cls, _AUTOMATIC_NAME, True)


def _make_table(cls: type, *args: t.Any, **kwargs: t.Any) -> sa.Table | None:
    """Build the table of ``cls``, or return ``None`` for single-table inheritance.

    SQLAlchemy calls this (as ``__table_cls__``) with the table's name,
    metadata, columns and ``__table_args__``, once it has evaluated every
    column, ``declared_attr`` ones from mixins included. A class whose name
    was made automatically, that inherits a mapped model and whose columns
    hold no primary key adds its columns to its parent's table instead:
    single-table inheritance. With a primary key of its own (usually a
    foreign key to the parent's), it gets a table: joined inheritance.
    """
    namespace = cls.__dict__
    if namespace.get(_AUTOMATIC_NAME, False):
        type.__delattr__(cls, _AUTOMATIC_NAME)
        if not _has_primary_key(args) and any(map(_is_mapped, cls.__mro__[1:])):
            # Not delattr(): a declarative metaclass would treat it as
            # removing a mapped attribute.
            type.__delattr__(cls, "__tablename__")
            return None
    return sa.Table(*args, **kwargs)


def _share_parent_table(cls: type) -> None:
    """After mapping, let a single-table subclass read its parent's table.

    SQLAlchemy stores what :func:`_make_table` returned as ``__table__``;
    removing the ``None`` makes ``cls.__table__`` the parent's table again,
    as for any single-table subclass.
    """
    if "__table__" in cls.__dict__ and cls.__dict__["__table__"] is None:
        type.__delattr__(cls, "__table__")


def _has_primary_key(table_args: tuple[t.Any, ...]) -> bool:
    return any(
        (isinstance(arg, sa.Column) and arg.primary_key)
        or isinstance(arg, sa.PrimaryKeyConstraint)
        for arg in table_args
    )


def should_set_tablename(cls: type) -> bool:
    """Return whether ``cls`` gets an automatic ``__tablename__``.

    Not an abstract class, a class that names its table (or gives one)
    itself, or a class under a mixin that names tables (a ``declared_attr``
    anywhere among its bases, or a fixed name on an unmapped class before
    any mapped one). Every other model gets a name;
    one that turns out to have no primary key of its own under a mapped
    parent gives it up again when its table is built (single-table
    inheritance).
    """
    namespace = cls.__dict__
    if namespace.get("__abstract__", False):
        return False
    if "__tablename__" in namespace or "__table__" in namespace:
        return False
    names = [base.__dict__.get("__tablename__") for base in cls.__mro__[1:]]
    if any(name is not None and not isinstance(name, str) for name in names):
        # A declared_attr (or its .directive form) on a mixin: SQLAlchemy
        # evaluates it for this class too, past mapped parents.
        return False
    for base, name in zip(cls.__mro__[1:], names, strict=True):
        if _is_mapped(base):
            return True
        if name is not None:
            return False
    return True


class BindMixin:
    """Put a model with ``__bind_key__`` into that bind's metadata.

    A base of ``db.Model`` when ``model_class`` is a
    :class:`~sqlalchemy.orm.DeclarativeBase` subclass; :class:`BindMetaMixin`
    does the same for other bases. Part of the names code written for
    Flask-SQLAlchemy imports from this module.
    """

    __fsa__: t.ClassVar[DatabaseExtension]
    metadata: t.ClassVar[sa.MetaData]

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        _use_bind_metadata(cls)
        super().__init_subclass__(**kwargs)


class NameMixin:
    """Give a model that needs a table of its own an automatic ``__tablename__``.

    A base of ``db.Model`` when ``model_class`` is a
    :class:`~sqlalchemy.orm.DeclarativeBase` subclass (left out with
    ``disable_autonaming=True``); :class:`NameMetaMixin` does the same for
    other bases.
    """

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        # Set before the mapping runs, which happens further up the chain.
        _name_table(cls)
        super().__init_subclass__(**kwargs)
        _share_parent_table(cls)

    @classmethod
    def __table_cls__(cls, *args: t.Any, **kwargs: t.Any) -> sa.Table | None:
        """Build the model's table, or none for single-table inheritance."""
        return _make_table(cls, *args, **kwargs)


class BindMetaMixin(type):
    """The metaclass form of :class:`BindMixin`, for bases made by
    :func:`~sqlalchemy.orm.declarative_base`."""

    def __init__(cls, *args: t.Any, **kwargs: t.Any) -> None:
        _use_bind_metadata(cls)
        super().__init__(*args, **kwargs)


class NameMetaMixin(type):
    """The metaclass form of :class:`NameMixin`, for bases made by
    :func:`~sqlalchemy.orm.declarative_base`."""

    def __init__(cls, *args: t.Any, **kwargs: t.Any) -> None:
        _name_table(cls)  # before DeclarativeMeta maps the class
        super().__init__(*args, **kwargs)
        _share_parent_table(cls)

    def __table_cls__(cls, *args: t.Any, **kwargs: t.Any) -> sa.Table | None:
        """Build the model's table, or none for single-table inheritance."""
        return _make_table(cls, *args, **kwargs)


class DefaultMeta(BindMetaMixin, NameMetaMixin, sa_orm.DeclarativeMeta):
    """The metaclass of the default ``db.Model``: bind keys and automatic names.

    ``declarative_base(cls=Model, metaclass=DefaultMeta)`` makes a base
    that behaves as ``db.Model`` does; pass it as ``model_class``.
    """


class DefaultMetaNoName(BindMetaMixin, sa_orm.DeclarativeMeta):
    """The metaclass of ``db.Model`` with ``disable_autonaming=True``: bind
    keys only."""


def _is_declarative_base_subclass(model_class: type) -> bool:
    return issubclass(
        model_class, (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta)
    )


def make_model(
    db: DatabaseExtension, model_class: type[t.Any], disable_autonaming: bool
) -> type[t.Any]:
    """Build ``db.Model`` from ``model_class`` for the extension ``db``."""
    metadata = db.metadatas.get(None)
    attributes: dict[str, t.Any] = {
        "__fsa__": db,
        "query_class": db.Query,
        "query": _QueryProperty(),
        "__vial_model_base__": True,
    }

    if isinstance(model_class, sa_orm.DeclarativeMeta):
        # A base made by declarative_base() is used as it is: its subclasses
        # get automatic table names and bind keys only if its metaclass
        # gives them (DefaultMeta does).
        for name, value in attributes.items():
            setattr(model_class, name, value)
        if metadata is not None:
            model_class.metadata = metadata
        else:
            db._register_metadata(None, model_class.metadata)
        return model_class

    # The model class comes before Model, so its own methods (a custom
    # __repr__, say) win over the defaults.
    bases: tuple[type, ...] = (model_class,)
    if not issubclass(model_class, Model):
        bases += (Model,)

    if _is_declarative_base_subclass(model_class):
        _check_declarative_base(model_class)
        declarative: t.Any = model_class
        if metadata is not None and metadata is not declarative.metadata:
            # As Flask-SQLAlchemy does: the base's registry already holds its
            # own metadata, which its models use.
            warnings.warn(
                "SQLAlchemy(metadata=...) is ignored when model_class is a"
                " DeclarativeBase subclass: db.Model uses that class's own"
                " metadata. Set 'metadata = MetaData(...)' in the class body"
                " instead.",
                DeprecationWarning,
                stacklevel=3,
            )
        db._register_metadata(None, declarative.metadata)
        attributes["__abstract__"] = True
        mixins: tuple[type, ...] = (BindMixin,)
        if not disable_autonaming:
            mixins += (NameMixin,)
        return types.new_class(
            "Model",
            (*mixins, *bases),
            {},
            lambda namespace: namespace.update(attributes),
        )

    if metadata is None:
        metadata = db._make_metadata(None)
    if len(bases) > 1:
        model_class = types.new_class(model_class.__name__, bases)
    base: type[t.Any] = sa_orm.declarative_base(
        metadata=metadata,
        cls=model_class,
        name="Model",
        metaclass=DefaultMetaNoName if disable_autonaming else DefaultMeta,
    )
    for name, value in attributes.items():
        setattr(base, name, value)
    return base


def _check_declarative_base(model_class: type) -> None:
    """Refuse a ``DeclarativeBase`` subclass that cannot be ``db.Model``'s base."""
    if issubclass(model_class, sa_orm.DeclarativeBase) and issubclass(
        model_class, sa_orm.DeclarativeBaseNoMeta
    ):
        raise ValueError(
            f"model_class {model_class.__name__!r} subclasses both DeclarativeBase"
            " and DeclarativeBaseNoMeta; derive it from only one of them."
        )
    if "registry" not in model_class.__dict__ or _is_mapped(model_class):
        raise TypeError(
            f"model_class {model_class.__name__!r} must subclass"
            " DeclarativeBase (or DeclarativeBaseNoMeta) directly, so it is"
            " the declarative base whose registry and metadata db.Model uses."
        )
