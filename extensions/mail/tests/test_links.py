from __future__ import annotations

import pytest

from vial_mail.links import html_links
from vial_mail.links import linkify
from vial_mail.links import message_links
from vial_mail.links import text_links


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Go to https://example.com/reset?t=a1&u=2.", ["https://example.com/reset?t=a1&u=2"]),
        ("(see http://example.com/x)", ["http://example.com/x"]),
        ("https://en.wikipedia.org/wiki/Mail_(disambiguation)!", ["https://en.wikipedia.org/wiki/Mail_(disambiguation)"]),
        ("<https://example.com/a>, 'https://example.com/b'", ["https://example.com/a", "https://example.com/b"]),
        ('HTTPS://EXAMPLE.COM/"onmouseover="x', ["HTTPS://EXAMPLE.COM/"]),
        ("javascript:alert(1) ftp://example.com data:text/html,x https://", []),
    ],
)  # fmt: skip
def test_text_links(text: str, links: list[str]) -> None:
    assert text_links(text) == links


def test_html_links_take_only_http_targets() -> None:
    html = (
        '<p><a href="https://example.com/a?x=1&amp;y=2">a</a>'
        "<a href='javascript:alert(1)'>b</a><a>c</a><a href=\" http://example.com/d \">"
        '<img src="https://example.com/pixel.png"></p>'
    )
    assert html_links(html) == ["https://example.com/a?x=1&y=2", "http://example.com/d"]


def test_message_links_are_unique_and_in_order() -> None:
    body = "https://example.com/1 and https://example.com/2"
    html = '<a href="https://example.com/2">2</a><a href="https://example.com/3">3</a>'
    assert message_links(body, html) == [
        "https://example.com/1",
        "https://example.com/2",
        "https://example.com/3",
    ]
    assert message_links(None, None) == []


def test_linkify_escapes_everything_but_its_links() -> None:
    text = '<script>x</script> https://example.com/?a=1&b="2" javascript:alert(1)'
    assert str(linkify(text)) == (
        "&lt;script&gt;x&lt;/script&gt; "
        '<a href="https://example.com/?a=1&amp;b=" target="_blank"'
        ' rel="noopener noreferrer">https://example.com/?a=1&amp;b=</a>'
        "&#34;2&#34; javascript:alert(1)"
    )


def test_linkify_plain_text() -> None:
    assert str(linkify("No links & no tags.")) == "No links &amp; no tags."
