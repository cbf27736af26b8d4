from __future__ import annotations

import io
import typing as t

import click
import pytest
from werkzeug.test import EnvironBuilder as WerkzeugEnvironBuilder

from vial import current_app
from vial import g
from vial import has_request_context
from vial import redirect
from vial import request
from vial import Response
from vial import session
from vial import Vial
from vial.testing import EnvironBuilder
from vial.testing import VialClient
from vial.testing import VialCliRunner

# -- EnvironBuilder --------------------------------------------------------------------


def test_environ_builder_defaults(app: Vial) -> None:
    builder = EnvironBuilder(app)
    try:
        assert builder.base_url == "http://localhost/"
        assert builder.path == "/"
    finally:
        builder.close()


def test_environ_builder_uses_config(app: Vial) -> None:
    app.config.update(
        SERVER_NAME="site.test:8080",
        APPLICATION_ROOT="/root",
        PREFERRED_URL_SCHEME="https",
    )
    builder = EnvironBuilder(app, "/page?x=1")
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTP_HOST"] == "site.test:8080"
    assert environ["SCRIPT_NAME"] == "/root"
    assert environ["PATH_INFO"] == "/page"
    assert environ["QUERY_STRING"] == "x=1"


def test_environ_builder_subdomain_and_scheme(app: Vial) -> None:
    app.config["SERVER_NAME"] = "site.test"
    builder = EnvironBuilder(app, subdomain="api", url_scheme="https")
    try:
        assert builder.base_url == "https://api.site.test/"
    finally:
        builder.close()


def test_environ_builder_full_url_path(app: Vial) -> None:
    builder = EnvironBuilder(app, "https://other.test/a/b?c=d")
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    assert environ["HTTP_HOST"] == "other.test"
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["PATH_INFO"] == "/a/b"
    assert environ["QUERY_STRING"] == "c=d"


def test_environ_builder_base_url_excludes_subdomain(app: Vial) -> None:
    with pytest.raises(ValueError, match="either 'base_url'"):
        EnvironBuilder(app, base_url="http://x.test", subdomain="api")
    with pytest.raises(ValueError, match="either 'base_url'"):
        EnvironBuilder(app, base_url="http://x.test", url_scheme="https")


def test_environ_builder_json_uses_app_provider(app: Vial) -> None:
    import datetime

    builder = EnvironBuilder(
        app, method="POST", json={"when": datetime.date(2024, 1, 2), "b": 1, "a": 2}
    )
    try:
        body = builder.get_environ()["wsgi.input"].read()
    finally:
        builder.close()
    # The default provider sorts keys and knows dates; plain json knows neither.
    assert body == b'{"a": 2, "b": 1, "when": "Tue, 02 Jan 2024 00:00:00 GMT"}'
    assert builder.content_type == "application/json"


# -- the client ------------------------------------------------------------------------


def test_client_fixture(app: Vial, client: VialClient) -> None:
    assert isinstance(client, VialClient)
    assert client.application is app


def test_test_client_class(app: Vial) -> None:
    class MyClient(VialClient):
        pass

    app.test_client_class = MyClient
    client = app.test_client()
    assert type(client) is MyClient
    app.test_client_class = None
    assert type(app.test_client()) is VialClient


