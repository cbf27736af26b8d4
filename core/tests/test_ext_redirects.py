from __future__ import annotations

import pytest

from vial.ext import is_safe_redirect_url


@pytest.mark.parametrize(
    "target",
    ["/", "/account", "/search?q=a%20b#top", "/a/b/c?next=/x", "/%2e%2e/x"],
)
def test_paths_on_this_site_are_safe(target: str) -> None:
    assert is_safe_redirect_url(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        42,
        ["/account"],
        "account",
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " /account",
        "/account\x00",
        "/%2fevil.example",
        "/%5Cevil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_other_targets_are_refused(target: object) -> None:
    assert not is_safe_redirect_url(target)
