"""``sniff`` decides the common case (no BOM, no control byte, no NUL) at once: whatever the
bytes, it answers as the full checks do (``looks_binary``, ``utf16_without_bom``, the BOMs)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.io.problems import ImportProblem
from annotator.io.text import _BOMS, _detected_wide, looks_binary, sniff, utf16_without_bom


def full_checks(head: bytes, tolerant: bool) -> tuple[str, int] | str:
    """What sniff answered before its shortcut, step by step."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    wide = utf16_without_bom(head)
    if wide:
        return wide, 0
    if looks_binary(head, tolerant):
        wide = _detected_wide(head)
        return (wide, 0) if wide else "binary"
    return "utf-8", 0


def answer(head: bytes, tolerant: bool) -> tuple[str, int] | str:
    try:
        return sniff(head, "f.txt", tolerant)
    except ImportProblem:
        return "binary"


PIECES = st.sampled_from([b"news ", b"caf\xc3\xa9 ", b"\n", b"\r\n", b"\x00", b"\x01", b"\x1b",
                          b"\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"a\x00b\x00",
                          b"x" * 4000])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12), st.booleans())
def test_sniff_answers_as_the_full_checks_do(pieces: list[bytes], tolerant: bool) -> None:
    head = b"".join(pieces)[:64 * 1024]
    assert answer(head, tolerant) == full_checks(head, tolerant)


def test_a_nul_past_where_looks_binary_looks_still_goes_through_the_full_checks() -> None:
    head = b"plain text " * 800 + b"\x00" + b" more"  # NUL at byte 8,800
    assert answer(head, False) == full_checks(head, False) == ("utf-8", 0)
    wide = "plain text, wide\n".encode("utf-16-le") * 700  # NULs everywhere: UTF-16
    assert answer(wide, False) == ("utf-16-le", 0)
