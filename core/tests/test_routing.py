from __future__ import annotations

import typing as t
import uuid

import pytest
from werkzeug.routing import BaseConverter
from werkzeug.routing import BuildError
from werkzeug.routing import Map
from werkzeug.routing import MapAdapter
from werkzeug.routing import Rule

from vial import url_for
from vial import Vial
from vial.globals import request_ctx
from vial.routing import _URL_ADAPTER_CACHE_SIZE
from vial.testing import VialClient

# -- converters ---------------------------------------------------------------


def test_string_converter_is_the_default(app: Vial, client: VialClient) -> None:
    @app.route("/user/<name>")
    def user(name: str) -> str:
        return f"{type(name).__name__}:{name}"

    assert client.get("/user/ann").text == "str:ann"
    assert client.get("/user/a%20b").text == "str:a b"
    assert client.get("/user/a/b").status_code == 404


def test_string_converter_length_options(app: Vial, client: VialClient) -> None:
    @app.route("/code/<string(length=3):code>")
    def code(code: str) -> str:
        return code

    @app.route("/word/<string(minlength=2, maxlength=4):word>")
    def word(word: str) -> str:
        return word

    assert client.get("/code/abc").text == "abc"
    assert client.get("/code/abcd").status_code == 404
    assert client.get("/word/ab").text == "ab"
    assert client.get("/word/a").status_code == 404
    assert client.get("/word/abcde").status_code == 404


def test_int_converter(app: Vial, client: VialClient) -> None:
    @app.route("/item/<int:item_id>")
    def item(item_id: int) -> str:
        return repr(item_id * 2)

    assert client.get("/item/21").text == "42"
    assert client.get("/item/x").status_code == 404
    assert client.get("/item/-1").status_code == 404
    assert client.get("/item/1.5").status_code == 404


def test_int_converter_options(app: Vial, client: VialClient) -> None:
    @app.route("/n/<int(min=1, max=10):n>")
    def bounded(n: int) -> str:
        return str(n)

    @app.route("/s/<int(signed=True):n>")
    def signed(n: int) -> str:
        return str(n)

    @app.route("/f/<int(fixed_digits=3):n>")
    def fixed(n: int) -> str:
        return str(n)

    assert client.get("/n/10").text == "10"
    assert client.get("/n/11").status_code == 404
    assert client.get("/n/0").status_code == 404
    assert client.get("/s/-5").text == "-5"
    assert client.get("/f/007").text == "7"
    assert client.get("/f/7").status_code == 404
    with app.test_request_context():
        assert url_for("fixed", n=7) == "/f/007"


def test_float_converter(app: Vial, client: VialClient) -> None:
    @app.route("/price/<float:value>")
    def price(value: float) -> str:
        return repr(value + 0.5)

    assert client.get("/price/1.0").text == "1.5"
    assert client.get("/price/1").status_code == 404


def test_path_converter_accepts_slashes(app: Vial, client: VialClient) -> None:
    @app.route("/files/<path:subpath>")
    def files(subpath: str) -> str:
        return subpath

    assert client.get("/files/a/b/c.txt").text == "a/b/c.txt"
    with app.test_request_context():
        assert url_for("files", subpath="x/y z") == "/files/x/y%20z"


def test_uuid_converter(app: Vial, client: VialClient) -> None:
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")

    @app.route("/obj/<uuid:obj_id>")
    def obj(obj_id: uuid.UUID) -> str:
        return f"{type(obj_id).__name__}:{obj_id.hex}"

    assert client.get(f"/obj/{value}").text == f"UUID:{value.hex}"
    assert client.get("/obj/not-a-uuid").status_code == 404
    with app.test_request_context():
        assert url_for("obj", obj_id=value) == f"/obj/{value}"


def test_any_converter(app: Vial, client: VialClient) -> None:
    @app.route("/<any(about, help, 'the team'):page>")
    def page(page: str) -> str:
        return page

    assert client.get("/about").text == "about"
    assert client.get("/help").text == "help"
    assert client.get("/the%20team").text == "the team"
    assert client.get("/other").status_code == 404


