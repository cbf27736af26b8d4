from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound

from vial import abort
from vial import Blueprint
from vial import g
from vial import render_template_string
from vial import request
from vial import Response
from vial import url_for
from vial import Vial
from vial.blueprints import BlueprintSetupState
from vial.testing import VialClient


def _rules(app: Vial) -> dict[str, str]:
    return {
        rule.endpoint: rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }


def _endpoint_view() -> str:
    return request.endpoint or ""


def _same_response(response: Response) -> Response:
    return response


# -- constructor -----------------------------------------------------------------


def test_name_required() -> None:
    with pytest.raises(ValueError, match="non-empty name"):
        Blueprint("", __name__)


def test_name_without_dot() -> None:
    with pytest.raises(ValueError, match="contains a dot"):
        Blueprint("a.b", __name__)


def test_constructor_options(tmp_path: Path) -> None:
    bp = Blueprint(
        "shop",
        "shop_module",
        static_folder="assets",
        static_url_path="/files",
        template_folder="tpl",
        url_prefix="/shop",
        subdomain="store",
        url_defaults={"currency": "eur"},
        root_path=str(tmp_path),
        cli_group="store",
    )
    assert bp.name == "shop"
    assert bp.import_name == "shop_module"
    assert bp.static_folder == str(tmp_path / "assets")
    assert bp.static_url_path == "/files"
    assert bp.template_folder == "tpl"
    assert bp.url_prefix == "/shop"
    assert bp.subdomain == "store"
    assert bp.url_values_defaults == {"currency": "eur"}
    assert bp.root_path == str(tmp_path)
    assert bp.cli_group == "store"


def test_constructor_defaults() -> None:
    bp = Blueprint("bp", __name__)
    assert bp.static_folder is None
    assert bp.template_folder is None
    assert bp.url_prefix is None
    assert bp.subdomain is None
    assert bp.url_values_defaults == {}


# -- routes and prefixes ---------------------------------------------------------------


def test_routes_get_name_prefix(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", view_func=_endpoint_view)
    bp.add_url_rule("/other", "other", _endpoint_view)

    @bp.get("/get")
    def get_view() -> str:
        return request.endpoint or ""

    app.register_blueprint(bp)
    assert client.get("/").text == "bp._endpoint_view"
    assert client.get("/other").text == "bp.other"
    assert client.get("/get").text == "bp.get_view"
    assert set(app.view_functions) >= {"bp._endpoint_view", "bp.other", "bp.get_view"}


@pytest.mark.parametrize(
    ("prefix", "rule", "expected"),
    [
        ("/bp", "/", "/bp/"),
        ("/bp", "", "/bp"),
        ("/bp/", "/x", "/bp/x"),
        ("/bp", "x", "/bp/x"),
        ("/bp/", "", "/bp/"),
        (None, "/x", "/x"),
        ("", "/x", "/x"),
    ],
)
def test_url_prefix(app: Vial, prefix: str | None, rule: str, expected: str) -> None:
    bp = Blueprint("bp", __name__, url_prefix=prefix)
    bp.add_url_rule(rule, "view", _endpoint_view)
    app.register_blueprint(bp)
    assert _rules(app) == {"bp.view": expected}


def test_url_prefix_registration_option(app: Vial) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/own")
    bp.add_url_rule("/x", "x", _endpoint_view)
    app.register_blueprint(bp, url_prefix="/given")
    assert _rules(app) == {"bp.x": "/given/x"}


def test_subdomain(app: Vial) -> None:
    app.subdomain_matching = True
    app.config["SERVER_NAME"] = "example.test"
    bp = Blueprint("api", __name__, subdomain="api")
    bp.add_url_rule("/", "index", _endpoint_view)
    other = Blueprint("admin", __name__)
    other.add_url_rule("/admin", "index", _endpoint_view)
    app.register_blueprint(bp)
    app.register_blueprint(other, subdomain="staff")
    client = app.test_client()
    assert client.get("/", subdomain="api").text == "api.index"
    assert client.get("/").status_code == 404
    assert client.get("/admin", subdomain="staff").text == "admin.index"
    with app.app_context():
        assert url_for("api.index") == "http://api.example.test/"


def test_url_defaults(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_defaults={"lang": "en", "page": 1})

    @bp.route("/")
    def index(lang: str, page: int, extra: str) -> str:
        return f"{lang} {page} {extra}"

    app.register_blueprint(bp, url_defaults={"page": 2, "extra": "x"})
    assert client.get("/").text == "en 2 x"


def test_rule_defaults_merge_with_blueprint_defaults(
    app: Vial, client: VialClient
) -> None:
    bp = Blueprint("bp", __name__, url_defaults={"lang": "en"})

    @bp.route("/", defaults={"page": 1})
    def index(lang: str, page: int) -> str:
        return f"{lang} {page}"

    app.register_blueprint(bp)
    assert client.get("/").text == "en 1"


def test_dotted_endpoint_rejected() -> None:
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="contains a dot"):
        bp.add_url_rule("/", "a.b", _endpoint_view)


