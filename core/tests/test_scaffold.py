from __future__ import annotations

import os
import typing as t
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound

from vial import Blueprint
from vial import Response
from vial import Vial
from vial.scaffold import _endpoint_from_view_func
from vial.scaffold import _split_blueprint_path
from vial.scaffold import Scaffold
from vial.scaffold import setupmethod
from vial.testing import VialClient

Hook = t.Callable[..., t.Any]


def _scaffolds() -> list[Scaffold]:
    return [Vial("app"), Blueprint("bp", __name__)]


@pytest.fixture(params=["app", "blueprint"])
def scaffold(request: pytest.FixtureRequest) -> Scaffold:
    if request.param == "app":
        return Vial("app")
    return Blueprint("bp", __name__)


# -- setupmethod -----------------------------------------------------------------


def test_setupmethod_keeps_name_and_doc() -> None:
    assert Scaffold.before_request.__name__ == "before_request"
    assert Scaffold.before_request.__doc__
    assert Scaffold.route.__wrapped__.__name__ == "route"  # type: ignore[attr-defined]


def test_setupmethod_checks_before_calling() -> None:
    calls: list[str] = []

    class Thing(Scaffold):
        name = "thing"
        finished = False

        def _check_setup_finished(self, f_name: str) -> None:
            calls.append(f"check {f_name}")
            if self.finished:
                raise AssertionError(f"{f_name} too late")

        @setupmethod
        def configure(self, value: int) -> int:
            calls.append(f"configure {value}")
            return value * 2

    thing = Thing("thing_module", root_path="/")
    assert thing.configure(2) == 4
    assert calls == ["check configure", "configure 2"]
    thing.finished = True
    with pytest.raises(AssertionError, match="configure too late"):
        thing.configure(3)
    assert calls[-1] == "check configure"


def test_scaffold_is_abstract() -> None:
    scaffold = Scaffold("x", root_path="/")
    with pytest.raises(NotImplementedError):
        scaffold.before_request(lambda: None)


# -- hook registries ---------------------------------------------------------------


_HOOKS = [
    ("before_request", "before_request_funcs"),
    ("after_request", "after_request_funcs"),
    ("teardown_request", "teardown_request_funcs"),
    ("url_value_preprocessor", "url_value_preprocessors"),
    ("url_defaults", "url_default_functions"),
]


@pytest.mark.parametrize(("decorator", "registry"), _HOOKS)
def test_hook_decorators_register_in_order(
    scaffold: Scaffold, decorator: str, registry: str
) -> None:
    def first(*args: t.Any) -> None:
        return None

    def second(*args: t.Any) -> None:
        return None

    register = getattr(scaffold, decorator)
    assert register(first) is first
    assert register(second) is second
    assert getattr(scaffold, registry)[None] == [first, second]


def test_context_processor_registry(scaffold: Scaffold) -> None:
    def extra() -> dict[str, t.Any]:
        return {}

    assert scaffold.context_processor(extra) is extra
    assert scaffold.template_context_processors[None][-1] is extra


def test_registries_share_one_shape(scaffold: Scaffold) -> None:
    for registry in (
        scaffold.before_request_funcs,
        scaffold.after_request_funcs,
        scaffold.teardown_request_funcs,
        scaffold.template_context_processors,
        scaffold.url_value_preprocessors,
        scaffold.url_default_functions,
    ):
        assert isinstance(registry, dict)
        assert registry["unknown scope"] == []


def test_registries_are_per_object() -> None:
    one, two = _scaffolds()

    def hook() -> None:
        return None

    one.before_request(hook)
    assert two.before_request_funcs.get(None, []) == []


def test_app_has_default_context_processor() -> None:
    from vial.base import _default_template_ctx_processor

    assert Vial("a").template_context_processors[None] == [
        _default_template_ctx_processor
    ]
    assert Blueprint("b", __name__).template_context_processors == {}


# -- error handlers ---------------------------------------------------------------


def test_errorhandler_decorator_returns_function(scaffold: Scaffold) -> None:
    def handler(e: Exception) -> str:
        return "handled"

    assert scaffold.errorhandler(404)(handler) is handler
    assert scaffold.errorhandler(KeyError)(handler) is handler
    assert scaffold.error_handler_spec[None][404] == {NotFound: handler}
    assert scaffold.error_handler_spec[None][None] == {KeyError: handler}


def test_register_error_handler(scaffold: Scaffold) -> None:
    def handler(e: Exception) -> str:
        return "handled"

    scaffold.register_error_handler(Forbidden, handler)
    scaffold.register_error_handler(ValueError, handler)
    assert scaffold.error_handler_spec[None][403] == {Forbidden: handler}
    assert scaffold.error_handler_spec[None][None] == {ValueError: handler}


