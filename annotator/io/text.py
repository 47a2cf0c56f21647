"""Decoding files into text: UTF-8 first, UTF-16/32 by BOM or by their NUL pattern, other
encodings by a real charset detector run on a sample; binaries and non-files are refused.

Memory: a file is read once as bytes and decoded once. The detector (charset-normalizer) sees at
most :data:`SAMPLE_BYTES` taken where the first non-ASCII byte is, never the whole file: run on
a 50 MB file it needed over 1 GB. Errors are :class:`ImportProblem` with ``path[:line]``.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO, NamedTuple

from annotator.io.problems import ImportProblem
from annotator.io.western import plausible_western, unsure

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20
# Larger documents or JSONL lines are refused: SQLite stores a value of at most 1e9 bytes, and
# 256 MiB of any input encoding is under that once stored as UTF-8.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024

# Control characters that never occur in text files; NUL is the surest sign of a binary.
_BINARY_BYTES = bytes(set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                                          26, 27})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_STARTS = frozenset(bom[:1] for bom, _ in _BOMS)
_PLAIN_STOPS = _BINARY_BYTES + b"\r"  # what decode_bytes's quick way for small files looks for
# ... as a table that changes those bytes and no other: the bytes have none of them when it
# leaves them equal (a third cheaper than deleting them and comparing lengths; most of either's
# cost is per call, and an imported .txt file is often a few hundred bytes)
_PLAIN_MOVED = bytes((b + 1) % 256 if b in _PLAIN_STOPS else b for b in range(256))
NON_ASCII = re.compile(rb"[\x80-\xff]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")  # where cp1252 and Latin-1 differ
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def open_regular(path: Path | str) -> BinaryIO:
    """Open a regular file for reading. FIFOs, sockets, devices and folders are refused with
    :class:`ImportProblem` (opening a FIFO would wait forever for a writer); ``OSError`` (gone,
    unreadable, a link loop) is the caller's to report."""
    fd, _ = _open_regular_fd(path)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _open_regular_fd(path: Path | str, blocking: bool = True) -> tuple[int, os.stat_result]:
    """:func:`open_regular` as a bare descriptor and its ``fstat``; made blocking again unless
    ``blocking`` is false (then reads must go through :func:`_read`)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportProblem(path, None, f"not a regular file ({_file_kind(info.st_mode)})")
        if blocking:
            os.set_blocking(fd, True)
        return fd, info
    except BaseException:
        os.close(fd)
        raise


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _read(fd: int, n: int) -> bytes:
    """``os.read`` on a regular file opened non-blocking (:func:`_open_regular_fd`). POSIX
    gives ``O_NONBLOCK`` no effect on regular files, so this is a plain read; a file system
    that honours it anyway gets its descriptor made blocking and is read again."""
    try:
        return os.read(fd, n)
    except BlockingIOError:
        os.set_blocking(fd, True)
        return os.read(fd, n)


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a file"


def os_reason(exc: OSError) -> str:
    """What went wrong reading a file, in words: ``exc.strerror`` without the path."""
    if exc.errno == errno.ENOENT:
        return "cannot read: the file is gone (deleted or moved while importing?)"
    if exc.errno == errno.ELOOP:
        return "cannot read: symbolic link loop"
    return f"cannot read: {exc.strerror or exc}"


def read_limited(path: Path | str) -> bytes:
    """The whole file, refused (:class:`ImportProblem`) above :data:`MAX_DOCUMENT_BYTES`.

    Read straight from the descriptor (no buffered file object: an import of 100,000 small
    files spent more on making those than on reading), left non-blocking (see :func:`_read`:
    two system calls a file fewer), and read once when that read returns the very size the
    file said it had: a read of a regular file that stops short of what was asked stops at
    its end, so the second read, which returned nothing, is not made (one more a file)."""
    fd, info = _open_regular_fd(path, blocking=False)
    try:
        size = info.st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ImportProblem(path, None, f"file is larger than {size_text(MAX_DOCUMENT_BYTES)}")
        # Sized by the file (not by the limit: that would reserve 256 MiB); a file that says
        # it is empty (as /proc files do) is read up to the limit.
        data = _read(fd, size + 1 if size else MAX_DOCUMENT_BYTES + 1)
        if len(data) == size:  # the whole file, as fstat said (an empty one: nothing to read)
            return data
        more: list[bytes] = []  # to the end (a short read, a file that grew meanwhile)
        total = len(data)
        while data and total <= MAX_DOCUMENT_BYTES and (piece := _read(fd, CHUNK_BYTES)):
            more.append(piece)
            total += len(piece)
    finally:
        os.close(fd)
    if total > MAX_DOCUMENT_BYTES:
        raise ImportProblem(path, None, f"file is larger than {size_text(MAX_DOCUMENT_BYTES)}")
    return b"".join([data, *more]) if more else data


def size_text(n: int) -> str:
    """``256 MiB`` or ``1,000 bytes``."""
    return f"{n >> 20} MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n:,} bytes"


def looks_binary(data: bytes, tolerant: bool = False) -> bool:
    """Binary files have NUL bytes or many control bytes early on (as ``file`` and git judge).

    ``tolerant`` (JSONL, where each line is judged on its own): a few NUL or control bytes are
    a damaged line, not a binary file; it takes more than 8 and over 5% of the sample."""
    head = data[:8192]
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    if tolerant:
        return controls > 8 and controls / len(head) > 0.05
    return b"\x00" in head or controls / len(head) > 0.05


def sniff(head: bytes, path: Path | str, tolerant: bool = False) -> tuple[str, int]:
    """``(encoding, BOM length)`` from the first bytes of a file: a BOM, UTF-16 without a BOM
    (by where its NUL bytes fall), else ``utf-8`` (possibly a legacy encoding; the caller finds
    out). Raise :class:`ImportProblem` for a binary file."""
    if plain_start(head):
        return "utf-8", 0
    if head[:1] in _BOM_STARTS:
        for bom, encoding in _BOMS:
            if head.startswith(bom):
                return encoding, len(bom)
    wide = utf16_without_bom(head)
    if wide:
        return wide, 0
    if looks_binary(head, tolerant):
        wide = _detected_wide(head)
        if wide:
            return wide, 0
        raise ImportProblem(path, None, "binary file, not text")
    return "utf-8", 0


def plain_start(data: bytes) -> bool:
    """Whether :func:`sniff` says ``("utf-8", 0)`` of ``data`` (a file's bytes or its first
    :data:`SAMPLE_BYTES`) at once: no BOM, no control byte where :func:`looks_binary` looks,
    no NUL where :func:`utf16_without_bom` looks, so both would say no. The common case (an
    import of 100,000 .txt files asks this for each: a third of the cost of asking them)."""
    start = data[:8192]  # where looks_binary looks
    return (data[:1] not in _BOM_STARTS and len(start.translate(None, _BINARY_BYTES)) == len(start)
            and data.find(0, 8192, SAMPLE_BYTES) < 0)


def utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: text in Latin script has a NUL in every other byte (the high byte
    of each code unit), at odd offsets in little-endian, even offsets in big-endian."""
    n = min(len(head), SAMPLE_BYTES) // 2 * 2
    if n < 4 or head.find(0, 0, n) < 0:  # no NUL byte: not UTF-16 (the usual case, quickly)
        return None
    units = n // 2
    even, odd = head[0:n:2].count(0), head[1:n:2].count(0)
    if odd >= 0.3 * units and even <= 0.02 * units:
        encoding = "utf-16-le"
    elif even >= 0.3 * units and odd <= 0.02 * units:
        encoding = "utf-16-be"
    else:
        return None
    return encoding if _decodes(head[:n], encoding) else None


