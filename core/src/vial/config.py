"""The application's configuration: the mapping, its attribute proxy, options.

:class:`Config` is the mapping behind ``app.config`` and
:class:`ConfigAttribute` exposes one of its keys as an attribute.
:class:`ConfigOptions` is for extension authors: it lists an extension's keys
with their defaults and documentation and sets the defaults on an app; the
docs build renders the table of keys from it.
"""

from __future__ import annotations

import copy
import enum
import errno
import json
import os
import types
import typing as t

from werkzeug.utils import import_string

if t.TYPE_CHECKING:
    from .app import Vial

T = t.TypeVar("T")

# Reading a missing optional file is not an error when ``silent=True``; any
# other OS error (permissions, I/O) still is, because it hides a real problem.
_SILENT_ERRNOS = frozenset({errno.ENOENT, errno.EISDIR, errno.ENOTDIR})


class ConfigAttribute(t.Generic[T]):
    """Expose a config key as an attribute of the object owning the config.

    ``app.testing = True`` writes ``app.config["TESTING"]``. When a
    ``get_converter`` is given, values read through the attribute are passed
    through it first, which lets ``app.permanent_session_lifetime`` always be
    a :class:`~datetime.timedelta` even if the config holds seconds.
    """

    def __init__(
        self, name: str, get_converter: t.Callable[[t.Any], T] | None = None
    ) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @t.overload
    def __get__(
        self, obj: None, owner: type[t.Any] | None = None
    ) -> ConfigAttribute[T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type[t.Any] | None = None) -> T: ...

    def __get__(
        self, obj: object | None, owner: type[t.Any] | None = None
    ) -> T | ConfigAttribute[T]:
        """Return the config value, or the descriptor itself on the class."""
        if obj is None:
            return self

        rv = obj.config[self.__name__]  # type: ignore[attr-defined]

        if self.get_converter is not None:
            rv = self.get_converter(rv)

        return rv  # type: ignore[no-any-return]

    def __set__(self, obj: object, value: t.Any) -> None:
        """Store ``value`` in the owner's config under this attribute's key."""
        obj.config[self.__name__] = value  # type: ignore[attr-defined]