def test_error_handler_for_http_exception_base_has_no_code(
    scaffold: Scaffold,
) -> None:
    def handler(e: Exception) -> str:
        return "handled"

    scaffold.register_error_handler(HTTPException, handler)
    assert scaffold.error_handler_spec[None][None] == {HTTPException: handler}


def test_error_handler_unknown_code(scaffold: Scaffold) -> None:
    with pytest.raises(ValueError, match="999 is not an HTTP error code"):
        scaffold.register_error_handler(999, lambda e: "")


def test_error_handler_for_instance(scaffold: Scaffold) -> None:
    with pytest.raises(TypeError, match="instance, not a class"):
        scaffold.register_error_handler(NotFound(), lambda e: "")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [str, object, "KeyError", BaseException])
def test_error_handler_for_non_exception(scaffold: Scaffold, value: t.Any) -> None:
    with pytest.raises(ValueError, match="not a subclass of Exception"):
        scaffold.register_error_handler(value, lambda e: "")


def test_get_exc_class_and_code() -> None:
    class Teapot(HTTPException):
        code = 418

    get = Scaffold._get_exc_class_and_code
    assert get(404) == (NotFound, 404)
    assert get(NotFound) == (NotFound, 404)
    assert get(Teapot) == (Teapot, 418)
    assert get(KeyError) == (KeyError, None)
    assert get(HTTPException) == (HTTPException, None)


# -- routes -----------------------------------------------------------------------


def test_method_shortcut_rejects_methods(scaffold: Scaffold) -> None:
    for name in ("get", "post", "put", "patch", "delete"):
        with pytest.raises(TypeError, match=r"route\('/x', methods="):
            getattr(scaffold, name)("/x", methods=["GET"])


def test_route_on_scaffold_needs_add_url_rule() -> None:
    scaffold = Scaffold("x", root_path="/")
    scaffold._check_setup_finished = lambda f_name: None  # type: ignore[method-assign]
    with pytest.raises(NotImplementedError):
        scaffold.route("/")(lambda: "")


def test_endpoint_decorator(scaffold: Scaffold) -> None:
    def view() -> str:
        return ""

    assert scaffold.endpoint("thing")(view) is view
    assert scaffold.view_functions["thing"] is view


def test_endpoint_from_view_func() -> None:
    def my_view() -> str:
        return ""

    assert _endpoint_from_view_func(my_view) == "my_view"
    with pytest.raises(TypeError, match="'endpoint' or 'view_func'"):
        _endpoint_from_view_func(None)


def test_split_blueprint_path() -> None:
    assert _split_blueprint_path("a") == ["a"]
    assert _split_blueprint_path("a.b.c") == ["a.b.c", "a.b", "a"]


# -- static files, templates, resources -------------------------------------------


def test_static_folder_property(tmp_path: Path) -> None:
    bp = Blueprint("bp", __name__, root_path=str(tmp_path))
    # One comparison, so the type checker does not narrow the properties.
    assert (bp.static_folder, bp.has_static_folder, bp.static_url_path) == (
        None,
        False,
        None,
    )
    bp.static_folder = "assets//"
    assert bp.static_folder == os.path.join(str(tmp_path), "assets")
    assert bp.has_static_folder
    assert bp.static_url_path == "/assets"
    bp.static_folder = Path("pub") / "files"
    assert bp.static_folder == os.path.join(str(tmp_path), "pub", "files")
    assert bp.static_url_path == "/files"
    bp.static_url_path = "/s/"
    assert bp.static_url_path == "/s"
    bp.static_folder = None
    assert bp.static_folder is None


def test_get_send_file_max_age(app: Vial) -> None:
    with app.app_context():
        assert app.get_send_file_max_age("x.css") is None
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
        assert app.get_send_file_max_age("x.css") == 60
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(hours=1)
        assert app.get_send_file_max_age("x.css") == 3600


