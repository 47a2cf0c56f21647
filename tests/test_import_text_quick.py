"""A .txt file's quick way (:func:`annotator.io.text.plain_text`, taken by
:func:`annotator.io.importer.read_text_file` and :func:`~annotator.io.text.decode_bytes`) gives
the very records and problems the general way does, for any bytes (txt9)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain import NewDocument, has_visible_text, normalise_newlines
from annotator.io.importer import read_file, read_text_file
from annotator.io.problems import ImportProblem, Problem, display_path
from annotator.io.text import decode_bytes, plain_text
from annotator.io.western import encoding_note


def general_way(path, data: bytes) -> list:
    """read_text_file as it was before the quick way: decode_bytes on every file."""
    shown = display_path(path)
    try:
        text, encoding, guessed = decode_bytes(data, path, newlines=True)
    except ImportProblem as exc:
        return [exc.problem]
    if "\r" in text:
        text = normalise_newlines(text)
    if not has_visible_text(text):
        return [Problem(shown, None, "file has no text (only whitespace or invisible "
                                     "characters)")]
    at = text.find("\x00")
    if at >= 0:
        return [Problem(shown, None, f"NUL character at character {at}: a binary file?")]
    doc = NewDocument(text=text, source=shown, meta={"source": shown})
    return [encoding_note(shown, encoding), doc] if guessed else [doc]


PIECES = st.sampled_from([b"a", b"Rio Tinto ", b" ", b"\n", b"\r", b"\r\n", b"\t", b"\x00",
                          b"\x0c", b"\x0b", b"\x1c", b"\x7f", b"\xef\xbb\xbf", b"\xff\xfe",
                          "é".encode(), "€".encode(), b"\xe9", b"\x80", "\u200b".encode(),
                          "😀".encode(), b"\xc3"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12))
def test_any_bytes_read_as_the_general_way_reads_them(tmp_path_factory, pieces):
    data = b"".join(pieces)
    path = tmp_path_factory.mktemp("t") / "a.txt"
    path.write_bytes(data)
    assert read_text_file(path) == general_way(path, data)
    assert list(read_file(str(path))) == general_way(path, data)
    text = plain_text(data)
    if text is not None:  # the quick way's text is decode_bytes's, in UTF-8, not guessed
        assert tuple(decode_bytes(data, path, newlines=True)) == (text, "utf-8", False)
        assert tuple(decode_bytes(data, path)) == (text, "utf-8", False)


def test_a_large_plain_file_takes_the_general_way(tmp_path):
    data = b"Rio Tinto hired Jane Doe.\n" * 400  # over 8 KB
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    assert plain_text(data) is None
    assert read_text_file(path) == general_way(path, data)


def test_a_file_that_cannot_be_read_is_one_problem(tmp_path):
    path = tmp_path / "gone.txt"
    records = read_file(str(path))
    assert isinstance(records, list) and len(records) == 1
    assert records[0].reason.startswith("cannot read: the file is gone")
