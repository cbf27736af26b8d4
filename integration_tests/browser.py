"""A browser made of the test client: it reads forms from the HTML it gets.

Tests go through the app the way a person with a browser does: load a
page, fill in the form found on it (hidden fields such as the CSRF token
included, exactly as the page has them), submit it, follow redirects, and
keep cookies. Nothing is posted that the page did not offer.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from urllib.parse import urljoin

from werkzeug.test import TestResponse

from vial.testing import VialClient


@dataclass
class Form:
    """A form of a page: where it posts and the values it would send."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _PageParser(HTMLParser):
    """Collect the forms (by id) and the meta tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, Form] = {}
        self.meta: dict[str, str] = {}
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(
                attributes.get("action", ""), attributes.get("method", "get").upper()
            )
            self.forms[attributes.get("id", str(len(self.forms)))] = self._form
        elif tag == "meta" and "name" in attributes:
            self.meta[attributes["name"]] = attributes.get("content", "")
        elif tag == "input" and self._form is not None and "name" in attributes:
            kind = attributes.get("type", "text")
            if kind == "checkbox" and "checked" not in attributes:
                return
            self._form.fields[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


class Browser:
    """Loads pages and submits their forms through a cookie-keeping client."""

    def __init__(self, client: VialClient) -> None:
        self.client = client
        self.url = "/"
        self.page: TestResponse | None = None

    def open(self, url: str) -> TestResponse:
        """Load ``url`` and follow its redirects, as the address bar does."""
        return self._arrive(url, self.client.get(url, follow_redirects=True))

    def form(self, form_id: str) -> Form:
        """Return the form ``form_id`` of the current page."""
        forms = self._parse().forms
        assert form_id in forms, f"{self.url} has no form {form_id!r}: {list(forms)}"
        return forms[form_id]

    def csrf_token(self) -> str:
        """Return the token the current page gives scripts, from its meta tag."""
        return self._parse().meta["csrf-token"]

    def submit(self, form_id: str, **values: str) -> TestResponse:
        """Fill in form ``form_id`` of the current page and submit it."""
        form = self.form(form_id)
        target = urljoin(self.url, form.action)
        data = {**form.fields, **values}
        response = self.client.open(
            target, method=form.method, data=data, follow_redirects=True
        )
        return self._arrive(target, response)

    def fill_in(self, url: str, form_id: str, **values: str) -> TestResponse:
        """Open ``url`` and submit its form ``form_id`` with ``values``."""
        self.open(url)
        return self.submit(form_id, **values)

    def cookie(self, name: str) -> str | None:
        """Return the value of the cookie ``name``, or None."""
        cookie = self.client.get_cookie(name)
        return None if cookie is None else cookie.value

    def _arrive(self, url: str, response: TestResponse) -> TestResponse:
        self.url = response.request.full_path.rstrip("?") if response.history else url
        self.page = response
        return response

    def _parse(self) -> _PageParser:
        assert self.page is not None, "No page is loaded yet; call open() first."
        parser = _PageParser()
        parser.feed(self.page.get_data(as_text=True))
        return parser


def json_headers(token: str | None = None) -> dict[str, t.Any]:
    """Return the headers of a JSON client, with a CSRF token when given."""
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["X-CSRFToken"] = token
    return headers
