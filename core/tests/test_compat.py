"""The Flask compatibility switch, ``vial.compat``.

Tests that turn the switch on in this process undo it afterwards with
``_unalias``; what must start from a fresh interpreter (the refusal when the
real Flask is imported, the command line entries) runs in a subprocess.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import textwrap
import typing as t

import pytest
from _cli_helpers import isolated_process_state
from _cli_helpers import run_python
from click.testing import CliRunner

import vial
import vial.compat
from vial import helpers
from vial.compat import _unalias
from vial.compat import alias_flask
from vial.compat import EXTENSION_ALIASES
from vial.compat import extension_aliases
from vial.compat import FLASK_VERSION


@pytest.fixture(autouse=True)
def _isolated(tmp_path: t.Any) -> t.Iterator[None]:
    with isolated_process_state(tmp_path):
        yield
        _unalias()


@pytest.fixture
def flask() -> t.Any:
    """The ``flask`` module with the switch on."""
    alias_flask()
    return importlib.import_module("flask")


# Aliasing


def run(code: str) -> dict[str, t.Any]:
    """Run import statements (which the type checker cannot follow into the
    aliased names) and return the names they bound."""
    namespace: dict[str, t.Any] = {}
    exec(textwrap.dedent(code), namespace)
    return namespace


def test_flask_names(flask: t.Any) -> None:
    ns = run(
        """
        from flask import Blueprint, Flask, g, jsonify, request, session, url_for
        """
    )
    assert ns["request"] is vial.request
    assert ns["session"] is vial.session
    assert ns["g"] is vial.g
    assert ns["Blueprint"] is vial.Blueprint
    assert ns["jsonify"] is vial.jsonify
    assert ns["url_for"] is vial.url_for
    assert issubclass(ns["Flask"], vial.Vial)
    assert ns["Flask"].__name__ == "Flask"
    assert flask.Flask is ns["Flask"]
    assert flask.__version__ == FLASK_VERSION


@pytest.mark.parametrize(
    "name",
    [
        "ctx",
        "globals",
        "sessions",
        "views",
        "signals",
        "templating",
        "helpers",
        "wrappers",
        "blueprints",
        "logging",
        "typing",
        "json",
        "json.provider",
        "json.tag",
        "debughelpers",
    ],
)
def test_submodules_are_the_vial_modules(flask: t.Any, name: str) -> None:
    module = importlib.import_module(f"flask.{name}")
    assert module is importlib.import_module(f"vial.{name}")
    assert sys.modules[f"flask.{name}"] is module
    # The module keeps its own identity.
    assert module.__name__ == f"vial.{name}"
    assert module.__spec__ is not None
    assert module.__spec__.name == f"vial.{name}"


def test_import_statement_forms(flask: t.Any) -> None:
    import vial.cli
    import vial.json.provider
    import vial.json.tag
    import vial.testing

    ns = run(
        """
        import flask.json.tag
        from flask.json.provider import DefaultJSONProvider
        from flask.json.tag import TaggedJSONSerializer
        """
    )
    assert ns["flask"].json.tag is vial.json.tag
    assert ns["TaggedJSONSerializer"] is vial.json.tag.TaggedJSONSerializer
    assert ns["DefaultJSONProvider"] is vial.json.provider.DefaultJSONProvider


def test_flask_only_names_in_modules(flask: t.Any) -> None:
    import vial.cli
    import vial.testing

    ns = run(
        """
        from flask.app import Flask
        from flask.cli import AppGroup, FlaskGroup, ScriptInfo
        from flask.config import Config
        from flask.testing import FlaskClient, FlaskCliRunner
        """
    )
    assert ns["Flask"] is flask.Flask
    assert issubclass(ns["FlaskGroup"], vial.cli.VialGroup)
    assert ns["AppGroup"] is vial.cli.AppGroup
    assert ns["ScriptInfo"] is vial.cli.ScriptInfo
    assert ns["Config"] is flask.Config
    assert issubclass(ns["Config"], vial.Config)
    assert ns["FlaskClient"] is vial.testing.VialClient
    assert ns["FlaskCliRunner"] is vial.testing.VialCliRunner
    # A submodule read as an attribute is its Flask form too.
    assert flask.cli.FlaskGroup is ns["FlaskGroup"]


def test_sansio_modules(flask: t.Any) -> None:
    import vial.base
    import vial.blueprints
    import vial.scaffold

    ns = run(
        """
        from flask.sansio.app import App
        from flask.sansio.blueprints import BlueprintSetupState
        from flask.sansio.scaffold import setupmethod
        """
    )
    assert ns["App"] is vial.base.AppBase
    assert ns["BlueprintSetupState"] is vial.blueprints.BlueprintSetupState
    assert ns["setupmethod"] is vial.scaffold.setupmethod


def test_missing_flask_module(flask: t.Any) -> None:
    with pytest.raises(ModuleNotFoundError, match=r"flask\.nowhere"):
        importlib.import_module("flask.nowhere")
    with pytest.raises(AttributeError, match="module 'flask' has no attribute"):
        flask.nowhere  # noqa: B018


def test_star_import(flask: t.Any) -> None:
    ns = run("from flask import *")
    assert ns["Flask"] is flask.Flask
    assert ns["request"] is vial.request
    assert ns["render_template"] is vial.render_template


def test_setting_attribute_sets_it_on_vial(
    flask: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vial.testing

    def fake() -> str:
        return "patched"

    flask_testing: t.Any = importlib.import_module("flask.testing")
    monkeypatch.setattr(flask_testing, "_get_werkzeug_version", fake)
    assert vial.testing._get_werkzeug_version is fake
    monkeypatch.undo()
    assert vial.testing._get_werkzeug_version is not fake
    assert "_get_werkzeug_version" not in vars(flask_testing)


def test_deleting_a_patch_restores_vial(flask: t.Any) -> None:
    import vial.testing

    flask_testing: t.Any = importlib.import_module("flask.testing")
    original = vial.testing.EnvironBuilder
    flask_testing.EnvironBuilder = int
    assert vial.testing.EnvironBuilder is int  # type: ignore[comparison-overlap]
    del flask_testing.EnvironBuilder
    assert vial.testing.EnvironBuilder is original

    flask_testing.added_by_test = 1
    assert vial.testing.added_by_test == 1  # type: ignore[attr-defined]
    del flask_testing.added_by_test
    assert not hasattr(vial.testing, "added_by_test")


def test_module_repr_and_dir(flask: t.Any) -> None:
    assert repr(flask) == "<module 'flask' (vial's 'vial')>"
    names = dir(flask)
    assert "Flask" in names
    assert "request" in names


def test_app_config_reads_flask_prefix(
    flask: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", '"from env"')
    monkeypatch.setenv("VIAL_SECRET_KEY", '"vial"')
    app = flask.Flask(__name__)
    app.config.from_prefixed_env()
    assert app.config["SECRET_KEY"] == "from env"
    app.config.from_prefixed_env("VIAL")
    assert app.config["SECRET_KEY"] == "vial"
    assert isinstance(app, vial.Vial)
    assert repr(app) == f"<Flask {__name__!r}>"


def test_flask_app_serves_requests(flask: t.Any) -> None:
    app = flask.Flask(__name__)

    def hello(name: str) -> t.Any:
        return flask.jsonify(hello=name, path=flask.request.path)

    app.add_url_rule("/hello/<name>", view_func=hello)

    response = app.test_client().get("/hello/ann")
    assert response.get_json() == {"hello": "ann", "path": "/hello/ann"}


def test_metadata_version(flask: t.Any) -> None:
    assert importlib.metadata.version("flask") == FLASK_VERSION
    assert importlib.metadata.version("Flask") == FLASK_VERSION
    assert importlib.metadata.metadata("flask")["Name"] == "Flask"


def test_flask_environment_prefix(
    flask: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert helpers.ENV_PREFIXES == ["VIAL", "FLASK"]
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert helpers.get_debug_flag() is True
    monkeypatch.setenv("VIAL_DEBUG", "0")
    assert helpers.get_debug_flag() is False
    monkeypatch.setenv("FLASK_SKIP_DOTENV", "1")
    assert helpers.get_load_dotenv() is False


def test_alias_is_idempotent_and_undone() -> None:
    assert not vial.compat.is_aliased()
    alias_flask()
    first = importlib.import_module("flask")
    alias_flask()
    assert importlib.import_module("flask") is first
    assert helpers.ENV_PREFIXES.count("FLASK") == 1
    assert vial.compat.is_aliased()

    _unalias()
    assert not vial.compat.is_aliased()
    assert "flask" not in sys.modules
    assert helpers.ENV_PREFIXES == ["VIAL"]
    assert not [name for name in sys.modules if name.partition(".")[0] == "flask"]
    _unalias()


# Extension aliases


@pytest.fixture
def fake_extension(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "vial_fakeext"
    package.mkdir()
    (package / "__init__.py").write_text("class Ext:\n    pass\n")
    (package / "models.py").write_text("MODEL = 'model'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(EXTENSION_ALIASES, "flask_fakeext", "vial_fakeext")
    monkeypatch.setitem(EXTENSION_ALIASES, "flask_absent", "vial_absent")


def test_extension_alias(fake_extension: None) -> None:
    alias_flask()
    ns = run(
        """
        from flask_fakeext import Ext
        from flask_fakeext.models import MODEL
        """
    )
    vial_fakeext = importlib.import_module("vial_fakeext")
    assert ns["Ext"] is vial_fakeext.Ext
    assert sys.modules["flask_fakeext"] is vial_fakeext
    assert sys.modules["flask_fakeext.models"] is sys.modules["vial_fakeext.models"]
    assert ns["MODEL"] == "model"


def test_extension_alias_target_not_installed(fake_extension: None) -> None:
    alias_flask()
    with pytest.raises(ModuleNotFoundError) as info:
        importlib.import_module("flask_absent")
    message = str(info.value)
    assert "'flask_absent' is provided by the module 'vial_absent'" in message
    assert "cannot be imported" in message
    assert info.value.name == "flask_absent"


def test_extension_aliases_can_be_left_out(fake_extension: None) -> None:
    alias_flask(extensions=False)
    with pytest.raises(ModuleNotFoundError, match="No module named 'flask_fakeext'"):
        importlib.import_module("flask_fakeext")


def test_the_core_lists_no_extension_by_hand() -> None:
    assert EXTENSION_ALIASES == {}


def test_extension_aliases_come_from_entry_points(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A distribution installed on sys.path that declares one alias.
    dist_info = tmp_path / "vial_declared-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: vial-declared\nVersion: 1.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[vial.flask_aliases]\nflask_declared = vial_declared\n"
    )
    package = tmp_path / "vial_declared"
    package.mkdir()
    (package / "__init__.py").write_text("NAME = 'declared'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert extension_aliases()["flask_declared"] == "vial_declared"
    monkeypatch.setitem(EXTENSION_ALIASES, "flask_declared", "vial_other")
    assert extension_aliases()["flask_declared"] == "vial_other"
    monkeypatch.delitem(EXTENSION_ALIASES, "flask_declared")
    alias_flask()
    assert run("from flask_declared import NAME")["NAME"] == "declared"


# The command line with the switch


def test_flask_group_reads_flask_variables(
    flask: t.Any, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    FlaskGroup = importlib.import_module("flask.cli").FlaskGroup
    (tmp_path / "flaskapp_cli.py").write_text(
        textwrap.dedent(
            """
            import click
            from flask import Flask, current_app

            app = Flask(__name__)

            @app.cli.command()
            @click.option("--name")
            def greet(name):
                click.echo(f"{name} from {current_app.name} debug={current_app.debug}")
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLASK_APP", "flaskapp_cli")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("FLASK_GREET_NAME", "ann")
    result = CliRunner().invoke(FlaskGroup(), ["greet"])
    assert result.exit_code == 0, result.output
    assert result.output == "ann from flaskapp_cli debug=True\n"


