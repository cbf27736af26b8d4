"""The :class:`SQLAlchemy` extension object, usually named ``db``.

``db = SQLAlchemy(app)``, or ``db = SQLAlchemy()`` then ``db.init_app(app)``
in an app factory. The object holds what every app shares: the model base
``db.Model``, the metadata of each bind, the ``db.Table`` class and the
scoped ``db.session``. What belongs to one app, its engines, lives in that
app's ``app.extensions["sqlalchemy"]``, so one ``db`` serves any number of
apps.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from vial import abort
from vial.ext import find_app

from .compat import FlaskSQLAlchemyNames
from .config import OPTIONS
from .engines import engine_options_for_app
from .model import make_model
from .model import Model
from .pagination import Pagination
from .pagination import SelectPagination
from .query import _get_or_404
from .query import Query
from .session import app_context_id
from .session import Session
from .state import SQLAlchemyState
from .state import STATE
from .table import _Table
from .table import make_table_class

if t.TYPE_CHECKING:
    from vial import Vial

_ALL = "__all__"


class SQLAlchemy(FlaskSQLAlchemyNames):
    """SQLAlchemy for vial apps: models, a session per app context, engines.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    :param metadata: The :class:`~sqlalchemy.MetaData` of the default bind,
        for instance to set a naming convention; the other binds copy its
        naming convention.
    :param session_options: Arguments for the
        :class:`~sqlalchemy.orm.sessionmaker` of :attr:`session`; a
        ``scopefunc`` key replaces the app-context scope.
    :param query_class: The class of ``Model.query`` and dynamic relationships.
    :param model_class: The base of :attr:`Model`: a plain class such as
        :class:`~vial_sqlalchemy.Model` (the default) or a subclass of it, a
        direct subclass of :class:`~sqlalchemy.orm.DeclarativeBase` or
        :class:`~sqlalchemy.orm.DeclarativeBaseNoMeta` (also combined with
        :class:`~sqlalchemy.orm.MappedAsDataclass`), or a base made by
        :func:`~sqlalchemy.orm.declarative_base`, which is used unchanged.
    :param engine_options: Default arguments for every engine's
        :func:`~sqlalchemy.create_engine`; the configuration overrides them.
    :param add_models_to_shell: Add ``db`` and every model to ``vial shell``.
    :param disable_autonaming: Don't give models an automatic ``__tablename__``.
    """

    def __init__(
        self,
        app: Vial | None = None,
        *,
        metadata: sa.MetaData | None = None,
        session_options: dict[str, t.Any] | None = None,
        query_class: type[Query] = Query,
        model_class: type[t.Any] = Model,
        engine_options: dict[str, t.Any] | None = None,
        add_models_to_shell: bool = True,
        disable_autonaming: bool = False,
    ) -> None:
        #: The legacy query class of ``Model.query`` and dynamic relationships.
        self.Query = query_class
        #: The :class:`~sqlalchemy.MetaData` of each bind key (``None`` is the
        #: default bind). Models and tables of a bind are registered in its
        #: metadata; ``create_all`` and the others work bind by bind.
        self.metadatas: dict[str | None, sa.MetaData] = {}
        if metadata is not None:
            self._register_metadata(None, metadata)
        #: The session of the current app context: a
        #: :class:`~sqlalchemy.orm.scoped_session` of :class:`Session`.
        self.session: sa_orm.scoped_session[Session] = self._make_scoped_session(
            session_options
        )
        #: A :class:`~sqlalchemy.Table` class that chooses its metadata by
        #: ``bind_key``.
        self.Table: type[_Table] = make_table_class(self)
        #: The declarative base class of the models.
        self.Model: type[t.Any] = make_model(self, model_class, disable_autonaming)
        self._engine_options = dict(engine_options or {})
        self._add_models_to_shell = add_models_to_shell
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        state = STATE.find()
        if state is None or state.db is not self:
            return f"<{type(self).__name__}>"
        # Engine URLs print with the password hidden.
        parts = [str(state.engines[None].url)] if None in state.engines else []
        binds = [key for key in state.engines if key is not None]
        if binds:
            parts.append("binds " + ", ".join(map(repr, binds)))
        return f"<{type(self).__name__} {', '.join(parts)}>"

    # Setting up apps

    def init_app(self, app: Vial) -> None:
        """Register the extension on ``app``: set the ``SQLALCHEMY_*`` defaults,
        create the app's engines, end sessions with the app context, answer
        503 when the database cannot be reached (``SQLALCHEMY_OUTAGE_503``),
        and add the ``vial db`` commands and the shell names.

        :raises RuntimeError: The app already has vial-sqlalchemy registered,
            or neither ``SQLALCHEMY_DATABASE_URI`` nor ``SQLALCHEMY_BINDS`` is
            set.
        """
        OPTIONS.apply(app)
        options = engine_options_for_app(app, self._engine_options)
        # Creating an engine does not connect; it fails for a missing driver.
        engines = {
            key: self._make_engine(key, value, app) for key, value in options.items()
        }
        try:
            # Registering first refuses a second init_app before anything is
            # added to the app; the setup methods below refuse apps that
            # already served a request, and nothing of the extension stays
            # on the app when they do.
            STATE.register(app, SQLAlchemyState(self, engines))
        except BaseException:
            _dispose(engines)
            raise
        try:
            from .cli import add_commands
            from .cli import add_models_to_shell
            from .cli import make_cli

            app.teardown_appcontext(self._teardown_session)
            if app.config["SQLALCHEMY_OUTAGE_503"]:
                from .outage import make_outage_handler

                handler = make_outage_handler(self.session)
                # The handler passes on the database errors that are no outage.
                for error in (sa_exc.DBAPIError, sa_exc.DisconnectionError):
                    app.register_error_handler(error, handler)
            if self._add_models_to_shell:
                app.shell_context_processor(add_models_to_shell)
            add_commands(app, make_cli())
        except BaseException:
            del app.extensions[STATE.name]
            _dispose(engines)
            raise

        for key in options:
            self._make_metadata(key)
        if app.config["SQLALCHEMY_RECORD_QUERIES"]:
            from . import record_queries

            for engine in engines.values():
                record_queries.listen(engine)
        if app.config["SQLALCHEMY_TRACK_MODIFICATIONS"]:
            from . import track_modifications

            track_modifications.listen(self.session)

    def _teardown_session(self, exc: BaseException | None) -> None:
        """End the session of the app context that is ending."""
        self.session.remove()

    def _make_scoped_session(
        self, options: dict[str, t.Any] | None
    ) -> sa_orm.scoped_session[Session]:
        options = dict(options or {})
        scopefunc = options.pop("scopefunc", app_context_id)
        options.setdefault("class_", Session)
        options.setdefault("query_cls", self.Query)
        factory = sa_orm.sessionmaker(db=self, **options)
        return sa_orm.scoped_session(factory, scopefunc)

    def _register_metadata(self, bind_key: str | None, metadata: sa.MetaData) -> None:
        metadata.info["bind_key"] = bind_key
        self.metadatas[bind_key] = metadata

    def _make_metadata(self, bind_key: str | None) -> sa.MetaData:
        """Return the metadata of ``bind_key``, creating it the first time.

        A new bind's metadata takes the default metadata's naming convention.
        """
        if bind_key in self.metadatas:
            return self.metadatas[bind_key]
        if bind_key is None:
            metadata = sa.MetaData()
        else:
            default = self._make_metadata(None)
            convention: t.Any = dict(default.naming_convention)
            metadata = sa.MetaData(naming_convention=convention)
        self._register_metadata(bind_key, metadata)
        return metadata

    # Engines and metadata of the current app

    @property
    def metadata(self) -> sa.MetaData:
        """The metadata of the default bind: ``metadatas[None]``."""
        return self.metadatas[None]

    @property
    def engines(self) -> t.Mapping[str | None, sa.engine.Engine]:
        """The current app's engines by bind key (``None`` is the default).

        :raises RuntimeError: Outside an application context, or when the
            current app has not been set up with this extension.
        """
        if find_app() is None:
            raise RuntimeError(
                "db.engines, db.engine and the table operations need an"
                " application context, since each app has its own engines. Use"
                " them inside 'with app.app_context():', a view or a CLI command."
            )
        state = STATE.get()
        if state.db is not self:
            raise RuntimeError(
                "The current app is set up with another SQLAlchemy object than"
                " this one. Use the same 'db' object everywhere in the app, or"
                " call this db's init_app(app) for an app of its own."
            )
        return state.engines

    @property
    def engine(self) -> sa.engine.Engine:
        """The current app's default engine (``engines[None]``).

        :raises RuntimeError: The app has no default engine because
            ``SQLALCHEMY_DATABASE_URI`` is not set.
        """
        engines = self.engines
        if None not in engines:
            raise RuntimeError(
                "The current app has no default engine because"
                " SQLALCHEMY_DATABASE_URI is not set; set it, or use"
                " db.engines[bind_key] for one of SQLALCHEMY_BINDS."
            )
        return engines[None]

    def _metadatas_for(
        self, bind_key: str | t.Iterable[str | None] | None
    ) -> list[tuple[sa.MetaData, sa.engine.Engine]]:
        """Pair the metadata of each requested bind key with its engine."""
        engines = self.engines
        if bind_key == _ALL:
            keys: list[str | None] = []
            for key, metadata in self.metadatas.items():
                # A bind only another app configures: skip it while it holds
                # no tables, since there is nothing to create or drop.
                if key in engines or metadata.tables:
                    keys.append(key)
        elif bind_key is None or isinstance(bind_key, str):
            keys = [bind_key]
        else:
            keys = list(bind_key)

        pairs = []
        for key in keys:
            if key not in engines:
                if key is None:
                    raise sa_exc.UnboundExecutionError(
                        "SQLALCHEMY_DATABASE_URI is not set for the current app,"
                        " so the default bind has no engine; set it, or pass the"
                        " bind keys of SQLALCHEMY_BINDS as bind_key."
                    )
                raise sa_exc.UnboundExecutionError(
                    f"The bind key {key!r} is not in the current app's"
                    f" SQLALCHEMY_BINDS; add a {key!r} entry there."
                )
            pairs.append((self._make_metadata(key), engines[key]))
        return pairs

    def create_all(self, bind_key: str | t.Iterable[str | None] | None = _ALL) -> None:
        """Create the tables that do not exist yet, in the current app's engines.

        :param bind_key: ``"__all__"`` (every bind), one bind key (``None`` is
            the default bind) or a list of them.
        """
        for metadata, engine in self._metadatas_for(bind_key):
            metadata.create_all(bind=engine)

    def drop_all(self, bind_key: str | t.Iterable[str | None] | None = _ALL) -> None:
        """Drop the tables of the models and tables, in the current app's engines.

        :param bind_key: As for :meth:`create_all`.
        """
        for metadata, engine in self._metadatas_for(bind_key):
            metadata.drop_all(bind=engine)

    def reflect(self, bind_key: str | t.Iterable[str | None] | None = _ALL) -> None:
        """Load the tables the databases hold into :attr:`metadatas`.

        Reflected tables are found in ``db.metadatas[key].tables``; a model
        without columns of its own uses the reflected table of its name.

        :param bind_key: As for :meth:`create_all`.
        """
        for metadata, engine in self._metadatas_for(bind_key):
            metadata.reflect(bind=engine)

    # Queries that end in 404

    def get_or_404(
        self,
        entity: type[t.Any],
        ident: t.Any,
        *,
        description: str | None = None,
        **kwargs: t.Any,
    ) -> t.Any:
        """Return the ``entity`` with primary key ``ident``, or abort with 404.

        ``ident`` is what :meth:`Session.get <sqlalchemy.orm.Session.get>`
        takes, but only in the shape of the key: one value for a
        single-column key (never a bool, list or dict, so a JSON ``true`` or
        ``{"id": 1}`` does not load row 1), a tuple or a dict naming every
        column for a composite key. Any other shape is a 404, and so is a
        value the database refuses for the key's type (``"abc"`` or
        ``2**64`` for an integer key); on PostgreSQL the session is rolled
        back then, since the server aborted its transaction.

        :param description: The message of the 404 Not Found error.
        :param kwargs: Passed on to ``Session.get``: ``options``,
            ``populate_existing``, ``with_for_update`` and the others.
        """
        return _get_or_404(self.session, entity, ident, description, kwargs)

    def first_or_404(
        self, statement: sa.sql.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """Return the first result of ``statement``, or abort with 404 if none.

        :param description: The message of the 404 Not Found error.
        """
        value = self.session.execute(statement).scalar()
        if value is None:
            abort(404, description=description)
        return value

    def one_or_404(
        self, statement: sa.sql.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """Return the only result of ``statement``, or abort with 404 if there
        is not exactly one.

        :param description: The message of the 404 Not Found error.
        """
        try:
            return self.session.execute(statement).scalar_one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    def paginate(
        self,
        select: sa.sql.Select[t.Any],
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """Return one page of the results of ``select`` as a :class:`Pagination`.

        The items are the scalars of the rows (model instances for
        ``db.select(User)``).

        :param page: The page number, from 1. When ``None``, the ``page``
            query argument of the request, or 1.
        :param per_page: The most items per page. When ``None``, the
            ``per_page`` query argument of the request, or 20.
        :param max_per_page: The upper limit of ``per_page``.
        :param error_out: Abort with 404 Not Found for a page or per_page that
            is not a positive integer, or for an empty page past the first.
            When false, bad values fall back to the defaults.
        :param count: Also count the total number of items (a second query);
            otherwise ``total`` is ``None``.
        """
        return SelectPagination(
            select=select,
            session=self.session(),
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )

    # Relationships using the extension's query class

    def _with_query_class(self, kwargs: dict[str, t.Any]) -> dict[str, t.Any]:
        kwargs.setdefault("query_class", self.Query)
        backref = kwargs.get("backref")
        if isinstance(backref, tuple) and len(backref) == 2:
            backref[1].setdefault("query_class", self.Query)
        return kwargs

    def relationship(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """:func:`sqlalchemy.orm.relationship`, whose ``lazy="dynamic"`` form
        uses the extension's query class."""
        return sa_orm.relationship(*args, **self._with_query_class(kwargs))

    def dynamic_loader(self, argument: t.Any, **kwargs: t.Any) -> t.Any:
        """:func:`sqlalchemy.orm.dynamic_loader`, using the extension's query class."""
        return sa_orm.dynamic_loader(argument, **self._with_query_class(kwargs))

    def backref(self, name: str, **kwargs: t.Any) -> t.Any:
        """:func:`sqlalchemy.orm.backref`, whose ``lazy="dynamic"`` form uses
        the extension's query class."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.backref(name, **kwargs)

    def __getattr__(self, name: str) -> t.Any:
        """Return the name from :mod:`sqlalchemy` or :mod:`sqlalchemy.orm`, so
        models can use ``db.Column``, ``db.Integer``, ``db.select`` and so on;
        ``db.event`` is :mod:`sqlalchemy.event`."""
        if name == "event":
            return sa_event
        if not name.startswith("_"):
            for module in (sa, sa_orm):
                if hasattr(module, name):
                    return getattr(module, name)
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )


def _dispose(engines: dict[str | None, sa.engine.Engine]) -> None:
    for engine in engines.values():
        engine.dispose()
