from __future__ import annotations

import logging
import os
import subprocess
import sys
import typing as t
import uuid
from pathlib import Path

import pytest
from jinja2 import DictLoader
from jinja2 import Template
from jinja2 import TemplateNotFound
from jinja2 import TemplatesNotFound
from markupsafe import Markup

import vial.templating
from vial import Blueprint
from vial import flash
from vial import g
from vial import get_template_attribute
from vial import has_request_context
from vial import render_template
from vial import render_template_string
from vial import session
from vial import stream_template
from vial import stream_template_string
from vial import Vial
from vial.ctx import AppContext
from vial.debughelpers import explain_template_loading_attempts
from vial.signals import before_render_template
from vial.signals import template_rendered
from vial.templating import DispatchingJinjaLoader
from vial.templating import Environment
from vial.testing import VialClient

HERE = Path(__file__).parent
BLUEPRINTS = HERE / "templating_blueprints"


def _blueprint(name: str, **options: t.Any) -> Blueprint:
    """A blueprint whose templates are in ``templating_blueprints/<name>``."""
    return Blueprint(
        name,
        __name__,
        root_path=str(BLUEPRINTS / name),
        template_folder="templates",
        **options,
    )


def _app_in(path: Path, **config: t.Any) -> Vial:
    """An app whose templates are in ``path/templates``."""
    (path / "templates").mkdir(exist_ok=True)
    app = Vial("tmpapp", root_path=str(path))
    app.config.update(TESTING=True, **config)
    return app


# -- Lazy import -----------------------------------------------------------------