def flask_project(folder: t.Any) -> None:
    (folder / "flaskapp.py").write_text(
        textwrap.dedent(
            """
            from flask import Flask, jsonify

            app = Flask(__name__)

            @app.route("/ping")
            def ping():
                return jsonify(pong=True)

            @app.cli.command("hello")
            def hello():
                import flask
                app = flask.current_app._get_current_object()
                print("hello from", type(app).__name__)
            """
        )
    )


def test_python_m_vial_compat(tmp_path: t.Any) -> None:
    flask_project(tmp_path)
    result = run_python("-m", "vial.compat", "--app", "flaskapp", "hello", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from Flask\n"


def test_flask_app_variable_and_flaskenv(tmp_path: t.Any) -> None:
    flask_project(tmp_path)
    env = {"FLASK_APP": "flaskapp"}
    result = run_python("-m", "vial.compat", "routes", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "ping" in result.stdout

    (tmp_path / ".flaskenv").write_text("FLASK_APP=flaskapp\n")
    result = run_python("-m", "vial.compat", "routes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/ping" in result.stdout

    # Without the switch, neither FLASK_APP nor 'import flask' work.
    result = run_python("-m", "vial", "routes", cwd=tmp_path)
    assert result.returncode != 0
    assert "No application was found" in result.stderr


def test_vial_flask_compat_option(tmp_path: t.Any) -> None:
    flask_project(tmp_path)
    (tmp_path / ".flaskenv").write_text("FLASK_APP=flaskapp\n")
    result = run_python("-m", "vial", "--flask-compat", "hello", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from Flask\n"

    # '.flaskenv' is read even when '--env-file' came first.
    (tmp_path / "extra.env").write_text("UNRELATED=1\n")
    args = ["-m", "vial", "-e", "extra.env", "--flask-compat", "hello"]
    result = run_python(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from Flask\n"


def test_compat_version(tmp_path: t.Any) -> None:
    result = run_python("-m", "vial.compat", "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Flask {FLASK_VERSION} (the API vial provides" in result.stdout
    assert result.stdout.startswith("Python ")


def test_refuses_when_real_flask_is_imported(tmp_path: t.Any) -> None:
    # A stand-in for the real Flask, found first on sys.path.
    (tmp_path / "flask").mkdir()
    (tmp_path / "flask" / "__init__.py").write_text("REAL = True\n")
    code = textwrap.dedent(
        """
        import flask
        import vial.compat
        try:
            vial.compat.alias_flask()
        except RuntimeError as e:
            print(e)
        assert flask.REAL and not vial.compat.is_aliased()
        """
    )
    result = run_python("-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "The real Flask is already imported" in result.stdout
    assert str(tmp_path / "flask" / "__init__.py") in result.stdout
    assert "before anything imports flask" in result.stdout


def test_alias_wins_over_installed_flask(tmp_path: t.Any) -> None:
    (tmp_path / "flask").mkdir()
    (tmp_path / "flask" / "__init__.py").write_text("REAL = True\n")
    code = (
        "import vial.compat; vial.compat.alias_flask()\n"
        "import flask, vial; print(flask.request is vial.request)"
    )
    result = run_python("-c", code, cwd=tmp_path)
    assert result.stdout == "True\n", result.stderr


def test_pytest_plugin_turns_switch_on_before_conftest(tmp_path: t.Any) -> None:
    (tmp_path / "conftest.py").write_text(
        "from flask import Flask\n\nAPP = Flask('from_conftest')\n"
    )
    (tmp_path / "test_it.py").write_text(
        textwrap.dedent(
            """
            import flask
            import vial

            def test_switch_is_on():
                assert flask.request is vial.request
            """
        )
    )
    args = ["-m", "pytest", "-p", "vial.compat.pytest_plugin", "-q", str(tmp_path)]
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = run_python(*args, "-p", "no:cacheprovider", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
