from __future__ import annotations

import collections
import logging
import os
import subprocess
import sys
import typing as t

import pytest
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response as BaseResponse

from vial import abort
from vial import got_request_exception
from vial import make_response
from vial import redirect
from vial import request
from vial import Response
from vial import Vial
from vial.testing import VialClient

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

# -- return values ---------------------------------------------------------------


def _serve(app: Vial, value: t.Any) -> t.Any:
    @app.route("/")
    def index() -> t.Any:
        return value

    return app.test_client().get("/")


def test_return_str(app: Vial) -> None:
    rv = _serve(app, "héllo")
    assert rv.status_code == 200
    assert rv.data == "héllo".encode()
    assert rv.content_type == "text/html; charset=utf-8"


def test_return_bytes(app: Vial) -> None:
    rv = _serve(app, b"\x00bytes")
    assert rv.data == b"\x00bytes"
    assert rv.mimetype == "text/html"


def test_return_bytearray(app: Vial) -> None:
    assert _serve(app, bytearray(b"ba")).data == b"ba"


def test_return_dict_is_json(app: Vial) -> None:
    rv = _serve(app, {"a": 1, "b": [1, 2]})
    assert rv.mimetype == "application/json"
    assert rv.get_json() == {"a": 1, "b": [1, 2]}


def test_return_list_is_json(app: Vial) -> None:
    rv = _serve(app, [1, "two", None])
    assert rv.mimetype == "application/json"
    assert rv.get_json() == [1, "two", None]


def test_return_generator_is_streamed(app: Vial) -> None:
    events: list[str] = []

    @app.route("/")
    def index() -> t.Iterator[str]:
        def generate() -> t.Iterator[str]:
            for part in ("a", "b", "c"):
                events.append(part)
                yield part

        return generate()

    @app.after_request
    def finished(response: Response) -> Response:
        events.append("response finished")
        return response

    rv = app.test_client().get("/", buffered=False)
    try:
        assert rv.is_streamed
        assert "Content-Length" not in rv.headers
        assert rv.get_data() == b"abc"
        # The body was produced after the response had been built.
        assert events == ["response finished", "a", "b", "c"]
    finally:
        rv.close()


def test_return_iterator_of_bytes(app: Vial) -> None:
    assert _serve(app, iter([b"x", b"y"])).data == b"xy"


def test_return_response_object_unchanged(app: Vial) -> None:
    response = Response("custom", status=202, mimetype="text/plain")
    seen: list[Response] = []

    @app.after_request
    def capture(rv: Response) -> Response:
        seen.append(rv)
        return rv

    rv = _serve(app, response)
    assert rv.status_code == 202
    assert rv.data == b"custom"
    assert seen == [response]


def test_return_werkzeug_response_is_converted(app: Vial) -> None:
    seen: list[object] = []

    @app.after_request
    def capture(rv: Response) -> Response:
        seen.append(rv)
        return rv

    rv = _serve(app, BaseResponse("plain", status=201))
    assert rv.status_code == 201
    assert rv.data == b"plain"
    assert type(seen[0]) is Response


def test_return_response_subclass_kept(app: Vial) -> None:
    class MyResponse(Response):
        pass

    seen: list[object] = []

    @app.after_request
    def capture(rv: Response) -> Response:
        seen.append(rv)
        return rv

    _serve(app, MyResponse("sub"))
    assert type(seen[0]) is MyResponse


def test_return_wsgi_callable(app: Vial) -> None:
    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        start_response("201 CREATED", [("Content-Type", "text/plain")])
        return [b"from ", environ["PATH_INFO"].encode()]

    rv = _serve(app, wsgi)
    assert rv.status_code == 201
    assert rv.data == b"from /"
    assert rv.mimetype == "text/plain"


def test_return_http_exception(app: Vial) -> None:
    rv = _serve(app, NotFound("gone away"))
    assert rv.status_code == 404
    assert b"gone away" in rv.data


