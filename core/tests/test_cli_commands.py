"""``vial routes`` and ``vial shell``."""

from __future__ import annotations

import sys
import typing as t

import pytest
from _cli_helpers import isolated_process_state
from click.testing import CliRunner
from click.testing import Result

from vial import Blueprint
from vial import g
from vial import Vial
from vial.cli import VialGroup
from vial.ctx import has_app_context


@pytest.fixture(autouse=True)
def _isolated(tmp_path: t.Any) -> t.Iterator[None]:
    with isolated_process_state(tmp_path):
        yield


def invoke(app: Vial, *args: str) -> Result:
    return CliRunner().invoke(VialGroup(create_app=lambda: app), list(args))


def table(result: Result) -> list[list[str]]:
    """The rows of the routes table, split on runs of two spaces."""
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert set(lines[1]) <= {"-", " "}
    return [[cell.strip() for cell in line.split("  ") if cell] for line in lines]


@pytest.fixture
def routed() -> Vial:
    app = Vial("routed", static_folder=None)

    @app.route("/zeta", methods=["GET", "POST"])
    def alpha() -> str:
        return ""

    @app.route("/alpha/<int:id>", methods=["DELETE"])
    def zeta(id: int) -> str:
        return ""

    @app.get("/middle")
    def middle() -> str:
        return ""

    return app


# routes


def test_routes_sorted_by_endpoint(routed: Vial) -> None:
    rows = table(invoke(routed, "routes"))
    assert rows == [
        ["Endpoint", "Methods", "Rule"],
        ["-" * 8, "-" * 9, "-" * 15],
        ["alpha", "GET, POST", "/zeta"],
        ["middle", "GET", "/middle"],
        ["zeta", "DELETE", "/alpha/<int:id>"],
    ]


def test_routes_columns_are_aligned(routed: Vial) -> None:
    lines = invoke(routed, "routes").output.splitlines()
    assert lines[0] == "Endpoint  Methods    Rule"
    assert lines[2] == "alpha     GET, POST  /zeta"


@pytest.mark.parametrize(
    ("sort", "endpoints"),
    [
        ("endpoint", ["alpha", "middle", "zeta"]),
        ("methods", ["zeta", "middle", "alpha"]),
        ("rule", ["zeta", "middle", "alpha"]),
        ("match", ["alpha", "zeta", "middle"]),
        # Without a domain column, it keeps the order the rules were added in.
        ("domain", ["alpha", "zeta", "middle"]),
    ],
)
def test_routes_sort(routed: Vial, sort: str, endpoints: list[str]) -> None:
    rows = table(invoke(routed, "routes", "--sort", sort))
    assert [row[0] for row in rows[2:]] == endpoints
    rows = table(invoke(routed, "routes", "-s", sort))
    assert [row[0] for row in rows[2:]] == endpoints


def test_routes_sort_from_environment(
    routed: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIAL_ROUTES_SORT", "rule")
    rows = table(invoke(routed, "routes"))
    assert [row[0] for row in rows[2:]] == ["zeta", "middle", "alpha"]


def test_routes_unknown_sort(routed: Vial) -> None:
    result = invoke(routed, "routes", "--sort", "size")
    assert result.exit_code == 2
    assert "'size' is not one of" in result.output


def test_routes_all_methods(routed: Vial) -> None:
    rows = table(invoke(routed, "routes", "--all-methods"))
    assert rows[2] == ["alpha", "GET, HEAD, OPTIONS, POST", "/zeta"]
    assert rows[4] == ["zeta", "DELETE, OPTIONS", "/alpha/<int:id>"]


def test_routes_subdomain_column() -> None:
    app = Vial("subs", static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index() -> str:
        return ""

    api = Blueprint("api", __name__, subdomain="api")

    @api.route("/users")
    def users() -> str:
        return ""

    app.register_blueprint(api)
    rows = table(invoke(app, "routes", "--sort", "domain"))
    assert rows[0] == ["Endpoint", "Methods", "Subdomain", "Rule"]
    # The app's rule has an empty subdomain cell.
    assert rows[2][0] == "index"
    assert rows[3] == ["api.users", "GET", "api", "/users"]


def test_routes_host_column() -> None:
    app = Vial(
        "hosts", host_matching=True, static_host="static.test", static_folder=None
    )

    @app.route("/", host="b.test")
    def b_index() -> str:
        return ""

    @app.route("/", host="a.test")
    def a_index() -> str:
        return ""

    rows = table(invoke(app, "routes", "--sort", "domain"))
    assert rows[0] == ["Endpoint", "Methods", "Host", "Rule"]
    assert [row[2] for row in rows[2:]] == ["a.test", "b.test"]


def test_routes_include_static(app: Vial) -> None:
    rows = table(invoke(app, "routes"))
    assert ["static", "GET", "/static/<path:filename>"] in rows


def test_routes_without_rules() -> None:
    result = invoke(Vial("empty", static_folder=None), "routes")
    assert result.exit_code == 0
    assert result.output == "The app has no URL rules.\n"


# shell


class Console:
    """Stands in for ``code.interact``."""

    def __init__(self) -> None:
        self.banner: str | None = None
        self.namespace: dict[str, t.Any] = {}
        self.had_context = False

    def __call__(self, banner: str | None = None, local: t.Any = None) -> None:
        self.banner = banner
        self.namespace = local
        self.had_context = has_app_context()


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> Console:
    fake = Console()
    monkeypatch.setattr("code.interact", fake)
    # Python's hook would read and write the user's history file.
    monkeypatch.delattr(sys, "__interactivehook__", raising=False)
    return fake


def test_shell_runs_in_app_context(app: Vial, console: Console) -> None:
    result = invoke(app, "shell")
    assert result.exit_code == 0, result.output
    assert console.had_context
    assert console.namespace["app"] is app
    assert console.namespace["g"] is g
    assert not has_app_context()


def test_shell_banner(app: Vial, console: Console) -> None:
    invoke(app, "shell")
    assert console.banner is not None
    assert console.banner.startswith(f"Python {sys.version}")
    assert "App: testapp" in console.banner
    assert f"Instance: {app.instance_path}" in console.banner


def test_shell_context_processors(app: Vial, console: Console) -> None:
    @app.shell_context_processor
    def models() -> dict[str, t.Any]:
        return {"User": "user model", "db": "database"}

    @app.shell_context_processor
    def more() -> dict[str, t.Any]:
        return {"db": "replaced"}

    invoke(app, "shell")
    assert console.namespace["User"] == "user model"
    assert console.namespace["db"] == "replaced"


def test_shell_runs_pythonstartup(
    app: Vial, console: Console, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    startup = tmp_path / "startup.py"
    startup.write_text("from_startup = 42\napp = 'shadowed'\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    invoke(app, "shell")
    assert console.namespace["from_startup"] == 42
    # The app's names win over the startup file's.
    assert console.namespace["app"] is app


def test_shell_calls_interactive_hook(
    app: Vial, console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("readline", reason="tab completion needs readline")
    calls: list[bool] = []
    monkeypatch.setattr(
        sys, "__interactivehook__", lambda: calls.append(True), raising=False
    )
    completers: list[t.Any] = []
    monkeypatch.setattr("readline.set_completer", completers.append)
    invoke(app, "shell")
    assert calls == [True]
    # Completion is set to the shell's names (importing rlcompleter may
    # set a default completer first).
    assert completers[-1].__self__.namespace is console.namespace
