from __future__ import annotations

import io
import json
import typing as t

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound

from vial import abort
from vial import Blueprint
from vial import jsonify
from vial import make_response
from vial import redirect
from vial import request
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial.wrappers import Request
from vial.wrappers import Response

# -- What routing found out -----------------------------------------------------


def test_request_routing_attributes(app: Vial, client: VialClient) -> None:
    @app.get("/users/<int:user_id>")
    def user(user_id: int) -> ResponseReturnValue:
        assert request.url_rule is not None
        return {
            "rule": request.url_rule.rule,
            "view_args": request.view_args,
            "endpoint": request.endpoint,
            "blueprint": request.blueprint,
            "blueprints": request.blueprints,
            "error": request.routing_exception is not None,
        }

    assert client.get("/users/7").json == {
        "rule": "/users/<int:user_id>",
        "view_args": {"user_id": 7},
        "endpoint": "user",
        "blueprint": None,
        "blueprints": [],
        "error": False,
    }


def test_request_blueprint_attributes_nested(app: Vial, client: VialClient) -> None:
    parent = Blueprint("shop", __name__, url_prefix="/shop")
    child = Blueprint("cart", __name__, url_prefix="/cart")

    @child.get("/<item>")
    def item(item: str) -> ResponseReturnValue:
        return {
            "endpoint": request.endpoint,
            "blueprint": request.blueprint,
            "blueprints": request.blueprints,
            "view_args": request.view_args,
        }

    @parent.get("/")
    def index() -> ResponseReturnValue:
        return {"blueprint": request.blueprint, "blueprints": request.blueprints}

    parent.register_blueprint(child)
    app.register_blueprint(parent)

    assert client.get("/shop/cart/apple").json == {
        "endpoint": "shop.cart.item",
        "blueprint": "shop.cart",
        "blueprints": ["shop.cart", "shop"],
        "view_args": {"item": "apple"},
    }
    assert client.get("/shop/").json == {"blueprint": "shop", "blueprints": ["shop"]}


def test_request_routing_exception(app: Vial, client: VialClient) -> None:
    seen: list[tuple[type[HTTPException], t.Any, t.Any, t.Any]] = []

    @app.get("/only-get")
    def only_get() -> ResponseReturnValue:
        return "ok"

    @app.errorhandler(404)
    @app.errorhandler(405)
    def routing_error(e: HTTPException) -> ResponseReturnValue:
        exc = request.routing_exception
        assert exc is e
        seen.append((type(exc), request.url_rule, request.endpoint, request.view_args))
        return "routing failed", t.cast(int, e.code)

    assert client.get("/nowhere").status_code == 404
    assert client.post("/only-get").status_code == 405
    assert seen == [(NotFound, None, None, None), (MethodNotAllowed, None, None, None)]


def test_request_attributes_without_routing(app: Vial) -> None:
    with app.test_request_context("/not-routed"):
        assert isinstance(request.routing_exception, NotFound)
        assert request.url_rule is None
        assert request.endpoint is None
        assert request.blueprint is None
        assert request.blueprints == []


# -- Body limits ----------------------------------------------------------------


def _echo_routes(app: Vial) -> None:
    @app.post("/data")
    def data() -> ResponseReturnValue:
        return str(len(request.get_data()))

    @app.post("/form")
    def form() -> ResponseReturnValue:
        files = {key: f.read().decode() for key, f in request.files.items()}
        return {"form": request.form.to_dict(), "files": files}