class Config(dict[str, t.Any]):
    """A dict of settings with helpers to fill it from files, objects and env.

    Only UPPER_CASE keys are taken from files, objects and mappings, so a
    config module can use lowercase names for its own temporary values.

    :param root_path: relative file names are resolved against this folder,
        usually the application's root path.
    :param defaults: initial values.
    """

    def __init__(
        self,
        root_path: str | os.PathLike[str],
        defaults: dict[str, t.Any] | None = None,
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load a Python config file whose path is in an environment variable.

        :param variable_name: name of the environment variable.
        :param silent: return ``False`` instead of raising when the variable
            is unset or the file is missing.
        :return: ``True`` if a file was loaded.
        """
        path = os.environ.get(variable_name)

        if not path:
            if silent:
                return False

            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set, so no"
                " configuration could be loaded from it. Set it to the path of"
                " a configuration file, or pass silent=True to ignore this."
            )

        return self.from_pyfile(path, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "VIAL", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load every environment variable whose name starts with ``PREFIX_``.

        The prefix is removed from the key. Values are parsed with ``loads``
        (JSON by default) so numbers, booleans and lists get their type; a
        value that does not parse stays a string. A double underscore in the
        key sets a key in a nested dict: ``VIAL_DB__HOST`` sets
        ``config["DB"]["HOST"]``, creating ``config["DB"]`` if needed.
        Variables are applied in sorted order, so results are reproducible.

        :param prefix: the prefix, without the trailing underscore.
        :param loads: parser for the values.
        :return: always ``True``.
        """
        full_prefix = f"{prefix}_"

        for env_key in sorted(os.environ):
            if not env_key.startswith(full_prefix):
                continue

            raw = os.environ[env_key]
            key = env_key[len(full_prefix) :]

            try:
                value: t.Any = loads(raw)
            except Exception:
                # Not a literal of the loader's format: keep the raw string.
                value = raw

            if "__" not in key:
                self[key] = value
                continue

            *parents, leaf = key.split("__")
            current: dict[str, t.Any] = self

            for part in parents:
                if part not in current:
                    current[part] = {}
                elif not isinstance(current[part], dict):
                    raise TypeError(
                        f"Cannot apply the environment variable {env_key!r}:"
                        f" the config value at {part!r} has the type"
                        f" {type(current[part]).__name__}, not dict. Rename"
                        " the variable or make that value a dict."
                    )

                current = current[part]

            current[leaf] = value

        return True

    def from_pyfile(
        self, filename: str | os.PathLike[str], silent: bool = False
    ) -> bool:
        """Execute a Python file and load its UPPER_CASE globals.

        :param filename: path of the file, relative to :attr:`root_path`
            unless absolute.
        :param silent: return ``False`` instead of raising if the file does
            not exist.
        :return: ``True`` if the file was loaded.
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path

        try:
            with open(path, mode="rb") as config_file:
                source = config_file.read()
        except OSError as e:
            if silent and e.errno in _SILENT_ERRNOS:
                return False

            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise

        exec(compile(source, path, "exec"), module.__dict__)
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Load the UPPER_CASE attributes of a module, class or object.

        A string is treated as an import path (``"myapp.settings.Prod"``) and
        imported first. Lowercase attributes are ignored.

        :param obj: the object, or the import path of one.
        """
        if isinstance(obj, str):
            obj = import_string(obj)

        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a data file (JSON, TOML, ...) with the given ``load`` function.

        .. code-block:: python

            import json
            app.config.from_file("config.json", load=json.load)

            import tomllib
            app.config.from_file("config.toml", load=tomllib.load, text=False)

        :param filename: path of the file, relative to :attr:`root_path`
            unless absolute.
        :param load: a function taking an open file and returning a mapping.
        :param silent: return ``False`` instead of raising if the file does
            not exist.
        :param text: open the file in text mode; ``tomllib`` needs binary.
        :return: ``True`` if the file was loaded.
        """
        path = os.path.join(self.root_path, filename)

        try:
            with open(path, "r" if text else "rb") as f:
                obj = load(f)
        except OSError as e:
            if silent and e.errno in _SILENT_ERRNOS:
                return False

            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise

        return self.from_mapping(obj)

    def from_mapping(
        self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any
    ) -> bool:
        """Load the UPPER_CASE keys of a mapping and of keyword arguments.

        :return: always ``True``.
        """
        items: dict[str, t.Any] = {}

        if mapping is not None:
            items.update(mapping)

        items.update(kwargs)

        for key, value in items.items():
            if key.isupper():
                self[key] = value

        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """Return the settings whose key starts with ``namespace``.

        .. code-block:: python

            app.config["IMAGE_STORE_PATH"] = "/var/app/images"
            app.config.get_namespace("IMAGE_STORE_")
            # {"path": "/var/app/images"}

        :param namespace: the key prefix to select, e.g. ``"MAIL_"``.
        :param lowercase: lowercase the returned keys.
        :param trim_namespace: remove the prefix from the returned keys.
        """
        rv: dict[str, t.Any] = {}

        for key, value in self.items():
            if not key.startswith(namespace):
                continue

            new_key = key[len(namespace) :] if trim_namespace else key

            if lowercase:
                new_key = new_key.lower()

            rv[new_key] = value

        return rv

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class _Unset(enum.Enum):
    UNSET = "UNSET"
    REQUIRED = "REQUIRED"

    def __repr__(self) -> str:
        return self.value


#: The default of a :class:`ConfigOption` that is documented but never put
#: in the app's config, because the code reading it falls back to something
#: else, such as an attribute of the extension object. Tables show it as
#: "not set".
UNSET: t.Final = _Unset.UNSET

#: The default of a :class:`ConfigOption` that the app must set itself:
#: :meth:`ConfigOptions.apply` raises a clear error at ``init_app`` when it
#: is missing, rather than the first request failing. Tables show it as
#: "required".
REQUIRED: t.Final = _Unset.REQUIRED


class ConfigOption:
    """One configuration key of an extension: its name, default and meaning.

    .. code-block:: python

        ConfigOption(
            "MAIL_PORT",
            25,
            "Port of the SMTP server.",
        )

    An option is immutable and compares equal to an option with the same
    fields.

    :param name: the UPPER_CASE key, with the extension's prefix.
    :param default: the value :meth:`ConfigOptions.apply` sets when the app
        has none; mutable values are copied for each app. :data:`UNSET`
        documents the key without setting it; :data:`REQUIRED` makes it a
        key the app must set.
    :param doc: the sentences that explain the key, in reST inline markup;
        the Markdown table turns double backquotes into single ones.
    :param shown_default: text the tables show instead of the default's
        Python source, for a default too long for a table cell.
    """

    # A plain class rather than a frozen dataclass: generating a dataclass
    # costs about a millisecond at ``import vial``, paid by every app.
    __slots__ = ("default", "doc", "name", "shown_default")

    name: str
    default: t.Any
    doc: str
    shown_default: str | None

    def __init__(
        self, name: str, default: t.Any, doc: str, shown_default: str | None = None
    ) -> None:
        if not (name.isidentifier() and name.isupper()):
            raise ValueError(
                f"The configuration key {name!r} is not UPPER_CASE."
                " Config.from_object, from_pyfile and from_mapping only load"
                " UPPER_CASE keys, so name it in UPPER_CASE, with the"
                " extension's prefix."
            )

        if not doc.strip():
            raise ValueError(
                f"The configuration key {name!r} has no documentation. Pass"
                " the sentences that explain it as doc; the docs table is"
                " generated from them."
            )

        object.__setattr__(self, "name", name)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "doc", doc)
        object.__setattr__(self, "shown_default", shown_default)

    def __setattr__(self, name: str, value: t.Any) -> None:
        raise AttributeError(
            f"A ConfigOption is read-only, so {name!r} cannot change. Create a"
            " new ConfigOption instead."
        )

    def __delattr__(self, name: str) -> None:
        self.__setattr__(name, None)

    def _fields(self) -> tuple[t.Any, ...]:
        return (self.name, self.default, self.doc, self.shown_default)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConfigOption):
            return NotImplemented

        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[type[ConfigOption], tuple[t.Any, ...]]:
        # Copies and pickles are rebuilt through __init__, as slots are
        # read-only.
        return type(self), self._fields()

    def __repr__(self) -> str:
        shown = (
            ""
            if self.shown_default is None
            else f", shown_default={self.shown_default!r}"
        )
        return (
            f"{type(self).__name__}({self.name!r}, {self.default!r},"
            f" {self.doc!r}{shown})"
        )


class ConfigOptions:
    """The configuration keys of an extension, in the order they are documented.

    An extension lists its keys once, in its ``config.py``, sets their
    defaults in ``init_app``, and the documentation's ``vial-config-table``
    directive renders its table of keys from the same list:

    .. code-block:: python

        OPTIONS = ConfigOptions(
            ConfigOption("MAIL_SERVER", "localhost", "Host of the SMTP server."),
            ConfigOption("MAIL_PORT", 25, "Port of the SMTP server."),
        )

        class Mail:
            def init_app(self, app: Vial) -> None:
                OPTIONS.apply(app)
                ...

    Iterating gives the :class:`ConfigOption` objects; ``OPTIONS["MAIL_PORT"]``
    looks one up by name and ``"MAIL_PORT" in OPTIONS`` tests for one.

    :param options: the options, each name once.
    """

    def __init__(self, *options: ConfigOption) -> None:
        by_name: dict[str, ConfigOption] = {}

        for option in options:
            if option.name in by_name:
                raise ValueError(
                    f"The configuration key {option.name!r} is listed twice."
                    " Keep one ConfigOption per key."
                )
            by_name[option.name] = option

        self._by_name = by_name

    def __iter__(self) -> t.Iterator[ConfigOption]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> ConfigOption:
        option = self._by_name.get(name)

        if option is None:
            raise self._unknown_key(name)

        return option

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {list(self._by_name)!r}>"

    def _unknown_key(self, name: str) -> KeyError:
        return KeyError(
            f"{name!r} is not one of these configuration keys. Add a"
            f" ConfigOption for it, or use one of: {', '.join(self._by_name)}."
        )

    def apply(self, app: Vial) -> None:
        """Set every default that the app's config does not already have.

        Values the app set earlier win. Each app gets its own copy of a
        mutable default, so changing one app's list or dict never changes
        the default or another app. Options whose default is :data:`UNSET`
        are skipped.

        :raise RuntimeError: an option whose default is :data:`REQUIRED` is
            not set on the app; the message names every missing key.
        """
        config = app.config
        missing = []

        for option in self._by_name.values():
            if option.default is REQUIRED:
                if option.name not in config:
                    missing.append(option.name)
            elif option.default is not UNSET:
                config.setdefault(option.name, copy.deepcopy(option.default))

        if missing:
            keys = ", ".join(f"app.config[{name!r}]" for name in missing)
            raise RuntimeError(
                f"The app {app.name!r} does not set {keys}, which this"
                " extension needs. Set it before calling init_app."
            )

    def read(self, app: Vial, name: str) -> t.Any:
        """Return the app's value for ``name``, or a copy of its default.

        For code that must work whether or not :meth:`apply` ran for the app,
        such as forms used without the extension object.

        :raise KeyError: ``name`` is not one of these options, or its default
            is :data:`UNSET` or :data:`REQUIRED` and the app does not set it.
        """
        option = self._by_name.get(name)

        if option is None:
            raise self._unknown_key(name)

        config = app.config

        if name in config:
            return config[name]

        if option.default is UNSET or option.default is REQUIRED:
            raise KeyError(
                f"The configuration key {name!r} has no default and the app"
                f" does not set it. Set app.config[{name!r}], or read it with"
                " app.config.get() and a fallback."
            )

        return copy.deepcopy(option.default)
