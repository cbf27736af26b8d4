# mypy: ignore-errors
from __future__ import annotations

import pytest
from notes_app.db import get_db


def test_index(client, auth, captured_templates):
    response = client.get("/")
    assert b"Log In" in response.data
    assert b"Register" in response.data
    assert b"first note" in response.data

    auth.login()
    response = client.get("/")
    assert b"Log Out" in response.data
    assert b"by ann" in response.data
    assert b'href="/1/update"' in response.data

    template, context = captured_templates[-1]
    assert template.name == "notes/index.html"
    assert [note["title"] for note in context["notes"]] == ["first note"]


@pytest.mark.parametrize("path", ["/create", "/1/update", "/1/delete"])
def test_login_required(client, path):
    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_author_required(client, auth):
    auth.login("bob")
    assert client.post("/1/update").status_code == 403
    assert client.post("/1/delete").status_code == 403
    assert b'href="/1/update"' not in client.get("/").data


@pytest.mark.parametrize("path", ["/2/update", "/2/delete"])
def test_missing_note(client, auth, path):
    auth.login()
    response = client.post(path)
    assert response.status_code == 404
    assert b"Note 2 does not exist." in response.data


def test_create(client, auth, app):
    auth.login()
    assert client.get("/create").status_code == 200
    response = client.post("/create", data={"title": "second", "body": "more"})
    assert response.headers["Location"] == "/"

    with app.app_context():
        count = get_db().execute("SELECT COUNT(id) FROM note").fetchone()[0]
        assert count == 2


def test_update(client, auth, app):
    auth.login()
    assert client.get("/1/update").status_code == 200
    client.post("/1/update", data={"title": "changed", "body": ""})

    with app.app_context():
        note = get_db().execute("SELECT * FROM note WHERE id = 1").fetchone()
        assert note["title"] == "changed"


@pytest.mark.parametrize("path", ["/create", "/1/update"])
def test_create_update_validate(client, auth, path):
    auth.login()
    response = client.post(path, data={"title": "", "body": ""})
    assert b"Title is required." in response.data


def test_delete(client, auth, app):
    auth.login()
    response = client.post("/1/delete", follow_redirects=True)
    assert response.request.path == "/"
    assert b"Note deleted." in response.data
    assert b"No notes yet." in response.data

    with app.app_context():
        note = get_db().execute("SELECT * FROM note WHERE id = 1").fetchone()
        assert note is None
