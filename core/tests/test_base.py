from __future__ import annotations

import inspect
import os
import sys
import typing as t
from pathlib import Path

import pytest

from vial import render_template_string
from vial import request
from vial import Response
from vial import Vial
from vial.testing import VialClient

# -- constructor ---------------------------------------------------------------


def _rules(app: Vial) -> dict[str, str]:
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}


def test_default_static_route(app: Vial) -> None:
    assert _rules(app) == {"static": "/static/<path:filename>"}
    assert app.static_folder == os.path.join(app.root_path, "static")
    assert app.static_url_path == "/static"
    assert app.has_static_folder


def test_static_url_path(tmp_path: Path) -> None:
    app = Vial("a", static_url_path="/assets/", root_path=str(tmp_path))
    assert app.static_url_path == "/assets"
    assert _rules(app) == {"static": "/assets/<path:filename>"}


def test_static_url_path_empty(tmp_path: Path) -> None:
    app = Vial("a", static_url_path="", root_path=str(tmp_path))
    assert _rules(app) == {"static": "/<path:filename>"}


def test_static_folder_name_sets_url_path(tmp_path: Path) -> None:
    app = Vial("a", static_folder="public/", root_path=str(tmp_path))
    assert app.static_folder == str(tmp_path / "public")
    assert _rules(app) == {"static": "/public/<path:filename>"}


