from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from vial import Vial
from vial_mail import Mail
from vial_mail import Message
from vial_mail.outbox_page import outbox_blueprint

JSON = {"Accept": "application/json"}


@pytest.fixture
def mail(app: Vial) -> Mail:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    mail = Mail(app)
    app.register_blueprint(outbox_blueprint)
    return mail


def _send(app: Vial, mail: Mail, **kwargs: t.Any) -> None:
    kwargs.setdefault("recipients", ["ann@example.com"])
    with app.app_context():
        mail.send(Message(**kwargs))


def test_the_page_is_not_served_unless_registered(app: Vial) -> None:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    Mail(app)
    assert app.test_client().get("/dev/outbox/").status_code == 404


def test_lists_messages_newest_first_with_their_links(app: Vial, mail: Mail) -> None:
    _send(app, mail, subject="First", body="https://example.com/confirm?t=1&u=2")
    _send(app, mail, subject="Second", html='<a href="https://example.com/h">h</a>')
    response = app.test_client().get("/dev/outbox/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Second") < page.index("First")
    assert '<a href="/dev/outbox/1">First</a>' in page
    assert (
        '<a href="https://example.com/confirm?t=1&amp;u=2" target="_blank"'
        ' rel="noopener noreferrer">https://example.com/confirm?t=1&amp;u=2</a>'
    ) in page
    assert 'href="https://example.com/h"' in page


def test_empty_outbox(app: Vial, mail: Mail) -> None:
    page = app.test_client().get("/dev/outbox/").get_data(as_text=True)
    assert "No messages yet." in page


def test_message_content_is_escaped(app: Vial, mail: Mail) -> None:
    _send(
        app,
        mail,
        subject="<script>alert('subject')</script>",
        body="<img src=x onerror=alert(1)> javascript:alert(2) https://example.com/ok",
        html="<script>alert(3)</script>",
    )
    client = app.test_client()
    for url in ("/dev/outbox/", "/dev/outbox/1"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert 'href="javascript:' not in page
    page = client.get("/dev/outbox/1").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; javascript:alert(2)" in page
    assert '<a href="https://example.com/ok"' in page


def test_message_page(app: Vial, mail: Mail) -> None:
    message = Message(
        "Welcome",
        recipients=["ann@example.com"],
        bcc=["eve@example.com"],
        body="Hello",
        html="<p>Hello</p>",
    )
    message.attach("Bericht für März.pdf", data=b"%PDF-1.4")
    with app.app_context():
        mail.send(message)
    page = app.test_client().get("/dev/outbox/1").get_data(as_text=True)
    assert "<td>App &lt;app@example.com&gt;</td>" in page
    assert "<td>ann@example.com, eve@example.com</td>" in page
    assert "<pre>Hello</pre>" in page
    assert '<iframe title="HTML body" sandbox=' in page
    assert 'src="/dev/outbox/1/html"' in page
    assert "Bericht für März.pdf (application/pdf, 8 bytes)" in page


def test_html_body_is_sandboxed(app: Vial, mail: Mail) -> None:
    _send(app, mail, subject="HTML", html="<p>Hi</p><script>alert(1)</script>")
    _send(app, mail, subject="Text only", body="Hi")
    client = app.test_client()
    response = client.get("/dev/outbox/1/html")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "<p>Hi</p><script>alert(1)</script>"
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox ")
    assert "allow-scripts" not in policy
    assert "allow-same-origin" not in policy
    assert "default-src 'none'" in policy
    assert client.get("/dev/outbox/2/html").status_code == 404


def test_pages_are_protected(app: Vial, mail: Mail) -> None:
    _send(app, mail, subject="x", body="y")
    for url in ("/dev/outbox/", "/dev/outbox/1", "/dev/outbox/1/raw"):
        response = app.test_client().get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "script-src" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"


def test_raw_source(app: Vial, mail: Mail) -> None:
    _send(app, mail, subject="Grüße", body="Body")
    response = app.test_client().get("/dev/outbox/1/raw")
    assert response.mimetype == "text/plain"
    with app.app_context():
        stored = mail.outbox.get(1)
    assert stored is not None
    assert response.data == stored.raw
    assert b"Subject: =?utf-8?" in response.data


def test_json_clients_get_json(app: Vial, mail: Mail) -> None:
    _send(app, mail, subject="Reset", body="https://example.com/reset/abc")
    client = app.test_client()
    listing = client.get("/dev/outbox/", headers=JSON).get_json()
    (item,) = listing["messages"]
    assert item["subject"] == "Reset"
    assert item["links"] == ["https://example.com/reset/abc"]
    detail = client.get("/dev/outbox/1", headers=JSON).get_json()
    assert detail == {**item, "attachments": []}


def test_unknown_message(app: Vial, mail: Mail) -> None:
    client = app.test_client()
    response = client.get("/dev/outbox/7", headers=JSON)
    assert response.status_code == 404
    assert response.get_json()["error"] == (
        "There is no message 7 in the outbox (it may be cleared)."
    )
    assert client.get("/dev/outbox/7").status_code == 404
    assert client.get("/dev/outbox/nope").status_code == 404


def test_other_backends_have_no_outbox_page(app: Vial) -> None:
    app.config["MAIL_BACKEND"] = "console"
    Mail(app)
    app.register_blueprint(outbox_blueprint)
    response = app.test_client().get("/dev/outbox/", headers=JSON)
    assert response.status_code == 404
    assert "Set MAIL_BACKEND = 'outbox'" in response.get_json()["error"]


def test_another_url_prefix(app: Vial) -> None:
    app.config.update(MAIL_BACKEND="outbox", MAIL_OUTBOX_URL="memory://")
    Mail(app)
    app.register_blueprint(outbox_blueprint, url_prefix="/_mail")
    assert app.test_client().get("/_mail/").status_code == 200


@pytest.mark.parametrize(("debug", "warned"), [(False, True), (True, False)])
def test_registering_outside_development_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, debug: bool, warned: bool
) -> None:
    app = Vial("production_like", instance_path=str(tmp_path))
    app.debug = debug
    with caplog.at_level("WARNING"):
        app.register_blueprint(outbox_blueprint)
    assert ("register it only in development" in caplog.text) is warned


def test_the_app_overrides_the_templates(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "mail" / "outbox"
    templates.mkdir(parents=True)
    (templates / "index.html").write_text(
        "{% for m in messages %}[{{ m.subject }}]{% endfor %}", encoding="utf-8"
    )
    app = Vial("custom", root_path=str(tmp_path), instance_path=str(tmp_path / "i"))
    app.config.update(
        TESTING=True,
        MAIL_BACKEND="outbox",
        MAIL_OUTBOX_URL="memory://",
        MAIL_DEFAULT_SENDER="a@example.com",
    )
    mail = Mail(app)
    app.register_blueprint(outbox_blueprint)
    _send(app, mail, subject="<Mine>")
    client = app.test_client()
    assert client.get("/dev/outbox/").get_data(as_text=True) == "[&lt;Mine&gt;]"
    # The others still come from vial-mail.
    assert "<h2>&lt;Mine&gt;</h2>" in client.get("/dev/outbox/1").get_data(as_text=True)
