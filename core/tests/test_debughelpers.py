from __future__ import annotations

import io

import pytest
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.routing import RequestRedirect

from vial import request
from vial import Vial
from vial.debughelpers import DebugFilesKeyError
from vial.debughelpers import FormDataRoutingRedirect
from vial.testing import VialClient

# -- FormDataRoutingRedirect -----------------------------------------------------------


@pytest.fixture
def slash_app(app: Vial) -> Vial:
    @app.route("/form/", methods=["GET", "POST"])
    def form() -> str:
        return request.method

    return app


@pytest.fixture
def permanent_redirects(monkeypatch: pytest.MonkeyPatch) -> None:
    # Routing redirects are 308 since werkzeug 2.2, which keeps the body;
    # older or customised setups send 301, which browsers turn into a GET.
    monkeypatch.setattr(RequestRedirect, "code", 301)


@pytest.mark.usefixtures("permanent_redirects")
def test_post_redirect_in_debug_is_an_error(
    slash_app: Vial, client: VialClient
) -> None:
    slash_app.debug = True
    with pytest.raises(FormDataRoutingRedirect) as exc_info:
        client.post("/form?x=1", data={"field": "value"})
    message = str(exc_info.value)
    assert "'http://localhost/form?x=1'" in message
    assert "'http://localhost/form/?x=1'" in message
    assert "no trailing slash" in message
    assert "resend the POST request without its form data" in message
    assert "use a 307 or 308 redirect" in message
    assert isinstance(exc_info.value, AssertionError)


@pytest.mark.usefixtures("permanent_redirects")
def test_post_redirect_without_debug_redirects(
    slash_app: Vial, client: VialClient
) -> None:
    rv = client.post("/form", data={"field": "value"})
    assert rv.status_code == 301
    assert rv.headers["Location"] == "http://localhost/form/"


@pytest.mark.usefixtures("permanent_redirects")
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_redirect_in_debug(
    slash_app: Vial, client: VialClient, method: str
) -> None:
    slash_app.debug = True
    rv = client.open("/form", method=method)
    assert rv.status_code == 301


def test_body_preserving_redirect_in_debug(slash_app: Vial, client: VialClient) -> None:
    slash_app.debug = True
    rv = client.post("/form", data={"field": "value"})
    assert rv.status_code == 308
    assert client.post("/form", data={"a": "b"}, follow_redirects=True).text == "POST"


@pytest.mark.usefixtures("permanent_redirects")
def test_redirect_message_for_other_redirects(app: Vial, client: VialClient) -> None:
    app.debug = True
    app.add_url_rule("/old", "old", redirect_to="/new", methods=["POST"])
    with pytest.raises(FormDataRoutingRedirect) as exc_info:
        client.post("/old")
    message = str(exc_info.value)
    assert "'http://localhost/new'" in message
    assert "trailing slash" not in message


# -- DebugFilesKeyError ----------------------------------------------------------------


@pytest.fixture
def upload_app(app: Vial) -> Vial:
    @app.post("/upload")
    def upload() -> str:
        data: bytes = request.files["file"].read()
        return data.decode()

    return app


def test_file_sent_as_form_field_in_debug(upload_app: Vial, client: VialClient) -> None:
    upload_app.debug = True
    with pytest.raises(DebugFilesKeyError) as exc_info:
        client.post("/upload", data={"file": "photo.jpg"})
    error = exc_info.value
    message = str(error)
    assert "'file'" in message
    assert "'application/x-www-form-urlencoded'" in message
    assert 'enctype="multipart/form-data"' in message
    assert "'photo.jpg'" in message
    assert isinstance(error, KeyError)
    assert isinstance(error, AssertionError)


def test_missing_file_not_in_form_in_debug(
    upload_app: Vial, client: VialClient
) -> None:
    upload_app.debug = True
    upload_app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    # Nothing named "file" was sent at all: the ordinary 400.
    rv = client.post("/upload", data={"other": "x"})
    assert rv.status_code == 400


def test_file_sent_as_form_field_without_debug(
    upload_app: Vial, client: VialClient
) -> None:
    rv = client.post("/upload", data={"file": "photo.jpg"})
    assert rv.status_code == 400


def test_multipart_upload_in_debug_works(upload_app: Vial, client: VialClient) -> None:
    upload_app.debug = True
    rv = client.post("/upload", data={"file": (io.BytesIO(b"content"), "a.txt")})
    assert rv.text == "content"


def test_debug_files_error_in_request_context(app: Vial) -> None:
    app.debug = True
    with app.test_request_context(method="POST", data={"doc": ["a.txt", "b.txt"]}):
        with pytest.raises(DebugFilesKeyError, match=r"'a\.txt', 'b\.txt'"):
            request.files["doc"]
        with pytest.raises(BadRequestKeyError):
            request.files["absent"]
        # The files container keeps its class name and behaviour otherwise.
        assert type(request.files).__name__ == "ImmutableMultiDict"
        assert request.files.get("doc") is None