def test_custom_converter(app: Vial, client: VialClient) -> None:
    class ListConverter(BaseConverter):
        def to_python(self, value: str) -> list[str]:
            return value.split(",")

        def to_url(self, value: list[str]) -> str:
            return ",".join(BaseConverter.to_url(self, item) for item in value)

    app.url_map.converters["list"] = ListConverter

    @app.route("/tags/<list:tags>")
    def tags(tags: list[str]) -> dict[str, t.Any]:
        return {"tags": tags}

    assert client.get("/tags/a,b,c").get_json() == {"tags": ["a", "b", "c"]}
    with app.test_request_context():
        assert url_for("tags", tags=["x", "y"]) == "/tags/x,y"


def test_custom_converter_rejecting_value_gives_404(
    app: Vial, client: VialClient
) -> None:
    class EvenConverter(BaseConverter):
        regex = r"\d+"

        def to_python(self, value: str) -> int:
            number = int(value)
            if number % 2:
                from werkzeug.routing import ValidationError

                raise ValidationError()
            return number

    app.url_map.converters["even"] = EvenConverter

    @app.route("/even/<even:n>")
    def even(n: int) -> str:
        return str(n)

    assert client.get("/even/4").text == "4"
    assert client.get("/even/3").status_code == 404


def test_several_variables_in_one_rule(app: Vial, client: VialClient) -> None:
    @app.route("/<int:year>/<int:month>/<slug>")
    def post(year: int, month: int, slug: str) -> str:
        return f"{year}-{month:02d}-{slug}"

    assert client.get("/2024/3/hello").text == "2024-03-hello"


def test_unicode_path(app: Vial, client: VialClient) -> None:
    @app.route("/café/<name>")
    def cafe(name: str) -> str:
        return name

    assert client.get("/caf%C3%A9/cr%C3%A8me").text == "crème"
    with app.test_request_context():
        assert url_for("cafe", name="é") == "/caf%C3%A9/%C3%A9"


# -- slashes, redirects, defaults ------------------------------------------------


def test_trailing_slash_redirects(app: Vial, client: VialClient) -> None:
    @app.route("/folder/")
    def folder() -> str:
        return "folder"

    rv = client.get("/folder?x=1")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/folder/?x=1"
    assert client.get("/folder/").text == "folder"


def test_no_trailing_slash_rule_gives_404_with_slash(
    app: Vial, client: VialClient
) -> None:
    @app.route("/file")
    def file() -> str:
        return "file"

    assert client.get("/file").text == "file"
    assert client.get("/file/").status_code == 404


def test_strict_slashes_false_matches_both(app: Vial, client: VialClient) -> None:
    @app.route("/loose/", strict_slashes=False)
    def loose() -> str:
        return "loose"

    assert client.get("/loose").text == "loose"
    assert client.get("/loose/").text == "loose"


def test_url_map_strict_slashes_off(app: Vial, client: VialClient) -> None:
    app.url_map.strict_slashes = False

    @app.route("/open/")
    def open_() -> str:
        return "open"

    assert client.get("/open").text == "open"


def test_redirect_to_string(app: Vial, client: VialClient) -> None:
    @app.route("/new/<int:item>")
    def new(item: int) -> str:
        return str(item)

    app.add_url_rule("/old/<int:item>", "old", redirect_to="/new/<item>")
    rv = client.get("/old/5")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/new/5"
    assert client.get("/old/5", follow_redirects=True).text == "5"


def test_redirect_to_callable(app: Vial, client: VialClient) -> None:
    def target(adapter: t.Any, item: int) -> str:
        return f"/elsewhere/{item + 1}"

    app.add_url_rule("/jump/<int:item>", endpoint="jump", redirect_to=target)
    rv = client.get("/jump/1")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/elsewhere/2"


