"""The application object: serves requests as a WSGI application.

Setup (config, routes, hooks, blueprints, URL building) is in
:mod:`vial.base`; this module runs a request through the hooks and the view
and turns what the view returns into a response.
"""

from __future__ import annotations

import collections.abc as cabc
import sys
import typing as t
from functools import lru_cache
from itertools import chain

from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.routing import RequestRedirect
from werkzeug.routing import RoutingException
from werkzeug.wrappers import Response as BaseResponse

from . import typing as ft
from .base import AppBase
from .ctx import AppContext
from .ctx import RequestContext
from .globals import _cv_app
from .globals import _cv_request
from .sessions import SecureCookieSessionInterface
from .signals import appcontext_tearing_down
from .signals import got_request_exception
from .signals import request_finished
from .signals import request_started
from .signals import request_tearing_down

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

    from .testing import VialClient
    from .testing import VialCliRunner
    from .wrappers import Request
    from .wrappers import Response

_sentinel = object()


class Vial(AppBase):
    """The application: a WSGI callable holding the routes, hooks,
    configuration and everything else of one web app.

    .. code-block:: python

        from vial import Vial

        app = Vial(__name__)

        @app.route("/")
        def index():
            return "Hello, World!"

    :param import_name: The name of the app's module or package, usually
        ``__name__``; resources, templates and static files are found
        relative to it.
    :param static_url_path: URL prefix of static files; the static folder's
        name by default.
    :param static_folder: Folder of static files, served at
        ``static_url_path``; ``None`` disables the static route.
    :param static_host: The host static files are served on, required with
        ``host_matching``.
    :param host_matching: Match the ``host`` option of rules against the
        request's host.
    :param subdomain_matching: Match the ``subdomain`` option of rules,
        relative to ``SERVER_NAME``.
    :param template_folder: Folder of templates; ``None`` for none.
    :param instance_path: Absolute path of the instance folder; found
        automatically when not given.
    :param instance_relative_config: Load relative config file paths from the
        instance folder instead of the root path.
    :param root_path: The app's folder, when it cannot be found from
        ``import_name``.
    """

    # Running requests

    @property
    def _session_opens_lazily(self) -> bool:
        # The default interface opens a session without side effects, so it
        # may wait until the session is used.
        return type(self.session_interface) is SecureCookieSessionInterface

    def app_context(self) -> AppContext:
        """Create an application context, to use ``current_app`` and ``g``
        outside a request: ``with app.app_context(): ...``."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """Create a request context for a WSGI environment."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """Create a request context for a request built from the arguments of
        :class:`werkzeug.test.EnvironBuilder`; see
        :class:`vial.testing.EnvironBuilder`."""
        from .testing import EnvironBuilder

        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def wsgi_app(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """The WSGI application itself.

        Middleware wraps this method rather than the app, so the app object
        keeps its attributes: ``app.wsgi_app = Middleware(app.wsgi_app)``.
        """
        ctx = self.request_context(environ)
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except BaseException:
                error = sys.exc_info()[1]
                raise
            return response(environ, start_response)
        finally:
            if error is not None and self.should_ignore_error(error):
                error = None
            keep = environ.get("vial.testing.keep_context")
            if keep is not None:
                # The test client pops the contexts itself, later, so tests
                # can inspect request, session and g after the request.
                keep(ctx, error)
            else:
                debugger = environ.get("werkzeug.debug.preserve_context")
                if debugger is not None:
                    # Werkzeug's debugger console re-enters these contexts.
                    debugger(_cv_app.get())
                    debugger(_cv_request.get())
                ctx.pop(error)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Serve a request; calls :meth:`wsgi_app`."""
        return self.wsgi_app(environ, start_response)

    def full_dispatch_request(self) -> Response:
        """Run the before-request hooks and the view, handle errors, and
        build the response."""
        self._got_first_request = True
        try:
            if request_started.receivers:
                request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
            # An HTTP error returned as the response keeps its traceback,
            # whose frames include this one: without this frame's reference
            # the request's objects are freed at once, not by the collector.
            response = self.finalize_request(rv)
            del rv
            return response
        return self.finalize_request(rv)

    def preprocess_request(self) -> ft.ResponseReturnValue | None:
        """Run the URL value preprocessors and the ``before_request``
        functions of the app and the request's blueprints.

        A ``before_request`` function that returns a value stops the request:
        the value becomes the response and the view is not called.
        """
        req = _cv_request.get().request
        preprocessors = self.url_value_preprocessors
        before = self.before_request_funcs
        if not preprocessors and not before:
            return None
        names = (None, *reversed(req.blueprints))
        for name in names:
            if name in preprocessors:
                for url_func in preprocessors[name]:
                    url_func(req.endpoint, req.view_args)
        for name in names:
            if name in before:
                for before_func in before[name]:
                    rv = self.ensure_sync(before_func)()
                    if rv is not None:
                        return rv  # type: ignore[no-any-return]
        return None

    def dispatch_request(self) -> ft.ResponseReturnValue:
        """Call the view function of the matched endpoint and return its
        value, unchanged."""
        req = _cv_request.get().request
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule: t.Any = req.url_rule
        # Rules added to url_map directly, not through add_url_rule, lack
        # the attribute.
        if req.method == "OPTIONS" and getattr(
            rule, "provide_automatic_options", False
        ):
            return self.make_default_options_response()
        view = self.view_functions[rule.endpoint]
        return self.ensure_sync(view)(**req.view_args)  # type: ignore[arg-type,no-any-return]

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the error routing found: 404, 405, or a redirect.

        In debug mode, a redirect that would drop a form body (a missing
        trailing slash on a ``POST``) raises an error explaining that instead.
        """
        exc = t.cast(HTTPException, request.routing_exception)
        if (
            not self.debug
            or not isinstance(exc, RequestRedirect)
            or exc.code in {307, 308}
            or request.method in {"GET", "HEAD", "OPTIONS"}
        ):
            raise exc
        from .debughelpers import FormDataRoutingRedirect

        raise FormDataRoutingRedirect(request)

    def make_default_options_response(self) -> Response:
        """The response to an automatic ``OPTIONS`` request: empty, with an
        ``Allow`` header listing the URL's methods."""
        adapter = _cv_request.get().url_adapter
        rv = self.response_class()
        rv.allow.update(t.cast(t.Any, adapter).allowed_methods())
        return rv

    def finalize_request(
        self,
        rv: ft.ResponseReturnValue | HTTPException,
        from_error_handler: bool = False,
    ) -> Response:
        """Turn a view's return value into the final response, running the
        ``after_request`` functions and saving the session."""
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if request_finished.receivers:
                request_finished.send(
                    self, _async_wrapper=self.ensure_sync, response=response
                )
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception(
                "Finishing the response failed while handling an earlier"
                " error; the error response is sent as it is."
            )
        return response

    def process_response(self, response: Response) -> Response:
        """Pass the response through the ``after_this_request`` and
        ``after_request`` functions, then save the session."""
        ctx = _cv_request.get()
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)

        after = self.after_request_funcs
        if after:
            for name in chain(ctx.request.blueprints, (None,)):
                if name in after:
                    for func in reversed(after[name]):
                        response = self.ensure_sync(func)(response)

        session = ctx._session
        if session is None:
            # Only an interface that opens sessions lazily leaves none open
            # after push(). Never used and no cookie to refresh: nothing to
            # save.
            if "HTTP_COOKIE" not in ctx.request.environ:
                return response
            session = ctx.session
        interface = self.session_interface
        if not interface.is_null_session(session):
            interface.save_session(self, session, response)
        return response

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Run the ``teardown_request`` functions; called when the request
        context is popped."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        teardown = self.teardown_request_funcs
        errors: list[Exception] = []
        if teardown:
            req = _cv_request.get().request
            for name in chain(req.blueprints, (None,)):
                if name in teardown:
                    self._run_teardown(reversed(teardown[name]), exc, errors)
        if request_tearing_down.receivers:
            request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)
        if errors:
            self._raise_teardown_errors(errors)

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:  # type: ignore[assignment]
        """Run the ``teardown_appcontext`` functions; called when the
        application context is popped."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        errors: list[Exception] = []
        if self.teardown_appcontext_funcs:
            self._run_teardown(reversed(self.teardown_appcontext_funcs), exc, errors)
        if appcontext_tearing_down.receivers:
            appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)
        if errors:
            self._raise_teardown_errors(errors)

    def _run_teardown(
        self,
        funcs: cabc.Iterable[ft.TeardownCallable],
        exc: BaseException | None,
        errors: list[Exception],
    ) -> None:
        # Every teardown function runs, as in Flask 3.2: one that fails must
        # not leave a later one's resources (a database session) open.
        for func in funcs:
            try:
                self.ensure_sync(func)(exc)
            except Exception as e:
                errors.append(e)

    def _raise_teardown_errors(self, errors: list[Exception]) -> t.NoReturn:
        """Raise the first error of the teardown functions, once all have
        run; the others are logged, since only one can be raised."""
        for error in errors[1:]:
            self.logger.error(
                "A teardown function also failed.",
                exc_info=(type(error), error, error.__traceback__),
            )
        raise errors[0]

    # Responses

    def make_response(self, rv: ft.ResponseReturnValue | HTTPException) -> Response:
        """Turn what a view returned into a :attr:`response_class` object.

        Accepts text and bytes (the body), a dict or list (JSON), an iterator
        (streamed), a response object or any WSGI application, and a tuple
        ``(body, status)``, ``(body, headers)`` or
        ``(body, status, headers)``.
        """
        status: t.Any = None
        headers: t.Any = None

        # The most common return values, by exact type, before the general
        # checks below (an ABC check for iterators is comparatively slow).
        rv_type = type(rv)
        if rv_type is str or rv_type is bytes:
            return self.response_class(rv)  # type: ignore[arg-type]
        if rv_type is dict or rv_type is list:
            return self.json.response(rv)

        if isinstance(rv, tuple):
            size = len(rv)
            if size == 3:
                rv, status, headers = rv  # type: ignore[misc]
            elif size == 2:
                if isinstance(rv[1], (Headers, dict, tuple, list)):
                    rv, headers = rv
                else:
                    rv, status = rv  # type: ignore[misc]
            else:
                raise TypeError(
                    "A view returned a tuple of the wrong size. Return"
                    " (body, status, headers), (body, status) or"
                    " (body, headers)."
                )

        if rv is None:
            raise TypeError(
                f"The view function for {_endpoint_name()!r} returned None."
                " A view must return a response, such as a string, a dict, a"
                " tuple or a Response object; check for a missing 'return'."
            )

        response_class = self.response_class
        # isinstance, not an exact type check: force_type below would turn an
        # instance of a subclass back into the base response class.
        if not isinstance(rv, response_class):
            if isinstance(rv, (str, bytes, cabc.Iterator)):
                rv = response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, (dict, list)):
                rv = self.json.response(rv)
            elif isinstance(rv, bytearray):
                # WSGI bodies must be bytes; werkzeug would send the
                # bytearray itself. (mypy treats bytearray as bytes unless
                # strict bytes checking is on, and then calls this
                # unreachable.)
                rv = response_class(  # type: ignore[unreachable,unused-ignore]
                    bytes(rv), status=status, headers=headers
                )
                status = headers = None
            elif isinstance(rv, HTTPException):
                rv = _error_response(
                    response_class, rv, _cv_request.get().request.environ
                )
            elif isinstance(rv, BaseResponse) or callable(rv):
                try:
                    rv = response_class.force_type(
                        rv,  # type: ignore[arg-type]
                        _cv_request.get().request.environ,
                    )
                except TypeError as e:
                    raise TypeError(
                        f"{e}\nThe view function for {_endpoint_name()!r} did"
                        " not return a valid response; a WSGI application it"
                        f" returned ({type(rv).__name__}) could not be called."
                    ).with_traceback(sys.exc_info()[2]) from None
            else:
                raise TypeError(
                    f"The view function for {_endpoint_name()!r} returned a"
                    f" {type(rv).__name__}, which is not a valid response."
                    " Return a string, bytes, a dict, a list, a generator, a"
                    " tuple, a Response object or a WSGI application."
                )

        response: Response = rv  # type: ignore[assignment]
        if status is not None:
            if isinstance(status, (str, bytes, bytearray)):
                response.status = status  # type: ignore[assignment]
            else:
                response.status_code = status
        if headers:
            response.headers.update(headers)
        return response

    # Errors

    def handle_http_exception(
        self, e: HTTPException
    ) -> HTTPException | ft.ResponseReturnValue:
        """Pass an HTTP error to its registered handler, or return it to be
        sent as the error response."""
        # Exceptions without a code are used internally (such as by routing
        # for redirects) and are responses already.
        if e.code is None or isinstance(e, RoutingException):
            return e
        handler = self._find_error_handler(e, _cv_request.get().request.blueprints)
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)  # type: ignore[no-any-return]

    def handle_user_exception(
        self, e: Exception
    ) -> HTTPException | ft.ResponseReturnValue:
        """Handle an exception raised by a hook or view: with a registered
        handler, as an HTTP error, or by re-raising it for
        :meth:`handle_exception`."""
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True

        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)

        handler = self._find_error_handler(e, _cv_request.get().request.blueprints)
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)  # type: ignore[no-any-return]

    def handle_exception(self, e: Exception) -> Response:
        """Handle an exception nothing else handled: send
        :data:`~vial.signals.got_request_exception`, then re-raise it when
        exceptions propagate (testing and debug by default) or answer 500.

        The 500 handler gets an :class:`~werkzeug.exceptions.InternalServerError`
        whose ``original_exception`` is ``e``.
        """
        exc_info = sys.exc_info()
        if got_request_exception.receivers:
            got_request_exception.send(
                self, _async_wrapper=self.ensure_sync, exception=e
            )
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is e:
                raise
            raise e

        log_exception = self.log_exception
        if _takes_context_first(type(self).log_exception):
            # Overridden with Flask 3.2's signature, (ctx, exc_info).
            log_exception(_cv_request.get(), exc_info)
        else:
            log_exception(exc_info)
        server_error: InternalServerError | ft.ResponseReturnValue
        server_error = InternalServerError(original_exception=e)
        handler = self._find_error_handler(
            server_error, _cv_request.get().request.blueprints
        )
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(self, *args: t.Any) -> None:
        """Log an unhandled exception with :attr:`logger`.

        Called with ``(exc_info)``, as in Flask 3.1. A subclass may override
        it with that signature or with Flask 3.2's ``(ctx, exc_info)``, whose
        ``ctx`` is the request context; both call this one through
        ``super()``.
        """
        exc_info = args[-1]
        req = _cv_request.get().request
        self.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=exc_info)

    # Tools

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> VialClient:
        """Create a test client that sends requests to the app without a
        server; see :class:`vial.testing.VialClient`."""
        cls = self.test_client_class
        if cls is None:
            from .testing import VialClient

            cls = VialClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> VialCliRunner:
        """Create a runner that invokes the app's CLI commands in tests; see
        :class:`vial.testing.VialCliRunner`."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .testing import VialCliRunner

            cls = VialCliRunner
        return cls(self, **kwargs)

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the app with the development server.

        Not for production: use a WSGI server such as gunicorn there. The
        ``vial run`` command is preferred; this method is for
        ``python app.py``. Defaults to ``127.0.0.1:5000``, or the host and
        port of ``SERVER_NAME``.

        :param host: The interface to listen on.
        :param port: The port to listen on.
        :param debug: Turn debug mode (debugger and reloader) on or off.
        :param load_dotenv: Load ``.vialenv`` and ``.env`` files first.
        :param options: Passed to :func:`werkzeug.serving.run_simple`.
        """
        from . import cli
        from .helpers import _env_names
        from .helpers import _getenv
        from .helpers import get_debug_flag
        from .helpers import get_load_dotenv

        if _getenv("RUN_FROM_CLI") == "true":
            # 'vial run' imported a module that calls app.run() at import
            # time; the command serves the app itself.
            from werkzeug.serving import is_running_from_reloader

            if not is_running_from_reloader():
                import warnings

                warnings.warn(
                    "'app.run()' does nothing when the app is served by"
                    " 'vial run'. Put it under 'if __name__ == \"__main__\":'.",
                    stacklevel=2,
                )
            return

        if get_load_dotenv(load_dotenv):
            cli.load_dotenv()
            if _getenv("DEBUG") is not None:
                self.debug = get_debug_flag()

        if debug is not None:
            self.debug = bool(debug)

        server_name = self.config.get("SERVER_NAME")
        sn_host = sn_port = None
        if server_name:
            sn_host, _, sn_port = server_name.partition(":")
        if not host:
            host = sn_host or "127.0.0.1"
        if port or port == 0:
            port = int(port)
        elif sn_port:
            port = int(sn_port)
        else:
            port = 5000

        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        options.setdefault("threaded", True)
        if options["use_debugger"] and not self.debug:
            raise ValueError(
                "The interactive debugger lets anyone who can open a page run"
                " code on the server, so it is only available in debug mode."
                f" Pass 'debug=True' (or set {_env_names('DEBUG', '=1')}) to use it."
            )

        cli.show_server_banner(self.debug, self.name)

        from werkzeug.serving import run_simple

        try:
            run_simple(t.cast(str, host), port, self, **options)
        finally:
            # A later call (in the same process) starts from a clean state.
            self._got_first_request = False


def _endpoint_name() -> str | None:
    ctx = _cv_request.get(None)
    return ctx.request.endpoint if ctx is not None else None


_DEFAULT_ERROR_HEADERS = HTTPException().get_headers()
_error_bodies: dict[tuple[t.Any, ...], str] = {}


def _error_response(
    response_class: type[Response], error: HTTPException, environ: WSGIEnvironment
) -> Response:
    """The response werkzeug would build for an HTTP error, as
    ``response_class``.

    When the error class renders its page the default way, the page is
    remembered per code and description, since a 404 or 405 page is the
    same every time.
    """
    cls = type(error)
    if error.response is not None or cls.get_response is not _base_get_response:
        return response_class.force_type(error.get_response(environ))  # type: ignore[return-value]

    headers = error.get_headers(environ, None)
    if (
        cls.get_body is _base_get_body
        and cls.get_description is _base_get_description
        and type(error.description) is str
    ):
        key = (cls, error.code, error.name, error.description)
        body = _error_bodies.get(key)
        if body is None:
            body = error.get_body(environ, None)
            if len(_error_bodies) >= 256:
                _error_bodies.clear()
            _error_bodies[key] = body
    else:
        body = error.get_body(environ, None)

    if headers == _DEFAULT_ERROR_HEADERS:
        return response_class(body, error.code, mimetype="text/html")
    return response_class(body, error.code, headers)


_base_get_response = HTTPException.get_response
_base_get_body = HTTPException.get_body
_base_get_description = HTTPException.get_description


@lru_cache(maxsize=64)
def _takes_context_first(method: t.Callable[..., t.Any]) -> bool:
    """Whether an overriding method's first parameter is Flask 3.2's ``ctx``."""
    import inspect

    try:
        parameters = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(parameters) > 1 and parameters[1].name == "ctx"
