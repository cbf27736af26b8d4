"""``vial run`` and ``app.run()``, with werkzeug's ``run_simple`` replaced so
no server is started."""

from __future__ import annotations

import os
import ssl
import sys
import typing as t

import pytest
from _cli_helpers import CLI_APPS
from _cli_helpers import isolated_process_state
from click.testing import CliRunner
from click.testing import Result

from vial import helpers
from vial import Vial
from vial.cli import show_server_banner
from vial.cli import VialGroup


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> t.Iterator[None]:
    with isolated_process_state(tmp_path):
        monkeypatch.chdir(CLI_APPS)
        yield


class Served:
    """The calls to ``run_simple``."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[t.Any, ...], dict[str, t.Any]]] = []

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> None:
        self.calls.append((args, kwargs))

    @property
    def host(self) -> str:
        return t.cast(str, self.only[0][0])

    @property
    def port(self) -> int:
        return t.cast(int, self.only[0][1])

    @property
    def app(self) -> t.Any:
        return self.only[0][2]

    @property
    def options(self) -> dict[str, t.Any]:
        return self.only[1]

    @property
    def only(self) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
        assert len(self.calls) == 1, self.calls
        return self.calls[0]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    calls = Served()
    monkeypatch.setattr("werkzeug.serving.run_simple", calls)
    return calls


def vial_run(*args: str, app: str = "cliapp_basic") -> Result:
    return CliRunner().invoke(VialGroup(name="vial"), ["--app", app, *args])


# vial run


def test_run_defaults(served: Served) -> None:
    result = vial_run("run")
    assert result.exit_code == 0, result.output
    assert (served.host, served.port) == ("127.0.0.1", 5000)
    assert served.app is sys.modules["cliapp_basic"].app
    assert served.options == {
        "use_reloader": False,
        "use_debugger": False,
        "threaded": True,
        "ssl_context": None,
        "extra_files": None,
        "exclude_patterns": None,
    }


def test_run_banner_warns_about_production(served: Served) -> None:
    result = vial_run("run")
    assert " * Serving Vial app 'cliapp_basic'" in result.output
    assert " * Debug mode: off" in result.output
    assert "development server" in result.output
    assert "not secure or fast enough for production" in result.output
    assert "gunicorn -w 4 'cliapp_basic:app'" in result.output


def test_run_host_port_and_threads(served: Served) -> None:
    result = vial_run("run", "--host", "0.0.0.0", "-p", "8080", "--without-threads")
    assert result.exit_code == 0, result.output
    assert (served.host, served.port) == ("0.0.0.0", 8080)
    assert served.options["threaded"] is False


def test_run_options_from_environment(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIAL_RUN_HOST", "::1")
    monkeypatch.setenv("VIAL_RUN_PORT", "8001")
    monkeypatch.setenv("VIAL_RUN_WITH_THREADS", "false")
    vial_run("run")
    assert (served.host, served.port) == ("::1", 8001)
    assert served.options["threaded"] is False


def test_run_options_from_flask_environment_with_switch(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_RUN_PORT", "8002")
    vial_run("run")
    assert served.port == 5000
    served.calls.clear()

    monkeypatch.setattr(helpers, "ENV_PREFIXES", ["VIAL", "FLASK"])
    vial_run("run")
    assert served.port == 8002
    served.calls.clear()

    # The VIAL form wins.
    monkeypatch.setenv("VIAL_RUN_PORT", "8003")
    vial_run("run")
    assert served.port == 8003


def test_debug_turns_on_reloader_and_debugger(served: Served) -> None:
    result = vial_run("--debug", "run")
    assert result.exit_code == 0, result.output
    assert served.options["use_reloader"] is True
    assert served.options["use_debugger"] is True
    assert served.app.debug is True
    assert " * Debug mode: on" in result.output


def test_debug_from_environment(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIAL_DEBUG", "1")
    vial_run("run")
    assert served.options["use_reloader"] is True
    assert served.options["use_debugger"] is True


def test_debug_without_reloader_or_debugger(served: Served) -> None:
    vial_run("--debug", "run", "--no-reload", "--no-debugger")
    assert served.options["use_reloader"] is False
    assert served.options["use_debugger"] is False


def test_reloader_without_debug(served: Served) -> None:
    vial_run("run", "--reload")
    assert served.options["use_reloader"] is True
    assert served.options["use_debugger"] is False


def test_debugger_refused_without_debug_mode(served: Served) -> None:
    result = vial_run("run", "--debugger")
    assert result.exit_code == 2
    assert "only available in debug mode" in result.output
    assert served.calls == []


def test_reloader_extra_files_and_exclude_patterns(
    served: Served, tmp_path: t.Any
) -> None:
    one, two = tmp_path / "one.cfg", tmp_path / "two.cfg"
    one.write_text("")
    two.write_text("")
    result = vial_run(
        "run",
        "--reload",
        "--extra-files",
        os.pathsep.join([str(one), str(two)]),
        "--exclude-patterns",
        os.pathsep.join(["*.tmp", "build/*"]),
    )
    assert result.exit_code == 0, result.output
    assert served.options["extra_files"] == [str(one), str(two)]
    assert served.options["exclude_patterns"] == ["*.tmp", "build/*"]


def test_cert_and_key_files(served: Served, tmp_path: t.Any) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("certificate")
    key.write_text("key")
    result = vial_run("run", "--cert", str(cert), "--key", str(key))
    assert result.exit_code == 0, result.output
    assert served.options["ssl_context"] == (str(cert), str(key))


def test_cert_file_needs_key(served: Served, tmp_path: t.Any) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("certificate")
    result = vial_run("run", "--cert", str(cert))
    assert result.exit_code == 2
    assert "also needs its private key" in result.output


def test_key_needs_cert(served: Served, tmp_path: t.Any) -> None:
    key = tmp_path / "key.pem"
    key.write_text("key")
    result = vial_run("run", "--key", str(key))
    assert result.exit_code == 2
    assert "'--key' needs '--cert'" in result.output


def test_missing_cert_file(served: Served) -> None:
    result = vial_run("run", "--cert", "nowhere.pem")
    assert result.exit_code == 2
    assert served.calls == []


def test_adhoc_cert_needs_cryptography(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    result = vial_run("run", "--cert", "adhoc")
    assert result.exit_code == 2
    assert "'cryptography' library, which is not installed" in result.output


def test_adhoc_cert(
    served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    # Only its presence is checked here; werkzeug makes the certificate.
    monkeypatch.setitem(sys.modules, "cryptography", type(sys)("cryptography"))
    result = vial_run("run", "--cert", "adhoc")
    assert result.exit_code == 0, result.output
    assert served.options["ssl_context"] == "adhoc"

    key = tmp_path / "key.pem"
    key.write_text("key")
    result = vial_run("run", "--cert", "adhoc", "--key", str(key))
    assert result.exit_code == 2
    assert "cannot be used with an ad-hoc certificate" in result.output


def test_ssl_context_by_import_name(
    served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    (tmp_path / "cliapp_tls.py").write_text(
        "import ssl\ncontext = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    result = vial_run("run", "--cert", "cliapp_tls.context")
    assert result.exit_code == 0, result.output
    assert isinstance(served.options["ssl_context"], ssl.SSLContext)

    key = tmp_path / "key.pem"
    key.write_text("key")
    result = vial_run("run", "--cert", "cliapp_tls.context", "--key", str(key))
    assert result.exit_code == 2
    assert "holds the key already" in result.output


def test_load_error_raised_outside_reloader(served: Served) -> None:
    result = vial_run("run", app="cliapp_broken")
    assert isinstance(result.exception, RuntimeError)
    assert served.calls == []


def test_load_error_served_under_reloader(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the reloader's child, a broken app must not stop the server: the
    # reloader keeps watching and restarts once the code is fixed.
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    result = vial_run("run", app="cliapp_broken")
    assert result.exit_code == 0, result.output
    with pytest.raises(RuntimeError, match="the database is not configured"):
        served.app({}, lambda *a: None)
    # The banner is printed only by the reloader's parent process.
    assert "Serving Vial app" not in result.output


def test_app_run_inside_vial_run_is_ignored(served: Served) -> None:
    with pytest.warns(UserWarning, match=r"'app.run\(\)' does nothing"):
        result = vial_run("run", app="cliapp_run_at_import")
    assert result.exit_code == 0, result.output
    assert len(served.calls) == 1


def test_run_help_mentions_production() -> None:
    result = vial_run("run", "--help")
    assert "not meant for production" in result.output
    assert "gunicorn" in result.output


# The banner


@pytest.mark.parametrize(
    ("import_path", "target"),
    [
        ("shop", "shop:app"),
        ("shop:create_app()", "shop:create_app()"),
        ("shop/wsgi.py", "shop.wsgi:app"),
        ("app.py", "app:app"),
        (None, "module:app"),
    ],
)
def test_banner_gunicorn_hint(
    capsys: pytest.CaptureFixture[str], import_path: str | None, target: str
) -> None:
    show_server_banner(True, import_path)
    out, err = capsys.readouterr()
    assert f"gunicorn -w 4 '{target}'" in err
    assert "Debug mode: on" in out


def test_banner_silent_in_reloader_child(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    show_server_banner(False, "app")
    assert capsys.readouterr() == ("", "")


# app.run()


def test_app_run_defaults(app: Vial, served: Served) -> None:
    app.run()
    assert (served.host, served.port, served.app) == ("127.0.0.1", 5000, app)
    assert served.options == {
        "use_reloader": False,
        "use_debugger": False,
        "threaded": True,
    }


def test_app_run_uses_server_name(app: Vial, served: Served) -> None:
    app.config["SERVER_NAME"] = "example.test:8080"
    app.run()
    assert (served.host, served.port) == ("example.test", 8080)
    served.calls.clear()
    app.run(host="0.0.0.0", port=9000)
    assert (served.host, served.port) == ("0.0.0.0", 9000)


def test_app_run_server_name_without_port(app: Vial, served: Served) -> None:
    app.config["SERVER_NAME"] = "example.test"
    app.run(port=0)
    assert (served.host, served.port) == ("example.test", 0)


def test_app_run_debug(app: Vial, served: Served) -> None:
    app.run(debug=True)
    assert app.debug is True
    assert served.options["use_reloader"] is True
    assert served.options["use_debugger"] is True


def test_app_run_options_passed_through(app: Vial, served: Served) -> None:
    app.run(debug=True, use_reloader=False, threaded=False, processes=1)
    assert served.options == {
        "use_reloader": False,
        "use_debugger": True,
        "threaded": False,
        "processes": 1,
    }


def test_app_run_refuses_debugger_without_debug(app: Vial, served: Served) -> None:
    with pytest.raises(ValueError, match="only available in debug mode"):
        app.run(use_debugger=True)
    assert served.calls == []


def test_app_run_banner(
    app: Vial, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    app.run()
    out, err = capsys.readouterr()
    assert " * Serving Vial app 'testapp'" in out
    assert " * Debug mode: off" in out
    assert "gunicorn -w 4 'testapp:app'" in err


def test_app_run_loads_env_files(
    app: Vial, served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".vialenv").write_text("VIAL_DEBUG=1\n")
    app.run()
    assert app.debug is True
    assert served.options["use_debugger"] is True


def test_app_run_without_env_files(
    app: Vial, served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".vialenv").write_text("VIAL_DEBUG=1\n")
    app.run(load_dotenv=False)
    assert app.debug is False
    served.calls.clear()

    monkeypatch.setenv("VIAL_SKIP_DOTENV", "1")
    app.run()
    assert app.debug is False


def test_app_run_allows_setup_again(app: Vial, monkeypatch: pytest.MonkeyPatch) -> None:
    def serve_one_request(*args: t.Any, **kwargs: t.Any) -> None:
        app.test_client().get("/")

    monkeypatch.setattr("werkzeug.serving.run_simple", serve_one_request)
    app.run()

    # A later run in the same process starts from a clean state.
    @app.route("/later")
    def later() -> str:
        return "later"

    assert "later" in app.view_functions