def _chunked(client: VialClient, url: str, body: bytes) -> t.Any:
    # A server that decodes chunked bodies has no Content-Length to give and
    # sets wsgi.input_terminated instead.
    return client.post(
        url,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_limits_come_from_config(app: Vial) -> None:
    app.config.update(
        MAX_CONTENT_LENGTH=1000, MAX_FORM_MEMORY_SIZE=200, MAX_FORM_PARTS=5
    )
    with app.test_request_context():
        assert request.max_content_length == 1000
        assert request.max_form_memory_size == 200
        assert request.max_form_parts == 5
        request.max_content_length = 10
        request.max_form_memory_size = 20
        request.max_form_parts = 2
        assert request.max_content_length == 10
        assert request.max_form_memory_size == 20
        assert request.max_form_parts == 2
    # Another request sees the config again.
    with app.test_request_context():
        assert request.max_content_length == 1000


def test_limits_outside_an_app_are_werkzeugs() -> None:
    req = Request.from_values("/")
    assert req.max_content_length is None
    assert req.max_form_memory_size == 500_000
    assert req.max_form_parts == 1000


def test_default_limits(app: Vial) -> None:
    with app.test_request_context():
        assert request.max_content_length is None
        assert request.max_form_memory_size == 500_000
        assert request.max_form_parts == 1000


def test_content_length_over_the_limit_is_413(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    _echo_routes(app)
    assert client.post("/data", data=b"x" * 100).text == "100"
    rv = client.post("/data", data=b"x" * 101)
    assert rv.status_code == 413
    rv = client.post("/form", data={"field": "x" * 200})
    assert rv.status_code == 413


def test_chunked_body_over_the_limit_is_413(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    _echo_routes(app)
    assert _chunked(client, "/data", b"x" * 60).text == "60"
    # Exactly at the limit is allowed; one byte more is not, and the body is
    # never silently cut to the limit.
    assert _chunked(client, "/data", b"x" * 100).text == "100"
    assert _chunked(client, "/data", b"x" * 101).status_code == 413
    assert _chunked(client, "/data", b"x" * 5000).status_code == 413


def test_chunked_form_over_the_limit_is_413(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    _echo_routes(app)

    def post(body: bytes, content_type: str) -> t.Any:
        return client.post(
            "/form",
            input_stream=io.BytesIO(body),
            content_type=content_type,
            headers={"Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )

    form = "application/x-www-form-urlencoded"
    assert post(b"a=1&b=2", form).json == {
        "form": {"a": "1", "b": "2"},
        "files": {},
    }
    assert post(b"a=" + b"x" * 200, form).status_code == 413
    body = (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
        + b"x" * 200
        + b"\r\n--b--\r\n"
    )
    assert post(body, "multipart/form-data; boundary=b").status_code == 413


def test_chunked_body_without_a_limit() -> None:
    # Without a limit the server's terminated stream is read as it is, with
    # read() and no size, which wsgiref.validate forbids: so no validator.
    app = Vial(__name__)
    _echo_routes(app)
    rv = _chunked(app.test_client(), "/data", b"x" * 5000)
    assert rv.text == "5000"


def test_limit_set_for_one_request(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.before_request
    def bigger_uploads() -> None:
        if request.path == "/upload":
            request.max_content_length = 1000

    @app.post("/upload")
    def upload() -> ResponseReturnValue:
        return str(len(request.get_data()))

    @app.post("/other")
    def other() -> ResponseReturnValue:
        return str(len(request.get_data()))

    assert client.post("/upload", data=b"x" * 500).text == "500"
    assert client.post("/other", data=b"x" * 500).status_code == 413


def test_form_field_over_max_form_memory_size_is_413(
    app: Vial, client: VialClient
) -> None:
    # Above the parser's 64 KiB read size, so the limit is about fields.
    app.config["MAX_FORM_MEMORY_SIZE"] = 100_000
    _echo_routes(app)
    upload = (io.BytesIO(b"f" * 300_000), "big.txt")
    rv = client.post("/form", data={"small": "x" * 100_000, "file": upload})
    # Files are spooled, not held in memory, so they are not limited by it.
    assert rv.status_code == 200
    body = t.cast("dict[str, t.Any]", rv.json)
    assert body["form"] == {"small": "x" * 100_000}
    assert len(body["files"]["file"]) == 300_000
    rv = client.post(
        "/form", data={"big": "x" * 100_001}, content_type="multipart/form-data"
    )
    assert rv.status_code == 413


def test_max_form_memory_size_set_for_one_request(
    app: Vial, client: VialClient
) -> None:
    @app.post("/form")
    def form() -> ResponseReturnValue:
        request.max_form_memory_size = 10
        return request.form.to_dict()

    rv = client.post("/form", data={"a": "x" * 11}, content_type="multipart/form-data")
    assert rv.status_code == 413


def test_too_many_form_parts_is_413(app: Vial, client: VialClient) -> None:
    app.config["MAX_FORM_PARTS"] = 3
    _echo_routes(app)
    fields = {"a": "1", "b": "2", "c": "3"}
    rv = client.post("/form", data=fields, content_type="multipart/form-data")
    assert rv.json == {"form": fields, "files": {}}
    fields["d"] = "4"
    rv = client.post("/form", data=fields, content_type="multipart/form-data")
    assert rv.status_code == 413


def test_max_form_parts_set_for_one_request(app: Vial, client: VialClient) -> None:
    @app.post("/form")
    def form() -> ResponseReturnValue:
        request.max_form_parts = 1
        return request.form.to_dict()

    rv = client.post(
        "/form", data={"a": "1", "b": "2"}, content_type="multipart/form-data"
    )
    assert rv.status_code == 413


# -- Malformed form bodies ------------------------------------------------------

_PART = b'Content-Disposition: form-data; name="a"\r\n\r\nvalue'


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(
            b"--right\r\n" + _PART + b"\r\n--right--\r\n",
            "multipart/form-data; boundary=wrong",
            id="wrong-boundary",
        ),
        pytest.param(
            b"--b\r\n" + _PART + b"\r\n--b--\r\n",
            "multipart/form-data",
            id="missing-boundary",
        ),
        pytest.param(
            b"--b\r\n" + _PART, "multipart/form-data; boundary=b", id="truncated-data"
        ),
        pytest.param(
            b"--b\r\nContent-Disposition: form-da",
            "multipart/form-data; boundary=b",
            id="truncated-headers",
        ),
        pytest.param(
            b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
            id="no-content-disposition",
        ),
        pytest.param(
            b"not multipart at all",
            "multipart/form-data; boundary=b",
            id="garbage",
        ),
        pytest.param(
            b"name=caf\xe9",
            "application/x-www-form-urlencoded",
            id="urlencoded-invalid-utf8",
        ),
    ],
)
def test_malformed_form_body_is_400(
    app: Vial, client: VialClient, body: bytes, content_type: str
) -> None:
    handled: list[dict[str, t.Any]] = []

    @app.post("/form")
    def form() -> ResponseReturnValue:
        return request.form.to_dict()

    @app.errorhandler(400)
    def bad_request(e: HTTPException) -> ResponseReturnValue:
        # The handler may look at the form again without a second failure.
        handled.append(request.form.to_dict() | request.files.to_dict())
        return f"400: {e.description}", 400

    rv = client.post("/form", data=body, content_type=content_type)
    assert rv.status_code == 400
    assert "could not be parsed" in rv.text
    assert handled == [{}]


def test_well_formed_multipart_body(app: Vial, client: VialClient) -> None:
    _echo_routes(app)
    body = b"--b\r\n" + _PART + b"\r\n--b--\r\n"
    rv = client.post("/form", data=body, content_type="multipart/form-data; boundary=b")
    assert rv.json == {"form": {"a": "value"}, "files": {}}
    # An empty body is an empty form, not an error.
    rv = client.post("/form", data=b"", content_type="multipart/form-data; boundary=b")
    assert rv.json == {"form": {}, "files": {}}


# -- JSON bodies ----------------------------------------------------------------


def _json_routes(app: Vial) -> None:
    @app.post("/json")
    def get_json() -> ResponseReturnValue:
        return {"value": request.get_json()}

    @app.post("/force")
    def force() -> ResponseReturnValue:
        return {"value": request.get_json(force=True)}

    @app.post("/silent")
    def silent() -> ResponseReturnValue:
        return {"value": request.get_json(silent=True)}

    @app.post("/property")
    def prop() -> ResponseReturnValue:
        return {"value": request.json}


def test_get_json(app: Vial, client: VialClient) -> None:
    _json_routes(app)
    assert client.post("/json", json={"a": [1, 2]}).json == {"value": {"a": [1, 2]}}
    assert client.post("/property", json=[1]).json == {"value": [1]}
    rv = client.post(
        "/json", data='"ok"', content_type="application/vnd.api+json; charset=utf-8"
    )
    assert rv.json == {"value": "ok"}


def test_get_json_wrong_content_type_is_415(app: Vial, client: VialClient) -> None:
    _json_routes(app)
    for url in ("/json", "/property"):
        rv = client.post(url, data='{"a": 1}', content_type="text/plain")
        assert rv.status_code == 415
        assert "Content-Type was not &#39;application/json&#39;" in rv.text
    rv = client.post("/json", data={"a": "1"})
    assert rv.status_code == 415


def test_get_json_force_ignores_the_content_type(app: Vial, client: VialClient) -> None:
    _json_routes(app)
    rv = client.post("/force", data='{"a": 1}', content_type="text/plain")
    assert rv.json == {"value": {"a": 1}}


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": ',
        b"{'a': 1}",
        b"",
        b'{"a": "\xff"}',
        b"\xef\xbb\xbf[1,",
        b"NaNa",
        # Deeper than the recursion limit: a RecursionError in the decoder.
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["truncated", "single-quotes", "empty", "bad-utf8", "bom", "nan", "deep"],
)
def test_malformed_json_is_400(app: Vial, client: VialClient, body: bytes) -> None:
    _json_routes(app)
    rv = client.post("/json", data=body, content_type="application/json")
    assert rv.status_code == 400
    assert "The request body is not valid JSON." in rv.text
    rv = client.post("/force", data=body, content_type="text/plain")
    assert rv.status_code == 400


def test_malformed_json_details_only_in_debug_mode(
    app: Vial, client: VialClient
) -> None:
    _json_routes(app)
    rv = client.post("/json", data=b'{"a": ', content_type="application/json")
    # The parser's own words quote the body; they stay on the server.
    assert "line 1 column" not in rv.text
    app.debug = True
    rv = client.post("/json", data=b'{"a": ', content_type="application/json")
    assert rv.status_code == 400
    assert "line 1 column" in rv.text


def test_get_json_silent(app: Vial, client: VialClient) -> None:
    _json_routes(app)
    assert client.post("/silent", data=b"{", content_type="application/json").json == {
        "value": None
    }
    assert client.post("/silent", data=b"[1]", content_type="text/plain").json == {
        "value": None
    }
    assert client.post("/silent", json={"a": 1}).json == {"value": {"a": 1}}


def test_get_json_uses_the_apps_json_provider(app: Vial, client: VialClient) -> None:
    loads = app.json.loads

    def loads_with_marker(s: str | bytes, **kwargs: t.Any) -> t.Any:
        return {"decoded_by_app": loads(s, **kwargs)}

    app.json.loads = loads_with_marker  # type: ignore[method-assign]
    _json_routes(app)
    rv = client.post("/json", json=[1])
    assert json.loads(rv.data) == {"value": {"decoded_by_app": [1]}}


# -- Responses ------------------------------------------------------------------


def test_response_defaults_to_html(app: Vial, client: VialClient) -> None:
    assert Response.default_mimetype == "text/html"
    assert Response("x").content_type == "text/html; charset=utf-8"

    @app.get("/")
    def index() -> ResponseReturnValue:
        return "<p>Hi</p>"

    assert client.get("/").content_type == "text/html; charset=utf-8"


def test_response_json(app: Vial) -> None:
    with app.test_request_context():
        rv = jsonify(name="vial", tags=["a", "b"])
        assert rv.json == {"name": "vial", "tags": ["a", "b"]}
        assert rv.get_json() == {"name": "vial", "tags": ["a", "b"]}
        assert Response("<p>not json</p>").json is None
        assert Response("[1]", mimetype="text/plain").get_json(force=True) == [1]
        with pytest.raises(ValueError):
            Response("{", mimetype="application/json").get_json()


def test_test_client_responses_decode_json(app: Vial, client: VialClient) -> None:
    @app.get("/")
    def index() -> ResponseReturnValue:
        return {"ok": True}

    assert client.get("/").json == {"ok": True}


def test_max_cookie_size_from_config(app: Vial) -> None:
    assert Response().max_cookie_size == 4093
    app.config["MAX_COOKIE_SIZE"] = 80
    with app.app_context():
        rv = Response()
        assert rv.max_cookie_size == 80
        rv.set_cookie("small", "x" * 10)
        with pytest.warns(UserWarning, match="cookie is too large"):
            rv.set_cookie("large", "x" * 100)


def test_max_cookie_size_applies_in_views(app: Vial, client: VialClient) -> None:
    app.config["MAX_COOKIE_SIZE"] = 50

    @app.get("/")
    def index() -> ResponseReturnValue:
        rv = make_response("ok")
        rv.set_cookie("big", "x" * 100)
        return rv

    with pytest.warns(UserWarning, match="cookie is too large"):
        client.get("/")


# -- Replacing the classes ------------------------------------------------------


def test_custom_request_class(app: Vial, client: VialClient) -> None:
    class ApiRequest(Request):
        @property
        def api_version(self) -> str:
            return self.headers.get("X-Api-Version", "1")

    app.request_class = ApiRequest

    @app.get("/")
    def index() -> ResponseReturnValue:
        assert isinstance(request._get_current_object(), ApiRequest)  # type: ignore[attr-defined]
        return request.api_version  # type: ignore[attr-defined, no-any-return]

    assert client.get("/", headers={"X-Api-Version": "2"}).text == "2"
    with app.test_request_context():
        assert type(request._get_current_object()) is ApiRequest  # type: ignore[attr-defined]


def test_custom_response_class_everywhere(app: Vial, client: VialClient) -> None:
    class AppResponse(Response):
        default_mimetype = "text/plain"

    app.response_class = AppResponse
    produced: dict[str, type[t.Any]] = {}

    @app.after_request
    def record(response: Response) -> Response:
        produced[request.path] = type(response)
        return response

    @app.get("/text")
    def text() -> ResponseReturnValue:
        return "plain"

    @app.get("/dict")
    def as_dict() -> ResponseReturnValue:
        return {"a": 1}

    @app.get("/jsonify")
    def as_jsonify() -> ResponseReturnValue:
        return jsonify([1, 2])

    @app.get("/redirect")
    def go() -> ResponseReturnValue:
        return redirect("/text")

    @app.get("/abort")
    def fail() -> ResponseReturnValue:
        abort(403)

    @app.get("/made")
    def made() -> ResponseReturnValue:
        return make_response("made", 201)

    assert client.get("/text").content_type == "text/plain; charset=utf-8"
    assert client.get("/dict").json == {"a": 1}
    assert client.get("/jsonify").json == [1, 2]
    assert client.get("/redirect").status_code == 302
    assert client.get("/abort").status_code == 403
    assert client.get("/made").status_code == 201
    assert client.get("/missing").status_code == 404
    assert produced == dict.fromkeys(
        ("/text", "/dict", "/jsonify", "/redirect", "/abort", "/made", "/missing"),
        AppResponse,
    )


# -- Fast paths give werkzeug's exact output ---------------------------------------


def _wsgi_output(
    app_iter_call: t.Callable[[dict[str, t.Any], t.Any], t.Iterable[bytes]],
    method: str = "GET",
) -> tuple[str, list[tuple[str, str]], bytes]:
    from werkzeug.test import create_environ

    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc: t.Any = None
    ) -> t.Any:
        started.append((status, headers))

    body_iter = app_iter_call(create_environ("/", method=method), start_response)
    try:
        body = b"".join(body_iter)
    finally:
        close = getattr(body_iter, "close", None)
        if close is not None:
            close()
    return started[0][0], list(started[0][1]), body


def _both_ways(
    make: t.Callable[[], Response], method: str = "GET"
) -> tuple[tuple[t.Any, ...], tuple[t.Any, ...]]:
    from werkzeug.wrappers import Response as WerkzeugResponse

    fast = _wsgi_output(make(), method)
    general = _wsgi_output(
        lambda environ, sr: WerkzeugResponse.__call__(make(), environ, sr), method
    )
    return fast, general


@pytest.mark.parametrize(
    "make",
    [
        lambda: Response("Hello, World!"),
        lambda: Response(b"bytes body"),
        lambda: Response("héllo ünïcode"),
        lambda: Response("created", status=201),
        lambda: Response("teapot", status="418 I'M A TEAPOT"),
        lambda: Response("{}", mimetype="application/json"),
        lambda: Response("x", headers={"X-One": "1", "Set-Cookie": "a=b"}),
        lambda: Response("gone", status=500),
        lambda: Response(t.cast(list[str], ["a", b"b"])),
        lambda: Response([b"chunk one ", b"chunk two"]),
        lambda: Response("moved", status=302, headers={"Location": "/ü/path"}),
        lambda: Response("x", headers={"Content-Location": "/é"}),
        lambda: Response(status=204),
        lambda: Response("not modified", status=304),
        lambda: Response("early hints", status=103),
        lambda: Response(iter([b"streamed"])),
        lambda: Response(b"passthrough", direct_passthrough=True),
    ],
)
def test_response_sends_what_werkzeug_sends(make: t.Callable[[], Response]) -> None:
    fast, general = _both_ways(make)
    assert fast == general


def test_response_without_content_length_gets_one_like_werkzeug() -> None:
    def make() -> Response:
        response = Response("x")
        response.response = [b"abc", b"de"]
        del response.headers["Content-Length"]
        return response

    fast, general = _both_ways(make)
    assert fast == general
    assert ("Content-Length", "5") in fast[1]


def test_head_request_sends_no_body_like_werkzeug() -> None:
    fast, general = _both_ways(lambda: Response("body"), method="HEAD")
    assert fast == general
    assert fast[2] == b""


def test_response_close_callbacks_still_run() -> None:
    closed: list[bool] = []
    response = Response("x")
    response.call_on_close(lambda: closed.append(True))
    _wsgi_output(response)
    assert closed == [True]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"response": "text"},
        {"response": b"bytes"},
        {"response": "json", "mimetype": "application/json"},
        {"response": "svg", "mimetype": "image/svg+xml"},
        {"response": "plain", "mimetype": "text/plain"},
        {"response": "status", "status": 404},
        {"response": "status", "status": "299 CUSTOM"},
        {"response": "headers", "headers": {"X-A": "b"}},
        {"response": "ct", "content_type": "text/csv; charset=latin-1"},
        {"response": None},
        {"response": ["list"]},
    ],
)
def test_response_constructor_matches_werkzeug(kwargs: dict[str, t.Any]) -> None:
    from werkzeug.wrappers import Response as WerkzeugResponse

    class General(WerkzeugResponse):
        default_mimetype = "text/html"

    ours = Response(**kwargs)
    theirs = General(**kwargs)
    assert ours.status == theirs.status
    assert ours.status_code == theirs.status_code
    assert list(ours.headers) == list(theirs.headers)
    assert ours.get_data() == theirs.get_data()
    assert ours.direct_passthrough == theirs.direct_passthrough


