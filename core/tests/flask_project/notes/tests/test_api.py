# mypy: ignore-errors
from __future__ import annotations

import pytest


def test_list_notes(client):
    response = client.get("/api/notes")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {
        "notes": [
            {
                "id": 1,
                "title": "first note",
                "body": "hello there",
                "author": "ann",
                "url": "http://notes.test/api/notes/1",
            }
        ]
    }


def test_get_note(client):
    assert client.get("/api/notes/1").json["title"] == "first note"


def test_missing_note_is_json(client):
    response = client.get("/api/notes/9")
    assert response.status_code == 404
    assert response.json == {"error": "There is no note 9."}


def test_create_needs_login(client):
    response = client.post("/api/notes", json={"title": "x"})
    assert response.status_code == 401
    assert response.json["error"] == "Log in to write notes."


def test_create(client, auth):
    auth.login("bob")
    response = client.post("/api/notes", json={"title": " api note ", "body": "b"})
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/notes/2"
    assert response.json["author"] == "bob"
    assert response.json["title"] == "api note"
    assert len(client.get("/api/notes").json["notes"]) == 2


@pytest.mark.parametrize("body", [[], {"body": "no title"}, {"title": "  "}])
def test_create_needs_a_title(client, auth, body):
    auth.login()
    response = client.post("/api/notes", json=body)
    assert response.status_code == 400
    assert response.json == {"error": "Send a JSON object with a 'title'."}


def test_method_not_allowed(client):
    # Routing fails before a blueprint is chosen, so the blueprint's error
    # handler does not apply.
    response = client.delete("/api/notes/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    ("content_type", "status"), [("application/json", 400), ("text/plain", 415)]
)
def test_body_errors_are_json(client, auth, content_type, status):
    auth.login()
    response = client.post("/api/notes", data="{no", content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]