def test_defaults_fill_view_arguments(app: Vial, client: VialClient) -> None:
    @app.route("/page/", defaults={"number": 1})
    @app.route("/page/<int:number>")
    def page(number: int) -> str:
        return f"page {number}"

    assert client.get("/page/").text == "page 1"
    assert client.get("/page/3").text == "page 3"
    # The URL with the default value redirects to the rule without it.
    rv = client.get("/page/1")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/page/"
    with app.test_request_context():
        assert url_for("page", number=1) == "/page/"
        assert url_for("page", number=2) == "/page/2"


def test_defaults_without_variable(app: Vial, client: VialClient) -> None:
    @app.route("/fixed", defaults={"flag": "on"})
    def fixed(flag: str) -> str:
        return flag

    assert client.get("/fixed").text == "on"


def test_rule_added_to_url_map_directly(app: Vial, client: VialClient) -> None:
    app.url_map.add(Rule("/direct", endpoint="direct", methods=["GET"]))
    app.view_functions["direct"] = lambda: "direct"

    assert client.get("/direct").text == "direct"
    # Without provide_automatic_options the rule does not answer OPTIONS.
    assert client.options("/direct").status_code == 405


def test_request_exposes_rule_and_view_args(app: Vial, client: VialClient) -> None:
    from vial import request

    @app.route("/r/<int:n>", endpoint="numbered")
    def view(n: int) -> dict[str, t.Any]:
        assert request.url_rule is not None
        return {
            "rule": request.url_rule.rule,
            "endpoint": request.endpoint,
            "args": request.view_args,
            "blueprint": request.blueprint,
        }

    assert client.get("/r/7").get_json() == {
        "rule": "/r/<int:n>",
        "endpoint": "numbered",
        "args": {"n": 7},
        "blueprint": None,
    }


def test_routing_failure_leaves_no_rule(app: Vial) -> None:
    with app.test_request_context("/missing") as ctx:
        assert ctx.request.url_rule is None
        assert ctx.request.view_args is None
        assert ctx.request.endpoint is None
        assert ctx.request.routing_exception is not None
        assert ctx.request.routing_exception.code == 404


# -- methods, OPTIONS, HEAD, 405 ---------------------------------------------


def test_405_lists_allowed_methods(app: Vial, client: VialClient) -> None:
    @app.route("/form", methods=["GET", "POST"])
    def form() -> str:
        return "form"

    rv = client.delete("/form")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_405_combines_rules_on_one_path(app: Vial, client: VialClient) -> None:
    @app.get("/thing")
    def read() -> str:
        return "read"

    @app.put("/thing")
    def write() -> str:
        return "write"

    assert client.get("/thing").text == "read"
    assert client.put("/thing").text == "write"
    rv = client.post("/thing")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "OPTIONS"}