def test_dotted_view_name_rejected() -> None:
    bp = Blueprint("bp", __name__)

    def view() -> str:
        return ""

    view.__name__ = "a.b"
    with pytest.raises(ValueError, match="contains a dot"):
        bp.add_url_rule("/", view_func=view)
    # An explicit endpoint does not help: the function name is checked too.
    with pytest.raises(ValueError, match="pass an 'endpoint' without dots"):
        bp.add_url_rule("/", "fine", view)


def test_dotted_endpoint_on_app_is_allowed(app: Vial, client: VialClient) -> None:
    app.add_url_rule("/", "section.page", _endpoint_view)
    assert client.get("/").text == "section.page"


def test_blueprint_methods_and_options(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/form", methods=["GET", "POST"])
    def form() -> str:
        return request.method

    @bp.route("/dir/", strict_slashes=False)
    def directory() -> str:
        return "dir"

    @bp.route("/no-options", provide_automatic_options=False)
    def no_options() -> str:
        return "x"

    app.register_blueprint(bp)
    assert client.post("/bp/form").text == "POST"
    assert client.delete("/bp/form").status_code == 405
    assert sorted(client.options("/bp/form").allow) == [
        "GET",
        "HEAD",
        "OPTIONS",
        "POST",
    ]
    assert client.get("/bp/dir").text == "dir"
    assert client.options("/bp/no-options").status_code == 405


def test_blueprint_endpoint_decorator(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index")

    @bp.endpoint("bp.index")
    def index() -> str:
        return "from endpoint"

    app.register_blueprint(bp)
    # The view is copied to the app under the name given, so it must be the
    # full dotted endpoint.
    assert app.view_functions["bp.index"] is index
    assert client.get("/").text == "from endpoint"


# -- registration ---------------------------------------------------------------------


def test_register_blueprint_returns_none_and_records(app: Vial) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    assert app.blueprints == {"bp": bp}


def test_register_twice_under_different_names(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)
    calls: list[str] = []

    @bp.before_request
    def before() -> None:
        calls.append(t.cast(str, request.blueprint))

    @bp.route("/")
    def index() -> str:
        return f"{request.endpoint} {url_for('.index')}"

    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="bp2")
    assert app.blueprints == {"bp": bp, "bp2": bp}
    assert client.get("/one/").text == "bp.index /one/"
    assert client.get("/two/").text == "bp2.index /two/"
    assert calls == ["bp", "bp2"]


def test_register_same_name_twice_is_an_error(app: Vial) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="already registered for this blueprint"):
        app.register_blueprint(bp)
    with pytest.raises(ValueError, match="Pass 'name='"):
        app.register_blueprint(bp, url_prefix="/other")


def test_different_blueprints_same_name_is_an_error(app: Vial) -> None:
    app.register_blueprint(Blueprint("bp", __name__))
    with pytest.raises(ValueError, match="already registered for a different"):
        app.register_blueprint(Blueprint("bp", __name__))


