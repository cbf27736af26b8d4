"""The application's configuration mapping and the attribute that proxies it."""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t

from werkzeug.utils import import_string

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