def _detected_wide(head: bytes) -> str | None:
    """UTF-16/32 without a BOM in a script without NUL high bytes (Chinese, Japanese): the
    sample looks binary, and only a detector can tell."""
    from charset_normalizer import from_bytes  # only here (see detect_sample)

    best = from_bytes(head[:SAMPLE_BYTES]).best()
    if best is None or not best.encoding.startswith(("utf_16", "utf_32")):
        return None
    encoding = best.encoding.replace("_", "-")
    return encoding if _decodes(head, encoding) else None


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether a sample decodes, allowing a character cut at its end."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


class Decoded(NamedTuple):
    """A file's text, the encoding it was read in (Python's codec name), and whether that
    encoding was guessed (not UTF-8, no BOM): the reader then notes it in the import report
    (:func:`annotator.io.western.encoding_note`), so a wrong guess is seen, not silent."""

    text: str
    encoding: str
    guessed: bool = False


def decode_bytes(data: bytes, path: Path | str, newlines: bool = False) -> Decoded:
    """Return the :class:`Decoded` text of a whole file. Raise :class:`ImportProblem` for
    empty, binary or undecodable input. A BOM is dropped; UTF-16/32 are read by BOM or NUL
    pattern; damaged UTF-8 is refused with its line; other encodings are detected on a sample.

    ``newlines``: also make ``\r\n`` and ``\r`` into ``\n`` (on the bytes, before decoding,
    where the encoding allows: a second copy of the bytes costs less than one of the text).
    Peak memory is the bytes plus the text, never the detector's view of the whole file."""
    text = plain_text(data)
    if text is not None:
        return Decoded(text, "utf-8")
    if not data or data.isspace():
        raise ImportProblem(path, None, "file is empty")
    encoding, skip = sniff(data[:SAMPLE_BYTES], path)
    if encoding != "utf-8":
        try:
            return Decoded(str(memoryview(data)[skip:], encoding), encoding, not skip)
        except UnicodeDecodeError as exc:
            raise ImportProblem(path, None, f"invalid {encoding.upper()}: {exc.reason} at byte "
                                            f"{exc.start + skip}") from exc
    if newlines and b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data.isascii():
        bad = None
    elif len(data) <= CHUNK_BYTES:  # small: decode once, and find the bad byte only on failure
        try:
            return Decoded(_utf8(data, skip), "utf-8-sig" if skip else "utf-8")
        except UnicodeDecodeError as exc:
            bad = skip + exc.start
    else:  # checked in pieces first: a failure on the whole would copy it (see below)
        bad = first_invalid_utf8(data, skip)
    if bad is None:
        return Decoded(_utf8(data, skip), "utf-8-sig" if skip else "utf-8")
    start = data.rfind(b"\n", 0, bad) + 1
    head = data[:SAMPLE_BYTES] if start > SAMPLE_BYTES else b""
    window = data[start if head else 0:start + SAMPLE_BYTES]
    if skip or looks_like_utf8(head + window):
        raise ImportProblem(path, line_of(data, bad), utf8_reason(data, bad))
    encoding = detect_sample(data[start:start + SAMPLE_BYTES], path, line_of(data, bad))
    if encoding in ("cp1252", "latin_1") and not _C1_BYTES.search(data):
        # The same characters as Latin-1, whose decoder sizes its output exactly (cp1252's
        # general one reserves twice the text while it works).
        return Decoded(data.decode("latin-1"), encoding, True)
    try:
        return Decoded(data.decode(encoding), encoding, True)
    except UnicodeDecodeError as exc:
        raise ImportProblem(path, line_of(data, exc.start),
                            f"not valid {encoding} (detected on a sample of the file): byte "
                            f"0x{data[exc.start]:02x}") from exc