def test_response_subclass_encoding_its_own_way_is_honoured() -> None:
    class Shouting(Response):
        def set_data(self, value: bytes | str) -> None:
            if isinstance(value, str):
                value = value.upper()
            super().set_data(value)

    response = Shouting("quiet")
    assert response.get_data() == b"QUIET"
    assert response.headers["Content-Length"] == "5"


@pytest.mark.parametrize(
    "cookie",
    [
        None,
        "",
        "a=1",
        "a=1; b=2; a=3",
        'quoted="x y"; plain=z',
        "weird=%E2%9C%93; empty=; noequals",
        "session=eyJ4Ijo1fQ.abc.def",
    ],
)
def test_cookies_match_werkzeug(cookie: str | None) -> None:
    from werkzeug.test import create_environ
    from werkzeug.wrappers import Request as WerkzeugRequest

    headers = {} if cookie is None else {"Cookie": cookie}
    environ = create_environ("/", headers=headers)
    ours = Request(environ).cookies
    theirs = WerkzeugRequest(environ).cookies
    assert list(ours.items(multi=True)) == list(theirs.items(multi=True))


def test_cookies_from_replaced_headers_are_read_too() -> None:
    from werkzeug.datastructures import Headers
    from werkzeug.test import create_environ

    request = Request(create_environ("/"))
    request.headers = Headers([("Cookie", "a=1"), ("Cookie", "b=2")])
    assert request.cookies.to_dict() == {"a": "1", "b": "2"}