def test_environ_base(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> dict[str, t.Any]:
        return {"addr": request.remote_addr, "agent": request.user_agent.string}

    assert client.environ_base["REMOTE_ADDR"] == "127.0.0.1"
    assert client.get("/").get_json() == {
        "addr": "127.0.0.1",
        "agent": client.environ_base["HTTP_USER_AGENT"],
    }
    rv = client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert rv.get_json()["addr"] == "10.0.0.1"
    client.environ_base["HTTP_USER_AGENT"] = "Robot"
    assert client.get("/").get_json()["agent"] == "Robot"


def test_user_agent_names_werkzeug(client: VialClient) -> None:
    import importlib.metadata

    version = importlib.metadata.version("werkzeug")
    assert client.environ_base["HTTP_USER_AGENT"] == f"Werkzeug/{version}"


def test_json_request_and_response(app: Vial, client: VialClient) -> None:
    @app.post("/echo")
    def echo() -> dict[str, t.Any]:
        assert request.is_json
        return {"got": request.get_json()}

    rv = client.post("/echo", json={"a": [1, 2]})
    assert rv.get_json() == {"got": {"a": [1, 2]}}
    assert rv.json == {"got": {"a": [1, 2]}}


def test_response_json_uses_app_provider(app: Vial, client: VialClient) -> None:
    from vial.json.provider import DefaultJSONProvider

    class TaggingProvider(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
            value = super().loads(s, **kwargs)
            value["decoded_by"] = "app"
            return value

    app.json = TaggingProvider(app)

    @app.route("/")
    def index() -> dict[str, t.Any]:
        return {"a": 1}

    assert client.get("/").get_json() == {"a": 1, "decoded_by": "app"}


def test_form_data_and_files(app: Vial, client: VialClient) -> None:
    @app.post("/upload")
    def upload() -> dict[str, t.Any]:
        file = request.files["file"]
        return {
            "name": request.form["name"],
            "filename": file.filename,
            "content": file.read().decode(),
        }

    rv = client.post(
        "/upload",
        data={"name": "ann", "file": (io.BytesIO(b"file body"), "notes.txt")},
    )
    assert rv.get_json() == {
        "name": "ann",
        "filename": "notes.txt",
        "content": "file body",
    }


def test_query_string_and_headers(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> dict[str, t.Any]:
        return {"q": request.args.getlist("q"), "h": request.headers.get("X-Test")}

    rv = client.get("/", query_string={"q": ["a", "b"]}, headers={"X-Test": "yes"})
    assert rv.get_json() == {"q": ["a", "b"], "h": "yes"}
    assert client.get("/?q=c").get_json()["q"] == ["c"]


def test_open_with_builder_environ_and_request(app: Vial, client: VialClient) -> None:
    from werkzeug.wrappers import Request as BaseRequest

    @app.route("/<name>")
    def index(name: str) -> str:
        return f"{name} {request.remote_addr}"

    builder = WerkzeugEnvironBuilder("/builder")
    try:
        assert client.open(builder).text == "builder 127.0.0.1"
        environ = builder.get_environ()
    finally:
        builder.close()
    environ["PATH_INFO"] = "/environ"
    assert client.open(environ).text == "environ 127.0.0.1"
    req = BaseRequest(environ)
    req.environ["PATH_INFO"] = "/request"
    assert client.open(req).text == "request 127.0.0.1"


# -- cookies ---------------------------------------------------------------------------


def test_cookies_kept_between_requests(app: Vial, client: VialClient) -> None:
    @app.route("/set")
    def set_cookie() -> Response:
        response = Response("set")
        response.set_cookie("flavor", "chocolate")
        return response

    @app.route("/get")
    def get_cookie() -> str:
        return request.cookies.get("flavor", "none")

    @app.route("/delete")
    def delete_cookie() -> Response:
        response = Response("deleted")
        response.delete_cookie("flavor")
        return response

    assert client.get("/get").text == "none"
    client.get("/set")
    cookie = client.get_cookie("flavor")
    assert cookie is not None
    assert cookie.value == "chocolate"
    assert client.get("/get").text == "chocolate"
    client.get("/delete")
    assert client.get("/get").text == "none"
    client.set_cookie("flavor", "vanilla")
    assert client.get("/get").text == "vanilla"


def test_client_without_cookies(app: Vial) -> None:
    @app.route("/")
    def index() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    client = app.test_client(use_cookies=False)
    assert client.get("/").text == "1"
    assert client.get("/").text == "1"


def test_session_kept_between_requests(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    assert [client.get("/").text for _ in range(3)] == ["1", "2", "3"]


# -- follow_redirects ------------------------------------------------------------------


def test_follow_redirects(app: Vial, client: VialClient) -> None:
    @app.route("/first")
    def first() -> Response:
        return t.cast(Response, redirect("/second"))

    @app.route("/second")
    def second() -> Response:
        return t.cast(Response, redirect("/third?x=1", 301))

    @app.route("/third")
    def third() -> str:
        return f"arrived {request.args['x']}"

    rv = client.get("/first", follow_redirects=True)
    assert rv.status_code == 200
    assert rv.text == "arrived 1"
    assert [r.status_code for r in rv.history] == [302, 301]
    assert [r.request.path for r in rv.history] == ["/first", "/second"]
    assert rv.request.path == "/third"
    assert client.get("/first").status_code == 302


def test_follow_redirect_keeps_post_for_307(app: Vial, client: VialClient) -> None:
    @app.post("/old")
    def old() -> Response:
        return t.cast(Response, redirect("/new", 307))

    @app.post("/new")
    def new() -> str:
        return f"{request.method} {request.form['a']}"

    rv = client.post("/old", data={"a": "kept"}, follow_redirects=True)
    assert rv.text == "POST kept"


def test_follow_redirect_cookies_and_session(app: Vial, client: VialClient) -> None:
    @app.route("/login")
    def login() -> Response:
        session["user"] = "ann"
        return t.cast(Response, redirect("/home"))

    @app.route("/home")
    def home() -> str:
        return f"hello {session.get('user')}"

    assert client.get("/login", follow_redirects=True).text == "hello ann"


# -- session_transaction ---------------------------------------------------------------


def test_session_transaction(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return f"{session.get('user')} {session['visits']}"

    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["user"] = "ann"
    assert client.get("/").text == "ann 1"
    with client.session_transaction() as sess:
        assert sess["visits"] == 1
        sess["visits"] = 10
    assert client.get("/").text == "ann 11"


def test_session_transaction_without_changes(app: Vial, client: VialClient) -> None:
    with client.session_transaction() as sess:
        assert sess.get("x") is None
    assert client.get_cookie("session") is None


def test_session_transaction_needs_cookies(app: Vial) -> None:
    client = app.test_client(use_cookies=False)
    with (
        pytest.raises(TypeError, match="use_cookies=True"),
        client.session_transaction(),
    ):
        pass


def test_session_transaction_needs_secret_key(app: Vial, client: VialClient) -> None:
    app.secret_key = None
    with (
        pytest.raises(RuntimeError, match="SECRET_KEY"),
        client.session_transaction(),
    ):
        pass


def test_session_transaction_with_request_arguments(
    app: Vial, client: VialClient
) -> None:
    app.config["APPLICATION_ROOT"] = "/app"

    @app.route("/")
    def index() -> str:
        return str(session.get("k"))

    with client.session_transaction("/", base_url="http://localhost/app") as sess:
        sess["k"] = "v"
    assert client.get("/").text == "v"


def test_session_transaction_leaves_no_context(app: Vial, client: VialClient) -> None:
    with client.session_transaction() as sess:
        assert not has_request_context()
        sess["k"] = "v"
    assert not has_request_context()


# -- with client: ----------------------------------------------------------------------


def _teardown_counter(app: Vial) -> list[tuple[str, BaseException | None]]:
    calls: list[tuple[str, BaseException | None]] = []

    @app.teardown_request
    def request_teardown(exc: BaseException | None) -> None:
        calls.append((request.path, exc))

    @app.route("/<name>")
    def index(name: str) -> str:
        g.name = name
        session["name"] = name
        return name

    return calls


def test_with_client_preserves_context(app: Vial, client: VialClient) -> None:
    calls = _teardown_counter(app)
    with client:
        client.get("/first?x=1")
        assert request.path == "/first"
        assert request.args["x"] == "1"
        assert g.name == "first"
        assert session["name"] == "first"
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert calls == []
    assert not has_request_context()
    assert calls == [("/first", None)]


def test_with_client_pops_at_next_request(app: Vial, client: VialClient) -> None:
    calls = _teardown_counter(app)
    with client:
        client.get("/first")
        client.get("/second")
        assert calls == [("/first", None)]
        assert request.path == "/second"
        assert g.name == "second"
    assert calls == [("/first", None), ("/second", None)]


def test_with_client_follow_redirects_keeps_last_context(
    app: Vial, client: VialClient
) -> None:
    calls = _teardown_counter(app)

    @app.route("/go")
    def go() -> Response:
        return t.cast(Response, redirect("/target"))

    with client:
        rv = client.get("/go", follow_redirects=True)
        assert rv.text == "target"
        assert request.path == "/target"
        assert [path for path, _ in calls] == ["/go"]
    assert [path for path, _ in calls] == ["/go", "/target"]


def test_with_client_keeps_context_of_failed_request(
    app: Vial, client: VialClient
) -> None:
    calls = _teardown_counter(app)

    @app.route("/fail")
    def fail() -> str:
        g.before_failure = True
        raise ZeroDivisionError()

    with client:
        with pytest.raises(ZeroDivisionError):
            client.get("/fail")
        assert request.path == "/fail"
        assert g.before_failure is True
        assert calls == []
    assert len(calls) == 1
    assert isinstance(calls[0][1], ZeroDivisionError)


def test_with_client_cannot_nest(client: VialClient) -> None:
    with client, pytest.raises(RuntimeError, match="cannot be nested"), client:
        pass


def test_with_client_exit_after_error(app: Vial, client: VialClient) -> None:
    calls = _teardown_counter(app)

    def use_client() -> None:
        with client:
            client.get("/x")
            raise LookupError()

    with pytest.raises(LookupError):
        use_client()
    assert not has_request_context()
    assert calls == [("/x", None)]


def test_without_with_no_context_is_kept(app: Vial, client: VialClient) -> None:
    calls = _teardown_counter(app)
    client.get("/x")
    assert not has_request_context()
    assert calls == [("/x", None)]


def test_with_client_session_transaction_after_request(
    app: Vial, client: VialClient
) -> None:
    _teardown_counter(app)
    with client:
        client.get("/ann")
        with client.session_transaction() as sess:
            assert sess["name"] == "ann"
        assert request.path == "/ann"


def test_client_reusable_after_with_block(app: Vial, client: VialClient) -> None:
    calls = _teardown_counter(app)
    with client:
        client.get("/a")
    client.get("/b")
    assert not has_request_context()
    assert [path for path, _ in calls] == ["/a", "/b"]


# -- the CLI runner --------------------------------------------------------------------


def test_cli_runner_invokes_app_commands(app: Vial, runner: VialCliRunner) -> None:
    assert isinstance(runner, VialCliRunner)
    assert runner.app is app

    @app.cli.command("hello")
    @click.option("--name", default="World")
    def hello(name: str) -> None:
        click.echo(f"Hello, {name} from {current_app.name}!")

    result = runner.invoke(args=["hello", "--name", "Ann"])
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, Ann from testapp!\n"


def test_cli_runner_invokes_plain_click_command(
    app: Vial, runner: VialCliRunner
) -> None:
    from vial.cli import ScriptInfo
    from vial.cli import with_appcontext

    @click.command()
    @click.argument("value")
    def echo(value: str) -> None:
        click.echo(value.upper())

    @click.command()
    @with_appcontext
    def which_app() -> None:
        click.echo(current_app.name)

    result = runner.invoke(echo, ["abc"])
    assert result.output == "ABC\n"
    assert runner.invoke(which_app).output == "testapp\n"
    # The app is provided through click's context object.
    seen: list[object] = []

    @click.command()
    @click.pass_obj
    def show_obj(obj: ScriptInfo) -> None:
        seen.append(obj.load_app())

    runner.invoke(show_obj)
    assert seen == [app]


def test_cli_runner_failing_command(app: Vial, runner: VialCliRunner) -> None:
    @app.cli.command("fail")
    def fail() -> None:
        raise click.ClickException("it failed")

    result = runner.invoke(args=["fail"])
    assert result.exit_code == 1
    assert "it failed" in result.output


def test_test_cli_runner_class_and_kwargs(app: Vial) -> None:
    class MyRunner(VialCliRunner):
        pass

    app.test_cli_runner_class = MyRunner
    runner = app.test_cli_runner(env={"GREETING": "hi"})
    assert type(runner) is MyRunner

    @click.command()
    def greet() -> None:
        import os

        click.echo(os.environ["GREETING"])

    assert runner.invoke(greet).output == "hi\n"