def test_importing_vial_does_not_import_jinja2() -> None:
    code = (
        "import sys, vial, vial.templating\n"
        "assert 'jinja2' not in sys.modules, 'jinja2 was imported'\n"
        "vial.templating.Environment\n"
        "assert 'jinja2' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_lazy_classes_are_jinja2_classes() -> None:
    import jinja2

    assert issubclass(vial.templating.Environment, jinja2.Environment)
    assert issubclass(vial.templating.DispatchingJinjaLoader, jinja2.BaseLoader)

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        vial.templating.Nope  # noqa: B018


def test_jinja_env_knows_its_app(app: Vial) -> None:
    env = app.jinja_env
    assert isinstance(env, Environment)
    assert env.app is app
    assert isinstance(env.loader, DispatchingJinjaLoader)
    assert app.jinja_env is env


def test_environment_accepts_an_explicit_loader(app: Vial) -> None:
    env = Environment(app, loader=DictLoader({"x.txt": "{{ 1 + 1 }}"}))
    assert env.get_template("x.txt").render() == "2"


# -- Loading: app folder, blueprint folders, order ----------------------------------


def test_render_app_template(app: Vial, client: VialClient) -> None:
    @app.route("/")
    def index() -> str:
        return render_template("templating/hello.html", name="<World>")

    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "<h1>Hello &lt;World&gt;!</h1>"


def test_app_template_wins_over_blueprint(app: Vial) -> None:
    app.register_blueprint(_blueprint("admin"))

    with app.app_context():
        assert render_template("templating/override.html") == "from the application"


def test_blueprints_searched_in_registration_order(app: Vial) -> None:
    app.register_blueprint(_blueprint("frontend"))
    app.register_blueprint(_blueprint("admin"))

    with app.app_context():
        assert render_template("templating/shared.html") == "frontend shared"

    other = Vial("other", root_path=str(HERE))
    other.register_blueprint(_blueprint("admin"))
    other.register_blueprint(_blueprint("frontend"))

    with other.app_context():
        assert render_template("templating/shared.html") == "admin shared"


def test_template_from_blueprint_folder(app: Vial, client: VialClient) -> None:
    admin = _blueprint("admin", url_prefix="/admin")

    @admin.route("/")
    def index() -> str:
        return render_template("admin/index.html", value="<3")

    app.register_blueprint(admin)
    app.register_blueprint(_blueprint("frontend"))

    assert client.get("/admin/").text == "admin index &lt;3"

    # Blueprint templates share the app's namespace: reachable from anywhere.
    with app.app_context():
        assert render_template("templating/frontend_only.html") == "frontend only"


def test_nested_blueprint_templates(app: Vial) -> None:
    parent = Blueprint("parent", __name__, template_folder=None)
    parent.register_blueprint(_blueprint("frontend"))
    app.register_blueprint(parent)

    with app.app_context():
        assert render_template("templating/frontend_only.html") == "frontend only"


def test_blueprint_without_template_folder_is_skipped(app: Vial) -> None:
    app.register_blueprint(Blueprint("api", __name__))
    app.register_blueprint(_blueprint("admin"))

    with app.app_context():
        assert render_template("admin/index.html", value=1) == "admin index 1"


def test_app_without_template_folder(tmp_path: Path) -> None:
    app = Vial("bare", root_path=str(tmp_path), template_folder=None)
    app.register_blueprint(_blueprint("admin"))

    with app.app_context():
        assert render_template("templating/override.html") == "from the admin blueprint"


def test_list_templates(app: Vial) -> None:
    app.register_blueprint(_blueprint("admin"))
    app.register_blueprint(_blueprint("frontend"))

    names = app.jinja_env.list_templates()
    assert "templating/hello.html" in names
    assert "admin/index.html" in names
    assert "templating/frontend_only.html" in names
    # Present in the app and in both blueprints, listed once.
    assert names.count("templating/shared.html") == 1
    assert names.count("templating/override.html") == 1
    assert names == sorted(names)


def test_missing_template_raises(app_ctx: AppContext) -> None:
    with pytest.raises(TemplateNotFound) as info:
        render_template("templating/missing.html")
    assert info.value.name == "templating/missing.html"


def test_template_list_renders_first_existing(app_ctx: AppContext) -> None:
    rv = render_template(
        ["templating/missing.html", "templating/hello.html"], name="list"
    )
    assert rv == "<h1>Hello list!</h1>"

    with pytest.raises(TemplatesNotFound) as info:
        render_template(["templating/missing.html", "templating/gone.html"])
    assert info.value.templates == ["templating/missing.html", "templating/gone.html"]


def test_render_template_object(app_ctx: AppContext, app: Vial) -> None:
    template = app.jinja_env.from_string("{{ g.value }}-{{ x }}")
    g.value = "gv"
    assert render_template(template, x=1) == "gv-1"


def test_render_outside_app_context_raises() -> None:
    with pytest.raises(RuntimeError, match="outside of application context"):
        render_template_string("x")
    with pytest.raises(RuntimeError, match="outside of application context"):
        render_template("templating/hello.html")


# -- Autoescaping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extension", "expected"),
    [
        ("html", "&lt;b&gt;&amp;"),
        ("htm", "&lt;b&gt;&amp;"),
        ("xml", "&lt;b&gt;&amp;"),
        ("xhtml", "&lt;b&gt;&amp;"),
        ("svg", "&lt;b&gt;&amp;"),
        ("txt", "<b>&"),
        ("css", "<b>&"),
        ("js", "<b>&"),
    ],
)
def test_autoescape_by_extension(tmp_path: Path, extension: str, expected: str) -> None:
    app = _app_in(tmp_path)
    (tmp_path / "templates" / f"page.{extension}").write_text("{{ value }}")

    with app.app_context():
        assert render_template(f"page.{extension}", value="<b>&") == expected


def test_string_templates_are_autoescaped(app_ctx: AppContext) -> None:
    assert render_template_string("{{ v }}", v="<i>'") == "&lt;i&gt;&#39;"
    assert render_template_string("{{ v }}", v=Markup("<i>")) == "<i>"
    assert render_template_string("{{ v|safe }}", v="<i>") == "<i>"
    raw = "{% autoescape false %}{{ v }}{% endautoescape %}"
    assert render_template_string(raw, v="<") == "<"