# -- Attributes read from the environ on first use ------------------------------

_EAGER_ATTRIBUTES = (
    "method",
    "scheme",
    "server",
    "root_path",
    "path",
    "query_string",
    "remote_addr",
    "url",
    "base_url",
    "host",
    "full_path",
    "args",
)


def _environ(**values: t.Any) -> dict[str, t.Any]:
    from werkzeug.test import create_environ

    environ = create_environ("/")
    environ.update(values)
    return {name: value for name, value in environ.items() if value is not None}


@pytest.mark.parametrize(
    "environ",
    [
        _environ(),
        _environ(REQUEST_METHOD="post", PATH_INFO="", QUERY_STRING="a=1&b=%C3%A9"),
        # A UTF-8 path as a WSGI server hands it over (bytes as latin-1),
        # with extra leading slashes.
        _environ(PATH_INFO="//caf\xc3\xa9/x", SCRIPT_NAME="/mount/"),
        # Bytes that are not UTF-8 are replaced, as werkzeug does.
        _environ(PATH_INFO="/\xff", SCRIPT_NAME="/\xfe"),
        _environ(SERVER_PORT="not a port", REMOTE_ADDR="10.0.0.1"),
        _environ(SERVER_NAME=None, SERVER_PORT=None, QUERY_STRING=None),
        _environ(SERVER_PORT=None, REQUEST_METHOD=None, SCRIPT_NAME=None),
        _environ(**{"wsgi.url_scheme": "https", "HTTP_HOST": "example.org:8443"}),
    ],
    ids=[
        "plain",
        "post-empty-path",
        "utf8-path",
        "invalid-utf8",
        "bad-port",
        "no-server",
        "missing-keys",
        "https",
    ],
)
def test_request_attributes_match_werkzeug(environ: dict[str, t.Any]) -> None:
    from werkzeug.wrappers import Request as WerkzeugRequest

    ours = Request(dict(environ))
    theirs = WerkzeugRequest(dict(environ))
    for name in _EAGER_ATTRIBUTES:
        assert getattr(ours, name) == getattr(theirs, name), name
    assert list(ours.headers.items()) == list(theirs.headers.items())


