"""Decoding files into text: UTF-8 first, then a real charset detector; binaries are refused."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from annotator.io.problems import ImportProblem

# Control characters that never occur in text files; NUL is the surest sign of a binary.
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27}


def looks_binary(data: bytes) -> bool:
    """Binary files have NUL bytes or many control bytes early on (as ``file`` and git judge)."""
    head = data[:8192]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b in _BINARY_BYTES)
    return controls / len(head) > 0.05


def decode_bytes(data: bytes, path: Path | str) -> tuple[str, str]:
    """Return ``(text, encoding)``. Raise :class:`ImportProblem` for empty, binary or undecodable
    input. A UTF-8 BOM is dropped; UTF-16 with a BOM is honoured; other encodings are detected."""
    if not data.strip():
        raise ImportProblem(path, None, "file is empty")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportProblem(path, None, f"invalid UTF-8 after a UTF-8 BOM: {exc}") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportProblem(path, None, f"invalid UTF-16: {exc}") from exc
    if looks_binary(data):
        raise ImportProblem(path, None, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if is_broken_utf8(data):
            raise ImportProblem(path, line_of(data, exc.start), utf8_reason(data, exc)) from exc
    matches = list(from_bytes(data))
    if not matches:
        raise ImportProblem(path, None, "cannot detect the text encoding (not UTF-8, no match)")
    best = _prefer_western(matches)
    return str(best), best.encoding


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def is_broken_utf8(data: bytes) -> bool:
    """UTF-8 text with some bad bytes (it has valid multi-byte sequences too) is a damaged UTF-8
    file, not a legacy encoding: decoding it as cp1252 would turn every accent into mojibake."""
    return _UTF8_MULTIBYTE.search(data) is not None


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def utf8_reason(data: bytes, exc: UnicodeDecodeError) -> str:
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"invalid UTF-8: byte 0x{data[exc.start]:02x} at column {column}"


def _prefer_western(matches: list) -> object:
    """On a tie (same chaos and coherence, common for short Latin text), prefer cp1252: it is by far
    the most common legacy encoding of scraped Western news, and the detector's order is
    arbitrary."""
    best = matches[0]
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos
            and match.coherence >= best.coherence
        ):
            return match
    return best
