from __future__ import annotations

import typing as t

import pytest

from vial_mail import BadHeaderError
from vial_mail.addresses import ascii_filename
from vial_mail.addresses import check_address
from vial_mail.addresses import check_header
from vial_mail.addresses import format_address
from vial_mail.addresses import has_line_break
from vial_mail.addresses import needs_smtputf8
from vial_mail.addresses import parse_address

#: Every character Python's email package, or a mail program, may take as
#: the end of a header line.
LINE_BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
LINE_BREAKS += ["\u2028", "\u2029", "\x00"]


@pytest.mark.parametrize("breaker", LINE_BREAKS)
def test_line_breaks_are_found(breaker: str) -> None:
    assert has_line_break(f"Hello{breaker}Bcc: eve@example.com")
    with pytest.raises(BadHeaderError, match=r"^The subject contains a line break"):
        check_header("The subject", f"Hello{breaker}Bcc: eve@example.com")


def test_ordinary_text_passes() -> None:
    assert not has_line_break("Grüße, «quotes» and\ttabs")
    check_header("The subject", "Grüße, «quotes» and\ttabs")


def test_the_error_names_the_value_and_the_fix() -> None:
    with pytest.raises(BadHeaderError) as info:
        check_address("The sender", ("Ann", "ann@example.com\nBcc: eve@example.com"))
    assert str(info.value) == (
        "The sender contains a line break, which could inject e-mail headers:"
        " 'ann@example.com\\nBcc: eve@example.com'. Remove the line breaks (CR,"
        " LF and the like) from it."
    )


@pytest.mark.parametrize(
    ("value", "name", "addr_spec"),
    [
        ("ann@example.com", "", "ann@example.com"),
        ("<ann@example.com>", "", "ann@example.com"),
        ("Ann Example <ann@example.com>", "Ann Example", "ann@example.com"),
        ('"Example, Ann" <ann@example.com>', "Example, Ann", "ann@example.com"),
        (("Example, Ann", "ann@example.com"), "Example, Ann", "ann@example.com"),
        (("Zoë", "<zoe@example.com>"), "Zoë", "zoe@example.com"),
        ("Jürgen Müller <j@example.com>", "Jürgen Müller", "j@example.com"),
        ("=?utf-8?q?J=C3=B6rg?= <j@example.com>", "Jörg", "j@example.com"),
        ("zoe@münchen.de", "", "zoe@xn--mnchen-3ya.de"),
        ("jörg@example.com", "", "jörg@example.com"),
        ("root@[127.0.0.1]", "", "root@[127.0.0.1]"),
    ],
)
def test_parse_address(value: t.Any, name: str, addr_spec: str) -> None:
    address = parse_address(value)
    assert address.display_name == name
    assert address.addr_spec == addr_spec


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "holds no address"),
        ("ann@example.com, eve@example.com", "holds 2 addresses"),
        ("ann", "is not a valid e-mail address"),
        ("ann@", "is not a valid e-mail address"),
        ("Ann <ann@example.com> trailing", "is not a valid e-mail address"),
        ("<>", "is not a valid e-mail address"),
        (("Ann", "Ann <ann@example.com>"), "has a display name in both places"),
        (("Ann", "a@example.com", "extra"), "is a tuple of 3 items"),
        ("a@" + "b" * 70 + "ü.de", "cannot be converted to its ASCII form"),
    ],
)
def test_parse_address_refuses(value: t.Any, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as info:
        parse_address(value, "The recipient")
    assert not isinstance(info.value, BadHeaderError)
    assert repr(value) in str(info.value)


def test_parse_address_refuses_line_breaks_first() -> None:
    # parseaddr() would quietly drop what follows the line break.
    with pytest.raises(BadHeaderError):
        parse_address("ann@example.com\r\nBcc: eve@example.com")
    with pytest.raises(BadHeaderError):
        parse_address(("Ann\rBcc: eve@example.com", "ann@example.com"))


def test_needs_smtputf8_only_for_a_non_ascii_local_part() -> None:
    assert needs_smtputf8(parse_address("jörg@example.com"))
    assert not needs_smtputf8(parse_address("Jörg <joerg@münchen.de>"))


def test_format_address() -> None:
    assert format_address(("Ann", "ann@example.com")) == "Ann <ann@example.com>"
    assert format_address("ann@EXAMPLE.com") == "ann@EXAMPLE.com"


@pytest.mark.parametrize(
    ("name", "reduced"),
    [
        ("report.pdf", "report.pdf"),
        (".profile", ".profile"),
        ("Bericht für März.pdf", "Bericht fur Marz.pdf"),
        ("Crème brûlée.txt", "Creme brulee.txt"),
        ("отчёт.pdf", "attachment.pdf"),
        ("報告", "attachment"),
    ],
)
def test_ascii_filename(name: str, reduced: str) -> None:
    assert ascii_filename(name) == reduced
    assert reduced.isascii()
