"""URL matching and building for the application.

What binding the URL map learns from a request's host, script root and
scheme is remembered per distinct set of values, so each request only pays
for a small adapter of its own.
"""

from __future__ import annotations

import sys
import typing as t
from itertools import chain

from werkzeug.routing import BuildError
from werkzeug.routing import MapAdapter as _MapAdapter

from .globals import _cv_app
from .globals import _cv_request
from .scaffold import _split_blueprint_path
from .wrappers import _wsgi_decode

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.routing import Map
    from werkzeug.routing import MapAdapter

    from . import typing as ft
    from .config import Config
    from .wrappers import Request

#: At most this many bindings are kept per app (one per host, script root
#: and scheme seen); the cache is emptied when it is full, so clients
#: sending many different Host headers cannot grow it.
_URL_ADAPTER_CACHE_SIZE = 64

#: What binding learned about a host: server name, script root, subdomain
#: and URL scheme.
_Binding = tuple[str, str, str | None, str]


class RoutingMixin:
    """URL matching and building, mixed into the application class."""

    config: Config
    url_map: Map
    subdomain_matching: bool
    url_default_functions: dict[ft.AppOrBlueprintKey, list[ft.URLDefaultCallable]]
    url_build_error_handlers: list[
        t.Callable[[Exception, str, dict[str, t.Any]], str | None]
    ]
    _url_adapters: dict[tuple[t.Any, ...], _Binding]

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Return the URL adapter for a request, or for building URLs
        outside a request when ``SERVER_NAME`` is set."""
        config = self.config
        if request is not None:
            trusted_hosts = config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                request.trusted_hosts = trusted_hosts
                # Reading the host checks it against the trusted hosts.
                request.host  # noqa: B018

            subdomain = None
            server_name = None
            url_map = self.url_map
            if not url_map.host_matching:
                # SERVER_NAME does not restrict which hosts are served, but
                # external URLs use it rather than the client's Host header.
                server_name = config["SERVER_NAME"]
                if not self.subdomain_matching:
                    subdomain = url_map.default_subdomain or ""
            return self._bind(request.environ, server_name, subdomain)

        server_name = config["SERVER_NAME"]
        if server_name is not None:
            return self.url_map.bind(
                server_name,
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        return None

    def _bind(
        self,
        environ: WSGIEnvironment,
        server_name: str | None,
        subdomain: str | None,
    ) -> MapAdapter:
        """Bind the URL map to a request.

        Working out the server name, script root, subdomain and scheme from
        the environment is most of the cost of binding, and they are the
        same for every request to one host, so they are remembered; the
        adapter itself is new for each request and holds its own path,
        method and query string.
        """
        if "HTTP_UPGRADE" in environ:
            return self.url_map.bind_to_environ(environ, server_name, subdomain)
        key = (
            environ.get("HTTP_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME"),
            environ.get("wsgi.url_scheme"),
            server_name,
            subdomain,
        )
        bound = self._url_adapters.get(key)
        if bound is None:
            if subdomain is None and server_name is not None:
                subdomain = _foreign_host_subdomain(environ, server_name)
            adapter = self.url_map.bind_to_environ(environ, server_name, subdomain)
            if len(self._url_adapters) >= _URL_ADAPTER_CACHE_SIZE:
                self._url_adapters.clear()
            self._url_adapters[key] = (
                adapter.server_name,
                adapter.script_name,
                adapter.subdomain,
                adapter.url_scheme,
            )
            return adapter

        path_info = environ.get("PATH_INFO")
        query = environ.get("QUERY_STRING")
        return _MapAdapter(
            self.url_map,
            *bound,
            "/" if path_info is None else _wsgi_decode(path_info),
            environ["REQUEST_METHOD"],
            None if query is None else _wsgi_decode(query),
        )

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Let the ``url_defaults`` functions of the app and the endpoint's
        blueprints add values before a URL is built."""
        names: t.Iterable[str | None] = (None,)
        if "." in endpoint:
            names = chain(
                names, reversed(_split_blueprint_path(endpoint.rpartition(".")[0]))
            )
        functions = self.url_default_functions
        for name in names:
            if name in functions:
                for func in functions[name]:
                    func(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Give :attr:`url_build_error_handlers` a chance to return a URL
        when building one failed, else raise the error."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build the URL of an endpoint.

        :param endpoint: The endpoint name; ``".name"`` is relative to the
            current request's blueprint.
        :param _anchor: A fragment to append after ``#``.
        :param _method: Pick the rule for this method.
        :param _scheme: Build an external URL with this scheme.
        :param _external: Build an absolute URL with scheme and host; the
            default outside a request.
        :param values: URL variables; unknown ones become the query string.
            ``self`` is one like any other.
        """
        req_ctx = _cv_request.get(None)
        if req_ctx is not None:
            url_adapter = req_ctx.url_adapter
            if endpoint[:1] == ".":
                blueprint = req_ctx.request.blueprint
                endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
            if _external is None:
                _external = _scheme is not None
        else:
            app_ctx = _cv_app.get(None)
            if app_ctx is not None and app_ctx.app is self:
                url_adapter = app_ctx.url_adapter
            else:
                url_adapter = self.create_url_adapter(None)
            if url_adapter is None:
                raise RuntimeError(
                    "URLs cannot be built outside a request unless SERVER_NAME"
                    " is configured. Set app.config['SERVER_NAME'] (and"
                    " APPLICATION_ROOT and PREFERRED_URL_SCHEME as needed), or"
                    " build the URL inside a request."
                )
            if _external is None:
                _external = True

        if _scheme is not None and not _external:
            raise ValueError(
                "'_scheme' only applies to external URLs; pass '_external=True'"
                " with it."
            )
        if url_adapter is None:
            raise RuntimeError(
                "The request's host could not be used to build URLs; check"
                " TRUSTED_HOSTS and SERVER_NAME."
            )

        if (
            self.url_default_functions
            or type(self).inject_url_defaults is not RoutingMixin.inject_url_defaults
        ):
            self.inject_url_defaults(endpoint, values)
        try:
            rv = url_adapter.build(
                endpoint,
                values,
                method=_method,
                url_scheme=_scheme,
                force_external=_external,
            )
        except BuildError as error:
            values.update(
                _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external
            )
            return self.handle_url_build_error(error, endpoint, values)

        if _anchor is not None:
            rv = f"{rv}#{_quote_anchor(_anchor)}"
        return rv


def _quote_anchor(anchor: str) -> str:
    # Characters that may appear in a fragment stay as they are.
    from urllib.parse import quote

    return quote(anchor, safe="%!#$&'()*+,/:;=?@")


def _foreign_host_subdomain(environ: WSGIEnvironment, server_name: str) -> str | None:
    """With subdomain matching, the subdomain for a request whose host is
    not ``SERVER_NAME`` or one of its subdomains: one that no rule has.

    werkzeug would answer such a request with a 404 as well, but also emit a
    warning for each; a request to the server's IP address or a stray Host
    header is the client's matter, not the code's, so none is emitted.
    ``None`` leaves a host that belongs to ``SERVER_NAME`` to werkzeug.
    """
    from werkzeug.wsgi import get_host

    host = get_host(environ).lower()
    name = server_name.lower()
    secure = environ.get("wsgi.url_scheme") == "https"
    default_port = ":443" if secure else ":80"
    if name.endswith(default_port):
        name = name[: -len(default_port)]
    parts, expected = host.split("."), name.split(".")
    if parts[-len(expected) :] == expected:
        return None
    return "<invalid>"