@pytest.mark.parametrize(
    ("value", "status", "headers"),
    [
        (("created", 201), 201, {}),
        (("created", "201 CREATED"), 201, {}),
        (("odd", "299 ODD"), 299, {}),
        (("h", {"X-A": "1"}), 200, {"X-A": "1"}),
        (("h", [("X-A", "1"), ("X-B", "2")]), 200, {"X-A": "1", "X-B": "2"}),
        (("h", Headers({"X-A": "1"})), 200, {"X-A": "1"}),
        (("h", (("X-A", "1"),)), 200, {"X-A": "1"}),
        (("both", 202, {"X-A": "1"}), 202, {"X-A": "1"}),
        (("both", 203, [("X-A", "1")]), 203, {"X-A": "1"}),
        (({"json": True}, 201), 201, {}),
        (([1, 2], 201, {"X-A": "1"}), 201, {"X-A": "1"}),
    ],
)
def test_return_tuples(
    app: Vial, value: tuple[t.Any, ...], status: int, headers: dict[str, str]
) -> None:
    rv = _serve(app, value)
    assert rv.status_code == status
    for key, header in headers.items():
        assert rv.headers[key] == header


def test_return_tuple_status_overrides_response(app: Vial) -> None:
    rv = _serve(app, (Response("r", status=200, headers={"X-A": "1"}), 404))
    assert rv.status_code == 404
    assert rv.headers["X-A"] == "1"


def test_return_tuple_headers_added_to_response(app: Vial) -> None:
    rv = _serve(app, (Response("r", headers={"X-A": "1"}), 202, {"X-B": "2"}))
    assert rv.status_code == 202
    assert rv.headers["X-A"] == "1"
    assert rv.headers["X-B"] == "2"


def test_return_tuple_headers_replace_same_name(app: Vial) -> None:
    rv = _serve(app, (Response("r", mimetype="text/plain"), {"Content-Type": "x/y"}))
    assert rv.headers.getlist("Content-Type") == ["x/y"]


def test_return_namedtuple(app: Vial) -> None:
    Result = collections.namedtuple("Result", "body status")
    rv = _serve(app, Result("named", 201))
    assert rv.status_code == 201
    assert rv.data == b"named"


def test_return_status_204(app: Vial) -> None:
    rv = _serve(app, ("", 204))
    assert rv.status_code == 204
    assert rv.data == b""
    # Nothing to describe: no Content-Type, which WSGI validators reject.
    assert "Content-Type" not in rv.headers
    assert "Content-Length" not in rv.headers


@pytest.mark.parametrize("value", [(), ("a",), ("a", 200, {}, "extra")])
def test_return_tuple_of_wrong_size(app: Vial, value: tuple[t.Any, ...]) -> None:
    with pytest.raises(TypeError, match=r"tuple of the wrong size"):
        _serve(app, value)


def test_return_none(app: Vial) -> None:
    with pytest.raises(TypeError, match=r"'index' returned None.*missing 'return'"):
        _serve(app, None)


def test_return_none_in_tuple(app: Vial) -> None:
    with pytest.raises(TypeError, match="returned None"):
        _serve(app, (None, 200))


@pytest.mark.parametrize("value", [42, 1.5, object(), {1, 2}])
def test_return_invalid_type(app: Vial, value: object) -> None:
    name = type(value).__name__
    with pytest.raises(TypeError, match=rf"returned a {name}, which is not a valid"):
        _serve(app, value)


def test_return_bad_wsgi_callable(app: Vial) -> None:
    def not_wsgi() -> str:
        return "takes no arguments"

    with pytest.raises(TypeError, match="could not be called"):
        _serve(app, not_wsgi)


def test_invalid_return_is_500_without_propagation(app: Vial) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert _serve(app, 42).status_code == 500


def test_app_make_response_directly(app: Vial, req_ctx: t.Any) -> None:
    rv = app.make_response(("body", 201, {"X-A": "1"}))
    assert isinstance(rv, Response)
    assert rv.status_code == 201
    assert rv.headers["X-A"] == "1"
    assert app.make_response({"a": 1}).json == {"a": 1}


# -- make_response, redirect, abort ----------------------------------------------