def test_tojson_is_safe_in_script(app_ctx: AppContext) -> None:
    data = {"text": "</script><b>'&\"", "b": 1, "a": 2}
    rv = render_template("templating/tojson.html", data=data)

    prefix, _, rest = rv.partition("<script>var data = ")
    assert prefix == ""
    body, _, suffix = rest.partition(";</script>")
    assert suffix == ""
    for raw in "<>&'":
        assert raw not in body
    assert "\\u003c/script\\u003e" in body
    assert "\\u0026" in body
    assert "\\u0027" in body
    # Dumped through app.json, which sorts keys by default.
    assert body.startswith('{"a": 2, "b": 1, "text": ')

    import json

    assert json.loads(body) == data


def test_tojson_uses_app_json_provider(app_ctx: AppContext) -> None:
    # Plain json.dumps cannot serialise a UUID; the app's provider can.
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert render_template_string("{{ v|tojson }}", v={"id": value}) == (
        '{"id": "12345678-1234-5678-1234-567812345678"}'
    )


# -- Context ----------------------------------------------------------------------


def test_default_context_in_request(app: Vial, client: VialClient) -> None:
    @app.before_request
    def set_g() -> None:
        g.value = "from g"

    @app.route("/flash")
    def flash_view() -> str:
        session["user"] = "ann"
        flash("hi")
        return ""

    @app.route("/context")
    def context_view() -> str:
        return render_template("templating/context.html")

    client.get("/flash")
    lines = client.get("/context?q=search").text.splitlines()
    assert lines == [
        "config=test key",
        "path=/context",
        "arg=search",
        "user=ann",
        "g=from g",
        "url=/context?q=x",
        "flashed=hi",
    ]
    # The flashed message was consumed by the template.
    assert client.get("/context").text.splitlines()[-1] == "flashed="


def test_render_with_only_app_context(app_ctx: AppContext, app: Vial) -> None:
    g.value = "app only"
    rv = render_template_string(
        "{{ g.value }}|{{ config.SECRET_KEY }}"
        "|{{ 'request' if request else 'no request' }}"
        "|{{ 'session' if session else 'no session' }}"
    )
    assert rv == "app only|test key|no request|no session"
    assert render_template("templating/hello.html", name="ctx") == (
        "<h1>Hello ctx!</h1>"
    )


def test_render_in_test_request_context(app: Vial) -> None:
    with app.test_request_context("/some/path?q=1"):
        rv = render_template_string("{{ request.path }}?q={{ request.args.q }}")
    assert rv == "/some/path?q=1"


def test_context_processors(app: Vial, client: VialClient) -> None:
    admin = Blueprint("admin", __name__, url_prefix="/admin")
    frontend = Blueprint("frontend", __name__)
    source = "{{ site }}|{{ section|default('none') }}|{{ footer }}|{{ name }}"

    @app.context_processor
    def site() -> dict[str, t.Any]:
        return {"site": "vial", "name": "from processor"}

    @admin.context_processor
    def section() -> dict[str, t.Any]:
        return {"section": "admin"}

    @frontend.app_context_processor
    def footer() -> dict[str, t.Any]:
        return {"footer": "frontend footer"}

    @app.route("/")
    def index() -> str:
        return render_template_string(source)

    @admin.route("/")
    def admin_index() -> str:
        return render_template_string(source, name="explicit")

    app.register_blueprint(admin)
    app.register_blueprint(frontend)

    assert client.get("/").text == "vial|none|frontend footer|from processor"
    # Blueprint processors run for that blueprint's requests only, and values
    # passed to render win over every processor.
    assert client.get("/admin/").text == "vial|admin|frontend footer|explicit"


def test_nested_blueprint_context_processors(app: Vial, client: VialClient) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")

    @parent.context_processor
    def parent_values() -> dict[str, t.Any]:
        return {"who": "parent", "from_parent": True}

    @child.context_processor
    def child_values() -> dict[str, t.Any]:
        return {"who": "child"}

    @child.route("/")
    def index() -> str:
        return render_template_string("{{ who }}|{{ from_parent }}")

    parent.register_blueprint(child)
    app.register_blueprint(parent)

    # The innermost blueprint's processor runs last, so its value wins.
    assert client.get("/parent/child/").text == "child|True"


