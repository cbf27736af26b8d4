"""Tools for testing applications: a test client, a CLI runner and an
environment builder that know the app's configuration."""

from __future__ import annotations

import importlib.metadata
import typing as t
from contextlib import contextmanager
from copy import copy
from types import TracebackType
from urllib.parse import urlsplit

import werkzeug.test
from click.testing import CliRunner
from click.testing import Result
from werkzeug.test import Client
from werkzeug.wrappers import Request as BaseRequest

from .sessions import SessionMixin

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.test import TestResponse

    from .app import Vial
    from .ctx import RequestContext


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """Build a WSGI environment for a request to the app.

    The base URL comes from ``SERVER_NAME``, ``APPLICATION_ROOT`` and
    ``PREFERRED_URL_SCHEME`` unless given, and JSON bodies are encoded with
    the app's JSON provider.

    :param app: The app the request is for.
    :param path: The request path, optionally with a query string or a full
        URL.
    :param base_url: The URL the app is served at; exclusive with
        ``subdomain`` and ``url_scheme``.
    :param subdomain: A subdomain of ``SERVER_NAME`` to send the request to.
    :param url_scheme: The scheme; ``PREFERRED_URL_SCHEME`` by default.
    """

    def __init__(
        self,
        app: Vial,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise ValueError(
                "Pass either 'base_url', or 'subdomain' and 'url_scheme', not"
                " both: the base URL already holds the host and scheme."
            )
        if base_url is None:
            host = app.config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            url = urlsplit(path)
            app_root = app.config["APPLICATION_ROOT"]
            root = app_root.lstrip("/")
            base_url = f"{url.scheme or url_scheme}://{url.netloc or host}/{root}"
            path = url.path
            if url.query:
                path = f"{path}?{url.query}"
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Encode a ``json=`` body with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


_werkzeug_version = ""


def _get_werkzeug_version() -> str:
    global _werkzeug_version
    if not _werkzeug_version:
        _werkzeug_version = importlib.metadata.version("werkzeug")
    return _werkzeug_version


class VialClient(Client):
    """A client that sends requests to the app without a server, keeping
    cookies between requests.

    Inside ``with client:``, the contexts of the last request stay pushed
    until the next request or the end of the block, so ``request``,
    ``session`` and ``g`` can be inspected after a call; the teardown
    functions run when the contexts are finally popped.
    """

    application: Vial

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._kept_contexts: list[tuple[RequestContext, BaseException | None]] = []
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Werkzeug/{_get_werkzeug_version()}",
        }

    @contextmanager
    def session_transaction(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Iterator[SessionMixin]:
        """Open the client's session to read or change it, and store it
        back in the client's cookies when the block ends.

        Arguments are those of :meth:`vial.Vial.test_request_context`.
        """
        if self._cookies is None:
            raise TypeError(
                "This client does not keep cookies, so it has no session;"
                " create it with 'app.test_client(use_cookies=True)'."
            )
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)

        with ctx:
            session = app.session_interface.open_session(app, ctx.request)
        if session is None:
            raise RuntimeError(
                "The session interface did not open a session; check the"
                " app's session_interface and SECRET_KEY."
            )

        yield session

        response = app.response_class()
        if app.session_interface.is_null_session(session):
            return
        with ctx:
            app.session_interface.save_session(app, session, response)
        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            response.headers.getlist("Set-Cookie"),
        )

    def _copy_environ(self, other: WSGIEnvironment) -> WSGIEnvironment:
        out = {**self.environ_base, **other}
        if self.preserve_context:
            out["vial.testing.keep_context"] = self._keep_context
        return out

    def _keep_context(self, ctx: RequestContext, error: BaseException | None) -> None:
        self._kept_contexts.append((ctx, error))

    def _pop_kept_contexts(self) -> None:
        while self._kept_contexts:
            ctx, error = self._kept_contexts.pop()
            ctx.pop(error)

    def _request_from_builder_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> BaseRequest:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base", {}))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request; takes the arguments of
        :class:`werkzeug.test.EnvironBuilder` (``json=``, ``data=``,
        ``headers=``...), or a builder, environ dict or request object."""
        if args and isinstance(
            args[0], (werkzeug.test.EnvironBuilder, dict, BaseRequest)
        ):
            if isinstance(args[0], werkzeug.test.EnvironBuilder):
                builder = copy(args[0])
                builder.environ_base = self._copy_environ(builder.environ_base or {})  # type: ignore[arg-type]
                request = builder.get_request()
            elif isinstance(args[0], dict):
                request = EnvironBuilder.from_environ(
                    args[0],
                    app=self.application,
                    environ_base=self._copy_environ({}),
                ).get_request()
            else:
                request = copy(args[0])
                request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)

        # The contexts kept from the previous request (or the redirect that
        # led here) end before the next request starts.
        self._pop_kept_contexts()

        response = super().open(
            request, buffered=buffered, follow_redirects=follow_redirects
        )
        response.json_module = self.application.json  # type: ignore[assignment]
        return response

    def __enter__(self) -> VialClient:
        if self.preserve_context:
            raise RuntimeError(
                "'with client:' blocks cannot be nested; end the first block"
                " before starting another."
            )
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._pop_kept_contexts()


class VialCliRunner(CliRunner):
    """Invoke the app's CLI commands in tests, inside the app's context.

    :param app: The app whose commands are run.
    """

    def __init__(self, app: Vial, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Run a command; the app's command group by default.

        Takes the arguments of :meth:`click.testing.CliRunner.invoke`.
        """
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            from .cli import ScriptInfo

            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