def test_registration_name_option(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index", _endpoint_view)
    app.register_blueprint(bp, name="renamed")
    assert app.blueprints == {"renamed": bp}
    assert client.get("/").text == "renamed.index"


def test_record_called_for_each_registration(app: Vial) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp", url_defaults={"a": 1})
    states: list[BlueprintSetupState] = []
    bp.record(states.append)
    once: list[BlueprintSetupState] = []
    bp.record_once(once.append)

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again", url_prefix="/again", url_defaults={"b": 2})
    other = Vial("other")
    other.register_blueprint(bp)

    assert [s.name for s in states] == ["bp", "again", "bp"]
    assert [s.app for s in states] == [app, app, other]
    assert [s.first_registration for s in states] == [True, False, True]
    assert [s.url_prefix for s in states] == ["/bp", "/again", "/bp"]
    assert states[1].url_defaults == {"a": 1, "b": 2}
    assert states[1].options == {
        "name": "again",
        "url_prefix": "/again",
        "url_defaults": {"b": 2},
    }
    assert all(s.blueprint is bp for s in states)
    # record_once runs once per app.
    assert [(s.app, s.name) for s in once] == [(app, "bp"), (other, "bp")]


def test_make_setup_state_override(app: Vial) -> None:
    class MyState(BlueprintSetupState):
        pass

    class MyBlueprint(Blueprint):
        def make_setup_state(
            self,
            app: t.Any,
            options: dict[str, t.Any],
            first_registration: bool = False,
        ) -> BlueprintSetupState:
            return MyState(self, app, options, first_registration)

    bp = MyBlueprint("bp", __name__)
    seen: list[BlueprintSetupState] = []
    bp.record(seen.append)
    app.register_blueprint(bp)
    assert type(seen[0]) is MyState


def test_setup_state_add_url_rule(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    def add(state: BlueprintSetupState) -> None:
        state.add_url_rule("/recorded", view_func=_endpoint_view)

    bp.record(add)
    app.register_blueprint(bp)
    assert client.get("/bp/recorded").text == "bp._endpoint_view"


_BP_SETUP_CALLS: list[tuple[str, t.Callable[[Blueprint], object]]] = [
    ("route", lambda bp: bp.route("/late")),
    ("add_url_rule", lambda bp: bp.add_url_rule("/late", "late", _endpoint_view)),
    ("before_request", lambda bp: bp.before_request(_endpoint_view)),
    ("after_request", lambda bp: bp.after_request(_same_response)),
    ("errorhandler", lambda bp: bp.errorhandler(404)),
    ("record", lambda bp: bp.record(print)),
    ("record_once", lambda bp: bp.record_once(print)),
    ("register_blueprint", lambda bp: bp.register_blueprint(Blueprint("x", "x"))),
    ("before_app_request", lambda bp: bp.before_app_request(_endpoint_view)),
    ("app_template_filter", lambda bp: bp.app_template_filter()),
    ("url_defaults", lambda bp: bp.url_defaults(print)),
]


@pytest.mark.parametrize(
    ("name", "call"), _BP_SETUP_CALLS, ids=[c[0] for c in _BP_SETUP_CALLS]
)
def test_setup_after_registration_is_an_error(
    app: Vial, name: str, call: t.Callable[[Blueprint], object]
) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError) as exc_info:
        call(bp)
    message = str(exc_info.value)
    assert f"'{name}' was called on the blueprint 'bp' after it was registered" in (
        message
    )
    assert "before registering it" in message


def test_blueprint_registered_on_two_apps(client: VialClient) -> None:
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index", lambda: f"app {t.cast(t.Any, request).host}")
    one, two = Vial("one"), Vial("two")
    one.register_blueprint(bp, url_prefix="/one")
    two.register_blueprint(bp, url_prefix="/two")
    assert one.test_client().get("/one/").status_code == 200
    assert two.test_client().get("/two/").status_code == 200
    assert two.test_client().get("/one/").status_code == 404


# -- nested blueprints -----------------------------------------------------------------


def test_nested_blueprints(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")
    grandchild = Blueprint("grandchild", __name__, url_prefix="/grandchild")
    parent.add_url_rule("/", "index", _endpoint_view)
    child.add_url_rule("/", "index", _endpoint_view)
    grandchild.add_url_rule("/", "index", _endpoint_view)
    child.register_blueprint(grandchild)
    parent.register_blueprint(child)
    app.register_blueprint(parent)

    assert client.get("/parent/").text == "parent.index"
    assert client.get("/parent/child/").text == "parent.child.index"
    assert client.get("/parent/child/grandchild/").text == (
        "parent.child.grandchild.index"
    )
    assert set(app.blueprints) == {"parent", "parent.child", "parent.child.grandchild"}


def test_nested_blueprint_request_attributes(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @child.route("/")
    def index() -> dict[str, t.Any]:
        return {"blueprint": request.blueprint, "blueprints": request.blueprints}

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/").get_json() == {
        "blueprint": "parent.child",
        "blueprints": ["parent.child", "parent"],
    }


@pytest.mark.parametrize(
    ("parent_prefix", "child_prefix", "option", "expected"),
    [
        ("/p", "/c", None, "/p/c/x"),
        ("/p/", "/c/", None, "/p/c/x"),
        (None, "/c", None, "/c/x"),
        ("/p", None, None, "/p/x"),
        ("/p", "/c", "/opt", "/p/opt/x"),
        (None, None, None, "/x"),
    ],
)
def test_nested_url_prefixes(
    app: Vial,
    parent_prefix: str | None,
    child_prefix: str | None,
    option: str | None,
    expected: str,
) -> None:
    parent = Blueprint("p", __name__, url_prefix=parent_prefix)
    child = Blueprint("c", __name__, url_prefix=child_prefix)
    child.add_url_rule("/x", "x", _endpoint_view)
    if option is None:
        parent.register_blueprint(child)
    else:
        parent.register_blueprint(child, url_prefix=option)
    app.register_blueprint(parent)
    assert _rules(app) == {"p.c.x": expected}


def test_nested_prefix_given_at_app_registration(app: Vial) -> None:
    parent = Blueprint("p", __name__, url_prefix="/own")
    child = Blueprint("c", __name__, url_prefix="/c")
    child.add_url_rule("/x", "x", _endpoint_view)
    parent.register_blueprint(child)
    app.register_blueprint(parent, url_prefix="/given")
    assert _rules(app) == {"p.c.x": "/given/c/x"}


def test_nested_subdomains(app: Vial) -> None:
    app.subdomain_matching = True
    app.config["SERVER_NAME"] = "example.test"
    parent = Blueprint("p", __name__, subdomain="api")
    child = Blueprint("c", __name__, subdomain="v1")
    only_parent = Blueprint("op", __name__)
    child.add_url_rule("/", "x", _endpoint_view)
    only_parent.add_url_rule("/op", "x", _endpoint_view)
    parent.register_blueprint(child)
    parent.register_blueprint(only_parent)
    app.register_blueprint(parent)
    client = app.test_client()
    assert client.get("/", subdomain="v1.api").text == "p.c.x"
    assert client.get("/op", subdomain="api").text == "p.op.x"


def test_nested_blueprint_registered_twice(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    child.add_url_rule("/", "index", _endpoint_view)
    parent.register_blueprint(child, url_prefix="/a")
    parent.register_blueprint(child, url_prefix="/b", name="other")
    app.register_blueprint(parent)
    assert client.get("/a/").text == "parent.child.index"
    assert client.get("/b/").text == "parent.other.index"


def test_parent_registered_twice(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    child.add_url_rule("/", "index", _endpoint_view)
    parent.register_blueprint(child, url_prefix="/child")
    app.register_blueprint(parent, url_prefix="/one")
    app.register_blueprint(parent, url_prefix="/two", name="second")
    assert client.get("/one/child/").text == "parent.child.index"
    assert client.get("/two/child/").text == "second.child.index"


def test_blueprint_cannot_register_itself() -> None:
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="on itself"):
        bp.register_blueprint(bp)


# -- url_for ------------------------------------------------------------------------


def test_relative_url_for(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/")
    def index() -> str:
        return f"{url_for('.index')} {url_for('.page', n=2)} {url_for('index')}"

    @bp.route("/page/<int:n>")
    def page(n: int) -> str:
        return str(n)

    @app.route("/")
    def index_app() -> str:
        return url_for(".index_app")

    app.add_url_rule("/index", "index", lambda: "app index")
    app.register_blueprint(bp)
    assert client.get("/bp/").text == "/bp/ /bp/page/2 /index"
    assert client.get("/").text == "/"


def test_relative_url_for_in_nested_blueprint(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    @child.route("/")
    def index() -> str:
        return f"{url_for('.other')} {url_for('parent.index')}"

    @child.route("/other")
    def other() -> str:
        return ""

    parent.add_url_rule("/", "index", _endpoint_view)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/").text == "/p/c/other /p/"


def test_url_for_blueprint_endpoints_in_app_context(app: Vial) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/item/<int:id>", "item", _endpoint_view)
    app.register_blueprint(bp)
    app.config["SERVER_NAME"] = "example.test"
    with app.app_context():
        assert url_for("bp.item", id=3) == "http://example.test/bp/item/3"


# -- hooks ----------------------------------------------------------------------------


def _ordering_app(app: Vial, events: list[str]) -> tuple[Blueprint, Blueprint]:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    for scope in (app, parent, child):
        name = scope.name if scope is not app else "app"
        for number in (1, 2):
            label = f"{name}{number}"

            def before(label: str = label) -> None:
                events.append(f"before {label}")

            def after(response: Response, label: str = label) -> Response:
                events.append(f"after {label}")
                return response

            def teardown(exc: BaseException | None, label: str = label) -> None:
                events.append(f"teardown {label}")

            scope.before_request(before)
            scope.after_request(after)
            scope.teardown_request(teardown)

    @child.route("/")
    def index() -> str:
        events.append("view")
        return "ok"

    @app.route("/app")
    def app_view() -> str:
        events.append("view")
        return "ok"

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    return parent, child


def test_hook_order_in_nested_blueprint(app: Vial, client: VialClient) -> None:
    events: list[str] = []
    _ordering_app(app, events)
    client.get("/p/c/")
    assert events == [
        "before app1",
        "before app2",
        "before parent1",
        "before parent2",
        "before child1",
        "before child2",
        "view",
        "after child2",
        "after child1",
        "after parent2",
        "after parent1",
        "after app2",
        "after app1",
        "teardown child2",
        "teardown child1",
        "teardown parent2",
        "teardown parent1",
        "teardown app2",
        "teardown app1",
    ]


def test_blueprint_hooks_skip_other_requests(app: Vial, client: VialClient) -> None:
    events: list[str] = []
    _ordering_app(app, events)
    client.get("/app")
    assert events == [
        "before app1",
        "before app2",
        "view",
        "after app2",
        "after app1",
        "teardown app2",
        "teardown app1",
    ]


def test_blueprint_before_request_can_answer(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.before_request
    def guard() -> tuple[str, int] | None:
        if request.args.get("deny"):
            return "denied", 403
        return None

    bp.add_url_rule("/", "index", _endpoint_view)
    app.register_blueprint(bp)
    assert client.get("/bp/").text == "bp.index"
    rv = client.get("/bp/?deny=1")
    assert rv.status_code == 403
    assert rv.text == "denied"


def test_app_wide_hooks_from_blueprint(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    events: list[str] = []

    @bp.before_app_request
    def before() -> None:
        events.append(f"before {request.path}")

    @bp.after_app_request
    def after(response: Response) -> Response:
        events.append(f"after {request.path}")
        return response

    @bp.teardown_app_request
    def teardown(exc: BaseException | None) -> None:
        events.append(f"teardown {request.path}")

    @app.route("/")
    def index() -> str:
        return "app"

    app.register_blueprint(bp)
    app.register_blueprint(bp, name="again", url_prefix="/again")
    client.get("/")
    # Registered once although the blueprint was registered twice.
    assert events == ["before /", "after /", "teardown /"]


def test_url_value_preprocessors_and_defaults(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/<lang>")

    @bp.url_value_preprocessor
    def pull(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        g.lang = t.cast(dict[str, t.Any], values).pop("lang")

    @bp.url_defaults
    def push(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", g.lang)

    @bp.route("/")
    def index() -> str:
        return f"{g.lang} {url_for('.about')}"

    @bp.route("/about")
    def about() -> str:
        return ""

    @app.route("/app")
    def app_view() -> str:
        return str(g.get("lang"))

    app.register_blueprint(bp)
    assert client.get("/fr/").text == "fr /fr/about"
    assert client.get("/app").text == "None"


def test_app_url_value_preprocessor_and_defaults(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)
    seen: list[str | None] = []

    @bp.app_url_value_preprocessor
    def pull(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        seen.append(endpoint)

    @bp.app_url_defaults
    def push(endpoint: str, values: dict[str, t.Any]) -> None:
        if endpoint == "page":
            values.setdefault("n", 7)

    @app.route("/page/<int:n>")
    def page(n: int) -> str:
        return url_for("page")

    app.register_blueprint(bp)
    assert client.get("/page/1").text == "/page/7"
    assert seen == ["page"]


def test_blueprint_url_defaults_apply_to_own_endpoints_only(app: Vial) -> None:
    bp = Blueprint("bp", __name__)

    @bp.url_defaults
    def push(endpoint: str, values: dict[str, t.Any]) -> None:
        values["from_bp"] = "yes"

    bp.add_url_rule("/bp", "index", _endpoint_view)
    app.add_url_rule("/app", "index", _endpoint_view)
    app.register_blueprint(bp)
    with app.test_request_context():
        assert url_for("bp.index") == "/bp?from_bp=yes"
        assert url_for("index") == "/app"


def test_context_processors(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.context_processor
    def bp_values() -> dict[str, t.Any]:
        return {"who": "bp", "only_bp": True}

    @bp.app_context_processor
    def everywhere() -> dict[str, t.Any]:
        return {"everywhere": "yes", "who": "app-wide"}

    template = "{{ who }} {{ only_bp|default('-') }} {{ everywhere }}"

    @bp.route("/")
    def bp_index() -> str:
        return render_template_string(template)

    @app.route("/")
    def index() -> str:
        return render_template_string(template)

    app.register_blueprint(bp)
    # Blueprint processors run after the app's, so their values win.
    assert client.get("/bp/").text == "bp True yes"
    assert client.get("/").text == "app-wide - yes"


# -- error handlers ----------------------------------------------------------------


def test_blueprint_error_handlers_before_app_handlers(
    app: Vial, client: VialClient
) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.errorhandler(KeyError)
    def bp_key(e: KeyError) -> str:
        return "bp key"

    @app.errorhandler(KeyError)
    def app_key(e: KeyError) -> str:
        return "app key"

    @bp.route("/")
    def bp_view() -> str:
        raise KeyError()

    @app.route("/")
    def app_view() -> str:
        raise KeyError()

    app.register_blueprint(bp)
    assert client.get("/bp/").text == "bp key"
    assert client.get("/").text == "app key"


def test_blueprint_code_handlers(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.errorhandler(403)
    def bp_forbidden(e: HTTPException) -> tuple[str, int]:
        return "bp 403", 403

    @app.errorhandler(403)
    def app_forbidden(e: HTTPException) -> tuple[str, int]:
        return "app 403", 403

    @app.errorhandler(404)
    def app_not_found(e: HTTPException) -> tuple[str, int]:
        return "app 404", 404

    @bp.errorhandler(404)
    def bp_not_found(e: HTTPException) -> tuple[str, int]:
        return "bp 404", 404

    @bp.route("/forbidden")
    def bp_view() -> str:
        abort(403)

    @bp.route("/missing")
    def bp_missing() -> str:
        abort(404)

    app.register_blueprint(bp)
    assert client.get("/bp/forbidden").text == "bp 403"
    assert client.get("/bp/missing").text == "bp 404"
    # An unmatched URL belongs to no blueprint, even under its prefix.
    assert client.get("/bp/unknown").text == "app 404"


def test_code_handler_of_app_beats_class_handler_of_blueprint(
    app: Vial, client: VialClient
) -> None:
    bp = Blueprint("bp", __name__)

    @bp.errorhandler(HTTPException)
    def bp_http(e: HTTPException) -> tuple[str, int]:
        return "bp http", 500

    @app.errorhandler(404)
    def app_404(e: HTTPException) -> tuple[str, int]:
        return "app 404", 404

    @bp.route("/missing")
    def missing() -> str:
        abort(404)

    @bp.route("/gone")
    def gone() -> str:
        abort(410)

    app.register_blueprint(bp)
    assert client.get("/missing").text == "app 404"
    assert client.get("/gone").text == "bp http"


def test_nested_blueprint_error_handlers(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")

    @parent.errorhandler(ValueError)
    def parent_value(e: ValueError) -> str:
        return "parent value"

    @child.errorhandler(ZeroDivisionError)
    def child_zero(e: ZeroDivisionError) -> str:
        return "child zero"

    @app.errorhandler(ArithmeticError)
    def app_arith(e: ArithmeticError) -> str:
        return "app arithmetic"

    @child.route("/value")
    def value() -> str:
        raise ValueError()

    @child.route("/zero")
    def zero() -> str:
        raise ZeroDivisionError()

    @child.route("/overflow")
    def overflow() -> str:
        raise OverflowError()

    @parent.route("/zero")
    def parent_zero() -> str:
        raise ZeroDivisionError()

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/value").text == "parent value"
    assert client.get("/p/c/zero").text == "child zero"
    assert client.get("/p/c/overflow").text == "app arithmetic"
    assert client.get("/p/zero").text == "app arithmetic"


def test_app_errorhandler_from_blueprint(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)

    @bp.app_errorhandler(404)
    def not_found(e: NotFound) -> tuple[str, int]:
        return "app-wide 404", 404

    app.register_blueprint(bp)
    assert client.get("/anything").text == "app-wide 404"
    assert app.error_handler_spec[None][404] == {NotFound: not_found}


def test_blueprint_register_error_handler(app: Vial, client: VialClient) -> None:
    bp = Blueprint("bp", __name__)

    def handle(e: LookupError) -> str:
        return f"handled {type(e).__name__}"

    bp.register_error_handler(LookupError, handle)

    @bp.route("/")
    def index() -> str:
        raise IndexError()

    app.register_blueprint(bp)
    assert client.get("/").text == "handled IndexError"


def test_blueprint_error_handlers_per_registration_name(
    app: Vial, client: VialClient
) -> None:
    bp = Blueprint("bp", __name__)

    @bp.errorhandler(KeyError)
    def handle(e: KeyError) -> str:
        return f"handled in {request.blueprint}"

    @bp.route("/")
    def index() -> str:
        raise KeyError()

    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="b")
    assert client.get("/a/").text == "handled in bp"
    assert client.get("/b/").text == "handled in b"


# -- templates ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["app_", ""])
def test_template_filters_tests_globals(app: Vial, prefix: str) -> None:
    bp = Blueprint("bp", __name__)

    def reverse(value: str) -> str:
        return value[::-1]

    def is_even(value: int) -> bool:
        return value % 2 == 0

    def site() -> str:
        return "vial"

    assert getattr(bp, f"{prefix}template_filter")()(reverse) is reverse
    assert getattr(bp, f"{prefix}template_test")("even")(is_even) is is_even
    assert getattr(bp, f"{prefix}template_global")()(site) is site
    getattr(bp, f"add_{prefix}template_filter")(reverse, "rev")
    getattr(bp, f"add_{prefix}template_test")(is_even)
    getattr(bp, f"add_{prefix}template_global")(site, "name")
    # Nothing reaches the app before registration.
    assert "jinja_env" not in app.__dict__
    app.register_blueprint(bp)
    env = app.jinja_env
    assert env.filters["reverse"] is reverse
    assert env.filters["rev"] is reverse
    assert env.tests["even"] is is_even
    assert env.tests["is_even"] is is_even
    assert env.globals["site"] is site
    assert env.globals["name"] is site
    with app.app_context():
        assert render_template_string(
            "{{ 'ab'|rev }} {{ 4 is even }} {{ name() }}"
        ) == ("ba True vial")


# -- static files ----------------------------------------------------------------------


def test_blueprint_static_folder(tmp_path: Path) -> None:
    (tmp_path / "bp_static").mkdir()
    (tmp_path / "bp_static" / "bp.js").write_text("var bp;", encoding="utf8")
    app = Vial("a", root_path=str(tmp_path))
    bp = Blueprint(
        "bp",
        __name__,
        url_prefix="/bp",
        static_folder="bp_static",
        root_path=str(tmp_path),
    )
    app.register_blueprint(bp)
    assert _rules(app)["bp.static"] == "/bp/bp_static/<path:filename>"
    client = app.test_client()
    rv = client.get("/bp/bp_static/bp.js")
    assert rv.data == b"var bp;"
    rv.close()
    assert client.get("/bp/bp_static/nope.js").status_code == 404
    with app.test_request_context():
        assert url_for("bp.static", filename="bp.js") == "/bp/bp_static/bp.js"


def test_blueprint_static_url_path(tmp_path: Path) -> None:
    app = Vial("a", root_path=str(tmp_path))
    bp = Blueprint(
        "bp",
        __name__,
        url_prefix="/bp",
        static_folder="files",
        static_url_path="/assets",
        root_path=str(tmp_path),
    )
    app.register_blueprint(bp)
    assert _rules(app)["bp.static"] == "/bp/assets/<path:filename>"


def test_blueprint_static_relative_url_for(tmp_path: Path) -> None:
    app = Vial("a", root_path=str(tmp_path))
    bp = Blueprint(
        "bp",
        __name__,
        url_prefix="/bp",
        static_folder="static",
        root_path=str(tmp_path),
    )

    @bp.route("/")
    def index() -> str:
        return url_for(".static", filename="x.css")

    app.register_blueprint(bp)
    assert app.test_client().get("/bp/").text == "/bp/static/x.css"


def test_blueprint_without_static_folder_has_no_static_route(app: Vial) -> None:
    app.register_blueprint(Blueprint("bp", __name__, url_prefix="/bp"))
    assert "bp.static" not in _rules(app)


# -- CLI ------------------------------------------------------------------------------


def _cli_blueprint(**kwargs: t.Any) -> Blueprint:
    import click

    bp = Blueprint("shop", __name__, **kwargs)

    @bp.cli.command("hello")
    def hello() -> None:
        click.echo("hello from shop")

    return bp


def test_cli_group_defaults_to_blueprint_name(app: Vial) -> None:
    app.register_blueprint(_cli_blueprint())
    result = app.test_cli_runner().invoke(args=["shop", "hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello from shop\n"


def test_cli_group_named_after_registration(app: Vial) -> None:
    app.register_blueprint(_cli_blueprint(), name="renamed")
    result = app.test_cli_runner().invoke(args=["renamed", "hello"])
    assert result.output == "hello from shop\n"


def test_cli_group_of_nested_blueprint(app: Vial) -> None:
    parent = Blueprint("parent", __name__)
    parent.register_blueprint(_cli_blueprint())
    app.register_blueprint(parent)
    assert "parent.shop" in app.cli.commands
    result = app.test_cli_runner().invoke(args=["parent.shop", "hello"])
    assert result.output == "hello from shop\n"


def test_cli_group_name(app: Vial) -> None:
    app.register_blueprint(_cli_blueprint(cli_group="store"))
    result = app.test_cli_runner().invoke(args=["store", "hello"])
    assert result.output == "hello from shop\n"


def test_cli_group_none_adds_commands_at_top_level(app: Vial) -> None:
    app.register_blueprint(_cli_blueprint(cli_group=None))
    result = app.test_cli_runner().invoke(args=["hello"])
    assert result.output == "hello from shop\n"


def test_cli_group_registration_option(app: Vial) -> None:
    app.register_blueprint(_cli_blueprint(), cli_group="given")
    result = app.test_cli_runner().invoke(args=["given", "hello"])
    assert result.output == "hello from shop\n"


def test_blueprint_without_commands_adds_no_group(app: Vial) -> None:
    app.register_blueprint(Blueprint("quiet", __name__))
    assert "quiet" not in app.cli.commands


def test_app_template_decorators_without_parentheses(app: Vial) -> None:
    from vial import render_template_string

    bp = Blueprint("bp", __name__)

    @bp.app_template_filter
    def shout(value: str) -> str:
        return value.upper()

    @bp.app_template_test
    def short(value: str) -> bool:
        return len(value) < 4

    @bp.app_template_global
    def greeting() -> str:
        return "hi"

    app.register_blueprint(bp)
    with app.app_context():
        rendered = render_template_string(
            "{{ 'ab'|shout }} {{ 'ab' is short }} {{ greeting() }}"
        )
    assert rendered == "AB True hi"
