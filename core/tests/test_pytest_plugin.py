from __future__ import annotations

import importlib.metadata
import textwrap
from pathlib import Path

import pytest
from _cli_helpers import run_python

pytest_plugins = ["pytester"]

_CONFTEST = """
import pytest
from vial import Vial


@pytest.fixture
def app():
    app = Vial("plugin_app")
    app.config.update(TESTING=True, SECRET_KEY="k")

    @app.route("/")
    def index():
        return "index"

    return app
"""


def _write(pytester: pytest.Pytester, tests: str, conftest: str = _CONFTEST) -> None:
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_module=textwrap.dedent(tests))


def test_plugin_is_registered_by_entry_point() -> None:
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert any(ep.value == "vial.pytest_plugin" for ep in entry_points)


def test_vial_imported_before_pytest_gives_no_warning(tmp_path: Path) -> None:
    # pytest marks the packages of every distribution with a pytest11 entry
    # point for assertion rewriting, and warns about those already imported;
    # vial is, when a sitecustomize turns on the Flask switch.
    (tmp_path / "pytest.ini").write_text("[pytest]\nfilterwarnings = error\n")
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    code = (
        "import sys, vial.compat, pytest; vial.compat.alias_flask();"
        " sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider']))"
    )
    result = run_python("-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "already imported" not in result.stdout + result.stderr


def test_fixtures(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        from vial import current_app, request
        from vial.testing import VialClient, VialCliRunner


        def test_client(client, app):
            assert isinstance(client, VialClient)
            assert client.application is app
            assert client.get("/").text == "index"


        def test_runner(runner, app):
            assert isinstance(runner, VialCliRunner)
            assert runner.app is app


        def test_app_ctx(app_ctx, app):
            assert current_app._get_current_object() is app
            assert app_ctx.app is app


        def test_req_ctx(req_ctx, app):
            assert request.path == "/"
            assert request.method == "GET"
            assert req_ctx.app is app
        """,
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=4)


def test_fixtures_build_on_any_app(pytester: pytest.Pytester) -> None:
    conftest = """
    import pytest
    from vial import Vial


    class MyApp(Vial):
        pass


    @pytest.fixture
    def app():
        app = MyApp("custom_app")
        app.config["SERVER_NAME"] = "custom.test"
        return app
    """
    _write(
        pytester,
        """
        from vial import current_app, request


        def test_custom(client, req_ctx):
            assert type(client.application).__name__ == "MyApp"
            assert request.host == "custom.test"
            assert current_app.name == "custom_app"
        """,
        conftest=textwrap.dedent(conftest),
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=1)


def test_fixtures_need_an_app_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_module="""
        def test_client(client):
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'app' not found*"])


def test_leaked_app_context_fails_the_test(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        from vial import has_app_context


        def test_leaks(app):
            app.app_context().push()


        def test_next_is_clean():
            assert not has_app_context()
        """,
    )
    result = pytester.runpytest_inprocess()
    # The leaking test's own body passed; the check fails it at teardown.
    result.assert_outcomes(passed=2, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*The test left a context pushed: <AppContext of 'plugin_app'>. Use"
            " 'with app.app_context():'*"
        ]
    )


def test_leaked_request_context_fails_the_test(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        from vial import has_app_context, has_request_context


        def test_leaks(app):
            app.test_request_context("/leak").push()


        def test_next_is_clean():
            assert not has_request_context()
            assert not has_app_context()
        """,
    )
    result = pytester.runpytest_inprocess()
    # The leaking test's own body passed; the check fails it at teardown.
    result.assert_outcomes(passed=2, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*The test left a context pushed: <AppContext of 'plugin_app'>, *"]
    )
    result.stdout.fnmatch_lines(["*http://localhost/leak*"])


def test_several_leaked_contexts_are_all_popped(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        from vial import has_app_context


        def test_leaks(app):
            app.app_context().push()
            app.app_context().push()
            app.test_request_context().push()


        def test_next_is_clean():
            assert not has_app_context()
        """,
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=2, errors=1)


def test_contexts_popped_by_the_test_pass(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        """
        def test_balanced(app, client):
            with app.app_context():
                with app.test_request_context():
                    pass
            with client:
                client.get("/")
        """,
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=1)