def test_context_processors_with_app_context_only(app: Vial) -> None:
    @app.context_processor
    def site() -> dict[str, t.Any]:
        return {"site": "vial"}

    with app.app_context():
        assert render_template_string("{{ site }}") == "vial"


# -- Filters, tests, globals --------------------------------------------------------


def test_app_template_filters_tests_globals(app: Vial) -> None:
    @app.template_filter("reverse_text")
    def reverse_text(value: str) -> str:
        return value[::-1]

    def is_palindrome(value: str) -> bool:
        return value == value[::-1]

    app.add_template_test(is_palindrome, name="palindrome")

    @app.template_global()
    def shout(value: str) -> str:
        return value.upper()

    # The decorators return the function unchanged.
    assert reverse_text("ab") == "ba"
    assert shout("ab") == "AB"

    with app.app_context():
        assert render_template("templating/extensions.html", value="abc") == (
            "cba|False|ABC"
        )
        assert render_template("templating/extensions.html", value="aba") == (
            "aba|True|ABA"
        )


def test_add_template_filter_uses_function_name(app: Vial) -> None:
    def double(value: int) -> int:
        return value * 2

    app.add_template_filter(double)
    app.add_template_global(double, name="twice")

    with app.app_context():
        assert render_template_string("{{ 4|double }} {{ twice(5) }}") == "8 10"


def test_blueprint_app_template_filters_tests_globals(
    app: Vial, client: VialClient
) -> None:
    bp = Blueprint("bp", __name__)

    @bp.app_template_filter("reverse_text")
    def reverse_text(value: str) -> str:
        return value[::-1]

    @bp.app_template_test("palindrome")
    def is_palindrome(value: str) -> bool:
        return value == value[::-1]

    bp.add_app_template_global(str.upper, name="shout")

    # Filters of a blueprint are app-wide: usable from app views too.
    @app.route("/")
    def index() -> str:
        return render_template("templating/extensions.html", value="level")

    app.register_blueprint(bp)

    assert client.get("/").text == "level|True|LEVEL"


def test_get_template_attribute(app_ctx: AppContext) -> None:
    greet = get_template_attribute("templating/macros.html", "greet")
    rv = greet("<World>")
    assert rv == "Hello &lt;World&gt;!"
    assert isinstance(rv, Markup)
    assert get_template_attribute("templating/macros.html", "answer") == 42

    with pytest.raises(AttributeError):
        get_template_attribute("templating/macros.html", "missing")


# -- Environment configuration ------------------------------------------------------


def test_auto_reload_on(tmp_path: Path) -> None:
    app = _app_in(tmp_path, TEMPLATES_AUTO_RELOAD=True)
    page = tmp_path / "templates" / "page.txt"
    page.write_text("one")

    with app.app_context():
        assert app.jinja_env.auto_reload is True
        assert render_template("page.txt") == "one"
        page.write_text("two")
        # Make the change visible even on coarse file system clocks.
        stat = page.stat()
        os.utime(page, (stat.st_atime, stat.st_mtime + 10))
        assert render_template("page.txt") == "two"


def test_auto_reload_off(tmp_path: Path) -> None:
    app = _app_in(tmp_path, TEMPLATES_AUTO_RELOAD=False, DEBUG=True)
    page = tmp_path / "templates" / "page.txt"
    page.write_text("one")

    with app.app_context():
        assert app.jinja_env.auto_reload is False
        assert render_template("page.txt") == "one"
        page.write_text("two")
        stat = page.stat()
        os.utime(page, (stat.st_atime, stat.st_mtime + 10))
        assert render_template("page.txt") == "one"


def test_auto_reload_follows_debug_when_unset(app: Vial) -> None:
    assert app.config["TEMPLATES_AUTO_RELOAD"] is None
    app.debug = False
    assert app.jinja_env.auto_reload is False
    app.debug = True
    assert app.jinja_env.auto_reload is True


