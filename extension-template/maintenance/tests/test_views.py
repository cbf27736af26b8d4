from __future__ import annotations

import typing as t
from datetime import datetime
from pathlib import Path

import pytest

from vial import url_for
from vial import Vial
from vial.ctx import RequestContext
from vial.testing import VialClient
from vial_maintenance import MaintenanceError
from vial_maintenance import switch_on
from vial_maintenance.state import STATE

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_an_open_app_serves_its_views(client: VialClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == "home"


def test_browsers_get_the_page_with_retry_after(app: Vial, client: VialClient) -> None:
    switch_on("Back at noon.", app=app)
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "300"
    assert "<h1>Back soon</h1>" in response.text
    assert "Back at noon." in response.text
    assert "try again in 5 minutes" in response.text


def test_json_clients_get_json(app: Vial, client: VialClient) -> None:
    switch_on("Back at noon.", app=app)
    for response in (client.get("/", headers=JSON), client.post("/", json={})):
        assert response.status_code == 503
        assert response.mimetype == "application/json"
        assert response.headers["Retry-After"] == "300"
        assert response.get_json() == {
            "code": 503,
            "name": "Service Unavailable",
            "error": "Back at noon.",
            "retry_after": 300,
        }


def test_no_retry_after_when_it_is_none(
    make_app: t.Callable[..., Vial],
) -> None:
    app = make_app(MAINTENANCE_RETRY_AFTER=None)
    switch_on(app=app)
    client = app.test_client()
    page = client.get("/")
    assert "Retry-After" not in page.headers
    assert "try again" not in page.text
    assert client.get("/", headers=JSON).get_json()["retry_after"] is None


def test_the_message_is_escaped_in_the_page(app: Vial, client: VialClient) -> None:
    switch_on("<script>alert(1)</script>", app=app)
    page = client.get("/")
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_unknown_urls_are_refused_too(app: Vial, client: VialClient) -> None:
    switch_on(app=app)
    assert client.get("/no/such/page").status_code == 503


def test_an_app_template_overrides_the_page(
    make_app: t.Callable[..., Vial], tmp_path: Path
) -> None:
    folder = tmp_path / "templates" / STATE.name
    folder.mkdir(parents=True)
    (folder / "page.html").write_text(
        "Closed: {{ notice.message }} ({{ retry_after }}s)", encoding="utf-8"
    )
    app = make_app()
    switch_on("Upgrading.", app=app)
    assert app.test_client().get("/").text == "Closed: Upgrading. (300s)"


def test_an_app_error_handler_has_the_last_word(app: Vial, client: VialClient) -> None:
    @app.errorhandler(503)
    def closed(error: MaintenanceError) -> tuple[str, int]:
        return f"custom: {error.notice.message}", 503

    switch_on("Upgrading.", app=app)
    response = client.get("/", headers=JSON)
    assert (response.status_code, response.text) == (503, "custom: Upgrading.")


def test_allowed_addresses_get_through(make_app: t.Callable[..., Vial]) -> None:
    app = make_app(MAINTENANCE_ALLOWED_IPS=["10.1.2.3"])
    switch_on(app=app)
    client = app.test_client()
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"}).text == "home"
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.4"}).status_code == 503


def test_exempt_endpoints_get_through(make_app: t.Callable[..., Vial]) -> None:
    app = make_app(MAINTENANCE_EXEMPT_ENDPOINTS=["health"])
    switch_on(app=app)
    client = app.test_client()
    assert client.get("/health").text == "ok"
    assert client.get("/").status_code == 503


def test_static_files_get_through_by_default(
    make_app: t.Callable[..., Vial], tmp_path: Path
) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("body {}", encoding="utf-8")
    app = make_app()
    switch_on(app=app)
    response = app.test_client().get("/static/style.css")
    assert response.status_code == 200
    response.close()


def test_the_status_page_says_open(client: VialClient) -> None:
    assert client.get("/maintenance", headers=JSON).get_json() == {
        "active": False,
        "message": None,
        "since": None,
    }
    page = client.get("/maintenance", headers=BROWSER)
    assert page.status_code == 200
    assert "<h1>Open</h1>" in page.text


def test_the_status_page_is_served_during_maintenance(
    app: Vial, client: VialClient
) -> None:
    notice = switch_on("Upgrading.", app=app)
    body = client.get("/maintenance", headers=JSON).get_json()
    assert body["active"] is True
    assert body["message"] == "Upgrading."
    assert datetime.fromisoformat(body["since"]) == notice.since
    page = client.get("/maintenance")
    assert page.status_code == 200
    assert "Upgrading." in page.text


@pytest.mark.parametrize("url", [None, "/ops/status"])
def test_the_status_page_url_is_configurable(
    make_app: t.Callable[..., Vial], url: str | None
) -> None:
    client = make_app(MAINTENANCE_STATUS_URL=url).test_client()
    assert client.get("/maintenance").status_code == 404
    if url is not None:
        assert client.get(url).status_code == 200


def test_url_for_builds_the_status_page(req_ctx: RequestContext) -> None:
    assert url_for(f"{STATE.name}.status") == "/maintenance"


def test_the_blueprint_is_registered_under_the_key(app: Vial) -> None:
    assert STATE.name in app.blueprints