def test_static_folder_pathlib_and_absolute(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    app = Vial("a", static_folder=folder, root_path="/elsewhere")
    assert app.static_folder == str(folder)
    assert app.static_url_path == "/files"


def test_no_static_folder(tmp_path: Path) -> None:
    app = Vial("a", static_folder=None, root_path=str(tmp_path))
    assert not app.has_static_folder
    assert app.static_folder is None
    assert app.static_url_path is None
    assert _rules(app) == {}


def test_static_file_is_served(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body {}", encoding="utf8")
    app = Vial("a", root_path=str(tmp_path))
    client = app.test_client()
    rv = client.get("/static/site.css")
    assert rv.status_code == 200
    assert rv.data == b"body {}"
    assert rv.mimetype == "text/css"
    rv.close()
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/../secret").status_code == 404


def test_static_host_requires_host_matching() -> None:
    with pytest.raises(ValueError, match="static_host"):
        Vial("a", static_host="static.test")
    with pytest.raises(ValueError, match="static_host"):
        Vial("a", host_matching=True)


def test_static_host(tmp_path: Path) -> None:
    app = Vial("a", host_matching=True, static_host="cdn.test", root_path=str(tmp_path))
    (rule,) = app.url_map.iter_rules()
    assert rule.host == "cdn.test"
    assert app.url_map.host_matching


def test_host_matching_without_static_folder_needs_no_host() -> None:
    app = Vial("a", host_matching=True, static_folder=None)
    assert app.url_map.host_matching
    assert _rules(app) == {}


def test_subdomain_matching_flag() -> None:
    assert Vial("a").subdomain_matching is False
    assert Vial("a", subdomain_matching=True).subdomain_matching is True


def test_template_folder(tmp_path: Path) -> None:
    assert Vial("a").template_folder == "templates"
    assert Vial("a", template_folder="views").template_folder == "views"
    assert Vial("a", template_folder=None).template_folder is None


def test_root_path_default_is_module_folder() -> None:
    app = Vial(__name__)
    assert app.root_path == os.path.dirname(os.path.abspath(__file__))


def test_root_path_unknown_module_is_cwd() -> None:
    assert Vial("no_such_module_xyz").root_path == os.getcwd()


def test_root_path_explicit(tmp_path: Path) -> None:
    assert Vial("a", root_path=str(tmp_path)).root_path == str(tmp_path)


def test_instance_path_explicit(tmp_path: Path) -> None:
    app = Vial("a", instance_path=str(tmp_path / "inst"))
    assert app.instance_path == str(tmp_path / "inst")


def test_instance_path_relative_is_an_error() -> None:
    with pytest.raises(ValueError, match="absolute path"):
        Vial("a", instance_path="instance")


def test_instance_path_default_for_unknown_module() -> None:
    assert Vial("no_such_module_xyz").instance_path == os.path.join(
        os.getcwd(), "instance"
    )


def test_instance_path_default_for_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "inst_module.py").write_text("", encoding="utf8")
    monkeypatch.syspath_prepend(str(tmp_path))
    app = Vial("inst_module")
    assert app.instance_path == str(tmp_path / "instance")


def test_instance_path_default_for_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "inst_package"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf8")
    (package / "views.py").write_text("", encoding="utf8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert Vial("inst_package").instance_path == str(tmp_path / "instance")
    assert Vial("inst_package.views").instance_path == str(tmp_path / "instance")


def test_instance_path_default_for_installed_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "lib" / "python3.x" / "site-packages"
    site.mkdir(parents=True)
    (site / "inst_installed.py").write_text("", encoding="utf8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    app = Vial("inst_installed")
    assert app.instance_path == str(tmp_path / "var" / "inst_installed-instance")


def test_instance_path_default_for_package_under_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installed under the interpreter's prefix, though not in site-packages
    # (a path file or PYTHONPATH pointing into the prefix).
    package = tmp_path / "opt" / "inst_under_prefix"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf8")
    monkeypatch.syspath_prepend(str(tmp_path / "opt"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    app = Vial("inst_under_prefix")
    assert app.instance_path == str(tmp_path / "var" / "inst_under_prefix-instance")


def test_instance_path_default_for_site_packages_outside_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_base = tmp_path / "user"
    site = user_base / "lib" / "python3.x" / "site-packages"
    site.mkdir(parents=True)
    (site / "inst_user_site.py").write_text("", encoding="utf8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere"))
    app = Vial("inst_user_site")
    assert app.instance_path == str(user_base / "var" / "inst_user_site-instance")


def test_cli_group_is_named_after_the_app() -> None:
    app = Vial("named_app")
    assert app.cli.name == "named_app"


def test_static_view_is_a_plain_function(app: Vial) -> None:
    view = app.view_functions["static"]
    assert inspect.isfunction(view)
    assert view.__name__ == "static"
    assert view.__qualname__ == "static"
    assert view.__module__ == "vial.base"


def test_instance_relative_config(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.py").write_text("FROM_INSTANCE = 42\n", encoding="utf8")
    app = Vial(
        "a",
        root_path=str(tmp_path),
        instance_path=str(instance),
        instance_relative_config=True,
    )
    assert app.config.root_path == str(instance)
    assert app.config.from_pyfile("settings.py")
    assert app.config["FROM_INSTANCE"] == 42


def test_config_root_is_root_path_by_default(tmp_path: Path) -> None:
    app = Vial("a", root_path=str(tmp_path))
    assert app.config.root_path == str(tmp_path)


def test_name_and_repr(app: Vial) -> None:
    assert app.name == "testapp"
    assert repr(app) == "<Vial 'testapp'>"


def test_name_of_main_module(monkeypatch: pytest.MonkeyPatch) -> None:
    main = sys.modules["__main__"]
    monkeypatch.setattr(main, "__file__", "/srv/project/serve.py", raising=False)
    assert Vial("__main__", root_path="/srv/project").name == "serve"
    monkeypatch.delattr(main, "__file__")
    assert Vial("__main__", root_path="/srv/project").name == "__main__"


def test_extensions_dict_per_app() -> None:
    one, two = Vial("one"), Vial("two")
    one.extensions["thing"] = 1
    assert two.extensions == {}


# -- routes --------------------------------------------------------------------


def test_route_returns_function_unchanged(app: Vial) -> None:
    def view() -> str:
        return "x"

    assert app.route("/")(view) is view
    assert app.view_functions["view"] is view


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_method_shortcuts(app: Vial, client: VialClient, method: str) -> None:
    def view() -> str:
        return request.method

    decorator = getattr(app, method)("/")
    assert decorator(view) is view
    assert getattr(client, method)("/").text == method.upper()
    other = "post" if method != "post" else "put"
    assert getattr(client, other)("/").status_code == 405


def test_method_shortcut_rejects_methods(app: Vial) -> None:
    with pytest.raises(TypeError, match="methods"):
        app.get("/", methods=["POST"])


def test_route_with_methods(app: Vial, client: VialClient) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        return request.method

    assert client.get("/").text == "GET"
    assert client.post("/").text == "POST"
    assert client.put("/").status_code == 405


def test_methods_as_string_is_an_error(app: Vial) -> None:
    with pytest.raises(TypeError, match=r"\['POST'\]"):
        app.add_url_rule("/", "index", lambda: "", methods="POST")


def test_route_endpoint_option(app: Vial, client: VialClient) -> None:
    @app.route("/", endpoint="home")
    def index() -> str:
        return "home"

    assert "home" in app.view_functions
    assert "index" not in app.view_functions
    assert client.get("/").text == "home"


def test_add_url_rule(app: Vial, client: VialClient) -> None:
    def index() -> str:
        return "added"

    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/named", "named", index)
    assert client.get("/").text == "added"
    assert client.get("/named").text == "added"
    assert app.view_functions["index"] is index
    assert app.view_functions["named"] is index


def test_add_url_rule_needs_endpoint_or_view(app: Vial) -> None:
    with pytest.raises(TypeError, match="endpoint"):
        app.add_url_rule("/")


def test_endpoint_decorator(app: Vial, client: VialClient) -> None:
    app.add_url_rule("/", endpoint="index")

    @app.endpoint("index")
    def index() -> str:
        return "from endpoint"

    assert client.get("/").text == "from endpoint"


def test_same_view_under_two_rules(app: Vial, client: VialClient) -> None:
    @app.route("/a")
    @app.route("/b")
    def view() -> str:
        return request.path

    assert client.get("/a").text == "/a"
    assert client.get("/b").text == "/b"


def test_endpoint_clash_is_an_error(app: Vial) -> None:
    @app.route("/a")
    def view() -> str:
        return "a"

    def other() -> str:
        return "b"

    with pytest.raises(AssertionError, match="'view' already has a different view"):
        app.add_url_rule("/b", "view", other)


# -- configuration ---------------------------------------------------------------


def test_default_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    monkeypatch.delenv("VIAL_DEBUG", raising=False)
    app = Vial("a")
    assert dict(app.config) == {
        "DEBUG": False,
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


def test_config_is_per_app() -> None:
    one, two = Vial("one"), Vial("two")
    one.config["SECRET_KEY"] = "one"
    assert two.config["SECRET_KEY"] is None
    assert one.default_config["SECRET_KEY"] is None


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False)])
def test_debug_from_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("VIAL_DEBUG", value)
    app = Vial("a")
    assert app.debug is expected
    assert app.config["DEBUG"] is expected


def test_config_attributes(app: Vial) -> None:
    from datetime import timedelta

    assert app.testing is True
    app.testing = False
    assert app.config["TESTING"] is False
    assert app.secret_key == "test key"
    app.secret_key = "other"
    assert app.config["SECRET_KEY"] == "other"
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)
    app.permanent_session_lifetime = timedelta(hours=1)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)
    app.debug = True
    assert app.config["DEBUG"] is True


def test_max_content_length(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def index() -> str:
        return str(len(request.get_data()))

    assert client.post("/", data=b"x" * 10).text == "10"
    assert client.post("/", data=b"x" * 11).status_code == 413


def test_max_content_length_error_handler(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4

    @app.errorhandler(413)
    def too_large(e: Exception) -> tuple[dict[str, str], int]:
        return {"error": "too large"}, 413

    @app.post("/")
    def index() -> str:
        return request.get_data(as_text=True)

    rv = client.post("/", data=b"12345")
    assert rv.status_code == 413
    assert rv.get_json() == {"error": "too large"}


def test_max_content_length_form(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 20

    @app.post("/")
    def index() -> str:
        return request.form.get("a", "")

    assert client.post("/", data={"a": "short"}).text == "short"
    assert client.post("/", data={"a": "x" * 50}).status_code == 413


def test_max_content_length_per_request(app: Vial, client: VialClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 5

    @app.before_request
    def allow_more() -> None:
        if request.path == "/big":
            request.max_content_length = 100

    @app.post("/big")
    def big() -> str:
        return str(len(request.get_data()))

    @app.post("/small")
    def small() -> str:
        return str(len(request.get_data()))

    assert client.post("/big", data=b"x" * 50).text == "50"
    assert client.post("/small", data=b"x" * 50).status_code == 413


def test_max_form_memory_size(app: Vial, client: VialClient) -> None:
    app.config["MAX_FORM_MEMORY_SIZE"] = 10

    @app.post("/")
    def index() -> str:
        return request.form["f"]

    assert client.post("/", data={"f": "small"}).text == "small"
    rv = client.post("/", data={"f": "x" * 100}, content_type="multipart/form-data")
    assert rv.status_code == 413


def test_max_form_parts(app: Vial, client: VialClient) -> None:
    app.config["MAX_FORM_PARTS"] = 2

    @app.post("/")
    def index() -> str:
        return str(len(request.form))

    fields = {f"f{i}": "v" for i in range(5)}
    assert (
        client.post("/", data={"a": "1"}, content_type="multipart/form-data").text
        == "1"
    )
    rv = client.post("/", data=fields, content_type="multipart/form-data")
    assert rv.status_code == 413


def test_application_root(app: Vial, client: VialClient) -> None:
    app.config["APPLICATION_ROOT"] = "/sub"

    @app.route("/")
    def index() -> str:
        from vial import session
        from vial import url_for

        session["seen"] = True
        return f"{request.script_root}|{url_for('index')}"

    rv = client.get("/")
    assert rv.text == "/sub|/sub/"
    assert "Path=/sub" in rv.headers["Set-Cookie"]
    with app.test_request_context():
        assert request.url == "http://localhost/sub/"


def test_preferred_url_scheme(app: Vial) -> None:
    app.config["PREFERRED_URL_SCHEME"] = "https"
    with app.test_request_context():
        assert request.scheme == "https"
        assert request.url == "https://localhost/"


def test_server_name_default_host(app: Vial) -> None:
    app.config["SERVER_NAME"] = "site.test:8080"
    with app.test_request_context():
        assert request.host == "site.test:8080"


def test_session_cookie_defaults(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        from vial import session

        session["user"] = "ann"
        return "ok"

    cookie = client.get("/").headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    # Vial's safer default: Flask leaves SameSite unset.
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_max_cookie_size(app: Vial) -> None:
    app.config["MAX_COOKIE_SIZE"] = 100
    with app.app_context():
        response = Response()
        assert response.max_cookie_size == 100
        with pytest.warns(UserWarning, match="cookie is too large"):
            response.set_cookie("big", "x" * 200)
    assert Response().max_cookie_size == 4093


# -- resources -------------------------------------------------------------------


def test_open_resource(tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("héllo", encoding="utf8")
    app = Vial("a", root_path=str(tmp_path))
    with app.open_resource("data.txt") as f:
        assert f.read() == "héllo".encode()
    with app.open_resource("data.txt", "r", encoding="utf8") as f:
        assert f.read() == "héllo"
    with app.open_resource("data.txt", "rt", encoding="utf8") as f:
        assert f.read() == "héllo"


@pytest.mark.parametrize("mode", ["w", "wb", "a", "r+", "x"])
def test_open_resource_is_read_only(tmp_path: Path, mode: str) -> None:
    app = Vial("a", root_path=str(tmp_path))
    with pytest.raises(ValueError, match="only be opened for reading"):
        app.open_resource("data.txt", mode)
    assert not (tmp_path / "data.txt").exists()


def test_open_resource_missing(tmp_path: Path) -> None:
    app = Vial("a", root_path=str(tmp_path))
    with pytest.raises(FileNotFoundError):
        app.open_resource("missing.txt")


def test_open_instance_resource(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    app = Vial("a", root_path=str(tmp_path), instance_path=str(instance))
    with app.open_instance_resource("notes.txt", "w") as f:
        f.write("wrïtten")
    assert (instance / "notes.txt").read_text(encoding="utf8") == "wrïtten"
    with app.open_instance_resource("notes.txt") as f:
        assert f.read() == "wrïtten".encode()
    with app.open_instance_resource("notes.txt", "r") as f:
        assert f.read() == "wrïtten"
    with app.open_instance_resource("notes.txt", "a", encoding="latin1") as f:
        f.write("é")
    assert (instance / "notes.txt").read_bytes().endswith(b"\xe9")


# -- the setup guard -------------------------------------------------------------


def _noop(*args: t.Any) -> t.Any:
    return None


_SETUP_CALLS: list[tuple[str, t.Callable[[Vial], object]]] = [
    ("route", lambda app: app.route("/late")),
    ("get", lambda app: app.get("/late")),
    ("post", lambda app: app.post("/late")),
    ("add_url_rule", lambda app: app.add_url_rule("/late", "late", _noop)),
    ("endpoint", lambda app: app.endpoint("late")),
    ("before_request", lambda app: app.before_request(_noop)),
    ("after_request", lambda app: app.after_request(_noop)),
    ("teardown_request", lambda app: app.teardown_request(_noop)),
    ("teardown_appcontext", lambda app: app.teardown_appcontext(_noop)),
    ("context_processor", lambda app: app.context_processor(dict)),
    ("url_value_preprocessor", lambda app: app.url_value_preprocessor(_noop)),
    ("url_defaults", lambda app: app.url_defaults(_noop)),
    ("errorhandler", lambda app: app.errorhandler(404)),
    ("register_error_handler", lambda app: app.register_error_handler(404, _noop)),
    ("shell_context_processor", lambda app: app.shell_context_processor(dict)),
    ("template_filter", lambda app: app.template_filter()),
    ("add_template_filter", lambda app: app.add_template_filter(_noop)),
    ("template_test", lambda app: app.template_test()),
    ("add_template_test", lambda app: app.add_template_test(bool)),
    ("template_global", lambda app: app.template_global()),
    ("add_template_global", lambda app: app.add_template_global(_noop)),
]


@pytest.mark.parametrize(
    ("name", "call"), _SETUP_CALLS, ids=[c[0] for c in _SETUP_CALLS]
)
def test_setup_methods_refused_after_first_request(
    app: Vial, client: VialClient, name: str, call: t.Callable[[Vial], object]
) -> None:
    client.get("/")
    with pytest.raises(AssertionError) as exc_info:
        call(app)
    message = str(exc_info.value)
    assert f"'{name}' was called on the application after it handled its first" in (
        message
    )
    assert "before the app serves requests" in message


def test_register_blueprint_refused_after_first_request(
    app: Vial, client: VialClient
) -> None:
    from vial import Blueprint

    client.get("/")
    with pytest.raises(AssertionError, match="'register_blueprint'"):
        app.register_blueprint(Blueprint("late", __name__))


def test_setup_allowed_before_first_request(app: Vial) -> None:
    with app.test_request_context():
        pass
    with app.app_context():
        pass

    @app.route("/")
    def index() -> str:
        return "still allowed"

    assert app.test_client().get("/").text == "still allowed"


def test_failed_first_request_still_ends_setup(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with pytest.raises(ZeroDivisionError):
        client.get("/")
    with pytest.raises(AssertionError):
        app.route("/late")


# -- templates -------------------------------------------------------------------


def test_jinja_env_created_lazily(app: Vial) -> None:
    assert "jinja_env" not in app.__dict__
    env = app.jinja_env
    assert app.jinja_env is env
    assert env.globals["config"] is app.config
    assert env.globals["url_for"] == app.url_for


def test_template_filter_decorator(app: Vial) -> None:
    from vial import render_template_string

    def reverse(value: str) -> str:
        return value[::-1]

    def shout(value: str) -> str:
        return value.upper()

    assert app.template_filter()(reverse) is reverse
    assert app.template_filter("loud")(shout) is shout
    assert app.jinja_env.filters["reverse"] is reverse
    assert app.jinja_env.filters["loud"] is shout
    assert "shout" not in app.jinja_env.filters
    with app.app_context():
        assert render_template_string("{{ 'abc'|reverse|loud }}") == "CBA"


def test_add_template_filter(app: Vial) -> None:
    def double(value: int) -> int:
        return value * 2

    app.add_template_filter(double)
    app.add_template_filter(double, "twice")
    assert app.jinja_env.filters["double"] is double
    assert app.jinja_env.filters["twice"] is double


def test_template_test_decorator(app: Vial) -> None:
    from vial import render_template_string

    def positive(value: int) -> bool:
        return value > 0

    assert app.template_test()(positive) is positive
    app.add_template_test(positive, "plus")
    with app.app_context():
        assert render_template_string("{{ 3 is positive }}{{ -1 is plus }}") == (
            "TrueFalse"
        )


def test_template_global_decorator(app: Vial) -> None:
    from vial import render_template_string

    def answer() -> int:
        return 42

    assert app.template_global()(answer) is answer
    app.add_template_global(answer, "reply")
    with app.app_context():
        assert render_template_string("{{ answer() }} {{ reply() }}") == "42 42"


def test_template_registrations_are_per_app() -> None:
    one, two = Vial("one"), Vial("two")
    one.add_template_filter(str.upper, "up")
    assert "up" in one.jinja_env.filters
    assert "up" not in two.jinja_env.filters


def test_select_jinja_autoescape(app: Vial) -> None:
    assert app.select_jinja_autoescape(None)
    for name in ("a.html", "a.htm", "a.xml", "a.xhtml", "a.svg"):
        assert app.select_jinja_autoescape(name)
    assert not app.select_jinja_autoescape("a.txt")
    assert not app.select_jinja_autoescape("a.js")


def test_update_template_context(app: Vial) -> None:
    @app.context_processor
    def extra() -> dict[str, t.Any]:
        return {"site": "vial", "user": "processor"}

    with app.test_request_context("/?a=1"):
        context: dict[str, t.Any] = {"user": "explicit"}
        app.update_template_context(context)
        # Values passed to the render call win over processors.
        assert context["user"] == "explicit"
        assert context["site"] == "vial"
        assert context["request"].args["a"] == "1"
        assert "g" in context


def test_update_template_context_without_request(app: Vial) -> None:
    with app.app_context():
        context: dict[str, t.Any] = {}
        app.update_template_context(context)
        assert set(context) == {"g"}


# -- shell context ---------------------------------------------------------------


def test_make_shell_context_defaults(app: Vial) -> None:
    from vial import g

    assert app.make_shell_context() == {"app": app, "g": g}


def test_shell_context_processors(app: Vial) -> None:
    def first() -> dict[str, t.Any]:
        return {"one": 1, "shared": "first"}

    def second() -> dict[str, t.Any]:
        return {"two": 2, "shared": "second"}

    assert app.shell_context_processor(first) is first
    app.shell_context_processor(second)
    context = app.make_shell_context()
    assert context["one"] == 1
    assert context["two"] == 2
    assert context["shared"] == "second"
    assert context["app"] is app
    assert app.shell_context_processors == [first, second]


# -- error handler lookup --------------------------------------------------------


def _handler(name: str) -> t.Callable[[Exception], str]:
    def handler(e: Exception) -> str:
        return name

    return handler


def _found(app: Vial, e: Exception, blueprints: list[str]) -> str | None:
    handler = app._find_error_handler(e, blueprints)
    return None if handler is None else t.cast(str, handler(e))


def test_find_error_handler_order(app: Vial) -> None:
    from werkzeug.exceptions import HTTPException
    from werkzeug.exceptions import NotFound

    app.register_error_handler(HTTPException, _handler("app http"))
    assert _found(app, NotFound(), []) == "app http"
    app.error_handler_spec["bp"][None][HTTPException] = _handler("bp http")
    # A blueprint's class handler beats the app's class handler.
    assert _found(app, NotFound(), ["bp"]) == "bp http"
    assert _found(app, NotFound(), []) == "app http"
    app.register_error_handler(404, _handler("app 404"))
    # A handler for the status code beats class handlers, in any scope.
    assert _found(app, NotFound(), ["bp"]) == "app 404"
    app.error_handler_spec["bp"][404][NotFound] = _handler("bp 404")
    assert _found(app, NotFound(), ["bp"]) == "bp 404"
    # Nested blueprints: the innermost scope is searched first.
    app.error_handler_spec["bp.child"][404][NotFound] = _handler("child 404")
    assert _found(app, NotFound(), ["bp.child", "bp"]) == "child 404"


def test_find_error_handler_for_plain_exceptions(app: Vial) -> None:
    app.register_error_handler(LookupError, _handler("lookup"))
    app.error_handler_spec["bp"][None][KeyError] = _handler("bp key")
    assert _found(app, KeyError(), []) == "lookup"
    assert _found(app, KeyError(), ["bp"]) == "bp key"
    assert _found(app, IndexError(), ["bp"]) == "lookup"
    assert _found(app, ValueError(), ["bp"]) is None


def test_find_error_handler_none_registered(app: Vial) -> None:
    from werkzeug.exceptions import NotFound

    assert _found(app, NotFound(), []) is None
    assert _found(app, ZeroDivisionError(), ["bp"]) is None


@pytest.mark.parametrize(
    ("config", "debug", "error", "trapped"),
    [
        ({}, False, "notfound", False),
        ({"TRAP_HTTP_EXCEPTIONS": True}, False, "notfound", True),
        ({}, False, "badkey", False),
        ({}, True, "badkey", True),
        ({}, True, "badrequest", False),
        ({"TRAP_BAD_REQUEST_ERRORS": True}, False, "badrequest", True),
        ({"TRAP_BAD_REQUEST_ERRORS": True}, False, "notfound", False),
        ({"TRAP_BAD_REQUEST_ERRORS": False}, True, "badkey", False),
    ],
)
def test_trap_http_exception(
    app: Vial, config: dict[str, t.Any], debug: bool, error: str, trapped: bool
) -> None:
    from werkzeug.exceptions import BadRequest
    from werkzeug.exceptions import BadRequestKeyError
    from werkzeug.exceptions import NotFound

    errors = {
        "notfound": NotFound(),
        "badkey": BadRequestKeyError("k"),
        "badrequest": BadRequest(),
    }
    app.config.update(config)
    app.debug = debug
    assert app.trap_http_exception(errors[error]) is trapped


def test_should_ignore_error_default(app: Vial) -> None:
    assert app.should_ignore_error(ValueError()) is False
    assert app.should_ignore_error(None) is False


# -- sync and async --------------------------------------------------------------


def test_ensure_sync_returns_sync_functions_unchanged(app: Vial) -> None:
    def view() -> str:
        return "sync"

    assert app.ensure_sync(view) is view
    assert app.ensure_sync(len) is len


def test_ensure_sync_runs_coroutine_functions(app: Vial) -> None:
    import functools

    async def add(a: int, b: int) -> int:
        return a + b

    wrapped = app.ensure_sync(add)
    assert wrapped is not add
    assert wrapped(1, 2) == 3
    assert app.ensure_sync(functools.partial(add, 10))(5) == 15


def test_async_view(app: Vial, client: VialClient) -> None:
    import asyncio

    @app.route("/")
    async def index() -> str:
        await asyncio.sleep(0)
        return f"async {request.path}"

    assert client.get("/").text == "async /"


def test_async_to_sync_without_asgiref(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "asgiref.sync", None)

    async def view() -> str:
        return "x"

    with pytest.raises(RuntimeError, match=r"pip install 'vial-core\[async\]'"):
        app.ensure_sync(view)


# -- other setup -----------------------------------------------------------------


def test_iter_blueprints_in_registration_order(app: Vial) -> None:
    from vial import Blueprint

    first, second = Blueprint("first", __name__), Blueprint("second", __name__)
    app.register_blueprint(second)
    app.register_blueprint(first)
    assert list(app.iter_blueprints()) == [second, first]
    assert app.blueprints == {"second": second, "first": first}


def test_default_config_override_in_subclass() -> None:
    class MyApp(Vial):
        default_config = {**Vial.default_config, "SESSION_COOKIE_NAME": "mine"}

    assert MyApp("a").config["SESSION_COOKIE_NAME"] == "mine"
    assert Vial("a").config["SESSION_COOKIE_NAME"] == "session"


def test_config_class_override() -> None:
    from vial import Config

    class MyConfig(Config):
        pass

    class MyApp(Vial):
        config_class = MyConfig

    assert type(MyApp("a").config) is MyConfig


def test_json_provider_per_app() -> None:
    from vial.json.provider import DefaultJSONProvider

    class UnsortedProvider(DefaultJSONProvider):
        sort_keys = False

    class MyApp(Vial):
        json_provider_class = UnsortedProvider

    custom, plain = MyApp("a"), Vial("b")
    assert isinstance(custom.json, UnsortedProvider)
    assert type(plain.json) is DefaultJSONProvider
    assert custom.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
    assert plain.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'


def test_logger_named_after_app(app: Vial) -> None:
    assert app.logger.name == "testapp"
    assert app.logger is app.logger


def test_cli_created_lazily(app: Vial) -> None:
    assert "cli" not in app.__dict__
    assert not app._has_cli_commands()


def test_template_decorators_without_parentheses(app: Vial) -> None:
    @app.template_filter
    def shout(value: str) -> str:
        return value.upper()

    @app.template_test
    def short(value: str) -> bool:
        return len(value) < 4

    @app.template_global
    def greeting() -> str:
        return "hi"

    @app.template_filter()
    def whisper(value: str) -> str:
        return value.lower()

    @app.template_filter("twice")
    def double(value: str) -> str:
        return value * 2

    assert shout("a") == "A"  # returned unchanged
    with app.app_context():
        rendered = render_template_string(
            "{{ 'ab'|shout }} {{ 'ab' is short }} {{ greeting() }}"
            " {{ 'AB'|whisper }} {{ 'x'|twice }}"
        )
    assert rendered == "AB True hi ab xx"


def test_explicit_automatic_options_adds_options(app: Vial, client: VialClient) -> None:
    def view() -> str:
        return "ok"

    app.add_url_rule("/given", view_func=view, provide_automatic_options=True)
    view_with_attribute = _with_attribute(lambda: "ok", provide_automatic_options=True)
    app.add_url_rule("/attribute", "attribute", view_func=view_with_attribute)
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.add_url_rule("/off", "off", view_func=view)
    for url in ("/given", "/attribute"):
        rv = client.open(url, method="OPTIONS")
        assert rv.status_code == 200
        assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS"]
    assert client.open("/off", method="OPTIONS").status_code == 405


def _with_attribute(view: t.Callable[[], str], **attributes: t.Any) -> t.Any:
    for name, value in attributes.items():
        setattr(view, name, value)
    return view