def test_automatic_options(app: Vial, client: VialClient) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        raise AssertionError("OPTIONS must not call the view.")

    rv = client.options("/")
    assert rv.status_code == 200
    assert rv.data == b""
    assert sorted(rv.allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_automatic_options_is_per_path(app: Vial, client: VialClient) -> None:
    @app.route("/a", methods=["GET", "POST"])
    def a() -> str:
        return "a"

    @app.route("/b", methods=["PUT"])
    def b() -> str:
        return "b"

    # The second OPTIONS reuses the first one's URL adapter; it must still
    # answer for its own path.
    assert sorted(client.options("/a").allow) == ["GET", "HEAD", "OPTIONS", "POST"]
    assert sorted(client.options("/b").allow) == ["OPTIONS", "PUT"]
    assert sorted(client.options("/a").allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_view_handling_options_itself(app: Vial, client: VialClient) -> None:
    @app.route("/", methods=["GET", "OPTIONS"])
    def index() -> str:
        return "custom options"

    assert client.options("/").text == "custom options"


def test_provide_automatic_options_false(app: Vial, client: VialClient) -> None:
    @app.route("/", provide_automatic_options=False)
    def index() -> str:
        return "index"

    assert client.options("/").status_code == 405


def test_provide_automatic_options_from_view_attribute(
    app: Vial, client: VialClient
) -> None:
    def index() -> str:
        return "own options"

    index.provide_automatic_options = False  # type: ignore[attr-defined]
    index.methods = ["GET", "OPTIONS"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index)
    assert client.options("/").text == "own options"
    assert client.get("/").text == "own options"


def test_provide_automatic_options_config_off(app: Vial, client: VialClient) -> None:
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False

    @app.route("/")
    def index() -> str:
        return "index"

    rv = client.options("/")
    assert rv.status_code == 405
    assert "OPTIONS" not in rv.allow


def test_required_methods_of_view(app: Vial, client: VialClient) -> None:
    def index() -> str:
        from vial import request

        return request.method

    index.required_methods = ["PATCH"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index, methods=["GET"])
    assert client.patch("/").text == "PATCH"
    assert client.get("/").text == "GET"


def test_methods_from_view_attribute(app: Vial, client: VialClient) -> None:
    def index() -> str:
        return "ok"

    index.methods = ["POST"]  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=index)
    assert client.post("/").text == "ok"
    assert client.get("/").status_code == 405


def test_methods_are_uppercased(app: Vial, client: VialClient) -> None:
    @app.route("/", methods=["post", "Put"])
    def index() -> str:
        return "ok"

    assert client.post("/").text == "ok"
    assert client.put("/").text == "ok"


def test_automatic_head(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> tuple[str, dict[str, str]]:
        return "hello", {"X-Test": "1"}

    get = client.get("/")
    head = client.head("/")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["X-Test"] == "1"
    assert head.headers["Content-Length"] == get.headers["Content-Length"] == "5"


def test_head_not_added_without_get(app: Vial, client: VialClient) -> None:
    @app.post("/")
    def index() -> str:
        return "ok"

    assert client.head("/").status_code == 405


def test_404_for_unknown_url(app: Vial, client: VialClient) -> None:
    rv = client.get("/nothing-here")
    assert rv.status_code == 404
    assert b"Not Found" in rv.data


# -- hosts and subdomains ------------------------------------------------------


def test_host_matching(client: VialClient, app: Vial) -> None:
    hosted = Vial("hosted", host_matching=True, static_host="static.test")

    @hosted.route("/", host="a.test")
    def a() -> str:
        return "a"

    @hosted.route("/", host="b.test")
    def b() -> str:
        return "b"

    @hosted.route("/", host="<user>.users.test")
    def user(user: str) -> str:
        return f"user {user}"

    c = hosted.test_client()
    assert c.get("/", base_url="http://a.test").text == "a"
    assert c.get("/", base_url="http://b.test").text == "b"
    assert c.get("/", base_url="http://ann.users.test").text == "user ann"
    assert c.get("/", base_url="http://c.test").status_code == 404

    with hosted.test_request_context("/", base_url="http://a.test"):
        assert url_for("b") == "http://b.test/"
        assert url_for("a") == "/"
        assert url_for("user", user="bo") == "http://bo.users.test/"
        assert url_for("static", filename="x.css") == "http://static.test/static/x.css"


def test_host_matching_rules_without_host_match_nothing(app: Vial) -> None:
    hosted = Vial("hosted", host_matching=True, static_folder=None)

    @hosted.route("/")
    def index() -> str:
        return "index"

    assert hosted.test_client().get("/").status_code == 404


def test_subdomain_matching(app: Vial) -> None:
    sub = Vial("sub", subdomain_matching=True, static_folder=None)
    sub.config["SERVER_NAME"] = "example.test"

    @sub.route("/")
    def root() -> str:
        return "root"

    @sub.route("/", subdomain="<user>")
    def user(user: str) -> str:
        return f"user {user}"

    @sub.route("/api", subdomain="api")
    def api() -> str:
        return "api"

    c = sub.test_client()
    assert c.get("/").text == "root"
    assert c.get("/", subdomain="ann").text == "user ann"
    assert c.get("/api", subdomain="api").text == "api"
    assert c.get("/api").status_code == 404

    with sub.test_request_context("/"):
        assert url_for("user", user="bo") == "http://bo.example.test/"
        assert url_for("api", _external=False) == "http://api.example.test/api"
    with sub.app_context():
        assert url_for("root") == "http://example.test/"


def test_subdomain_ignored_without_subdomain_matching(app: Vial) -> None:
    plain = Vial("plain", static_folder=None)
    plain.config["SERVER_NAME"] = "example.test"

    @plain.route("/")
    def root() -> str:
        return "root"

    c = plain.test_client()
    # Requests to any subdomain (and any host) reach the default routes.
    assert c.get("/", subdomain="anything").text == "root"
    assert c.get("/", base_url="http://other.test").text == "root"


def test_url_map_default_subdomain(app: Vial) -> None:
    plain = Vial("plain", static_folder=None)
    plain.url_map.default_subdomain = "www"
    plain.config["SERVER_NAME"] = "example.test"

    @plain.route("/")
    def root() -> str:
        return "root"

    with plain.app_context():
        assert url_for("root") == "http://www.example.test/"
    assert plain.test_client().get("/", subdomain="www").text == "root"


def test_server_name_is_used_for_external_urls(app: Vial, client: VialClient) -> None:
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index() -> str:
        return url_for("index", _external=True)

    # The Host header a client sends does not choose the external host when
    # SERVER_NAME is set.
    assert client.get("/").text == "http://example.test/"
    assert client.get("/", base_url="http://evil.test").text == "http://example.test/"


def test_request_host_used_for_external_urls_without_server_name(
    app: Vial, client: VialClient
) -> None:
    @app.route("/")
    def index() -> str:
        return url_for("index", _external=True)

    assert client.get("/", base_url="https://shop.test:8443").text == (
        "https://shop.test:8443/"
    )


def test_trusted_hosts(app: Vial, client: VialClient) -> None:
    app.config["TRUSTED_HOSTS"] = ["good.test", ".sub.test"]

    @app.route("/")
    def index() -> str:
        return "ok"

    assert client.get("/", base_url="http://good.test").text == "ok"
    assert client.get("/", base_url="http://a.sub.test").text == "ok"
    rv = client.get("/", base_url="http://evil.test")
    assert rv.status_code == 400
    assert b"Bad Request" in rv.data


def test_untrusted_host_error_handler(app: Vial, client: VialClient) -> None:
    app.config["TRUSTED_HOSTS"] = ["good.test"]

    @app.errorhandler(400)
    def bad(e: Exception) -> tuple[str, int]:
        return f"handled {type(e).__name__}", 400

    rv = client.get("/", base_url="http://evil.test")
    assert rv.status_code == 400
    assert rv.text == "handled SecurityError"


# -- url_for -----------------------------------------------------------------


def _setup_save_routes(app: Vial) -> None:
    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/user/<name>")
    def user(name: str) -> str:
        return name

    def save() -> str:
        return "save"

    app.add_url_rule("/save-post", "save", save, methods=["POST"])
    app.add_url_rule("/save-get", "save", save, methods=["GET"])


def test_url_for_in_request(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context():
        assert url_for("index") == "/"
        assert url_for("user", name="ann") == "/user/ann"
        assert url_for("user", name="a b?c") == "/user/a%20b%3Fc"


def test_url_for_accepts_a_value_named_self(app: Vial) -> None:
    @app.route("/<self>")
    def page(self: str) -> str:
        return self

    with app.test_request_context():
        assert app.url_for("page", self="me") == "/me"
        assert url_for("page", self="you") == "/you"


def test_url_for_unknown_values_become_query(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context():
        assert url_for("index", q="x y", page=2) == "/?q=x+y&page=2"
        assert url_for("index", tag=["a", "b"]) == "/?tag=a&tag=b"


def test_url_for_external(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context(base_url="https://site.test"):
        assert url_for("index", _external=True) == "https://site.test/"
        assert url_for("index", _external=False) == "/"


def test_url_for_anchor(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context():
        assert url_for("index", _anchor="top") == "/#top"
        assert url_for("index", _anchor="a b&c") == "/#a%20b&c"
        assert url_for("user", name="x", _anchor="x/y?z") == "/user/x#x/y?z"


def test_url_for_method(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context():
        assert url_for("save", _method="POST") == "/save-post"
        assert url_for("save", _method="GET") == "/save-get"


def test_url_for_scheme(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context():
        assert url_for("index", _scheme="https") == "https://localhost/"
        assert url_for("index", _scheme="https", _external=True) == (
            "https://localhost/"
        )
        with pytest.raises(ValueError, match="_external=True"):
            url_for("index", _scheme="https", _external=False)


def test_url_for_outside_request_needs_server_name(app: Vial) -> None:
    _setup_save_routes(app)
    with app.app_context(), pytest.raises(RuntimeError, match="SERVER_NAME"):
        url_for("index")


def test_url_for_outside_request_with_server_name(app: Vial) -> None:
    _setup_save_routes(app)
    app.config.update(
        SERVER_NAME="example.test:8080",
        APPLICATION_ROOT="/app",
        PREFERRED_URL_SCHEME="https",
    )
    with app.app_context():
        assert url_for("user", name="ann") == "https://example.test:8080/app/user/ann"
        assert url_for("index", _external=False) == "/app/"
        assert url_for("index", _scheme="http") == "http://example.test:8080/app/"


def test_app_url_for_without_context(app: Vial) -> None:
    _setup_save_routes(app)
    app.config["SERVER_NAME"] = "example.test"
    assert app.url_for("user", name="x") == "http://example.test/user/x"
    app.config["SERVER_NAME"] = None
    with pytest.raises(RuntimeError, match="SERVER_NAME"):
        app.url_for("index")


def test_url_for_uses_script_root_of_request(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context("/", base_url="http://localhost/mount"):
        assert url_for("user", name="x") == "/mount/user/x"


def test_url_for_build_error(app: Vial) -> None:
    _setup_save_routes(app)
    with app.test_request_context():
        with pytest.raises(BuildError) as exc_info:
            url_for("missing")
        assert exc_info.value.endpoint == "missing"
        with pytest.raises(BuildError):
            url_for("user")


def test_url_build_error_handler_returns_url(app: Vial) -> None:
    seen: list[tuple[str, dict[str, t.Any]]] = []

    def handler(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str:
        seen.append((endpoint, dict(values)))
        return f"/fallback/{endpoint}"

    app.url_build_error_handlers.append(handler)
    with app.test_request_context():
        assert url_for("missing", x=1, _anchor="a") == "/fallback/missing"
    assert seen == [
        (
            "missing",
            {
                "x": 1,
                "_anchor": "a",
                "_method": None,
                "_scheme": None,
                "_external": False,
            },
        )
    ]


def test_url_build_error_handler_returning_none_falls_through(app: Vial) -> None:
    def none_handler(
        error: Exception, endpoint: str, values: dict[str, t.Any]
    ) -> str | None:
        return None

    def second(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str:
        return "/second"

    app.url_build_error_handlers.extend([none_handler, second])
    with app.test_request_context():
        assert url_for("missing") == "/second"


def test_url_build_error_handler_reraises(app: Vial) -> None:
    def handler(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str:
        raise BuildError(endpoint, values, method=None) from error

    app.url_build_error_handlers.append(handler)
    with app.test_request_context(), pytest.raises(BuildError) as exc_info:
        url_for("missing")
    assert exc_info.value.endpoint == "missing"


def test_url_build_error_handler_other_exception_propagates(app: Vial) -> None:
    def handler(error: Exception, endpoint: str, values: dict[str, t.Any]) -> str:
        raise LookupError("no such page")

    app.url_build_error_handlers.append(handler)
    with app.test_request_context(), pytest.raises(LookupError, match="no such page"):
        url_for("missing")


def test_url_defaults_fill_values(app: Vial) -> None:
    @app.route("/<lang>/")
    def home(lang: str) -> str:
        return lang

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", "en")

    with app.test_request_context():
        assert url_for("home") == "/en/"
        assert url_for("home", lang="fr") == "/fr/"


def test_url_value_preprocessor_and_defaults_round_trip(
    app: Vial, client: VialClient
) -> None:
    from vial import g

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        assert values is not None
        g.lang = values.pop("lang")

    @app.url_defaults
    def push_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.route("/<lang>/about")
    def about() -> str:
        return f"{g.lang} {url_for('about')}"

    assert client.get("/de/about").text == "de /de/about"


def test_url_adapter_cache_is_bounded(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        return url_for("index", _external=True)

    for number in range(_URL_ADAPTER_CACHE_SIZE + 10):
        host = f"h{number}.test"
        assert client.get("/", base_url=f"http://{host}").text == f"http://{host}/"
    assert len(app._url_adapters) <= _URL_ADAPTER_CACHE_SIZE


def test_url_adapter_per_request_scheme_and_host(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        return url_for("index", _external=True)

    assert client.get("/", base_url="https://a.test").text == "https://a.test/"
    assert client.get("/", base_url="http://b.test").text == "http://b.test/"
    assert client.get("/", base_url="https://a.test").text == "https://a.test/"


def test_query_string_kept_on_redirect_with_shared_adapter(
    app: Vial, client: VialClient
) -> None:
    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    assert client.get("/dir?a=1").headers["Location"].endswith("/dir/?a=1")
    assert client.get("/dir?b=2").headers["Location"].endswith("/dir/?b=2")
    assert client.get("/dir").headers["Location"] == "http://localhost/dir/"


def test_custom_url_map_and_rule_classes(app: Vial) -> None:
    class MyRule(Rule):
        pass

    class MyMap(Map):
        pass

    class MyApp(Vial):
        url_rule_class = MyRule
        url_map_class = MyMap

    custom = MyApp("custom", static_folder=None)

    @custom.route("/")
    def index() -> str:
        return "index"

    assert isinstance(custom.url_map, MyMap)
    assert all(isinstance(rule, MyRule) for rule in custom.url_map.iter_rules())
    assert custom.test_client().get("/").text == "index"


def test_websocket_upgrade_request(app: Vial, client: VialClient) -> None:
    @app.route("/ws", websocket=True)
    def ws() -> str:
        return str(request_ctx.url_adapter.url_scheme)  # type: ignore[union-attr]

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket"}
    assert client.get("/ws", headers=upgrade).text == "ws"
    assert client.get("/plain").text == "plain"
    # A websocket request to a plain HTTP rule is a client error.
    assert client.get("/plain", headers=upgrade).status_code == 400


def test_each_request_gets_an_adapter_for_its_own_path(app: Vial) -> None:
    # Binding is remembered per host, but the adapter a request sees must
    # hold that request's path, method and query string, so code calling
    # match() without arguments gets the current request's rule.
    def describe() -> str:
        adapter = t.cast(MapAdapter, request_ctx.url_adapter)
        rule, _ = adapter.match(return_rule=True)
        return (
            f"{adapter.path_info} {adapter.default_method}"
            f" {adapter.query_args} {rule.rule}"
        )

    app.add_url_rule("/first", "first", describe)
    app.add_url_rule("/second", "second", describe, methods=["POST"])
    client = app.test_client()

    assert client.get("/first?a=1").text == "/first GET a=1 /first"
    assert client.post("/second?b=2").text == "/second POST b=2 /second"
    assert client.get("/first?c=3").text == "/first GET c=3 /first"


def test_foreign_host_with_subdomain_matching_is_404_without_warning() -> None:
    app = Vial("hosts", subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test:8080"

    @app.route("/")
    def index() -> str:
        return "root"

    @app.route("/", subdomain="api", endpoint="api")
    def api_index() -> str:
        return "api"

    client = app.test_client()
    # Warnings are errors in this suite: none may be emitted.
    assert client.get("/", "http://192.0.2.1:8080/").status_code == 404
    assert client.get("/", "http://other.test:8080/").status_code == 404
    assert client.get("/", "http://example.test:8080/").text == "root"
    assert client.get("/", "http://api.example.test:8080/").text == "api"


def test_foreign_host_default_port_is_ignored() -> None:
    app = Vial("hosts", subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test:443"

    @app.route("/")
    def index() -> str:
        return "root"

    client = app.test_client()
    assert client.get("/", "https://example.test/").text == "root"
    assert client.get("/", "https://elsewhere.test/").status_code == 404
