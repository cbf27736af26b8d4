"""The request and response classes the application uses."""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Request as RequestBase
from werkzeug.wrappers import Response as ResponseBase
from werkzeug.wsgi import LimitedStream

from . import json
from .globals import _cv_app
from .scaffold import _split_blueprint_path

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.formparser import FormDataParser
    from werkzeug.routing import Rule

_T = t.TypeVar("_T")


class _FromEnviron(t.Generic[_T]):
    """A request attribute read from the WSGI environ when first used.

    werkzeug's constructor works out the server address, paths, query
    string and headers of every request up front; most views read few of
    them. The value is stored in the instance, so later reads (and
    assignments) are plain attribute access.
    """

    def __init__(self, read: t.Callable[[WSGIEnvironment], _T]) -> None:
        self._read = read
        self._name = read.__name__
        self.__doc__ = read.__doc__

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> _FromEnviron[_T]: ...

    @t.overload
    def __get__(self, obj: RequestBase, owner: type | None = None) -> _T: ...

    def __get__(
        self, obj: RequestBase | None, owner: type | None = None
    ) -> _FromEnviron[_T] | _T:
        if obj is None:
            return self
        value = obj.__dict__[self._name] = self._read(obj.environ)
        return value


class Request(RequestBase):
    """The request object, with what routing found out about the request.

    Limits on the body (:attr:`max_content_length`,
    :attr:`max_form_memory_size`, :attr:`max_form_parts`) come from the
    current app's config unless set on the object.
    """

    #: The module the ``get_json`` method decodes with.
    json_module: t.Any = json

    #: The rule that matched, or ``None`` when matching failed.
    url_rule: Rule | None = None

    #: The values captured from the URL, or ``None`` when matching failed.
    view_args: dict[str, t.Any] | None = None

    #: The error matching raised (404, 405, a redirect), if any.
    routing_exception: HTTPException | None = None

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    def __init__(
        self,
        environ: WSGIEnvironment,
        populate_request: bool = True,
        shallow: bool = False,
    ) -> None:
        # The same attributes as werkzeug's constructor sets; the ones that
        # take work to compute are read from the environ on first use.
        self.environ = environ
        self.shallow = shallow
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.scheme = environ.get("wsgi.url_scheme", "http")
        self.remote_addr = environ.get("REMOTE_ADDR")
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    @_FromEnviron
    def server(environ: WSGIEnvironment) -> tuple[str, int | None] | None:
        """The server's ``(host, port)``, ``(path, None)`` for a unix socket,
        or ``None`` when the environ does not say."""
        name = environ.get("SERVER_NAME")
        if name is None:
            return None
        try:
            return name, int(environ["SERVER_PORT"])
        except (KeyError, TypeError, ValueError):
            return name, None

    @_FromEnviron
    def root_path(environ: WSGIEnvironment) -> str:
        """The prefix the app is mounted under, without a trailing slash."""
        return _wsgi_decode(environ.get("SCRIPT_NAME") or "").rstrip("/")

    @_FromEnviron
    def path(environ: WSGIEnvironment) -> str:
        """The path after :attr:`root_path`, always starting with ``/``."""
        return "/" + _wsgi_decode(environ.get("PATH_INFO") or "").lstrip("/")

    @_FromEnviron
    def query_string(environ: WSGIEnvironment) -> bytes:
        """The raw query string, after the ``?``."""
        query: str = environ.get("QUERY_STRING", "")
        return query.encode("latin1")

    @_FromEnviron
    def headers(environ: WSGIEnvironment) -> Headers:
        """The request headers, read from the environ."""
        return EnvironHeaders(environ)

    @property
    def max_content_length(self) -> int | None:
        """The largest body accepted, from ``MAX_CONTENT_LENGTH``; larger
        bodies get a 413."""
        if self._max_content_length is not None:
            return self._max_content_length
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return super().max_content_length
        return app_ctx.app.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest non-file form field, from ``MAX_FORM_MEMORY_SIZE``."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return super().max_form_memory_size
        return app_ctx.app.config["MAX_FORM_MEMORY_SIZE"]  # type: ignore[no-any-return]

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property  # type: ignore[override]
    def max_form_parts(self) -> int | None:
        """The most parts a multipart body may have, from
        ``MAX_FORM_PARTS``."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return super().max_form_parts
        return app_ctx.app.config["MAX_FORM_PARTS"]  # type: ignore[no-any-return]

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The cookies the client sent, parsed from the ``Cookie`` header."""
        headers = self.headers
        if type(headers) is EnvironHeaders:
            # What headers.getlist("Cookie") gives, without walking the whole
            # environ: a WSGI environ holds at most one HTTP_COOKIE value.
            value = self.environ.get("HTTP_COOKIE") or ""
        else:
            value = ";".join(headers.getlist("Cookie"))
        return parse_cookie(value, cls=self.dict_storage_class)  # type: ignore[return-value]

    @property
    def endpoint(self) -> str | None:
        """The endpoint that matched, or ``None``."""
        if self.url_rule is not None:
            return self.url_rule.endpoint  # type: ignore[no-any-return]
        return None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint the endpoint belongs to."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        return _split_blueprint_path(name)

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The body stream, limited to :attr:`max_content_length`; reading
        past the limit is a 413 error."""
        stream = super().stream
        limit = self.max_content_length
        if limit is not None and "wsgi.input_terminated" in self.environ:
            # The server ends the body (chunked encoding), so the stream is
            # cut at the limit; werkzeug's read() would stop there quietly
            # and return a truncated body, so check that nothing follows.
            return t.cast(
                t.IO[bytes], _MaxLengthStream(self.environ["wsgi.input"], limit)
            )
        return stream

    def make_form_data_parser(self) -> FormDataParser:
        """Create the form parser; it raises on a malformed body instead of
        returning an empty form, so the client gets a 400."""
        parser = super().make_form_data_parser()
        parser.silent = False
        return parser

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Raise a 400 for a body that is not the JSON it claims to be.

        Outside debug mode the parser's message (which quotes positions and
        characters of the body) is not sent back to the client.
        """
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as error:
            app_ctx = _cv_app.get(None)
            if app_ctx is not None and app_ctx.app.debug:
                raise
            raise BadRequest("The request body is not valid JSON.") from error

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except ValueError as e:
            # Later reads of form and files see empty data instead of
            # parsing the consumed stream again.
            empty = self.parameter_storage_class()
            self.__dict__.update(form=empty, files=empty)
            raise BadRequest(
                f"The {self.mimetype!r} request body could not be parsed"
                f" ({e}). Send a complete, well-formed body; for"
                " 'multipart/form-data', use the boundary given in the"
                " Content-Type header."
            ) from e
        # In debug mode, reading a missing file field from a form sent
        # without multipart encoding gets an error that explains why.
        app_ctx = _cv_app.get(None)
        if (
            app_ctx is not None
            and app_ctx.app.debug
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)