def test_request_attributes_are_read_once_and_can_be_set() -> None:
    from werkzeug.datastructures import Headers
    from werkzeug.test import create_environ

    environ = create_environ("/first?x=1")
    request = Request(environ)
    assert request.path == "/first"
    assert request.headers is request.headers
    # Later changes to the environ do not move a value already read.
    environ["PATH_INFO"] = "/second"
    assert request.path == "/first"

    request.path = "/set"
    request.query_string = b"y=2"
    request.server = ("example.org", 80)
    request.headers = Headers([("X-Set", "1")])
    assert request.path == "/set"
    assert request.args.to_dict() == {"y": "2"}
    assert request.server == ("example.org", 80)
    # Without a Host header, the host comes from the server set above.
    assert request.host == "example.org"
    assert request.headers["X-Set"] == "1"


def test_request_populates_the_environ_like_werkzeug() -> None:
    from werkzeug.test import create_environ

    environ = create_environ("/")
    request = Request(environ)
    assert environ["werkzeug.request"] is request
    assert request.shallow is False

    environ = create_environ("/")
    Request(environ, populate_request=False)
    assert "werkzeug.request" not in environ

    shallow = Request(create_environ("/"), shallow=True)
    assert shallow.shallow is True
    assert "werkzeug.request" not in shallow.environ
