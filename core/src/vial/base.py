"""The application object's setup side: configuration, the URL map, the
blueprint and hook registries, URL building and the Jinja environment.

Nothing here serves a request; :class:`vial.app.Vial` adds that on top.
"""

from __future__ import annotations

import logging
import os
import sys
import typing as t
from datetime import timedelta
from functools import cached_property
from inspect import CO_COROUTINE as _CO_COROUTINE
from inspect import iscoroutinefunction as _iscoroutinefunction
from itertools import chain

from werkzeug.exceptions import Aborter
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.routing import Map as _WerkzeugMap
from werkzeug.routing import Rule
from werkzeug.utils import redirect as _wz_redirect

from . import typing as ft
from .config import Config
from .config import ConfigAttribute
from .ctx import _AppCtxGlobals
from .globals import _cv_app
from .globals import _cv_request
from .globals import g
from .globals import request
from .globals import session
from .helpers import _find_package
from .helpers import get_debug_flag
from .helpers import get_flashed_messages
from .json.provider import DefaultJSONProvider
from .json.provider import JSONProvider
from .matching import Map
from .routing import _Binding
from .routing import RoutingMixin
from .scaffold import _endpoint_from_view_func
from .scaffold import _name_or_decorate
from .scaffold import Scaffold
from .scaffold import setupmethod
from .sessions import SecureCookieSessionInterface
from .sessions import SessionInterface
from .wrappers import Request
from .wrappers import Response

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from .blueprints import Blueprint
    from .templating import DispatchingJinjaLoader
    from .templating import Environment

T_shell_context_processor = t.TypeVar(
    "T_shell_context_processor", bound=ft.ShellContextProcessorCallable
)
T_teardown = t.TypeVar("T_teardown", bound=ft.TeardownCallable)
T_template_filter = t.TypeVar("T_template_filter", bound=ft.TemplateFilterCallable)
T_template_global = t.TypeVar("T_template_global", bound=ft.TemplateGlobalCallable)
T_template_test = t.TypeVar("T_template_test", bound=ft.TemplateTestCallable)


def _make_timedelta(value: timedelta | int) -> timedelta:
    if isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """Put ``g``, and ``request`` and ``session`` during a request, into
    every template context."""
    rv: dict[str, t.Any] = {}
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        rv["g"] = app_ctx.g
    req_ctx = _cv_request.get(None)
    if req_ctx is not None:
        rv["request"] = req_ctx.request
        rv["session"] = req_ctx.session
    return rv


#: At most this many functions are remembered as synchronous; the set is
#: emptied when full, so functions created per request cannot grow it.
_KNOWN_SYNC_SIZE = 1024


class _JinjaEnvironmentClass:
    """Class attribute that imports the default Jinja environment class on
    first use, so importing vial does not import Jinja."""

    def __get__(self, obj: object, owner: type | None = None) -> type[Environment]:
        from .templating import Environment

        return Environment