def test_static_files_use_max_age(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("a", encoding="utf8")
    app = Vial("a", root_path=str(tmp_path))
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 120
    rv = app.test_client().get("/static/a.txt")
    assert "max-age=120" in rv.headers["Cache-Control"]
    rv.close()


def test_get_send_file_max_age_override(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.txt").write_text("a", encoding="utf8")

    class MyApp(Vial):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 7 if filename == "a.txt" else None

    app = MyApp("a", root_path=str(tmp_path))
    rv = app.test_client().get("/static/a.txt")
    assert "max-age=7" in rv.headers["Cache-Control"]
    rv.close()


def test_send_static_file_without_folder(app: Vial) -> None:
    bp = Blueprint("bp", __name__)
    with (
        app.test_request_context(),
        pytest.raises(RuntimeError, match="No static folder"),
    ):
        bp.send_static_file("x.txt")


def test_jinja_loader(tmp_path: Path) -> None:
    from jinja2 import FileSystemLoader

    app = Vial("a", root_path=str(tmp_path))
    loader = app.jinja_loader
    assert isinstance(loader, FileSystemLoader)
    assert loader.searchpath == [os.path.join(str(tmp_path), "templates")]
    assert Vial("a", template_folder=None).jinja_loader is None
    bp = Blueprint("bp", __name__, root_path=str(tmp_path), template_folder="tpl")
    assert isinstance(bp.jinja_loader, FileSystemLoader)
    assert bp.jinja_loader.searchpath == [os.path.join(str(tmp_path), "tpl")]
    assert Blueprint("bp", __name__).jinja_loader is None


def test_blueprint_open_resource(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("create table x;", encoding="utf8")
    bp = Blueprint("bp", __name__, root_path=str(tmp_path))
    with bp.open_resource("schema.sql") as f:
        assert f.read() == b"create table x;"
    with bp.open_resource("schema.sql", "r", encoding="utf8") as f:
        assert f.read() == "create table x;"
    with pytest.raises(ValueError, match="reading"):
        bp.open_resource("schema.sql", "w")


def test_root_path_of_blueprint(tmp_path: Path) -> None:
    assert Blueprint("bp", __name__).root_path == os.path.dirname(
        os.path.abspath(__file__)
    )
    assert Blueprint("bp", __name__, root_path=str(tmp_path)).root_path == str(tmp_path)


def test_repr() -> None:
    assert repr(Vial("my_app")) == "<Vial 'my_app'>"
    assert repr(Blueprint("my_bp", __name__)) == "<Blueprint 'my_bp'>"


# -- hooks run through a request ---------------------------------------------------


def test_hooks_registered_by_decorator_run(app: Vial, client: VialClient) -> None:
    events: list[str] = []

    @app.before_request
    def before() -> None:
        events.append("before")

    @app.after_request
    def after(response: Response) -> Response:
        events.append("after")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "ok"

    client.get("/")
    assert events == ["before", "view", "after", "teardown"]


def test_before_request_answer_skips_view_not_after_hooks(
    app: Vial, client: VialClient
) -> None:
    events: list[str] = []

    @app.before_request
    def first() -> str:
        events.append("first")
        return "from before_request"

    @app.before_request
    def second() -> None:
        events.append("second")

    @app.after_request
    def after(response: Response) -> Response:
        events.append("after")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "view"

    assert client.get("/").text == "from before_request"
    assert events == ["first", "after", "teardown"]


def test_url_value_preprocessors_run_before_before_request(
    app: Vial, client: VialClient
) -> None:
    events: list[str] = []
    bp = Blueprint("bp", __name__)

    @app.before_request
    def before() -> None:
        events.append("before_request")

    @bp.url_value_preprocessor
    def bp_pre(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        events.append(f"bp preprocessor {endpoint} {values}")

    @app.url_value_preprocessor
    def app_pre(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        events.append(f"app preprocessor {endpoint} {values}")

    @bp.route("/<int:n>")
    def view(n: int) -> str:
        return str(n)

    app.register_blueprint(bp)
    assert client.get("/4").text == "4"
    assert events == [
        "app preprocessor bp.view {'n': 4}",
        "bp preprocessor bp.view {'n': 4}",
        "before_request",
    ]


def test_url_value_preprocessor_for_unmatched_url(
    app: Vial, client: VialClient
) -> None:
    seen: list[tuple[str | None, dict[str, t.Any] | None]] = []

    @app.url_value_preprocessor
    def pre(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        seen.append((endpoint, values))

    assert client.get("/missing").status_code == 404
    assert seen == [(None, None)]


def test_teardown_gets_unhandled_exception_only(app: Vial, client: VialClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen: list[BaseException | None] = []

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        seen.append(exc)

    @app.errorhandler(KeyError)
    def handle(e: KeyError) -> str:
        return "handled"

    @app.route("/handled")
    def handled() -> str:
        raise KeyError()

    @app.route("/unhandled")
    def unhandled() -> str:
        raise ValueError()

    assert client.get("/handled").text == "handled"
    assert client.get("/unhandled").status_code == 500
    assert seen[0] is None
    assert isinstance(seen[1], ValueError)


def test_after_request_may_replace_response(app: Vial, client: VialClient) -> None:
    @app.after_request
    def replace(response: Response) -> Response:
        return Response(f"replaced {response.get_data(as_text=True)}", status=201)

    @app.route("/")
    def index() -> str:
        return "original"

    rv = client.get("/")
    assert rv.status_code == 201
    assert rv.text == "replaced original"


def test_after_request_not_run_when_view_error_propagates(
    app: Vial, client: VialClient
) -> None:
    events: list[str] = []

    @app.after_request
    def after(response: Response) -> Response:
        events.append("after")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError()

    with pytest.raises(ZeroDivisionError):
        client.get("/")
    assert events == ["teardown"]
