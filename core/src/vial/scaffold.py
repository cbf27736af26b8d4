"""Hook registries and the decorators that fill them.

Applications and blueprints share this base. Every hook registry has the same
shape: a mapping from a scope (a blueprint's dotted name, or ``None`` for the
application) to a list of callables. Nothing here serves a request; the code
that runs the hooks lives in :mod:`vial.app`.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import cache
from functools import cached_property
from functools import update_wrapper

from werkzeug.exceptions import default_exceptions
from werkzeug.exceptions import HTTPException

from . import typing as ft
from .helpers import get_root_path
from .helpers import send_from_directory

if t.TYPE_CHECKING:
    from jinja2 import BaseLoader

    from .cli import AppGroup
    from .wrappers import Response

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
T_after_request = t.TypeVar("T_after_request", bound=ft.AfterRequestCallable[t.Any])
T_before_request = t.TypeVar("T_before_request", bound=ft.BeforeRequestCallable)
T_error_handler = t.TypeVar("T_error_handler", bound=ft.ErrorHandlerCallable)
T_teardown = t.TypeVar("T_teardown", bound=ft.TeardownCallable)
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound=ft.TemplateContextProcessorCallable
)
T_url_defaults = t.TypeVar("T_url_defaults", bound=ft.URLDefaultCallable)
T_url_value_preprocessor = t.TypeVar(
    "T_url_value_preprocessor", bound=ft.URLValuePreprocessorCallable
)
T_route = t.TypeVar("T_route", bound=ft.RouteCallable)

#: A hook registry: scope (blueprint name or ``None``) to callables.
HookRegistry = dict[ft.AppOrBlueprintKey, list[F]]
#: Error handlers by scope, then status code (``None`` for plain
#: exceptions), then exception class.
ErrorHandlerSpec = dict[
    ft.AppOrBlueprintKey,
    dict[int | None, dict[type[Exception], ft.ErrorHandlerCallable]],
]


def setupmethod(f: F) -> F:
    """Mark a method that changes setup, so it refuses to run too late."""
    name = f.__name__

    def wrapper(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(name)
        return f(self, *args, **kwargs)

    return t.cast(F, update_wrapper(wrapper, f))


def _new_error_handler_spec() -> ErrorHandlerSpec:
    return defaultdict(lambda: defaultdict(dict))


class Scaffold:
    """The registries and decorators common to :class:`~vial.Vial` and
    :class:`~vial.Blueprint`.

    :param import_name: The module or package the object is defined in; its
        folder is the root for static files, templates and resources.
    :param static_folder: Folder of static files, relative to ``root_path``.
    :param static_url_path: URL prefix of the static route.
    :param template_folder: Folder of templates, relative to ``root_path``.
    :param root_path: Folder that relative paths start from; found from
        ``import_name`` when not given.
    """

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        self.root_path = root_path

        #: Endpoint name to view function.
        self.view_functions: dict[str, ft.RouteCallable] = {}
        #: Error handlers: scope -> code -> exception class -> handler.
        self.error_handler_spec: ErrorHandlerSpec = _new_error_handler_spec()
        #: Functions run before each request, by scope.
        self.before_request_funcs: HookRegistry[ft.BeforeRequestCallable] = defaultdict(
            list
        )
        #: Functions run on each response, by scope, newest first.
        self.after_request_funcs: HookRegistry[ft.AfterRequestCallable[t.Any]] = (
            defaultdict(list)
        )
        #: Functions run when each request ends, by scope, newest first.
        self.teardown_request_funcs: HookRegistry[ft.TeardownCallable] = defaultdict(
            list
        )
        #: Functions adding values to every template context, by scope.
        self.template_context_processors: HookRegistry[
            ft.TemplateContextProcessorCallable
        ] = defaultdict(list)
        #: Functions that see the matched endpoint and URL values first.
        self.url_value_preprocessors: HookRegistry[ft.URLValuePreprocessorCallable] = (
            defaultdict(list)
        )
        #: Functions that add default values when building URLs.
        self.url_default_functions: HookRegistry[ft.URLDefaultCallable] = defaultdict(
            list
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    @cached_property
    def cli(self) -> AppGroup:
        """The click group that holds this object's commands.

        It is created on first use, so serving requests never imports click.
        """
        from .cli import AppGroup

        return AppGroup(self._cli_name())

    def _cli_name(self) -> str | None:
        # A blueprint's group is named when it is registered; see AppBase.
        return None

    def _has_cli_commands(self) -> bool:
        return "cli" in self.__dict__ and bool(self.cli.commands)

    # Static files and resources

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or ``None``."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of the static route.

        Defaults to the static folder's name after a slash.
        """
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Return the ``max_age`` for a static file, from
        ``SEND_FILE_MAX_AGE_DEFAULT``.

        ``None`` (the default) lets browsers revalidate with conditional
        requests instead of caching for a fixed time.
        """
        from .globals import current_app

        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if hasattr(value, "total_seconds"):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """Serve a file from the static folder; the ``static`` view."""
        if not self.has_static_folder:
            raise RuntimeError(
                "No static folder is configured, so static files cannot be"
                " served. Pass 'static_folder' when creating the object."
            )
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(
            t.cast(str, self.static_folder), filename, max_age=max_age
        )

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A loader for this object's template folder, or ``None``."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.Any]:
        """Open a file relative to :attr:`root_path` for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError(
                f"Resources can only be opened for reading, not with mode {mode!r}."
            )
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # Routes

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[T_route], T_route]:
        if "methods" in options:
            raise TypeError(
                "The method shortcuts take no 'methods' argument; use"
                f" 'route({rule!r}, methods=[...])' for several methods."
            )
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register a view for ``GET`` requests; ``route`` with one method."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register a view for ``POST`` requests."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register a view for ``PUT`` requests."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register a view for ``DELETE`` requests."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register a view for ``PATCH`` requests."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Register the decorated function as the view for a URL rule.

        Takes the same options as :meth:`add_url_rule`; the endpoint
        defaults to the function's name.
        """

        def decorator(f: T_route) -> T_route:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a URL rule; implemented by apps and blueprints."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Register the decorated function as the view of an endpoint that a
        rule added with :meth:`add_url_rule` names."""

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # Request hooks

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Run ``f`` before each request; a non-``None`` return value is used
        as the response and the view is skipped."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Run ``f`` with each response; it must return a response."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Run ``f`` when each request context is popped, with the unhandled
        exception or ``None``; return values are ignored."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(
        self, f: T_template_context_processor
    ) -> T_template_context_processor:
        """Add the dict that ``f`` returns to every template context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(
        self, f: T_url_value_preprocessor
    ) -> T_url_value_preprocessor:
        """Run ``f(endpoint, values)`` after matching, before the
        ``before_request`` functions; it may change ``values`` in place."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Run ``f(endpoint, values)`` when building URLs; it may add values
        in place."""
        self.url_default_functions[None].append(f)
        return f

    # Error handlers

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Register the decorated function to handle an HTTP status code or an
        exception class (and its subclasses)."""

        def decorator(f: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: ft.ErrorHandlerCallable
    ) -> None:
        """Register ``f`` to handle an HTTP status code or an exception class."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        """Return the exception class and HTTP code an error handler key
        stands for."""
        exc_class: type[Exception]
        if isinstance(exc_class_or_code, int):
            try:
                exc_class = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"{exc_class_or_code!r} is not an HTTP error code that vial"
                    " knows. Register a handler for a subclass of HTTPException"
                    " with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code

        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an exception instance, not a class. Register"
                " error handlers for exception classes or HTTP status codes."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
            raise ValueError(
                f"{exc_class!r} is not a subclass of Exception. Error handlers"
                " can only handle exceptions and HTTP status codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None


def _endpoint_from_view_func(view_func: ft.RouteCallable | None) -> str:
    """The default endpoint name for a view: the function's name."""
    if view_func is None:
        raise TypeError(
            "A URL rule needs an endpoint name or a view function to take the"
            " name from; pass 'endpoint' or 'view_func'."
        )
    return view_func.__name__


@cache
def _name_or_decorate(
    add: t.Callable[[F, str | None], None], name: F | str | None
) -> F | t.Callable[[F], F]:
    """Back a registering decorator usable bare (``@app.template_filter``)
    and with a name (``@app.template_filter("name")``), as in Flask 3.2."""
    if callable(name):
        add(name, None)
        return name

    def decorator(f: F) -> F:
        add(f, name)
        return f

    return decorator


def _split_blueprint_path(name: str) -> list[str]:
    """``"a.b.c"`` to ``["a.b.c", "a.b", "a"]``: a blueprint and its parents."""
    out = [name]
    while "." in name:
        name = name.rpartition(".")[0]
        out.append(name)
    return out
