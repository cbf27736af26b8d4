from __future__ import annotations

import re
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from vial import session
from vial import Vial
from vial.testing import VialClient
from vial_login import get_next_url
from vial_login import is_safe_next_url

SAFE = [
    "/",
    "/protected",
    "/search?q=a%20b&page=2",
    "/docs/page#section",
    "/a/b/../c",
    "/%C3%A9t%C3%A9",
    # Browsers only drop ASCII whitespace: this stays a path on the site.
    "/\u3000/evil.example",
]

UNSAFE = [
    None,
    "",
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/protected",
    "HTTPS://evil.example",
    "\\\\evil",
    "\\evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/path\\..\\evil",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "protected",
    " //evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/\x7f",
    "/%2F%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/ /evil.example",
    "////evil.example",
    "/%5cevil.example",
    "hTtPs://evil.example",
    "//xn--80ak6aa92e.example",
    "//éxample.com",
    "\t//evil.example",
]


@pytest.mark.parametrize("target", SAFE)
def test_same_site_paths_are_safe(target: str) -> None:
    assert is_safe_next_url(target)


@pytest.mark.parametrize("target", UNSAFE)
def test_other_hosts_and_tricks_are_refused(target: str | None) -> None:
    assert not is_safe_next_url(target)


def _host_a_browser_reaches(location: str) -> str | None:
    """Resolve a Location header against the app's page as browsers do.

    WHATWG URL parsing drops tabs and newlines, trims C0 controls and spaces
    at both ends, reads a backslash as a slash in http(s) URLs, and takes
    what follows two or more leading slashes as the host.
    """
    cleaned = re.sub("[\t\n\r]", "", location).strip("".join(map(chr, range(33))))
    cleaned = cleaned.replace("\\", "/")
    if cleaned.startswith("//"):
        cleaned = "//" + cleaned.lstrip("/")
    return urlsplit(urljoin("https://app.example/account/", cleaned)).hostname


_URL_PIECES = st.sampled_from(
    [
        "/",
        "//",
        "\\",
        "%2f",
        "%5C",
        "\t",
        "\n",
        " ",
        "\x00",
        ":",
        "@",
        ".",
        "..",
        "?",
        "#",
        "evil.example",
        "javascript:",
        "https:",
        "é",
        "\u3000",
    ]
)


# Most tricks start with the "/" a same-site path needs, so most examples do.
_TARGETS = st.one_of(
    st.text(),
    st.lists(_URL_PIECES, max_size=6).map("".join),
    st.lists(_URL_PIECES, min_size=1, max_size=5).map(lambda p: "/" + "".join(p)),
)


@settings(max_examples=1000)
@given(_TARGETS)
def test_a_safe_next_never_leaves_the_site(target: str) -> None:
    if is_safe_next_url(target):
        assert _host_a_browser_reaches(target) == "app.example"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "\\\\evil", "/\\evil", "javascript:x"],
)
def test_login_never_redirects_off_site(
    app: Vial, client: VialClient, target: str
) -> None:
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"name": "alice", "password": "alice password"},
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_login_follows_a_safe_next(app: Vial, client: VialClient) -> None:
    response = client.post(
        "/login",
        query_string={"next": "/protected?page=2"},
        data={"name": "alice", "password": "alice password"},
    )
    assert response.location == "/protected?page=2"
    response = client.post(
        "/login",
        data={"name": "alice", "password": "alice password", "next": "/fresh"},
    )
    assert response.location == "/fresh"


def test_get_next_url_sources(app: Vial) -> None:
    with app.test_request_context("/?next=//evil.example"):
        assert get_next_url() is None
        assert get_next_url("/home") == "/home"
    with app.test_request_context("/", method="POST", data={"next": "/a"}):
        assert get_next_url() == "/a"
    with app.test_request_context("/"):
        session["next"] = "/from-session"
        assert get_next_url() is None  # only read with USE_SESSION_FOR_NEXT
        app.config["USE_SESSION_FOR_NEXT"] = True
        assert get_next_url() == "/from-session"
        assert "next" not in session
    with app.test_request_context("/"):
        session["next"] = "https://evil.example"
        assert get_next_url("/") == "/"
        assert "next" not in session