def test_make_response_helper(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> Response:
        response = make_response("text", 201)
        response.headers["X-Extra"] = "yes"
        return response

    rv = client.get("/")
    assert rv.status_code == 201
    assert rv.text == "text"
    assert rv.headers["X-Extra"] == "yes"


def test_make_response_forms(app: Vial, req_ctx: t.Any) -> None:
    empty = make_response()
    assert isinstance(empty, Response)
    assert empty.status_code == 200
    assert empty.data == b""
    assert make_response("x").data == b"x"
    assert make_response(("x", 404)).status_code == 404
    both = make_response("x", 418, {"X-A": "b"})
    assert both.status_code == 418
    assert both.headers["X-A"] == "b"
    assert make_response({"k": "v"}).json == {"k": "v"}
    existing = Response("r")
    assert make_response(existing) is existing


def test_make_response_uses_app_response_class(app: Vial) -> None:
    class MyResponse(Response):
        pass

    app.response_class = MyResponse
    with app.app_context():
        assert type(make_response()) is MyResponse
        assert type(make_response("x")) is MyResponse


def test_make_response_needs_app_context() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        make_response("x")


def test_redirect(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> t.Any:
        return redirect("/target")

    @app.route("/permanent")
    def permanent() -> t.Any:
        return redirect("/target", 301)

    rv = client.get("/")
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/target"
    assert client.get("/permanent").status_code == 301


def test_redirect_uses_app_redirect(app: Vial) -> None:
    calls: list[tuple[str, int]] = []

    class MyApp(Vial):
        def redirect(self, location: str, code: int = 302) -> BaseResponse:
            calls.append((location, code))
            return super().redirect(location, code)

    custom = MyApp("custom")
    with custom.app_context():
        rv = redirect("/x", 303)
    assert calls == [("/x", 303)]
    assert rv.status_code == 303


def test_app_redirect_uses_response_class(app: Vial) -> None:
    class MyResponse(Response):
        pass

    app.response_class = MyResponse
    rv = app.redirect("/there", 307)
    assert type(rv) is MyResponse
    assert rv.status_code == 307
    assert rv.location == "/there"


def test_redirect_outside_app_context() -> None:
    rv = redirect("/out")
    assert rv.status_code == 302
    assert rv.location == "/out"

    class Custom(BaseResponse):
        pass

    assert type(redirect("/out", Response=Custom)) is Custom


@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 409, 418, 429, 500, 503])
def test_abort_codes(app: Vial, client: VialClient, code: int) -> None:
    @app.route("/")
    def index() -> str:
        abort(code)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/").status_code == code


