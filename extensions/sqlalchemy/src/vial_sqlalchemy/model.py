"""The declarative base behind ``db.Model``.

``db.Model`` is built from the ``model_class`` given to the extension and two
mixins that act when a subclass is defined, before SQLAlchemy maps it:

* the bind mixin puts a model with ``__bind_key__`` into that bind's
  metadata, so it is created in and queried from that bind's engine;
* the name mixin (left out with ``disable_autonaming=True``) gives a model
  that needs a table of its own the ``__tablename__`` made from its class
  name in snake case: ``HTTPServer`` gets ``http_server``.

``model_class`` may be a plain class (the default :class:`Model`, or a
subclass of it), a subclass of :class:`~sqlalchemy.orm.DeclarativeBase` or
:class:`~sqlalchemy.orm.DeclarativeBaseNoMeta` (optionally with
:class:`~sqlalchemy.orm.MappedAsDataclass`), or a finished base from
:func:`~sqlalchemy.orm.declarative_base`, which is used as it is.
"""

from __future__ import annotations

import re
import types
import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from .query import Query

if t.TYPE_CHECKING:
    from .extension import SQLAlchemy


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
    __fsa__: t.ClassVar[SQLAlchemy]

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


class _BindMixin:
    """Put models with ``__bind_key__`` into that bind's metadata."""

    __fsa__: t.ClassVar[SQLAlchemy]
    metadata: t.ClassVar[sa.MetaData]

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        namespace = cls.__dict__
        if (
            not _is_model_base(cls)
            and "__bind_key__" in namespace
            and "metadata" not in namespace
            and "__table__" not in namespace
        ):
            cls.metadata = cls.__fsa__._make_metadata(namespace["__bind_key__"])
        super().__init_subclass__(**kwargs)


class _NameMixin:
    """Give a model that needs a table of its own an automatic ``__tablename__``."""

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        if not _is_model_base(cls) and _needs_own_table(cls):
            # Set before the mapping runs, which happens further up the chain.
            cls.__tablename__ = camel_to_snake_case(cls.__name__)  # type: ignore[attr-defined]
        super().__init_subclass__(**kwargs)


def _needs_own_table(cls: type) -> bool:
    """Decide whether an automatic table name applies to ``cls``.

    Not for abstract classes, classes naming their table (or giving one)
    themselves, or classes under a mixin that names tables. A class with no
    mapped parent needs a table. A class inheriting a mapped model needs one
    for joined or concrete inheritance, told apart from single-table
    inheritance by declaring a primary key of its own.
    """
    namespace = cls.__dict__
    if namespace.get("__abstract__", False):
        return False
    if "__tablename__" in namespace or "__table__" in namespace:
        return False
    for base in cls.__mro__[1:]:
        base_namespace = base.__dict__
        if "__tablename__" in base_namespace:
            if isinstance(base_namespace["__tablename__"], sa_orm.declared_attr):
                return False
            if not _is_mapped(base):
                return False
            return _declares_primary_key(cls)
        if "__table__" in base_namespace and _is_mapped(base):
            return _declares_primary_key(cls)
    return True


def _is_mapped(cls: type) -> bool:
    return "__mapper__" in cls.__dict__ or "_sa_class_manager" in cls.__dict__


def _declares_primary_key(cls: type) -> bool:
    """Whether ``cls`` or an unmapped mixin it adds holds a primary key column."""
    for base in cls.__mro__:
        if base is not cls and (_is_mapped(base) or _is_model_base(base)):
            break
        namespace = base.__dict__
        for value in namespace.values():
            if isinstance(value, sa.Column) and value.primary_key:
                return True
            if isinstance(value, sa_orm.MappedColumn) and value.column.primary_key:
                return True
        table_args = namespace.get("__table_args__")
        if isinstance(table_args, tuple) and any(
            isinstance(arg, sa.PrimaryKeyConstraint) for arg in table_args
        ):
            return True
    return False


def _is_declarative_base_subclass(model_class: type) -> bool:
    return issubclass(
        model_class, (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta)
    )


def make_model(
    db: SQLAlchemy, model_class: type[t.Any], disable_autonaming: bool
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
        # get neither automatic table names nor bind keys from the mixins.
        for name, value in attributes.items():
            setattr(model_class, name, value)
        if metadata is not None:
            model_class.metadata = metadata
        else:
            db._register_metadata(None, model_class.metadata)
        return model_class

    mixins: tuple[type, ...] = (_BindMixin,)
    if not disable_autonaming:
        mixins += (_NameMixin,)
    # The model class comes before Model, so its own methods (a custom
    # __repr__, say) win over the defaults.
    bases: tuple[type, ...] = (*mixins, model_class)
    if not issubclass(model_class, Model):
        bases += (Model,)

    if _is_declarative_base_subclass(model_class):
        if "registry" not in model_class.__dict__ or _is_mapped(model_class):
            raise TypeError(
                f"model_class {model_class.__name__!r} must subclass"
                " DeclarativeBase (or DeclarativeBaseNoMeta) directly, so it is"
                " the declarative base whose registry and metadata db.Model uses."
            )
        if metadata is not None:
            attributes["metadata"] = metadata
        else:
            declarative: t.Any = model_class
            metadata = t.cast(sa.MetaData, declarative.metadata)
            db._register_metadata(None, metadata)
        attributes["__abstract__"] = True
        return types.new_class(
            "Model", bases, {}, lambda namespace: namespace.update(attributes)
        )

    if metadata is None:
        metadata = db._make_metadata(None)
    mixed = types.new_class(
        model_class.__name__, bases, {}, lambda namespace: namespace.update(attributes)
    )
    base: type[t.Any] = sa_orm.declarative_base(
        metadata=metadata, cls=mixed, name="Model"
    )
    return base
