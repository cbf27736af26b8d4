from __future__ import annotations

import logging
import typing as t

import pytest
from itsdangerous import URLSafeTimedSerializer
from wtforms.validators import ValidationError

from vial import Blueprint
from vial import g
from vial import render_template_string
from vial import request
from vial import session
from vial import Vial
from vial.ext import add_credentials_check
from vial.ext import identity_changed
from vial.testing import VialClient
from vial.wrappers import Request
from vial_wtf import csrf_meta_tag
from vial_wtf import CSRFError
from vial_wtf import CSRFProtect
from vial_wtf import generate_csrf
from vial_wtf import validate_csrf
from vial_wtf import VialForm
from vial_wtf.csrf import _check_request
from vial_wtf.csrf import same_origin
from vial_wtf.errors import FORM_EXPIRED
from vial_wtf.state import CSRFState
from vial_wtf.state import STATE


def _add_views(app: Vial) -> None:
    @app.route("/token")
    def token() -> str:
        return generate_csrf()

    @app.route("/submit", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def submit() -> str:
        return f"done {request.method}"


@pytest.fixture
def csrf(app: Vial) -> CSRFProtect:
    """CSRFProtect on the app, with a token view and a protected view."""
    protect = CSRFProtect(app)
    _add_views(app)
    return protect


def _token(client: VialClient) -> str:
    return client.get("/token").text


# CSRFProtect set-up


def test_init_app_later_and_extension_key(app: Vial) -> None:
    csrf = CSRFProtect()
    assert "csrf" not in app.extensions
    csrf.init_app(app)
    state = app.extensions["csrf"]
    assert isinstance(state, CSRFState)
    assert state is STATE.get(app)
    assert state.csrf is csrf


def test_second_csrfprotect_replaces_the_first(app: Vial, client: VialClient) -> None:
    # As in Flask-WTF, whose init_app stores the new object in
    # app.extensions["csrf"]; the latest one's exemptions apply.
    first = CSRFProtect(app)
    _add_views(app)
    first.exempt("submit")
    assert client.post("/submit").status_code == 200
    second = CSRFProtect(app)
    assert STATE.get(app).csrf is second
    assert client.post("/submit").status_code == 400
    # Served requests already: still replaced, no hook is added twice.
    second.exempt("submit")
    third = CSRFProtect()
    third.init_app(app)
    assert STATE.get(app).csrf is third
    assert client.post("/submit").status_code == 400
    third.exempt("submit")
    assert client.post("/submit").status_code == 200
    assert app.before_request_funcs[None].count(_check_request) == 1


def test_init_app_without_secret_key_is_a_clear_error(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with pytest.raises(RuntimeError, match=r"app.config\['SECRET_KEY'\]"):
        CSRFProtect(app)
    assert "csrf" not in app.extensions


def test_init_app_with_only_wtf_secret_key(app: Vial) -> None:
    app.config.update(SECRET_KEY=None, WTF_CSRF_SECRET_KEY="csrf key")
    CSRFProtect(app)
    assert app.extensions["csrf"] is not None


def test_init_app_without_secret_key_when_disabled(app: Vial) -> None:
    app.config.update(SECRET_KEY=None, WTF_CSRF_ENABLED=False)
    CSRFProtect(app)
    assert app.extensions["csrf"] is not None


def test_init_app_sets_defaults_without_overriding(app: Vial) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = 60
    CSRFProtect(app)
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 60
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["WTF_CSRF_METHODS"] == {"POST", "PUT", "PATCH", "DELETE"}
    assert app.config["WTF_CSRF_HEADERS"] == ["X-CSRFToken", "X-CSRF-Token"]
    assert app.config["WTF_CSRF_FIELD_NAME"] == "csrf_token"
    assert app.config["WTF_CSRF_SSL_STRICT"] is True
    assert app.config["WTF_CSRF_CHECK_DEFAULT"] is True


def test_csrf_token_template_global(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    @app.route("/page")
    def page() -> str:
        return render_template_string(
            '<input name="csrf_token" value="{{ csrf_token() }}">'
        )

    html = client.get("/page").text
    token = html.split('value="')[1].split('"')[0]
    assert client.post("/submit", data={"csrf_token": token}).text == "done POST"
    with app.test_request_context():
        assert app.jinja_env.globals["csrf_token"] is generate_csrf


# The automatic check


def test_post_without_token_is_rejected_with_reason(
    csrf: CSRFProtect, client: VialClient
) -> None:
    response = client.post("/submit", data={"name": "x"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "The CSRF token is missing." in response.text


def test_post_without_session_token(csrf: CSRFProtect, client: VialClient) -> None:
    response = client.post("/submit", data={"csrf_token": "whatever"})
    assert response.status_code == 400
    assert "The CSRF session token is missing." in response.text


def test_json_client_gets_json_error(csrf: CSRFProtect, client: VialClient) -> None:
    response = client.post("/submit", json={"name": "x"})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.json == {
        "code": 400,
        "name": "Bad Request",
        "error": "The CSRF token is missing.",
    }
    response = client.post(
        "/submit", data={"a": "b"}, headers={"Accept": "application/json"}
    )
    assert response.json is not None
    assert response.json["error"] == "The CSRF token is missing."


def test_every_protected_method_is_checked(
    csrf: CSRFProtect, client: VialClient
) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/submit", method=method).status_code == 400
    assert client.get("/submit").text == "done GET"
    assert client.open("/submit", method="OPTIONS").status_code == 200
    assert client.head("/submit").status_code == 200


def test_valid_form_token_passes(csrf: CSRFProtect, client: VialClient) -> None:
    token = _token(client)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.open("/submit", method=method, data={"csrf_token": token})
        assert response.text == f"done {method}"


def test_prefixed_form_field_passes(csrf: CSRFProtect, client: VialClient) -> None:
    token = _token(client)
    response = client.post("/submit", data={"login-csrf_token": token})
    assert response.text == "done POST"


@pytest.mark.parametrize("header", ["X-CSRFToken", "X-CSRF-Token"])
def test_header_token_passes_for_json_and_ajax(
    csrf: CSRFProtect, client: VialClient, header: str
) -> None:
    token = _token(client)
    response = client.post("/submit", json={"a": 1}, headers={header: token})
    assert response.text == "done POST"
    response = client.delete(
        "/submit", headers={header: token, "X-Requested-With": "XMLHttpRequest"}
    )
    assert response.text == "done DELETE"


def test_custom_headers_and_field_name(app: Vial, client: VialClient) -> None:
    app.config.update(WTF_CSRF_HEADERS=["X-My-Token"], WTF_CSRF_FIELD_NAME="_csrf")
    CSRFProtect(app)
    _add_views(app)
    token = _token(client)
    assert client.post("/submit", headers={"X-My-Token": token}).status_code == 200
    assert client.post("/submit", headers={"X-CSRFToken": token}).status_code == 400
    assert client.post("/submit", data={"_csrf": token}).status_code == 200
    assert client.post("/submit", data={"csrf_token": token}).status_code == 400


def test_custom_methods(app: Vial, client: VialClient) -> None:
    app.config["WTF_CSRF_METHODS"] = {"POST"}
    CSRFProtect(app)
    _add_views(app)
    assert client.put("/submit").text == "done PUT"
    assert client.post("/submit").status_code == 400


def test_forged_token_is_rejected(csrf: CSRFProtect, client: VialClient) -> None:
    token = _token(client)
    response = client.post("/submit", data={"csrf_token": token[:-4] + "abcd"})
    assert response.status_code == 400
    assert "The CSRF token is invalid." in response.text


def test_expired_token_is_rejected(
    csrf: CSRFProtect, client: VialClient, clock_ahead: t.Callable[[float], None]
) -> None:
    token = _token(client)
    clock_ahead(3601)
    response = client.post("/submit", data={"csrf_token": token})
    assert response.status_code == 400
    assert "The CSRF token has expired." in response.text


def test_short_time_limit(
    app: Vial, client: VialClient, clock_ahead: t.Callable[[float], None]
) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = 5
    CSRFProtect(app)
    _add_views(app)
    token = _token(client)
    assert client.post("/submit", data={"csrf_token": token}).status_code == 200
    clock_ahead(6)
    response = client.post("/submit", data={"csrf_token": token})
    assert "The CSRF token has expired." in response.text


def test_token_from_another_session_is_rejected(app: Vial, csrf: CSRFProtect) -> None:
    alice = app.test_client()
    mallory = app.test_client()
    alice_token = _token(alice)
    _token(mallory)  # mallory has a session token of her own
    response = mallory.post("/submit", data={"csrf_token": alice_token})
    assert response.status_code == 400
    assert "The CSRF tokens do not match." in response.text
    # Without any session token, the reason says so.
    response = app.test_client().post("/submit", data={"csrf_token": "forged"})
    assert "The CSRF session token is missing." in response.text
    # A token the app signed for a session that holds no secret (any more).
    response = app.test_client().post("/submit", data={"csrf_token": alice_token})
    assert FORM_EXPIRED in response.text
    assert alice.post("/submit", data={"csrf_token": alice_token}).status_code == 200


@pytest.mark.parametrize(
    "attempt",
    [
        {"headers": {"X-HTTP-Method-Override": "GET"}},
        {"headers": {"X-HTTP-Method": "GET", "X-Method-Override": "GET"}},
        {"data": {"_method": "GET"}},
        {"query_string": {"_method": "GET"}},
        {"data": "csrf_token={token}", "content_type": "text/plain"},
        {"query_string": {"csrf_token": "{token}"}},
        {"headers": {"Cookie": "csrf_token={token}"}},
        {"headers": {"X-CSRFToken": ""}},
    ],
    ids=[
        "method-override-header",
        "other-override-headers",
        "method-override-form-field",
        "method-override-query",
        "token-in-text-plain-body",
        "token-in-query-string",
        "token-in-a-cookie",
        "empty-header",
    ],
)
def test_bypass_attempts_are_rejected(
    csrf: CSRFProtect, client: VialClient, attempt: dict[str, t.Any]
) -> None:
    token = _token(client)

    def fill(value: t.Any) -> t.Any:
        if isinstance(value, str):
            return value.replace("{token}", token)
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    response = client.post("/submit", **fill(attempt))
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text


def test_form_token_is_read_before_the_headers(
    csrf: CSRFProtect, client: VialClient
) -> None:
    token = _token(client)
    response = client.post(
        "/submit", data={"csrf_token": token}, headers={"X-CSRFToken": "garbage"}
    )
    assert response.text == "done POST"
    response = client.post(
        "/submit", data={"csrf_token": "garbage"}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 400
    assert "The CSRF token is invalid." in response.text


def test_header_token_from_another_session_is_rejected(
    app: Vial, csrf: CSRFProtect
) -> None:
    alice, mallory = app.test_client(), app.test_client()
    alice_token = _token(alice)
    _token(mallory)
    response = mallory.post(
        "/submit", json={"a": 1}, headers={"X-CSRFToken": alice_token}
    )
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["error"] == "The CSRF tokens do not match."


def test_tokens_use_flask_wtf_salt(app: Vial) -> None:
    # The salt is part of the token format: Flask-WTF signs with this one, so
    # tokens made by either library validate in the other.
    with app.test_request_context():
        token = generate_csrf()
        raw = session["csrf_token"]
        flask_wtf = URLSafeTimedSerializer("test secret key", salt="wtf-csrf-token")
        assert flask_wtf.loads(token) == raw
        validate_csrf(flask_wtf.dumps(raw))


def test_unrouted_requests_are_not_checked(
    csrf: CSRFProtect, client: VialClient
) -> None:
    assert client.post("/nowhere").status_code == 404
    assert client.post("/token").status_code == 405


def test_failures_are_logged(
    csrf: CSRFProtect, client: VialClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="vial_wtf.csrf"):
        client.post("/submit")
        client.post("/submit", base_url="https://localhost")
    # Once each, the reason alone (code replacing logger.info, as Flask-WTF's
    # tests do, gets one argument).
    assert [record.getMessage() for record in caplog.records] == [
        "The CSRF token is missing.",
        "The CSRF token is missing.",
    ]
    assert all(record.args == () for record in caplog.records)


def test_malformed_multipart_body_is_a_clear_400(
    csrf: CSRFProtect, client: VialClient
) -> None:
    response = client.post(
        "/submit",
        data=b'--frontier\r\nContent-Disposition: form-data; name="a"\r\n\r\nx',
        content_type="multipart/form-data; boundary=frontier",
    )
    assert response.status_code == 400
    assert "could not be parsed" in response.text


def test_disabled_checks_nothing(app: Vial, client: VialClient) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    CSRFProtect(app)
    _add_views(app)
    assert client.post("/submit").text == "done POST"


# HTTPS referrer check


def test_https_requires_referrer(csrf: CSRFProtect, client: VialClient) -> None:
    token = _token(client)
    response = client.post(
        "/submit", data={"csrf_token": token}, base_url="https://localhost"
    )
    assert response.status_code == 400
    assert "The referrer header is missing." in response.text


@pytest.mark.parametrize(
    "referrer",
    [
        "https://evil.example/form",
        "http://localhost/form",
        "https://localhost:8443/form",
        "https://localhost.evil.example/",
        "https://localhost:notaport/",
        "not a url",
    ],
)
def test_https_rejects_foreign_referrer(
    csrf: CSRFProtect, client: VialClient, referrer: str
) -> None:
    token = _token(client)
    response = client.post(
        "/submit",
        data={"csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": referrer},
    )
    assert response.status_code == 400
    assert "The referrer does not match the host." in response.text


@pytest.mark.parametrize(
    "referrer", ["https://localhost/form", "https://LOCALHOST:443/x?y=1"]
)
def test_https_accepts_same_origin_referrer(
    csrf: CSRFProtect, client: VialClient, referrer: str
) -> None:
    token = _token(client)
    response = client.post(
        "/submit",
        data={"csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": referrer},
    )
    assert response.text == "done POST"


def test_https_token_is_checked_before_referrer(
    csrf: CSRFProtect, client: VialClient
) -> None:
    response = client.post("/submit", base_url="https://localhost")
    assert "The CSRF token is missing." in response.text


def test_ssl_strict_off_skips_referrer(app: Vial, client: VialClient) -> None:
    app.config["WTF_CSRF_SSL_STRICT"] = False
    CSRFProtect(app)
    _add_views(app)
    token = _token(client)
    response = client.post(
        "/submit", data={"csrf_token": token}, base_url="https://localhost"
    )
    assert response.text == "done POST"


# Error handling


def test_app_errorhandler_takes_over(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    @app.errorhandler(CSRFError)
    def handle(e: CSRFError) -> tuple[dict[str, t.Any], int]:
        return {"custom": e.description}, 419

    response = client.post("/submit")
    assert response.status_code == 419
    assert response.json == {"custom": "The CSRF token is missing."}


def test_errorhandler_registered_before_init_app(app: Vial, client: VialClient) -> None:
    @app.errorhandler(400)
    def handle(e: Exception) -> tuple[str, int]:
        return f"handled {type(e).__name__}", 400

    CSRFProtect(app)
    _add_views(app)
    assert client.post("/submit").text == "handled CSRFError"


def test_csrf_error_is_a_bad_request() -> None:
    error = CSRFError()
    assert error.code == 400
    assert error.description == "CSRF validation failed."
    assert CSRFError("The CSRF token is missing.").description == (
        "The CSRF token is missing."
    )


# Exemptions


def test_exempt_view_function(app: Vial, csrf: CSRFProtect, client: VialClient) -> None:
    @app.post("/hook")
    @csrf.exempt
    def hook() -> str:
        return "hooked"

    @app.post("/hook2")
    def hook2() -> str:
        return "hooked 2"

    assert csrf.exempt(hook2) is hook2
    assert client.post("/hook").text == "hooked"
    assert client.post("/hook2").text == "hooked 2"
    assert client.post("/submit").status_code == 400


def test_exempt_by_endpoint_and_dotted_path(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    @app.post("/a", endpoint="endpoint_a")
    def view_a() -> str:
        return "a"

    @app.post("/b")
    def view_b() -> str:
        return "b"

    csrf.exempt("endpoint_a")
    csrf.exempt(f"{__name__}.view_b")
    assert client.post("/a").text == "a"
    assert client.post("/b").text == "b"
    assert client.post("/submit").status_code == 400


def test_exempt_blueprint_and_its_children(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    child = Blueprint("child", __name__, url_prefix="/child")
    other = Blueprint("other", __name__, url_prefix="/other")

    @api.post("/x")
    def api_x() -> str:
        return "api"

    @child.post("/y")
    def child_y() -> str:
        return "child"

    @other.post("/z")
    def other_z() -> str:
        return "other"

    api.register_blueprint(child)
    assert csrf.exempt(api) is api
    app.register_blueprint(api)
    app.register_blueprint(other)
    assert client.post("/api/x").text == "api"
    assert client.post("/api/child/y").text == "child"
    assert client.post("/other/z").status_code == 400


def test_exempt_nested_blueprint_only(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")

    @parent.post("/x")
    def parent_x() -> str:
        return "parent"

    @child.post("/y")
    def child_y() -> str:
        return "child"

    parent.register_blueprint(child)
    csrf.exempt(child)
    app.register_blueprint(parent)
    assert client.post("/parent/child/y").text == "child"
    assert client.post("/parent/x").status_code == 400


# Manual protection


def test_check_default_off_with_manual_protect(app: Vial, client: VialClient) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)
    _add_views(app)

    @app.post("/manual")
    def manual() -> str:
        csrf.protect()
        return "protected"

    assert client.post("/submit").text == "done POST"
    response = client.post("/manual")
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text
    token = _token(client)
    assert client.post("/manual", data={"csrf_token": token}).text == "protected"


def test_manual_protect_in_a_before_request_hook(app: Vial, client: VialClient) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)
    _add_views(app)
    admin = Blueprint("admin", __name__, url_prefix="/admin")

    @admin.before_request
    def check() -> None:
        csrf.protect()

    @admin.post("/delete")
    def delete() -> str:
        return "deleted"

    app.register_blueprint(admin)
    assert client.post("/admin/delete").status_code == 400
    assert client.post("/submit").status_code == 200


def test_manual_protect_ignores_safe_methods_and_disabled(
    app: Vial, client: VialClient
) -> None:
    csrf = CSRFProtect(app)
    with app.test_request_context(method="GET"):
        csrf.protect()
    with app.test_request_context(method="POST"), pytest.raises(CSRFError):
        csrf.protect()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context(method="POST"):
        csrf.protect()


# One instance, several apps


def test_one_instance_serves_two_apps_with_their_own_config() -> None:
    csrf = CSRFProtect()
    first = Vial("first")
    first.config.update(SECRET_KEY="first key", WTF_CSRF_HEADERS=["X-First"])
    second = Vial("second")
    second.config.update(
        SECRET_KEY="second key", WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=7
    )
    for app in (first, second):
        csrf.init_app(app)
        _add_views(app)
        assert STATE.get(app).csrf is csrf

    assert first.config["WTF_CSRF_TIME_LIMIT"] == 3600
    assert second.config["WTF_CSRF_TIME_LIMIT"] == 7
    one = first.test_client()
    two = second.test_client()
    token = _token(one)
    assert one.post("/submit").status_code == 400
    assert one.post("/submit", headers={"X-First": token}).status_code == 200
    assert one.post("/submit", headers={"X-CSRFToken": token}).status_code == 400
    # The second app checks nothing by default.
    assert two.post("/submit").status_code == 200
    # A token from one app is no good in the other (different keys).
    with second.test_request_context():
        session["csrf_token"] = "x" * 40
        with pytest.raises(ValidationError, match="invalid"):
            validate_csrf(token)


@pytest.mark.parametrize("methods", [["post"], ["Post", "put"], ("POST",)])
def test_method_names_in_config_are_case_insensitive(
    app: Vial, methods: t.Sequence[str]
) -> None:
    app.config["WTF_CSRF_METHODS"] = methods
    CSRFProtect(app)
    _add_views(app)
    response = app.test_client().post("/submit")
    assert response.status_code == 400
    assert "CSRF token is missing" in response.text


def test_init_app_after_serving_leaves_no_false_protection(app: Vial) -> None:
    _add_views(app)
    app.test_client().get("/token")
    with pytest.raises(AssertionError, match="first request"):
        CSRFProtect(app)
    assert "csrf" not in app.extensions


# g.csrf_valid, as Flask-WTF sets and reads it


def _form_view(app: Vial, rule: str = "/form") -> None:
    """A view validating a bare form with its own CSRF field."""

    @app.post(rule, endpoint=rule)
    def form_view() -> str:
        form = VialForm()
        if form.validate():
            return f"valid {g.get('csrf_valid')}"
        return str(form["csrf_token"].errors[0])


def test_passed_check_sets_csrf_valid_and_forms_skip_theirs(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    _form_view(app)
    token = _token(client)
    # The token in a header only: the form's own field is empty.
    assert client.post("/form", headers={"X-CSRFToken": token}).text == "valid True"


def test_forms_honour_csrf_valid_set_by_another_extension(
    app: Vial, client: VialClient
) -> None:
    # Flask-Security turns the automatic check off and sets g.csrf_valid
    # for requests that need no CSRF check.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    CSRFProtect(app)

    @app.before_request
    def other_extension() -> None:
        if request.headers.get("X-Checked"):
            g.csrf_valid = True

    _form_view(app)
    assert client.post("/form", headers={"X-Checked": "1"}).text == "valid True"
    assert client.post("/form").text == "The CSRF token is missing."


def test_csrf_valid_of_one_request_does_not_leak_into_the_next(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    # Requests made while a test holds an app context share its g.
    _form_view(app)
    csrf.exempt("/form")
    token = _token(client)
    with app.app_context():
        assert client.post("/submit", data={"csrf_token": token}).status_code == 200
        assert g.get("csrf_valid") is True
        assert client.post("/form").text == "The CSRF token is missing."
        # Without CSRFProtect's hook running first, the form still sees
        # that the flag was set for another request.
        g.csrf_valid = True
        g._vial_wtf_csrf_valid_for = {"another": "environ"}
        with app.test_request_context(method="POST"):
            form = VialForm()
            assert not form.validate()


def test_a_flag_set_by_another_extension_after_a_shared_check_is_honoured(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    @app.before_request
    def other_extension() -> None:
        if request.headers.get("X-Checked"):
            g.csrf_valid = True

    _form_view(app)
    csrf.exempt("/form")
    token = _token(client)
    with app.app_context():
        assert client.post("/submit", data={"csrf_token": token}).status_code == 200
        # The next request starts without the first one's mark, so the
        # other extension's flag counts.
        response = client.post("/form", headers={"X-Checked": "1"})
        assert response.text == "valid True"


# Requests with API credentials


def _bearer(request: Request) -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def test_api_credentials_without_cookies_skip_the_check(
    app: Vial, csrf: CSRFProtect
) -> None:
    add_credentials_check(app, _bearer)
    _form_view(app)
    api = app.test_client(use_cookies=False)
    bearer = {"Authorization": "Bearer abc"}
    assert api.post("/submit", headers=bearer).text == "done POST"
    # A form in such a request skips its own check too.
    assert api.post("/form", headers=bearer).text == "valid True"
    # Other credentials are not the registered extension's.
    assert (
        api.post("/submit", headers={"Authorization": "Basic eDp5"}).status_code == 400
    )


def test_api_credentials_with_a_session_cookie_are_checked(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    add_credentials_check(app, _bearer)
    _token(client)  # the browser has a session
    assert client.get_cookie("session") is not None
    response = client.post("/submit", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text


def test_api_credentials_with_a_remember_cookie_are_checked(
    app: Vial, csrf: CSRFProtect
) -> None:
    app.config["REMEMBER_COOKIE_NAME"] = "remember_token"
    add_credentials_check(app, _bearer)
    browser = app.test_client()
    browser.set_cookie("remember_token", "1|signed")
    response = browser.post("/submit", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 400


def test_forms_used_alone_skip_for_api_credentials(app: Vial) -> None:
    add_credentials_check(app, _bearer)
    _form_view(app)
    api = app.test_client(use_cookies=False)
    assert api.post("/form", headers={"Authorization": "Bearer x"}).text == (
        "valid None"
    )
    assert api.post("/form").text == "The CSRF token is missing."


def test_without_a_credentials_check_headers_change_nothing(
    csrf: CSRFProtect, app: Vial
) -> None:
    api = app.test_client(use_cookies=False)
    response = api.post("/submit", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 400


# protect(apply_exemptions=True), from a hook of the app


def test_protect_with_exemptions_from_a_hook(app: Vial, client: VialClient) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)

    @app.before_request
    def check() -> None:
        csrf.protect(apply_exemptions=True)

    @app.post("/api")
    def api() -> str:
        return "api"

    @app.post("/hook")
    @csrf.exempt
    def hook() -> str:
        return "hook"

    public = Blueprint("public", __name__, url_prefix="/public")

    @public.post("/")
    def index() -> str:
        return "public"

    csrf.exempt(public)
    app.register_blueprint(public)
    assert client.post("/api").status_code == 400
    assert client.post("/hook").text == "hook"
    assert client.post("/public/").text == "public"
    assert client.post("/missing").status_code == 404
    # Without apply_exemptions, exempt views are checked as well.
    with (
        app.test_request_context("/hook", method="POST"),
        pytest.raises(CSRFError, match="token is missing"),
    ):
        csrf.protect()


def test_state_protect_is_the_extension_s(app: Vial, client: VialClient) -> None:
    # What Flask-Security calls: app.extensions["csrf"].protect().
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    CSRFProtect(app)
    _add_views(app)
    with (
        app.test_request_context("/submit", method="POST"),
        pytest.raises(CSRFError, match="token is missing"),
    ):
        app.extensions["csrf"].protect()
    app.extensions["csrf"].exempt("submit")
    app.config["WTF_CSRF_CHECK_DEFAULT"] = True
    assert client.post("/submit").text == "done POST"


# Forms made before a login


@pytest.mark.parametrize("reason", ["login", "remember", "logout"])
def test_form_from_before_an_identity_change_has_expired(
    app: Vial, csrf: CSRFProtect, client: VialClient, reason: str
) -> None:
    @app.post("/login")
    @csrf.exempt
    def login() -> str:
        identity_changed.send(app, user=None, reason=reason)
        return "changed"

    old = _token(client)
    assert client.post("/login").text == "changed"
    response = client.post("/submit", data={"csrf_token": old})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert FORM_EXPIRED in response.text
    response = client.post(
        "/submit", json={"csrf_token": old}, headers={"X-CSRFToken": old}
    )
    assert response.status_code == 400
    assert response.json == {"code": 400, "name": "Bad Request", "error": FORM_EXPIRED}
    # The page reloaded gives a token that works.
    assert (
        client.post("/submit", data={"csrf_token": _token(client)}).status_code == 200
    )


def test_csrf_meta_tag_template_global(
    app: Vial, csrf: CSRFProtect, client: VialClient
) -> None:
    @app.route("/page")
    def page() -> str:
        return render_template_string("{{ csrf_meta_tag() }}")

    html = client.get("/page").text
    token = html.split('content="')[1].split('"')[0]
    assert html == f'<meta name="csrf-token" content="{token}">'
    assert client.post("/submit", headers={"X-CSRFToken": token}).status_code == 200
    assert app.jinja_env.globals["csrf_meta_tag"] is csrf_meta_tag


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("https://a.example/x", "https://a.example/", True),
        ("https://a.example:443/", "https://a.example/", True),
        ("HTTPS://A.example/", "https://a.example/", True),
        ("http://a.example/", "https://a.example/", False),
        ("https://a.example:8443/", "https://a.example/", False),
        ("https://b.example/", "https://a.example/", False),
        ("https://a.example:x/", "https://a.example/", False),
    ],
)
def test_same_origin(first: str, second: str, same: bool) -> None:
    assert same_origin(first, second) is same