def test_jinja_options(app: Vial) -> None:
    class LineApp(Vial):
        jinja_options = {
            "line_statement_prefix": "%",
            "extensions": ["jinja2.ext.loopcontrols"],
        }

    line_app = LineApp("lineapp", root_path=str(HERE))
    source = "% for i in range(5)\n% if i == 3\n% break\n% endif\n{{ i }}\n% endfor\n"

    with line_app.app_context():
        assert render_template_string(source) == "0\n1\n2\n"
        # Options do not replace the defaults vial adds.
        assert render_template_string("{{ v }}", v="<") == "&lt;"
        assert "url_for" in line_app.jinja_env.globals

    # The default app's line statements are not enabled.
    with app.app_context():
        assert render_template_string("% for i in x") == "% for i in x"


def test_jinja_options_can_turn_off_autoescape() -> None:
    class RawApp(Vial):
        jinja_options = {"autoescape": False}

    raw = RawApp("raw", root_path=str(HERE))
    with raw.app_context():
        assert render_template_string("{{ v }}", v="<") == "<"
        assert render_template("templating/hello.html", name="<") == (
            "<h1>Hello <!</h1>"
        )


def test_override_select_jinja_autoescape(tmp_path: Path) -> None:
    class TxtApp(Vial):
        def select_jinja_autoescape(self, filename: str | None) -> bool:
            if filename is not None and filename.endswith(".txt"):
                return True
            return super().select_jinja_autoescape(filename)

    app = TxtApp("txt", root_path=str(tmp_path))
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.txt").write_text("{{ v }}")
    (tmp_path / "templates" / "page.css").write_text("{{ v }}")

    with app.app_context():
        assert render_template("page.txt", v="<") == "&lt;"
        assert render_template("page.css", v="<") == "<"


def test_override_create_jinja_environment() -> None:
    class SiteApp(Vial):
        def create_jinja_environment(self) -> Environment:
            env = super().create_jinja_environment()
            env.globals["site_name"] = "My Site"
            env.trim_blocks = True
            return env

    app = SiteApp("site", root_path=str(HERE))
    with app.app_context():
        assert render_template_string("{% if 1 %}\n{{ site_name }}{% endif %}") == (
            "My Site"
        )
        assert render_template_string("{{ config is defined }}") == "True"


def test_jinja_environment_class_override() -> None:
    class ShoutingEnvironment(Environment):
        def __init__(self, app: Vial, **options: t.Any) -> None:
            super().__init__(app, **options)
            self.filters["shout"] = str.upper

    class ShoutingApp(Vial):
        jinja_environment = ShoutingEnvironment

    app = ShoutingApp("shouting", root_path=str(HERE))
    assert type(app.jinja_env) is ShoutingEnvironment
    assert app.jinja_env.app is app

    with app.app_context():
        assert render_template_string("{{ 'hi'|shout }}") == "HI"
        assert render_template("templating/hello.html", name="x") == (
            "<h1>Hello x!</h1>"
        )


# -- Streaming ----------------------------------------------------------------------


def test_stream_template_keeps_request_context(app: Vial, client: VialClient) -> None:
    app.add_template_global(has_request_context)

    @app.route("/stream")
    def stream() -> t.Any:
        # The stream is consumed after the view returns, when the request
        # context would normally be gone already.
        rv = stream_template("templating/stream.html", items=["a", "b"])
        return app.response_class(rv)

    @app.route("/stream-string")
    def stream_string() -> t.Any:
        return app.response_class(
            stream_template_string(
                "{% for i in items %}{{ i }}{{ request.args.sep }}{% endfor %}"
                "|{{ has_request_context() }}|{{ session.user }}",
                items=[1, 2, 3],
            )
        )

    response = client.get("/stream?sep=-")
    assert response.text == "a:-;b:-;True"

    with client.session_transaction() as sess:
        sess["user"] = "ann"
    assert client.get("/stream-string?sep=,").text == "1,2,3,|True|ann"


def test_stream_template_renders_in_chunks(app_ctx: AppContext) -> None:
    chunks = list(
        stream_template_string(
            "{% for i in items %}{{ i }}{% endfor %}", items=["<a>", "b"]
        )
    )
    assert "".join(chunks) == "&lt;a&gt;b"
    assert len(chunks) > 1


