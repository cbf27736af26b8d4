"""Finding links in message bodies, and showing them clickable but safe.

The outbox keeps the links of each message (tests follow them, the outbox
page shows them), and the page shows text bodies with their links made
clickable. Only ``http`` and ``https`` URLs become links, so a message
cannot put a ``javascript:`` link on the page; everything else in a body
is HTML-escaped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape
from markupsafe import Markup

#: An http(s) URL in running text: it ends at white space, quotes or angle
#: brackets; punctuation that usually ends a sentence is trimmed after.
_URL = re.compile(r"""https?://[^\s<>"'`]+""", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def _urls(text: str) -> list[tuple[int, int]]:
    """Return the start and end of each URL in ``text``."""
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        url = match.group()
        while url and url[-1] in _TRAILING:
            # Keep a closing bracket that belongs to the URL, as in
            # Wikipedia-style paths: https://example.com/a_(b)
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
            end -= 1
        if len(url) > len("https://"):
            spans.append((start, end))
    return spans


def text_links(text: str) -> list[str]:
    """Return the http(s) URLs in a text, in order."""
    return [text[start:end] for start, end in _urls(text)]


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        for name, value in attrs:
            if name == "href" and value and _URL.fullmatch(value.strip()):
                self.links.append(value.strip())


def html_links(html: str) -> list[str]:
    """Return the http(s) targets of the ``<a href>`` elements of an HTML text."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links


def message_links(body: str | None, html: str | None) -> list[str]:
    """Return the links of a message's text and HTML bodies, each once, in order."""
    found = text_links(body or "") + html_links(html or "")
    return list(dict.fromkeys(found))


def linkify(text: str) -> Markup:
    """Return ``text`` HTML-escaped, with its http(s) URLs as links.

    Each link opens in a new tab and sends no referrer, so the outbox page's
    address does not reach the site a message links to.
    """
    parts = []
    position = 0
    for start, end in _urls(text):
        url = text[start:end]
        parts.append(escape(text[position:start]))
        parts.append(
            Markup(
                '<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>'
            ).format(url)
        )
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
