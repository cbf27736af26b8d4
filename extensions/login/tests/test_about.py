"""The names code written for Flask-Login imports, and the flask_login alias."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from vial.compat import extension_aliases
from vial_login import __about__
from vial_login import __version__


def test_about_module() -> None:
    assert __about__.__title__ == "vial-login"
    assert __about__.__version_info__ == ("0", "6", "3")
    assert __version__ == __about__.__version__ == "0.6.3"
    for name in (
        "__author__",
        "__author_email__",
        "__copyright__",
        "__description__",
        "__license__",
        "__maintainer__",
        "__url__",
    ):
        assert isinstance(getattr(__about__, name), str), name


def test_flask_login_alias_is_declared() -> None:
    assert extension_aliases()["flask_login"] == "vial_login"


def test_flask_login_imports_resolve_to_vial_login() -> None:
    # A fresh interpreter, as the switch changes the import system for good.
    script = textwrap.dedent(
        """
        from vial.compat import alias_flask

        alias_flask()

        import flask_login
        import vial_login
        from flask_login.__about__ import __version_info__
        from flask_login.login_manager import LoginManager
        from flask_login.utils import _secret_key
        from flask_login.utils import _user_context_processor

        assert flask_login.LoginManager is vial_login.LoginManager is LoginManager
        assert __version_info__ == ("0", "6", "3")
        assert callable(_secret_key) and callable(_user_context_processor)
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.stdout == "ok\n", result.stderr
