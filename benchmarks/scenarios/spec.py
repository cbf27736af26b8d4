"""The benchmark scenarios: what is requested and what a correct answer looks like.

This module is shared by the in-process worker, the gunicorn entry point and the
orchestrator, so it imports nothing outside the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

#: Secret used by the session scenario (signed cookies); only ever used here.
SECRET_KEY = "benchmark-secret-key-that-signs-nothing-real"

#: Body of the hello-world scenario.
HELLO_BODY = "Hello, World!"

#: Number of routes registered by the 1000-route scenario.
ROUTE_COUNT = 1000

#: Title passed to the table template.
TABLE_TITLE = "Inventory"

#: The 20 rows the template scenario renders; names need escaping on purpose.
TABLE_ROWS: list[dict[str, Any]] = [
    {
        "id": i,
        "name": f"Item {i} <{'b' if i % 2 else 'i'}> & co",
        "price": f"{i * 1.25 + 3:.2f}",
        "stock": (i * 7) % 5,
    }
    for i in range(20)
]

#: Header the after_request hook sets in the hook scenario.
HOOK_HEADER = "X-Bench-Hook"

#: Value the before_request hook stores and the hook scenario's view returns.
HOOK_USER = "bench-user"


def json_payload(user_id: int, slug: str) -> dict[str, Any]:
    """Return the dict the JSON scenario's view answers with."""
    return {"user_id": user_id, "slug": slug, "tags": ["a", "b"], "ok": True}


def route_body(index: int, item_id: int) -> str:
    """Return the body of route number ``index`` of the 1000-route scenario."""
    return f"route {index} item {item_id}"


def hook_body(user: str) -> str:
    """Return the body of the hook scenario's view."""
    return f"hello {user}"


class ValidationError(Exception):
    """A framework answered a scenario's request wrongly."""


Headers = list[tuple[str, str]]
Check = Callable[[int, Headers, bytes], None]


def _header(headers: Headers, name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def _status(expected: int) -> Check:
    def check(status: int, headers: Headers, body: bytes) -> None:
        _expect(status == expected, f"Expected status {expected}, got {status}.")

    return check


def _check_hello(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    _expect(body == HELLO_BODY.encode(), f"Unexpected hello body {body[:80]!r}.")


def _check_json(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    content_type = _header(headers, "Content-Type") or ""
    _expect(
        content_type.startswith("application/json"),
        f"Expected a JSON content type, got {content_type!r}.",
    )
    _expect(
        json.loads(body) == json_payload(42, "hello-world"),
        f"Unexpected JSON body {body[:120]!r}.",
    )


def _check_template(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    text = body.decode()
    _expect(text.count("<tr") == 21, "Expected a header row and 20 table rows.")
    _expect("Item 19 &lt;b&gt; &amp; co" in text, "Row names must be escaped.")
    _expect("sold out" in text and "<td>4</td>" in text, "Row cells are missing.")
    _expect(f"<title>{TABLE_TITLE}</title>" in text, "The title is missing.")


def _check_routes(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    expected = route_body(ROUTE_COUNT - 1, 5).encode()
    _expect(body == expected, f"Expected {expected!r}, got {body[:80]!r}.")


def _check_hooks(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    _expect(body == hook_body(HOOK_USER).encode(), f"Unexpected body {body!r}.")
    _expect(_header(headers, HOOK_HEADER) == "1", "The after_request hook did not run.")


def _check_blueprint(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    _expect(body == b"/outer/inner/item/8", f"Unexpected url_for result {body!r}.")


@dataclass(frozen=True)
class Scenario:
    """One request shape that every framework answers the same way."""

    name: str
    label: str
    path: str
    check: Check
    #: Sends the cookie of the previous response with the next request.
    cookie_round_trip: bool = False
    #: Can be driven by a stateless load generator under gunicorn.
    end_to_end: bool = True
    #: In-process target: minimum vial/Flask requests-per-second ratio.
    target_ratio: float = 3.0
    extra_headers: Mapping[str, str] = field(default_factory=dict)


def _check_session_first(status: int, headers: Headers, body: bytes) -> None:
    _status(200)(status, headers, body)
    _expect(body == b"1", f"A new session must count 1, got {body!r}.")
    _expect(_header(headers, "Set-Cookie") is not None, "No session cookie was set.")


SCENARIOS: list[Scenario] = [
    Scenario("hello", "hello world", "/", _check_hello),
    Scenario("json", "JSON, 2 converters", "/user/42/post/hello-world", _check_json),
    Scenario(
        "template",
        "template, 20 rows",
        "/table",
        _check_template,
        target_ratio=1.5,
    ),
    Scenario("not_found", "404", "/does/not/exist", _status(404)),
    Scenario(
        "routes_1000",
        "1000 routes, last hit",
        f"/r{ROUTE_COUNT - 1}/5",
        _check_routes,
    ),
    Scenario(
        "session",
        "session read+write",
        "/session",
        _check_session_first,
        cookie_round_trip=True,
        end_to_end=False,
        target_ratio=1.5,
    ),
    Scenario("hooks", "before+after hooks", "/hooked", _check_hooks),
    Scenario(
        "blueprint",
        "nested blueprint + url_for",
        "/outer/inner/item/7",
        _check_blueprint,
    ),
]

SCENARIOS_BY_NAME: dict[str, Scenario] = {s.name: s for s in SCENARIOS}


def session_cookie(headers: Headers) -> str | None:
    """Return the ``name=value`` part of the first Set-Cookie header, if any."""
    value = _header(headers, "Set-Cookie")
    if value is None:
        return None
    return value.split(";", 1)[0]


def join_body(chunks: Iterable[bytes]) -> bytes:
    """Join a WSGI response iterable."""
    return b"".join(chunks)