def plain_text(data: bytes) -> str | None:
    """The text of a small file in the common case, in one pass over it: not empty, 8 KB or
    less, not only whitespace, no BOM, no control byte (so :func:`sniff` says UTF-8; no
    NUL), no ``\r`` to mend, and valid UTF-8. ``None`` otherwise: :func:`decode_bytes` then
    reads it (or says why not). What it returns is the text :func:`decode_bytes` returns of
    such a file (in UTF-8, not guessed), with or without ``newlines``."""
    if (0 < len(data) <= 8192 and data[:1] not in _BOM_STARTS
            and data.translate(_PLAIN_MOVED) == data and not data.isspace()):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _utf8(data: bytes, skip: int) -> str:
    """``data`` after its first ``skip`` bytes (a BOM) as UTF-8, never copying the bytes (a
    memoryview costs more than the copy it spares when there is nothing to skip)."""
    return str(memoryview(data)[skip:], "utf-8") if skip else data.decode("utf-8")


def first_invalid_utf8(data: bytes | memoryview, start: int = 0) -> int | None:
    """Offset of the first byte that is not valid UTF-8, or ``None``; checked a megabyte at a
    time, so a failure never copies the whole input (a ``UnicodeDecodeError`` holds a copy)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for pos in range(start, len(view), CHUNK_BYTES):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[pos:pos + CHUNK_BYTES], final=pos + CHUNK_BYTES >= len(view))
        except UnicodeDecodeError as exc:
            return pos - pending + exc.start
    return None


def looks_like_utf8(sample: bytes) -> bool:
    """Whether a sample that is not valid UTF-8 is damaged UTF-8 rather than another encoding:
    at least two thirds of its non-ASCII bytes form valid UTF-8 sequences. In damaged UTF-8
    nearly all do; in Shift-JIS, EUC-JP or KOI8-R some do by chance (under half), in Western
    code pages none."""
    foreign = len(sample) - len(NON_ASCII.sub(b"", sample))
    valid = sum(len(m) for m in UTF8_MULTIBYTE.findall(sample))
    return foreign > 0 and 3 * valid >= 2 * foreign


def detect_sample(sample: bytes, path: Path | str, line: int | None = None) -> str:
    """The encoding charset-normalizer finds for a sample of a file (Python's codec name);
    cp1252 when the detector is unsure (a short sample, no language recognised) and the
    sample reads as plausible Western text in it (see :mod:`annotator.io.western`). Raise
    :class:`ImportProblem` when nothing matches."""
    if len(sample) == SAMPLE_BYTES and sample.rfind(b"\n") > SAMPLE_BYTES // 2:
        sample = sample[:sample.rfind(b"\n")]  # never cut a multi-byte character in two
    from charset_normalizer import from_bytes  # only here: a UTF-8 import never loads it

    matches = list(from_bytes(sample))
    guess = prefer_western(matches) if matches else None
    if guess not in WESTERN and unsure(matches, sample) and plausible_western(sample):
        return "cp1252"
    if guess is None:
        raise ImportProblem(path, line, "cannot detect the text encoding (not UTF-8, no match)")
    return guess


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def utf8_reason(data: bytes, at: int) -> str:
    """``invalid UTF-8: byte 0x.. at column N`` (column in bytes, from 1) for offset ``at``."""
    column = at - (data.rfind(b"\n", 0, at) + 1) + 1
    return f"invalid UTF-8: byte 0x{data[at]:02x} at column {column}"


# The encodings of the web (the WHATWG Encoding Standard), by Python's codec names. The detector
# also proposes DOS and old Mac code pages (cp852, mac_latin2, hp_roman8), which no news page
# uses and which turn Western text into mojibake that scores well.
WEB_ENCODINGS = frozenset({
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7",
    "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "koi8_r", "koi8_u", "cp866", "mac_roman", "mac_cyrillic", "cp874", "tis_620",
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb2312", "gbk", "gb18030", "big5",
    "big5hkscs", "euc_kr", "cp949", "utf_16", "utf_16_le", "utf_16_be", "utf_8",
})
WESTERN = ("cp1252", "latin_1", "iso8859_15")


def prefer_western(matches: list) -> str:
    """The encoding to decode with, from charset-normalizer's matches (best first).

    Short Western text is often ambiguous: cp1250, cp1252 and cp1257 decode German or French
    alike, or almost alike with the same scores, and the detector's order among them is
    arbitrary. So: only web encodings count; and cp1252 (by far the most common legacy encoding
    of scraped Western news) wins when it decodes the sample as well as the best, or nearly
    (chaos within 0.05, coherence within 0.02). Text the detector clearly finds Polish, Baltic,
    Cyrillic, Greek or Japanese keeps its encoding."""
    def names(match: object) -> list[str]:
        return [match.encoding, *match.could_be_from_charset]

    web = [m for m in matches if any(n in WEB_ENCODINGS for n in names(m))] or matches
    best = web[0]
    for match in web:
        western = next((n for n in WESTERN if n in names(match)), None)
        if (western and match.chaos <= best.chaos + 0.05
                and match.coherence >= best.coherence - 0.02):
            return western
    return next((n for n in names(best) if n in WEB_ENCODINGS), best.encoding)