def test_stream_template_with_app_context_only(app_ctx: AppContext) -> None:
    g.value = "streamed"
    rv = stream_template("templating/hello.html", name="stream")
    assert "".join(rv) == "<h1>Hello stream!</h1>"
    assert "".join(stream_template_string("{{ g.value }}")) == "streamed"


# -- Signals ------------------------------------------------------------------------


def test_render_signals(app: Vial, client: VialClient) -> None:
    events: list[tuple[str, t.Any, str | None, dict[str, t.Any]]] = []

    def before(sender: t.Any, template: Template, context: dict[str, t.Any]) -> None:
        events.append(("before", sender, template.name, dict(context)))

    def rendered(sender: t.Any, template: Template, context: dict[str, t.Any]) -> None:
        events.append(("rendered", sender, template.name, dict(context)))

    @app.route("/")
    def index() -> str:
        return render_template("templating/hello.html", name="signals")

    with (
        before_render_template.connected_to(before, app),
        template_rendered.connected_to(rendered, app),
    ):
        assert client.get("/").text == "<h1>Hello signals!</h1>"

    assert [(e[0], e[1], e[2]) for e in events] == [
        ("before", app, "templating/hello.html"),
        ("rendered", app, "templating/hello.html"),
    ]
    for _, _, _, context in events:
        assert context["name"] == "signals"
        # Context processors ran before the signals were sent.
        assert "request" in context
        assert "g" in context


def test_render_signals_ignore_other_apps(app: Vial) -> None:
    other = Vial("other", root_path=str(HERE))
    seen: list[t.Any] = []

    def record(sender: t.Any, **kwargs: t.Any) -> None:
        seen.append(sender)

    with template_rendered.connected_to(record, other), app.app_context():
        render_template_string("x")
    assert seen == []

    with template_rendered.connected_to(record, other), other.app_context():
        render_template_string("x")
    assert seen == [other]


def test_stream_signals(app_ctx: AppContext, app: Vial) -> None:
    events: list[str] = []

    def before(sender: t.Any, template: Template, context: dict[str, t.Any]) -> None:
        events.append(f"before:{context['x']}")

    def rendered(sender: t.Any, template: Template, context: dict[str, t.Any]) -> None:
        events.append(f"rendered:{context['x']}")

    with (
        before_render_template.connected_to(before, app),
        template_rendered.connected_to(rendered, app),
    ):
        stream = stream_template_string("{{ x }}", x=1)
        assert events == ["before:1"]
        assert "".join(stream) == "1"
        # Sent once the whole template has been streamed.
        assert events == ["before:1", "rendered:1"]


# -- EXPLAIN_TEMPLATE_LOADING -------------------------------------------------------


def _attempts(message: str) -> list[str]:
    """Split an explanation into one text block per loader attempt."""
    blocks: list[str] = []
    for line in message.splitlines()[1:]:
        if line.startswith("  ") and line.strip()[:1].isdigit():
            blocks.append(line)
        elif blocks and line.startswith("     "):
            blocks[-1] += "\n" + line
    return blocks


def test_explain_template_loading(app: Vial, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=app.logger.name)
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    app.register_blueprint(Blueprint("api", __name__))
    app.register_blueprint(_blueprint("admin"))
    app.register_blueprint(_blueprint("frontend"))

    with app.app_context():
        assert render_template("templating/shared.html") == "admin shared"

    [record] = [r for r in caplog.records if r.name == app.logger.name]
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert message.startswith("Locating template 'templating/shared.html':")

    app_try, admin_try, frontend_try = _attempts(message)
    assert "1: trying loader of application 'testapp'" in app_try
    assert "class: jinja2.loaders.FileSystemLoader" in app_try
    assert f"  - {HERE / 'templates'}" in app_try
    assert "-> no match" in app_try

    assert f"2: trying loader of blueprint 'admin' ({__name__})" in admin_try
    admin_file = BLUEPRINTS / "admin" / "templates" / "templating" / "shared.html"
    assert f"-> found ({str(admin_file)!r})" in admin_try

    assert "3: trying loader of blueprint 'frontend'" in frontend_try
    assert "-> found (" in frontend_try
    # The blueprint without a template folder has no loader to try.
    assert "'api'" not in message

    assert "several loaders have this template" in message
    assert "could not be found" not in message