def test_abort_description(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(403, description="Members only.")

    rv = client.get("/")
    assert rv.status_code == 403
    assert b"Members only." in rv.data


def test_abort_with_response(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(Response("teapot body", status=418, headers={"X-T": "1"}))

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.data == b"teapot body"
    assert rv.headers["X-T"] == "1"


def test_abort_unknown_code(app: Vial, req_ctx: t.Any) -> None:
    with pytest.raises(LookupError):
        abort(299)


def test_abort_outside_app_context() -> None:
    with pytest.raises(NotFound):
        abort(404)


def test_app_aborter_mapping(app: Vial, client: VialClient) -> None:
    class PaymentRequired(HTTPException):
        code = 402
        description = "Pay first."

    app.aborter.mapping[402] = PaymentRequired

    @app.route("/")
    def index() -> str:
        abort(402)

    rv = client.get("/")
    assert rv.status_code == 402
    assert b"Pay first." in rv.data


def test_aborter_class(app: Vial) -> None:
    from werkzeug.exceptions import Aborter

    calls: list[int] = []

    class MyAborter(Aborter):
        def __call__(self, code: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
            calls.append(code)
            super().__call__(code, *args, **kwargs)

    class MyApp(Vial):
        aborter_class = MyAborter

    custom = MyApp("custom")
    assert isinstance(custom.aborter, MyAborter)
    with custom.app_context(), pytest.raises(Forbidden):
        abort(403)
    assert calls == [403]


def test_aborters_are_per_app() -> None:
    one, two = Vial("one"), Vial("two")

    class Special(HTTPException):
        code = 499

    one.aborter.mapping[499] = Special
    with one.app_context(), pytest.raises(Special):
        abort(499)
    with two.app_context(), pytest.raises(LookupError):
        abort(499)


# -- errors ----------------------------------------------------------------------


def _failing_app(app: Vial, error: BaseException | None = None) -> None:
    @app.route("/")
    def index() -> str:
        raise error or ZeroDivisionError("boom")


def test_unhandled_exception_is_500(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)
    rv = client.get("/")
    assert rv.status_code == 500
    assert b"Internal Server Error" in rv.data
    assert b"boom" not in rv.data


def test_unhandled_exception_is_logged(
    app: Vial, client: VialClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)
    with caplog.at_level(logging.ERROR, logger="testapp"):
        client.get("/")
    (record,) = [r for r in caplog.records if r.name == "testapp"]
    assert record.getMessage() == "Exception on / [GET]"
    assert record.exc_info is not None
    assert record.exc_info[0] is ZeroDivisionError


def test_got_request_exception_on_500(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)
    received: list[tuple[object, BaseException]] = []

    def receiver(sender: object, exception: BaseException, **extra: t.Any) -> None:
        received.append((sender, exception))

    with got_request_exception.connected_to(receiver, app):
        client.get("/")
    ((sender, exc),) = received
    assert sender is app
    assert isinstance(exc, ZeroDivisionError)


def test_testing_propagates_exceptions(app: Vial, client: VialClient) -> None:
    _failing_app(app)
    with pytest.raises(ZeroDivisionError, match="boom"):
        client.get("/")


def test_debug_propagates_exceptions(app: Vial, client: VialClient) -> None:
    app.testing = False
    app.debug = True
    _failing_app(app)
    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_propagate_exceptions_true(app: Vial, client: VialClient) -> None:
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = True
    _failing_app(app)
    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_no_propagation_by_default_in_production(app: Vial, client: VialClient) -> None:
    app.testing = False
    _failing_app(app)
    assert client.get("/").status_code == 500


def test_propagated_exception_still_sends_signal(app: Vial, client: VialClient) -> None:
    _failing_app(app)
    received: list[BaseException] = []

    def receiver(sender: object, exception: BaseException, **extra: t.Any) -> None:
        received.append(exception)

    with (
        got_request_exception.connected_to(receiver, app),
        pytest.raises(ZeroDivisionError),
    ):
        client.get("/")
    assert len(received) == 1


def test_500_handler_gets_original_exception(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)
    seen: list[InternalServerError] = []

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        seen.append(e)
        return f"sorry: {type(e.original_exception).__name__}", 500

    rv = client.get("/")
    assert rv.status_code == 500
    assert rv.text == "sorry: ZeroDivisionError"
    assert isinstance(seen[0], InternalServerError)
    assert isinstance(seen[0].original_exception, ZeroDivisionError)


def test_500_handler_by_class(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)

    @app.errorhandler(InternalServerError)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        return "by class", 500

    assert client.get("/").text == "by class"


def test_500_handler_for_abort_500(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        abort(500)

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        return f"original={e.original_exception!r}", 500

    assert client.get("/").text == "original=None"


def test_500_handler_result_is_finalized(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)

    @app.errorhandler(500)
    def server_error(e: InternalServerError) -> tuple[str, int]:
        return "handled", 500

    @app.after_request
    def mark(response: Response) -> Response:
        response.headers["X-After"] = "yes"
        return response

    rv = client.get("/")
    assert rv.headers["X-After"] == "yes"


def test_after_request_error_while_handling_500(
    app: Vial, client: VialClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)

    @app.after_request
    def broken(response: Response) -> Response:
        raise RuntimeError("after failed")

    with caplog.at_level(logging.ERROR, logger="testapp"):
        rv = client.get("/")
    assert rv.status_code == 500
    messages = [r.getMessage() for r in caplog.records if r.name == "testapp"]
    assert "Exception on / [GET]" in messages
    assert any("earlier error" in message for message in messages)


def test_exception_handler_by_class(app: Vial, client: VialClient) -> None:
    _failing_app(app)

    @app.errorhandler(ZeroDivisionError)
    def handle(e: ZeroDivisionError) -> tuple[str, int]:
        return f"handled {e}", 418

    rv = client.get("/")
    assert rv.status_code == 418
    assert rv.text == "handled boom"


def test_most_specific_exception_handler_wins(app: Vial, client: VialClient) -> None:
    @app.errorhandler(LookupError)
    def lookup(e: LookupError) -> str:
        return "lookup"

    @app.errorhandler(KeyError)
    def key(e: KeyError) -> str:
        return "key"

    @app.errorhandler(Exception)
    def anything(e: Exception) -> str:
        return "exception"

    @app.route("/key")
    def raise_key() -> str:
        raise KeyError("k")

    @app.route("/index")
    def raise_index() -> str:
        raise IndexError("i")

    @app.route("/value")
    def raise_value() -> str:
        raise ValueError("v")

    assert client.get("/key").text == "key"
    assert client.get("/index").text == "lookup"
    assert client.get("/value").text == "exception"


def test_exception_handler_catches_http_exceptions(
    app: Vial, client: VialClient
) -> None:
    @app.errorhandler(Exception)
    def anything(e: Exception) -> tuple[str, int]:
        return f"caught {type(e).__name__}", 500

    assert client.get("/missing").text == "caught NotFound"


def test_http_exception_handler(app: Vial, client: VialClient) -> None:
    @app.errorhandler(HTTPException)
    def http(e: HTTPException) -> tuple[str, int]:
        return f"http {e.code}", t.cast(int, e.code)

    @app.route("/")
    def index() -> str:
        abort(409)

    assert client.get("/").text == "http 409"
    assert client.get("/missing").text == "http 404"


def test_code_handler_beats_class_handler(app: Vial, client: VialClient) -> None:
    @app.errorhandler(HTTPException)
    def generic(e: HTTPException) -> str:
        return "generic"

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return "404 handler", 404

    assert client.get("/missing").text == "404 handler"


def test_code_and_class_handlers_are_the_same_key(app: Vial) -> None:
    def first(e: Exception) -> str:
        return "first"

    def second(e: Exception) -> str:
        return "second"

    app.register_error_handler(404, first)
    app.register_error_handler(NotFound, second)
    assert app.error_handler_spec[None][404] == {NotFound: second}


def test_404_and_405_handlers(app: Vial, client: VialClient) -> None:
    @app.post("/only-post")
    def only_post() -> str:
        return "post"

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[dict[str, str], int]:
        return {"error": "not found", "path": request.path}, 404

    @app.errorhandler(405)
    def not_allowed(e: HTTPException) -> tuple[str, int]:
        return "no", 405

    rv = client.get("/nope")
    assert rv.status_code == 404
    assert rv.get_json() == {"error": "not found", "path": "/nope"}
    assert client.get("/only-post").text == "no"


def test_subclass_of_http_exception_uses_code_handler(
    app: Vial, client: VialClient
) -> None:
    class UserNotFound(NotFound):
        description = "No such user."

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return f"{type(e).__name__}: {e.description}", 404

    @app.route("/")
    def index() -> str:
        raise UserNotFound()

    assert client.get("/").text == "UserNotFound: No such user."


class _Unavailable(HTTPException):
    code = 599
    description = "Custom unavailable."


def test_custom_http_exception_code(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        raise _Unavailable()

    rv = client.get("/")
    assert rv.status_code == 599
    assert b"Custom unavailable." in rv.data


def test_custom_http_exception_handler(app: Vial, client: VialClient) -> None:
    @app.errorhandler(_Unavailable)
    def handle(e: _Unavailable) -> tuple[str, int]:
        return "handled custom", 599

    @app.route("/")
    def view() -> str:
        raise _Unavailable()

    assert client.get("/").text == "handled custom"


def test_http_exceptions_without_handler_become_responses(
    app: Vial, client: VialClient
) -> None:
    @app.route("/")
    def index() -> str:
        raise Forbidden()

    rv = client.get("/")
    assert rv.status_code == 403
    assert b"Forbidden" in rv.data


def test_routing_redirects_skip_error_handlers(app: Vial, client: VialClient) -> None:
    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    @app.errorhandler(RequestRedirect)
    def handler(e: Exception) -> str:
        raise AssertionError("Routing redirects are not errors.")

    assert client.get("/dir").status_code == 308


def test_exception_in_error_handler_is_500(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(404)
    def broken(e: NotFound) -> str:
        raise ValueError("handler broke")

    assert client.get("/missing").status_code == 500


def test_exception_in_error_handler_propagates_in_testing(
    app: Vial, client: VialClient
) -> None:
    @app.errorhandler(404)
    def broken(e: NotFound) -> str:
        raise ValueError("handler broke")

    with pytest.raises(ValueError, match="handler broke"):
        client.get("/missing")


def test_exception_in_500_handler(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _failing_app(app)

    @app.errorhandler(500)
    def broken(e: Exception) -> str:
        raise ValueError("500 handler broke")

    with pytest.raises(ValueError, match="500 handler broke"):
        client.get("/")


def test_error_handler_may_return_any_response_value(
    app: Vial, client: VialClient
) -> None:
    @app.errorhandler(KeyError)
    def handle(e: KeyError) -> Response:
        return Response("resp", status=422)

    @app.route("/")
    def index() -> str:
        raise KeyError("x")

    rv = client.get("/")
    assert rv.status_code == 422
    assert rv.text == "resp"


def test_trap_http_exceptions(app: Vial, client: VialClient) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.route("/")
    def index() -> str:
        abort(404)

    with pytest.raises(NotFound):
        client.get("/")
    with pytest.raises(NotFound):
        client.get("/missing")


def test_trap_http_exceptions_still_uses_handlers(
    app: Vial, client: VialClient
) -> None:
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return "handled", 404

    assert client.get("/missing").text == "handled"


def test_trapped_http_exception_is_500_without_propagation(
    app: Vial, client: VialClient
) -> None:
    app.config.update(TRAP_HTTP_EXCEPTIONS=True, PROPAGATE_EXCEPTIONS=False)
    assert client.get("/missing").status_code == 500


def _form_key_app(app: Vial) -> None:
    @app.post("/")
    def index() -> str:
        return request.form["missing"]


def test_bad_form_key_is_400(app: Vial, client: VialClient) -> None:
    _form_key_app(app)
    rv = client.post("/", data={"other": "x"})
    assert rv.status_code == 400
    assert b"missing" not in rv.data


def test_trap_bad_request_errors(app: Vial, client: VialClient) -> None:
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    _form_key_app(app)
    with pytest.raises(BadRequestKeyError) as exc_info:
        client.post("/", data={"other": "x"})
    assert "KeyError: 'missing'" in str(exc_info.value)


def test_trap_bad_request_errors_traps_all_bad_requests(
    app: Vial, client: VialClient
) -> None:
    from werkzeug.exceptions import BadRequest

    app.config["TRAP_BAD_REQUEST_ERRORS"] = True

    @app.route("/")
    def index() -> str:
        abort(400)

    with pytest.raises(BadRequest):
        client.get("/")


def test_debug_traps_bad_form_keys(app: Vial, client: VialClient) -> None:
    app.debug = True
    _form_key_app(app)
    with pytest.raises(BadRequestKeyError, match="KeyError: 'missing'"):
        client.post("/", data={"other": "x"})


def test_debug_bad_form_key_message(app: Vial, client: VialClient) -> None:
    # Not trapped, but debug mode shows the missing key in the 400 page.
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)
    _form_key_app(app)
    rv = client.post("/", data={"other": "x"})
    assert rv.status_code == 400
    assert b"KeyError: &#39;missing&#39;" in rv.data


def test_trap_bad_request_errors_false_in_debug(app: Vial, client: VialClient) -> None:
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)

    @app.route("/")
    def index() -> str:
        abort(400)

    assert client.get("/").status_code == 400


def test_should_ignore_error(app: Vial, client: VialClient) -> None:
    seen: list[BaseException | None] = []

    class MyApp(Vial):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return isinstance(error, ZeroDivisionError)

    custom = MyApp("custom")
    custom.config["PROPAGATE_EXCEPTIONS"] = False

    @custom.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @custom.route("/zero")
    def zero() -> str:
        raise ZeroDivisionError()

    @custom.route("/value")
    def value() -> str:
        raise ValueError()

    c = custom.test_client()
    assert c.get("/zero").status_code == 500
    assert c.get("/value").status_code == 500
    assert seen[0] is None
    assert isinstance(seen[1], ValueError)


def test_base_exception_is_not_handled(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    torn_down: list[BaseException | None] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        torn_down.append(exc)

    @app.route("/")
    def index() -> str:
        raise KeyboardInterrupt()

    with pytest.raises(KeyboardInterrupt):
        client.get("/")
    assert isinstance(torn_down[0], KeyboardInterrupt)


# -- WSGI ------------------------------------------------------------------------


def test_app_is_wsgi_callable(app: Vial) -> None:
    from werkzeug.test import create_environ
    from werkzeug.test import run_wsgi_app

    @app.route("/")
    def index() -> str:
        return "wsgi"

    app_iter, status, _ = run_wsgi_app(app, create_environ("/"))
    assert status == "200 OK"
    assert b"".join(app_iter) == b"wsgi"
    t.cast(t.Any, app_iter).close()


def test_wsgi_middleware_wraps_wsgi_app(app: Vial, client: VialClient) -> None:
    inner = app.wsgi_app

    def middleware(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        environ["HTTP_X_FROM_MIDDLEWARE"] = "yes"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]

    @app.route("/")
    def index() -> str:
        return request.headers["X-From-Middleware"]

    assert client.get("/").text == "yes"


def test_debugger_preserve_context_hook(app: Vial) -> None:
    from werkzeug.test import create_environ
    from werkzeug.test import run_wsgi_app

    from vial.ctx import AppContext
    from vial.ctx import RequestContext

    @app.route("/")
    def index() -> str:
        return "ok"

    preserved: list[object] = []
    environ = create_environ("/")
    environ["werkzeug.debug.preserve_context"] = preserved.append
    _, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status == "200 OK"
    # Werkzeug's debugger gets both contexts, to re-enter them in its console.
    assert [type(ctx) for ctx in preserved] == [AppContext, RequestContext]
    assert t.cast(RequestContext, preserved[1]).request.path == "/"


def test_request_context_override_is_used(app: Vial) -> None:
    from vial.ctx import RequestContext
    from vial.globals import request_ctx

    class MyContext(RequestContext):
        pass

    class MyApp(Vial):
        def request_context(self, environ: WSGIEnvironment) -> RequestContext:
            return MyContext(self, environ)

    custom = MyApp("custom")

    @custom.route("/")
    def index() -> str:
        return type(request_ctx._get_current_object()).__name__  # type: ignore[attr-defined]

    assert custom.test_client().get("/").text == "MyContext"


def test_custom_request_and_response_classes(app: Vial) -> None:
    from vial import Request

    class MyRequest(Request):
        special = "yes"

    class MyResponse(Response):
        pass

    class MyApp(Vial):
        request_class = MyRequest
        response_class = MyResponse

    custom = MyApp("custom")
    seen: list[object] = []

    @custom.route("/")
    def index() -> str:
        return t.cast(MyRequest, request).special

    @custom.after_request
    def capture(response: Response) -> Response:
        seen.append(response)
        return response

    assert custom.test_client().get("/").text == "yes"
    assert type(seen[0]) is MyResponse


# -- imports ---------------------------------------------------------------------


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def test_import_vial_does_not_import_click_or_jinja() -> None:
    result = _run_python(
        "import vial, sys\n"
        "assert 'click' not in sys.modules, 'click'\n"
        "assert 'jinja2' not in sys.modules, 'jinja2'\n"
    )
    assert result.returncode == 0, result.stderr


def test_serving_a_request_does_not_import_click() -> None:
    result = _run_python(
        "import sys\n"
        "from werkzeug.test import create_environ, run_wsgi_app\n"
        "from vial import Vial, request, session, jsonify\n"
        "app = Vial('served')\n"
        "app.secret_key = 'k'\n"
        "@app.route('/<name>')\n"
        "def index(name):\n"
        "    session['name'] = name\n"
        "    return jsonify(name=name, args=request.args)\n"
        "@app.errorhandler(404)\n"
        "def missing(e):\n"
        "    return {'error': 'missing'}, 404\n"
        "for path in ('/ann', '/'):\n"
        "    it, status, headers = run_wsgi_app(app, create_environ(path))\n"
        "    b''.join(it)\n"
        "assert 'click' not in sys.modules, 'click'\n"
    )
    assert result.returncode == 0, result.stderr


# -- Error pages are werkzeug's, whatever path builds them --------------------------


class _Custom404(NotFound):
    def get_body(self, environ: t.Any = None, scope: t.Any = None) -> str:
        return "custom body"


@pytest.mark.parametrize(
    "error",
    [
        NotFound(),
        NotFound("A <b>described</b>\nerror."),
        Forbidden(),
        _Custom404(),
        BadRequestKeyError("missing"),
        InternalServerError(),
    ],
)
def test_error_response_matches_werkzeug(app: Vial, error: HTTPException) -> None:
    from werkzeug.test import create_environ

    environ = create_environ("/")
    with app.test_request_context("/"):
        ours = app.make_response(error)
        theirs = error.get_response(environ)
    assert ours.status == theirs.status
    assert list(ours.headers) == list(theirs.headers)
    assert ours.get_data() == theirs.get_data()
    # Twice, so a remembered page is checked too.
    with app.test_request_context("/"):
        again = app.make_response(error)
    assert again.get_data() == theirs.get_data()


def test_each_description_gets_its_own_error_page(app: Vial) -> None:
    @app.route("/thing/<int:n>")
    def thing(n: int) -> str:
        abort(404, f"No thing number {n}.")

    client = app.test_client()
    assert b"No thing number 1." in client.get("/thing/1").data
    assert b"No thing number 2." in client.get("/thing/2").data


def test_method_not_allowed_keeps_its_allow_header(app: Vial) -> None:
    @app.post("/only-post")
    def only_post() -> str:
        return "posted"

    response = app.test_client().get("/only-post")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


# -- teardown ------------------------------------------------------------------


def test_every_teardown_function_runs_when_one_fails(
    app: Vial, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[str] = []

    def failing(name: str) -> t.Callable[[BaseException | None], None]:
        def teardown(exc: BaseException | None) -> None:
            ran.append(name)
            raise RuntimeError(f"{name} failed")

        return teardown

    app.teardown_request(lambda exc: ran.append("request first"))
    app.teardown_request(failing("request second"))
    app.teardown_request(failing("request third"))

    ctx = app.test_request_context()
    ctx.push()
    with pytest.raises(RuntimeError, match="request third failed"):
        ctx.pop()
    # Registered last, run first; the first error is raised once all have
    # run, the others are logged.
    assert ran == ["request third", "request second", "request first"]
    assert "request second failed" in caplog.text

    ran.clear()
    app.teardown_appcontext(lambda exc: ran.append("app first"))
    app.teardown_appcontext(failing("app second"))
    app_ctx = app.app_context()
    app_ctx.push()
    with pytest.raises(RuntimeError, match="app second failed"):
        app_ctx.pop()
    assert ran == ["app second", "app first"]


def test_teardown_appcontext_once_when_a_handler_answered(
    app: Vial, client: VialClient
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = True
    seen: list[BaseException | None] = []
    app.teardown_appcontext(seen.append)

    @app.route("/")
    def index() -> str:
        raise KeyError("boom")

    @app.errorhandler(KeyError)
    def handled(e: KeyError) -> tuple[str, int]:
        return "handled", 409

    assert client.get("/").status_code == 409
    assert seen == [None]
    with app.app_context():
        assert client.get("/").status_code == 409
        # The request used the pushed context; nothing is torn down yet.
        assert seen == [None]
    assert seen == [None, None]


# -- log_exception ---------------------------------------------------------------


def test_log_exception_overridden_with_flask_32_signature(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[t.Any] = []

    class NewStyle(Vial):
        def log_exception(self, ctx: t.Any, exc_info: t.Any) -> None:
            seen.append((ctx.request.path, exc_info[0]))
            super().log_exception(ctx, exc_info)

    class OldStyle(Vial):
        def log_exception(self, exc_info: t.Any) -> None:
            seen.append(exc_info[0])
            super().log_exception(exc_info)

    for cls in (NewStyle, OldStyle):
        app = cls("logging_app")

        @app.route("/fail")
        def fail() -> str:
            raise ValueError("boom")

        assert app.test_client().get("/fail").status_code == 500
    assert seen == [("/fail", ValueError), ValueError]
    # Both reached vial's own logging through super().
    assert caplog.text.count("Exception on /fail [GET]") == 2
