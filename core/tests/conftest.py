from __future__ import annotations

import pathlib
import typing as t
import wsgiref.validate

import pytest

from vial import Vial
from vial.testing import VialClient

HERE = pathlib.Path(__file__).parent


class ValidatingClient(VialClient):
    """A test client that reads responses fully by default.

    ``wsgiref.validate`` insists that every response iterable is closed; a
    buffered request closes it right away. Tests of streaming pass
    ``buffered=False`` and close the response themselves.
    """

    def open(self, *args: t.Any, buffered: bool = True, **kwargs: t.Any) -> t.Any:
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture
def app() -> Vial:
    """A fresh app in testing mode whose every response also passes
    through ``wsgiref.validate``, proving it is a valid WSGI application."""
    app = Vial("testapp", root_path=str(HERE))
    app.config.update(TESTING=True, SECRET_KEY="test key")
    app.wsgi_app = wsgiref.validate.validator(app.wsgi_app)  # type: ignore[method-assign,assignment]
    app.test_client_class = ValidatingClient
    return app