class _MaxLengthStream(LimitedStream):
    """A stream limited to ``max_content_length`` that raises 413 when the
    body goes on past the limit, also when read all at once."""

    def __init__(self, stream: t.IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._stream.read(1):
            raise RequestEntityTooLarge()
        return data


class Response(ResponseBase):
    """The response object; its default content type is HTML.

    Its cookie size limit comes from the current app's
    ``MAX_COOKIE_SIZE``.
    """

    default_mimetype: str | None = "text/html"

    #: The module the ``json`` property and ``get_json`` decode with.
    json_module: t.Any = json

    autocorrect_location_header = False

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """The largest cookie allowed before a warning, from
        ``MAX_COOKIE_SIZE``."""
        app_ctx = _cv_app.get(None)
        if app_ctx is not None:
            return app_ctx.app.config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
        return super().max_cookie_size

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass that encodes bodies its own way, or does not set the
        # length, takes werkzeug's general path.
        cls._fast_init = (
            cls.set_data is Response.set_data and cls.automatically_set_content_length
        )

    _fast_init = True

    def __init__(
        self,
        response: t.Iterable[bytes] | bytes | t.Iterable[str] | str | None = None,
        status: int | str | HTTPStatus | None = None,
        headers: t.Mapping[str, str | t.Iterable[str]]
        | t.Iterable[tuple[str, str]]
        | None = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        body_type = type(response)
        if (
            (body_type is str or body_type is bytes)
            and headers is None
            and content_type is None
            and not direct_passthrough
            and self._fast_init
        ):
            # What views return most: a text or bytes body. The result is
            # the same as werkzeug's constructor, built without its general
            # header and status handling.
            if mimetype is None:
                mimetype = self.default_mimetype
            if mimetype is not None:
                body: bytes = response.encode() if body_type is str else response  # type: ignore[union-attr,assignment]
                new_headers = Headers()
                new_headers._list = [
                    (
                        "Content-Type",
                        _content_types.get(mimetype) or _content_type(mimetype),
                    ),
                    ("Content-Length", str(len(body))),
                ]
                self.headers = new_headers
                if status is None:
                    status = self.default_status
                if status == 200:
                    self._status = "200 OK"
                    self._status_code = 200
                else:
                    self.status = status
                self.direct_passthrough = False
                self._on_close = []
                self.response = [body]
                return
        super().__init__(
            response, status, headers, mimetype, content_type, direct_passthrough
        )

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Send the response as a WSGI application.

        A buffered body with a plain status, as views return most, is sent
        without werkzeug's general checks; the status line, headers and body
        are the same.
        """
        body = self.response
        status = self._status_code
        if (
            type(body) is list
            and not self._on_close
            and not self.direct_passthrough
            and status >= 200
            and status != 204
            and status != 304
            and environ["REQUEST_METHOD"] != "HEAD"
        ):
            headers = []
            has_length = False
            for item in self.headers:
                name = item[0].lower()
                if name == "content-length":
                    has_length = True
                elif name == "location" or name == "content-location":
                    # werkzeug rewrites these as URIs; let it.
                    break
                headers.append(item)
            else:
                for chunk in body:
                    if type(chunk) is not bytes:
                        break
                else:
                    if not has_length and self.automatically_set_content_length:
                        headers.append(("Content-Length", str(sum(map(len, body)))))
                    start_response(self._status, headers)
                    return body
        return super().__call__(environ, start_response)

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """The headers to send; a ``204 No Content`` response sends no
        ``Content-Type``, since it has no content to describe (and WSGI
        validators reject one)."""
        headers = super().get_wsgi_headers(environ)
        if self.status_code == 204:
            headers.remove("Content-Type")
        return headers


def _wsgi_decode(value: str) -> str:
    """Decode a WSGI string (UTF-8 bytes carried as latin-1) like werkzeug."""
    return value.encode("latin1").decode(errors="replace")


_content_types: dict[str, str] = {}


def _content_type(mimetype: str) -> str:
    """The Content-Type for a mimetype, with a charset for text types."""
    content_type = _content_types.get(mimetype)
    if content_type is None:
        content_type = get_content_type(mimetype, "utf-8")
        if len(_content_types) < 256:
            _content_types[mimetype] = content_type
    return content_type
