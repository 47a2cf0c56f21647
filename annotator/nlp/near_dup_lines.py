"""The part of near-duplicate detection (:mod:`annotator.nlp.near_dups`) that needs no numpy:
its parameters, which lines of a text are prose, and their stable hashes.

Why apart: an import counts the prose lines of the texts it has just stored
(:mod:`annotator.services.importing`), and importing numpy then, while a 50 MB file's text is
in memory, put numpy's 15 MB on top of that import's memory peak. What is defined here is
re-exported by :mod:`annotator.nlp.near_dups`, which the rest of the code uses.
"""

from __future__ import annotations

import hashlib

SHINGLE_WORDS = 5
BINS = 128
BANDS = 42  # LSH bands of ROWS bins each: a pair with Jaccard 0.4 is a candidate 94% of the time
ROWS = 3
BODY_LINE_CHARS = 60  # a line this long is prose; shorter ones are menus, bylines, link lists
# A prose line is long and ends like a sentence (menus, link lists and ad soups do not).
SENTENCE_END = frozenset('.!?"”’)…:')
# A document is signed in VIEWS views of its body (see ``near_dups.views_from``); a pair is a
# near duplicate when any one view finds and verifies it.
VIEWS = 3
PARAMS = (f"oph{BINS}-k{SHINGLE_WORDS}-b{BANDS}x{ROWS}-line{BODY_LINE_CHARS}-df"
          f"-views{VIEWS}-v3")
# A stored signature: every view's BINS uint16 bins, then every view's uint32 shingle count.
SIGNATURE_BYTES = VIEWS * (BINS * 2 + 4)
# The signature of a document with no shingle in any view (no prose line: every view's body
# empty) is all bins 0 and 0 shingles (see ``near_dups._densify``), these zero bytes.
BLANK_SIGNATURE = bytes(SIGNATURE_BYTES)
# ... and it is stored as no bytes, with its shingle count: 780 zero bytes a document were 78 MB
# of the 100,000-document import bench (every article of it is such) and a fifth of that
# import's CPU, writing them to the log and the file. tests/test_near_duplicates.py checks that
# signing stores exactly this.
BLANK_ROW = (b"", 0)


def prose_lines(text: str) -> list[str]:
    """The lines of a text that look like prose (see ``near_dups.body_of``)."""
    return [line for line in text.split("\n")
            if len(line) >= BODY_LINE_CHARS and line.rstrip()[-1:] in SENTENCE_END]


def line_key(line: str) -> int:
    """A stable signed 64-bit hash of a prose line, for counting in how many documents it is."""
    digest = hashlib.blake2b(line.strip().encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def line_keys(text: str) -> set[int]:
    """The distinct prose-line hashes of one text (:func:`prose_lines`, in one pass: an import
    asks this of every text it adds)."""
    return {line_key(line) for line in text.split("\n")
            if len(line) >= BODY_LINE_CHARS and line.rstrip()[-1:] in SENTENCE_END}
