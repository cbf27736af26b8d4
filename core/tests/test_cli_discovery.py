"""Finding the app: ``--app`` forms, default files, and the errors."""

from __future__ import annotations

import os
import sys
import types
import typing as t

import click
import pytest
from _cli_helpers import CLI_APPS
from _cli_helpers import isolated_process_state
from click.testing import CliRunner

from vial import Vial
from vial.cli import find_app_by_string
from vial.cli import find_best_app
from vial.cli import locate_app
from vial.cli import NoAppException
from vial.cli import prepare_import
from vial.cli import ScriptInfo
from vial.cli import VialGroup


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> t.Iterator[None]:
    with isolated_process_state(tmp_path):
        monkeypatch.chdir(CLI_APPS)
        yield


def load(app_import_path: str) -> Vial:
    return ScriptInfo(app_import_path=app_import_path).load_app()


def module(name: str, **attrs: t.Any) -> types.ModuleType:
    mod = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(mod, key, value)
    return mod


# The forms of --app


def test_module_with_app_named_app() -> None:
    app = load("cliapp_basic")
    assert app.name == "cliapp_basic"
    assert app is sys.modules["cliapp_basic"].app


def test_module_with_app_named_application() -> None:
    assert load("cliapp_application").name == "named_application"


def test_single_app_found_by_type() -> None:
    assert load("cliapp_single").name == "found_by_type"


def test_module_colon_name() -> None:
    assert load("cliapp_multiple:admin").name == "admin"
    assert load("cliapp_multiple:public").name == "public"


def test_create_app_factory_called_without_arguments() -> None:
    app = load("cliapp_factory")
    assert app.config["CONFIG_NAME"] == "default"


def test_make_app_factory() -> None:
    assert load("cliapp_make_app").name == "made_by_make_app"


def test_factory_call_with_positional_argument() -> None:
    assert load("cliapp_factory:create_app('dev')").name == "factory_dev_main"


def test_factory_call_with_keyword_arguments() -> None:
    app = load('cliapp_factory:create_app(config="prod", instance="eu")')
    assert app.name == "factory_prod_eu"


def test_factory_named_without_call() -> None:
    assert load("cliapp_factory:create_app").name == "factory_default_main"


def test_package_with_factory() -> None:
    app = load("cliapp_pkg")
    assert app.import_name == "cliapp_pkg"
    assert "pkg_index" in app.view_functions


def test_dotted_module_in_package() -> None:
    app = load("cliapp_pkg.wsgi")
    assert app.config["LOADED_FROM"] == "cliapp_pkg.wsgi"