def test_explain_template_loading_single_match(
    app: Vial, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=app.logger.name)
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True

    with app.app_context():
        render_template("templating/hello.html", name="x")

    message = caplog.records[-1].getMessage()
    [app_try] = _attempts(message)
    hello = HERE / "templates" / "templating" / "hello.html"
    assert f"-> found ({str(hello)!r})" in app_try
    assert "several loaders" not in message
    assert "could not be found" not in message


def test_explain_template_not_found(
    app: Vial, client: VialClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=app.logger.name)
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    frontend = _blueprint("frontend", url_prefix="/front")

    @frontend.route("/")
    def index() -> str:
        return render_template("templating/nowhere.html")

    app.register_blueprint(_blueprint("admin"))
    app.register_blueprint(frontend)

    with pytest.raises(TemplateNotFound):
        client.get("/front/")

    messages = [r.getMessage() for r in caplog.records if r.name == app.logger.name]
    [message] = [m for m in messages if m.startswith("Locating template")]
    blocks = _attempts(message)
    assert len(blocks) == 3
    assert all("-> no match" in block for block in blocks)
    assert "Error: the template could not be found." in message
    # Looked up from a blueprint's view: the hint names that blueprint.
    assert "endpoint of the blueprint 'frontend'" in message


def test_explain_not_found_without_request_has_no_hint(
    app: Vial, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=app.logger.name)
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True

    with app.app_context(), pytest.raises(TemplateNotFound):
        render_template("templating/nowhere.html")

    message = caplog.records[-1].getMessage()
    assert "Error: the template could not be found." in message
    assert "blueprint" not in message


def test_no_explanation_by_default(app: Vial, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=app.logger.name)
    with app.app_context():
        render_template("templating/hello.html", name="x")
        with pytest.raises(TemplateNotFound):
            render_template("templating/nowhere.html")
    assert not [r for r in caplog.records if r.name == app.logger.name]


def test_explain_describes_non_file_loaders(
    app: Vial, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=app.logger.name)
    loader = DictLoader({"x.html": "x"})
    explain_template_loading_attempts(app, "x.html", [(loader, app, ("x", None, None))])
    message = caplog.records[-1].getMessage()
    assert "class: jinja2.loaders.DictLoader" in message
    assert "-> found ('<string>')" in message
    # The mapping is not a plain value: it is not dumped into the log.
    assert "mapping" not in message


# -- Attribute lookups give jinja's answers ------------------------------------------


class _DictWithAttribute(dict[str, t.Any]):
    label = "from the attribute"


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("{{ row.name }}", {"row": {"name": "<b>"}}),
        ("{{ row.missing is defined }}", {"row": {"name": "x"}}),
        ("{{ row.items is callable }}", {"row": {"items": "a key"}}),
        ("{{ row.get('k') }}", {"row": {"k": 1, "get": "shadow"}}),
        ("{{ row.label }}", {"row": _DictWithAttribute(label="from the key")}),
        ("{{ row.__class__.__name__ }}", {"row": {}}),
        ("{{ row.x }}", {"row": type("Obj", (), {"x": 5})()}),
        ("{{ rows[0].id }}-{{ rows[1].id }}", {"rows": [{"id": 1}, {"id": 2}]}),
    ],
)
def test_attribute_lookup_matches_jinja(
    app: Vial, template: str, context: dict[str, t.Any]
) -> None:
    import jinja2

    with app.app_context():
        ours = app.jinja_env.from_string(template).render(context)
    theirs = jinja2.Environment(autoescape=True).from_string(template).render(context)
    assert ours == theirs


def test_missing_dict_key_in_strict_mode_names_the_key(app: Vial) -> None:
    import jinja2

    app.jinja_options = {"undefined": jinja2.StrictUndefined}
    with app.app_context(), pytest.raises(jinja2.UndefinedError, match="'missing'"):
        app.jinja_env.from_string("{{ row.missing }}").render(row={"a": 1})