class AppBase(Scaffold, RoutingMixin):
    """Everything about an application that does not serve requests.

    See :class:`vial.Vial` for the parameters.
    """

    #: The class of :data:`~vial.request`.
    request_class: type[Request] = Request
    #: The class of responses the app builds.
    response_class: type[Response] = Response
    #: The class of :attr:`aborter`, used by :func:`~vial.abort`.
    aborter_class = Aborter
    #: The Jinja environment class; see :meth:`create_jinja_environment`.
    jinja_environment: type[Environment] = _JinjaEnvironmentClass()  # type: ignore[assignment]
    #: The class of :data:`~vial.g`.
    app_ctx_globals_class = _AppCtxGlobals
    #: The class of :attr:`config`.
    config_class = Config
    #: The class of :attr:`json`.
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    #: The class of URL rules made by :meth:`add_url_rule`.
    url_rule_class = Rule
    #: The class of :attr:`url_map`.
    url_map_class: type[_WerkzeugMap] = Map
    #: The test client class; ``None`` means :class:`vial.testing.VialClient`.
    test_client_class: type[t.Any] | None = None
    #: The CLI runner class; ``None`` means :class:`vial.testing.VialCliRunner`.
    test_cli_runner_class: type[t.Any] | None = None
    #: Options passed to the Jinja environment.
    jinja_options: dict[str, t.Any] = {}
    #: Where sessions are loaded from and saved to.
    session_interface: SessionInterface = SecureCookieSessionInterface()

    #: ``TESTING`` config: exceptions propagate to the test client.
    testing = ConfigAttribute[bool]("TESTING")
    #: ``SECRET_KEY`` config, used to sign sessions and tokens.
    secret_key = ConfigAttribute["str | bytes | None"]("SECRET_KEY")
    #: ``PERMANENT_SESSION_LIFETIME`` config, as a timedelta.
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME", get_converter=_make_timedelta
    )

    #: The defaults of :attr:`config`. ``SESSION_COOKIE_SAMESITE`` is
    #: ``"Lax"``, which is safer than leaving it unset.
    default_config: dict[str, t.Any] = {
        "DEBUG": None,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": None,
        "SECRET_KEY": None,
        "SECRET_KEY_FALLBACKS": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
        "USE_X_SENDFILE": False,
        "TRUSTED_HOSTS": None,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PARTITIONED": False,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_REFRESH_EACH_REQUEST": True,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "SEND_FILE_MAX_AGE_DEFAULT": None,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "EXPLAIN_TEMPLATE_LOADING": False,
        "PREFERRED_URL_SCHEME": "http",
        "TEMPLATES_AUTO_RELOAD": None,
        "MAX_COOKIE_SIZE": 4093,
        "PROVIDE_AUTOMATIC_OPTIONS": True,
    }

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )

        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                f"The instance path {instance_path!r} is relative; pass an"
                " absolute path, or leave it out to use the default."
            )
        #: The folder for files that belong to this deployment, not to the
        #: code: configuration, SQLite databases, uploads.
        self.instance_path = instance_path

        #: The configuration, a dict with loading helpers.
        self.config = self.make_config(instance_relative_config)
        #: Raises HTTP errors for :func:`~vial.abort`.
        self.aborter = self.make_aborter()
        #: Encodes and decodes JSON for this app; replaceable.
        self.json: JSONProvider = self.json_provider_class(self)  # type: ignore[arg-type]
        #: Called with ``(error, endpoint, values)`` when ``url_for`` fails;
        #: the first to return a URL (not ``None``) wins.
        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str | None]
        ] = []
        #: Functions run when the application context is popped.
        self.teardown_appcontext_funcs: list[ft.TeardownCallable] = []
        #: Functions adding names to ``vial shell``.
        self.shell_context_processors: list[ft.ShellContextProcessorCallable] = []
        #: Registered blueprints by their dotted name.
        self.blueprints: dict[str, Blueprint] = {}
        #: Per-app state of extensions, by extension name.
        self.extensions: dict[str, t.Any] = {}
        #: The URL rules; add converters with ``url_map.converters``.
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching

        self.template_context_processors[None].append(_default_template_ctx_processor)
        self._got_first_request = False
        # Functions ensure_sync found to be synchronous, so hooks and views
        # called on every request are only inspected once.
        self._known_sync: set[t.Callable[..., t.Any]] = set()
        self._url_adapters: dict[tuple[t.Any, ...], _Binding] = {}

        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise ValueError(
                    "With host matching on, the static route needs a host:"
                    " pass 'static_host'. Without host matching, leave"
                    " 'static_host' out."
                )
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=_static_view(self),
            )

    def _cli_name(self) -> str | None:
        # The app's command group is named after the app, as with Flask.
        return self.name

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"'{f_name}' was called on the application after it handled"
                " its first request, so the change would not apply"
                " consistently. Do all setup (routes, blueprints, hooks,"
                " extensions) before the app serves requests, for example in"
                " an application factory."
            )

    @cached_property
    def name(self) -> str:  # type: ignore[override]
        """The app's name: its import name, or the script's file name when
        it runs as ``__main__``."""
        if self.import_name == "__main__":
            filename: str | None = getattr(sys.modules["__main__"], "__file__", None)
            if filename is None:
                return "__main__"
            return os.path.splitext(os.path.basename(filename))[0]
        return self.import_name

    @cached_property
    def logger(self) -> logging.Logger:
        """The app's logger, named after :attr:`name`."""
        from .logging import create_logger

        return create_logger(self)

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja environment templates are rendered with, created on
        first use by :meth:`create_jinja_environment`."""
        return self.create_jinja_environment()

    @property
    def debug(self) -> bool:
        """Debug mode, from the ``DEBUG`` config key."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if (
            self.config["TEMPLATES_AUTO_RELOAD"] is None
            and "jinja_env" in self.__dict__
        ):
            self.jinja_env.auto_reload = value

    def make_config(self, instance_relative: bool = False) -> Config:
        """Create :attr:`config` from :attr:`default_config`."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Create :attr:`aborter`."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """The default instance folder: ``instance`` next to the package, or
        ``<prefix>/var/<name>-instance`` when the package is installed."""
        prefix, package_path = _find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.Any]:
        """Open a file in the instance folder, for reading or writing."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def redirect(self, location: str, code: int = 302) -> BaseResponse:
        """Return a redirect response of :attr:`response_class`."""
        return _wz_redirect(location, code=code, Response=self.response_class)

    # Blueprints and setup

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register a blueprint's routes, hooks and templates on this app.

        Keyword arguments override the blueprint's own ``url_prefix``,
        ``subdomain``, ``url_defaults``, ``name`` and ``cli_group``.
        """
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ft.RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Connect a URL rule to an endpoint and, optionally, its view.

        :param rule: The URL rule, such as ``"/user/<int:id>"``.
        :param endpoint: The endpoint name; the view's name by default.
        :param view_func: The view function.
        :param provide_automatic_options: Answer ``OPTIONS`` automatically;
            on by default unless the view handles ``OPTIONS`` itself.
        :param options: Passed to the rule: ``methods``, ``defaults``,
            ``strict_slashes``, ``redirect_to``, ``subdomain``, ``host``...
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "'methods' must be a list of method names such as"
                f" ['POST'], not the string {methods!r}."
            )
        method_set = {method.upper() for method in methods}
        required = set(getattr(view_func, "required_methods", ()))

        if provide_automatic_options is None:
            provide_automatic_options = getattr(
                view_func, "provide_automatic_options", None
            )
        if provide_automatic_options is None:
            provide_automatic_options = "OPTIONS" not in method_set and bool(
                self.config["PROVIDE_AUTOMATIC_OPTIONS"]
            )
        if provide_automatic_options:
            # Also when asked for explicitly (as Flask 3.2 does): the rule
            # must accept OPTIONS for the automatic answer to be given.
            required.add("OPTIONS")
        method_set |= required

        rule_obj = self.url_rule_class(rule, methods=method_set, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        self.url_map.add(rule_obj)

        if view_func is not None:
            existing = self.view_functions.get(endpoint)
            if existing is not None and existing != view_func:
                raise AssertionError(
                    f"The endpoint {endpoint!r} already has a different view"
                    f" function ({existing.__name__}). Give the new rule its"
                    " own 'endpoint' name."
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Run ``f`` with the unhandled exception (or ``None``) whenever an
        application context ends, after each request and CLI command."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(
        self, f: T_shell_context_processor
    ) -> T_shell_context_processor:
        """Add the names ``f`` returns to ``vial shell``."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The names available in ``vial shell``."""
        rv: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            rv.update(processor())
        return rv

    # Templates

    @t.overload
    def template_filter(self, name: T_template_filter) -> T_template_filter: ...

    @t.overload
    def template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]: ...

    @setupmethod
    def template_filter(
        self, name: T_template_filter | str | None = None
    ) -> T_template_filter | t.Callable[[T_template_filter], T_template_filter]:
        """Register the decorated function as a Jinja filter.

        Usable with or without arguments: ``@template_filter``,
        ``@template_filter()`` or ``@template_filter("name")``.
        """
        return _name_or_decorate(self.add_template_filter, name)

    @setupmethod
    def add_template_filter(
        self, f: ft.TemplateFilterCallable, name: str | None = None
    ) -> None:
        """Register a Jinja filter, named after the function by default."""
        self.jinja_env.filters[name or f.__name__] = f

    @t.overload
    def template_test(self, name: T_template_test) -> T_template_test: ...

    @t.overload
    def template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]: ...

    @setupmethod
    def template_test(
        self, name: T_template_test | str | None = None
    ) -> T_template_test | t.Callable[[T_template_test], T_template_test]:
        """Register the decorated function as a Jinja test.

        Usable with or without arguments: ``@template_test``,
        ``@template_test()`` or ``@template_test("name")``.
        """
        return _name_or_decorate(self.add_template_test, name)

    @setupmethod
    def add_template_test(
        self, f: ft.TemplateTestCallable, name: str | None = None
    ) -> None:
        """Register a Jinja test, named after the function by default."""
        self.jinja_env.tests[name or f.__name__] = f

    @t.overload
    def template_global(self, name: T_template_global) -> T_template_global: ...

    @t.overload
    def template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]: ...

    @setupmethod
    def template_global(
        self, name: T_template_global | str | None = None
    ) -> T_template_global | t.Callable[[T_template_global], T_template_global]:
        """Register the decorated function as a Jinja global.

        Usable with or without arguments: ``@template_global``,
        ``@template_global()`` or ``@template_global("name")``.
        """
        return _name_or_decorate(self.add_template_global, name)

    @setupmethod
    def add_template_global(
        self, f: ft.TemplateGlobalCallable, name: str | None = None
    ) -> None:
        """Register a Jinja global, named after the function by default."""
        self.jinja_env.globals[name or f.__name__] = f

    def create_jinja_environment(self) -> Environment:
        """Create the Jinja environment from :attr:`jinja_options`, with the
        template globals vial provides."""
        options = dict(self.jinja_options)
        if "autoescape" not in options:
            options["autoescape"] = self.select_jinja_autoescape
        if "auto_reload" not in options:
            auto_reload = self.config["TEMPLATES_AUTO_RELOAD"]
            if auto_reload is None:
                auto_reload = self.debug
            options["auto_reload"] = auto_reload
        env = self.jinja_environment(self, **options)  # type: ignore[arg-type]
        env.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            request=request,
            session=session,
            g=g,
        )
        env.policies["json.dumps_function"] = self.json.dumps
        return env

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """The loader that looks in the app's templates, then in each
        blueprint's."""
        from .templating import DispatchingJinjaLoader

        return DispatchingJinjaLoader(self)  # type: ignore[arg-type]

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether to autoescape a template: yes for string templates and
        HTML, XML and SVG files."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add the context processors' values to a template context; values
        passed to the render call win."""
        names: t.Iterable[str | None] = (None,)
        req_ctx = _cv_request.get(None)
        if req_ctx is not None:
            names = chain(names, reversed(req_ctx.request.blueprints))
        original = context.copy()
        processors = self.template_context_processors
        for name in names:
            if name in processors:
                for func in processors[name]:
                    context.update(self.ensure_sync(func)())
        context.update(original)

    # Errors

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> ft.ErrorHandlerCallable | None:
        """Find the handler for an exception: handlers for its status code
        before handlers for its class, blueprints before the app, the most
        specific class first."""
        exc_class, code = self._get_exc_class_and_code(type(e))
        spec = self.error_handler_spec
        names = (*blueprints, None)
        for c in (code, None) if code is not None else (None,):
            for name in names:
                by_code = spec.get(name)
                if not by_code:
                    continue
                handlers = by_code.get(c)
                if not handlers:
                    continue
                for cls in exc_class.__mro__:
                    handler = handlers.get(cls)
                    if handler is not None:
                        return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should be raised like other errors
        instead of being turned into an error response.

        ``TRAP_HTTP_EXCEPTIONS`` traps all of them; ``TRAP_BAD_REQUEST_ERRORS``
        traps bad requests, and by default in debug mode traps missing form
        keys so their message is seen.
        """
        config = self.config
        if config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = config["TRAP_BAD_REQUEST_ERRORS"]
        if (
            trap_bad_request is None
            and self.debug
            and isinstance(e, BadRequestKeyError)
        ):
            return True
        if trap_bad_request:
            from werkzeug.exceptions import BadRequest

            return isinstance(e, BadRequest)
        return False

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Whether an error should not be passed to teardown functions."""
        return False

    # Async

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Return ``func`` if it is synchronous, else a function running the
        coroutine function to completion; see :meth:`async_to_sync`."""
        known_sync = self._known_sync
        try:
            if func in known_sync:
                return func
        except TypeError:  # an unhashable callable
            return self.async_to_sync(func) if _is_coroutine_function(func) else func
        if _is_coroutine_function(func):
            return self.async_to_sync(func)
        if len(known_sync) >= _KNOWN_SYNC_SIZE:
            known_sync.clear()
        known_sync.add(func)
        return func

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Wrap a coroutine function so it can be called synchronously, with
        asgiref's ``async_to_sync``."""
        try:
            from asgiref.sync import async_to_sync as asgiref_async_to_sync
        except ImportError:
            raise RuntimeError(
                "Async views, hooks and handlers need the 'asgiref' package."
                " Install it with: pip install 'vial-core[async]'"
            ) from None
        return asgiref_async_to_sync(func)


def _static_view(app: AppBase) -> t.Callable[..., Response]:
    """Return the view of the app's ``static`` endpoint.

    A plain function, so code that names views by ``__module__`` and
    ``__qualname__`` (rate limiters, tracing) handles it like any other. It
    holds the app weakly so the app and its URL map do not form a cycle.
    """
    import weakref

    app_ref = weakref.ref(app)

    def static(**kwargs: t.Any) -> Response:
        app = app_ref()
        if app is None:
            raise RuntimeError("The application of this static view is gone.")
        return app.send_static_file(**kwargs)

    static.__qualname__ = "static"
    return static


def _is_coroutine_function(func: t.Any) -> bool:
    code = getattr(func, "__code__", None)
    if (
        code is not None
        and not code.co_flags & _CO_COROUTINE
        and not getattr(func, "__dict__", None)
    ):
        # A plain function without attributes cannot carry the marker that
        # inspect.markcoroutinefunction sets, so inspect need not be asked.
        return False
    return _iscoroutinefunction(func)