def test_file_path_in_package(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # From another folder: the package's parent is put on sys.path.
    monkeypatch.chdir(tmp_path)
    app = load(str(CLI_APPS / "cliapp_pkg" / "wsgi.py"))
    assert app.config["LOADED_FROM"] == "cliapp_pkg.wsgi"
    assert sys.path[0] == str(CLI_APPS)


def test_file_path_with_factory_call(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = load(f"{CLI_APPS / 'cliapp_factory.py'}:create_app('staging')")
    assert app.config["CONFIG_NAME"] == "staging"


def test_package_folder_path(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load(str(CLI_APPS / "cliapp_pkg")).import_name == "cliapp_pkg"


def test_create_app_callable_wins() -> None:
    app = Vial("given")
    info = ScriptInfo(app_import_path="cliapp_basic", create_app=lambda: app)
    assert info.load_app() is app


def test_app_is_loaded_once() -> None:
    info = ScriptInfo(app_import_path="cliapp_factory")
    assert info.load_app() is info.load_app()


@pytest.mark.parametrize(
    ("folder", "name"),
    [("default_wsgi", "default_wsgi_py"), ("default_app", "default_app_py")],
)
def test_default_files(monkeypatch: pytest.MonkeyPatch, folder: str, name: str) -> None:
    monkeypatch.chdir(CLI_APPS / folder)
    assert ScriptInfo().load_app().name == name


def test_vial_app_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIAL_APP", "cliapp_factory:create_app('from_env')")
    result = CliRunner().invoke(VialGroup(), ["routes"])
    assert result.exit_code == 0, result.output
    # The option wins over the variable.
    result = CliRunner().invoke(VialGroup(), ["--app", "cliapp_basic", "routes"])
    assert "index" in result.output


def test_debug_flag_set_on_loaded_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIAL_DEBUG", "1")
    assert load("cliapp_make_app").debug is True
    monkeypatch.setenv("VIAL_DEBUG", "0")
    assert load("cliapp_factory").debug is False
    info = ScriptInfo(app_import_path="cliapp_single", set_debug_flag=False)
    app = info.load_app()
    assert app.debug is False
    monkeypatch.setenv("VIAL_DEBUG", "1")
    assert (
        ScriptInfo(create_app=lambda: app, set_debug_flag=False).load_app().debug
        is False
    )


# Errors


def test_missing_module() -> None:
    with pytest.raises(NoAppException, match="'cliapp_nowhere' could not be imported"):
        load("cliapp_nowhere")


def test_missing_submodule_of_existing_package() -> None:
    with pytest.raises(NoAppException, match="it does not exist"):
        load("cliapp_pkg.nowhere")


def test_missing_module_without_raising() -> None:
    assert locate_app("cliapp_nowhere", None, raise_if_not_found=False) is None


def test_no_app_in_module() -> None:
    with pytest.raises(NoAppException, match="No Vial application or factory"):
        load("cliapp_none")


def test_nothing_to_load(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NoAppException, match="No application was found"):
        ScriptInfo().load_app()


def test_several_apps_are_ambiguous() -> None:
    with pytest.raises(NoAppException, match="several Vial applications") as info:
        load("cliapp_multiple")
    assert "--app cliapp_multiple:name" in info.value.format_message()


def test_factory_needing_arguments() -> None:
    with pytest.raises(NoAppException, match="cannot be called without arguments"):
        load("cliapp_factory_args")


def test_factory_called_with_wrong_arguments() -> None:
    with pytest.raises(NoAppException, match="could not be called with these"):
        load("cliapp_factory_args:create_app('a', 'b')")
    with pytest.raises(NoAppException, match="could not be called with these"):
        load("cliapp_factory:create_app(unknown=1)")


def test_type_error_inside_factory_propagates() -> None:
    # The factory's own bug surfaces as itself, not as a discovery error.
    with pytest.raises(TypeError, match="int"):
        load("cliapp_factory_raises")
    with pytest.raises(TypeError, match="int"):
        load("cliapp_factory_raises:create_app()")


def test_import_error_inside_app_shows_traceback() -> None:
    with pytest.raises(NoAppException) as info:
        load("cliapp_import_error")
    message = info.value.format_message()
    assert "Importing 'cliapp_import_error' failed" in message
    assert "Traceback (most recent call last)" in message
    assert "cliapp_import_error.py" in message
    assert "cliapp_missing_dependency" in message


def test_unknown_attribute() -> None:
    with pytest.raises(NoAppException, match="has no attribute 'nothing'"):
        load("cliapp_basic:nothing")


def test_attribute_that_is_not_an_app() -> None:
    with pytest.raises(NoAppException, match="gave 'str', not a Vial application"):
        load("cliapp_application:app")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("cliapp_factory:create_app(", "cannot be parsed"),
        ("cliapp_factory:app.attr", "neither an attribute name nor a call"),
        ("cliapp_factory:create_app(os.getcwd())", "not all literal values"),
        ("cliapp_factory:create_app(**options)", "unpacks keyword arguments"),
        ("cliapp_basic:app()", "not a function"),
    ],
)
def test_bad_app_names(expression: str, message: str) -> None:
    with pytest.raises(NoAppException, match=message):
        load(expression)


# The functions on module objects


def test_find_best_app_prefers_app_name() -> None:
    app, other = Vial("a"), Vial("b")
    assert find_best_app(module("m", other=other, app=app)) is app
    assert find_best_app(module("m", other=other, application=app)) is app


def test_find_best_app_ignores_non_function_factory() -> None:
    mod = module("m", create_app=Vial("not_called"))
    # A Vial instance under the factory name is found by type instead.
    assert find_best_app(mod).name == "not_called"
    with pytest.raises(NoAppException):
        find_best_app(module("m", create_app=lambda: None))


def test_find_app_by_string_returns_factory_result() -> None:
    def create_app(name: str = "x", *, flag: bool = False) -> Vial:
        app = Vial(name)
        app.config["FLAG"] = flag
        return app

    mod = module("m", create_app=create_app)
    app = find_app_by_string(mod, "create_app('named', flag=True)")
    assert (app.name, app.config["FLAG"]) == ("named", True)
    with pytest.raises(NoAppException, match="not a Vial application"):
        find_app_by_string(module("m", make=lambda: 1, x=1), "x")


def test_prepare_import(tmp_path: t.Any) -> None:
    (tmp_path / "outer" / "inner").mkdir(parents=True)
    (tmp_path / "outer" / "__init__.py").write_text("")
    (tmp_path / "outer" / "inner" / "__init__.py").write_text("")
    (tmp_path / "outer" / "inner" / "views.py").write_text("")
    (tmp_path / "script.py").write_text("")

    path = tmp_path / "outer" / "inner" / "views.py"
    assert prepare_import(str(path)) == "outer.inner.views"
    assert sys.path[0] == str(tmp_path)
    assert prepare_import(str(tmp_path / "outer" / "inner")) == "outer.inner"
    init = tmp_path / "outer" / "__init__.py"
    assert prepare_import(str(init)) == "outer"
    assert prepare_import(str(tmp_path / "script.py")) == "script"
    assert sys.path.count(str(tmp_path)) == 1


def test_prepare_import_of_plain_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert prepare_import("cliapp_basic") == "cliapp_basic"
    assert sys.path[0] == os.getcwd()


def test_no_app_exception_is_a_usage_error() -> None:
    assert issubclass(NoAppException, click.UsageError)


# -- apps written for Flask, without the compatibility switch --------------------


def _flask_app_module(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "flask_written_app.py").write_text(
        "import flask\napp = flask.Flask(__name__)\n", encoding="utf8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    # Whether or not a real Flask is installed here, the import fails as it
    # does where only vial is.
    monkeypatch.setitem(sys.modules, "flask", None)
    return "flask_written_app"


def test_app_importing_flask_names_the_switch(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _flask_app_module(tmp_path, monkeypatch)
    with pytest.raises(NoAppException, match="--flask-compat") as info:
        locate_app(module, None)
    message = info.value.format_message()
    assert "'flask'" in message
    assert "python -m vial.compat" in message


def test_command_of_a_flask_app_names_the_switch(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _flask_app_module(tmp_path, monkeypatch)
    from vial.cli import cli

    result = CliRunner().invoke(cli, ["--app", module, "db"])
    assert result.exit_code == 2
    assert "--flask-compat" in result.output
    assert "No such command" not in result.output


def test_messages_name_flask_variables_with_the_switch(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vial.compat import _unalias
    from vial.compat import alias_flask

    monkeypatch.chdir(tmp_path)
    alias_flask()
    try:
        with pytest.raises(NoAppException) as info:
            ScriptInfo().load_app()
        assert "FLASK_APP (or VIAL_APP)" in info.value.format_message()
        with pytest.raises(NoAppException, match=r"FLASK_APP \(or VIAL_APP\)"):
            locate_app("no_such_module_here", None)
    finally:
        _unalias()
    with pytest.raises(NoAppException) as info:
        ScriptInfo().load_app()
    assert "FLASK_APP" not in info.value.format_message()
