"""The notebook's database goes away and comes back, pages and API alike.

While the database cannot be reached, every page and API call that needs it
answers 503 with ``Retry-After`` (a page for the browser, JSON for the API
client), never a 500, and nobody is logged out; once it is back, the same
app serves again. On SQLite the database's folder is moved away (and the
pooled connections closed, as an unmounted disk would); on PostgreSQL a
loopback proxy in front of the server is cut, the server itself untouched.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser
from browser import json_headers
from flows import bearer
from flows import request_token
from flows import sign_up_and_log_in
from notebook.extensions import db
from sqlalchemy.engine import make_url
from werkzeug.test import TestResponse

from vial import Vial
from vial_sqlalchemy.tcp_proxy import TCPProxy


class Outage(t.NamedTuple):
    """Take the app's database away (``cut``) and give it back (``restore``)."""

    cut: Callable[[], None]
    restore: Callable[[], None]


#: Where a PostgreSQL run keeps its proxy, for the ``outage`` fixture.
PROXY = pytest.StashKey[TCPProxy]()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The notebook's database: a SQLite file in a folder of its own, or the
    PostgreSQL schema of the run reached through a proxy."""
    if request.param == "sqlite":
        (tmp_path / "disk").mkdir()
        yield f"sqlite:///{tmp_path / 'disk' / 'notebook.db'}"
        return
    url = make_url(request.getfixturevalue("postgresql_url"))
    with TCPProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        request.node.stash[PROXY] = proxy
        yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )


@pytest.fixture
def outage(
    request: pytest.FixtureRequest, app: Vial, database_url: str, tmp_path: Path
) -> Iterator[Outage]:
    """How this backend's database goes away; it is back after the test."""
    proxy = request.node.stash.get(PROXY, None)
    if proxy is not None:
        yield Outage(proxy.cut, proxy.restore)
        proxy.restore()  # so the app fixture can drop its tables
        return
    disk, gone = tmp_path / "disk", tmp_path / "gone"

    def cut() -> None:
        disk.rename(gone)
        with app.app_context():
            db.engine.dispose()

    def restore() -> None:
        gone.rename(disk)

    yield Outage(cut, restore)
    if gone.exists():
        restore()


def _assert_503(response: TestResponse) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_pages_and_api_answer_503_while_the_database_is_away(
    browser: Browser, outage: Outage
) -> None:
    sign_up_and_log_in(browser, "ann")
    token = request_token(browser.client, "ann")
    session = browser.cookie("session")

    outage.cut()
    page = browser.client.get("/")
    _assert_503(page)
    assert page.mimetype == "text/html"
    assert "cannot reach its database" in page.text
    api = browser.client.get("/api/me", headers=bearer(token))
    _assert_503(api)
    assert api.json is not None
    assert api.json["code"] == 503
    _assert_503(browser.client.get("/api/notes", headers=json_headers()))
    # The refusals changed nothing in the browser: still ann's session.
    assert browser.cookie("session") == session

    outage.restore()
    assert "Signed in as ann" in browser.open("/").text
    assert browser.client.get("/api/me", headers=bearer(token)).json == {
        "user": "ann",
        "roles": [],
    }
