"""Near-duplicate ("wire copy") detection: MinHash signatures over word shingles of a document's
body, and the LSH bands that make candidate pairs. Plain text in, numpy arrays out; no spaCy.

Why these choices (measured in ``bench/near_duplicates.py``):

- **Body only.** A reprint carries another site's navigation, footer and cookie notice, which can
  be half the page; shingling the whole text would make two copies of one story look unrelated
  and two stories of one site look alike. Only the densest run of long, sentence-like lines is
  shingled (:func:`body_of`: menus, bylines and link lists are short or do not end like
  sentences), and a line other documents of the project have too (a site's template prose)
  weighs less in choosing that run. A text with too little prose has no body and is never
  grouped.
- **Word 5-shingles**, lower-cased, words being runs of letters, digits and ``_`` (UTF-8 letters
  included, typographic punctuation not), hashed with position tabulation from a fixed table, so
  a signature stored today matches one computed by another process or version tomorrow.
- **One-permutation MinHash** (Li, Owen and Zhang 2012) with rotation densification
  (Shrivastava and Li 2014): one hash per shingle, the minimum per bin of :data:`BINS` bins. The
  classic scheme (``datasketch.MinHash``) computes :data:`BINS` hashes per shingle; on 100,000
  documents that alone is most of a minute on this machine. Both estimate the Jaccard similarity
  of the shingle sets the same way: the share of bins whose values agree.
- **Containment, not Jaccard, decides.** A reprint trimmed to its first half has Jaccard 0.5 with
  the original but contains almost only the original's shingles. A candidate pair is a near
  duplicate when the smaller set is mostly inside the larger (:func:`containment`).

Signatures are ``uint16`` (the low 16 bits of each bin's minimum: 256 bytes a view, and a
document has :data:`VIEWS` views, see :func:`views_from`); two different minima agree by chance
once in 65,536 bins, which moves a Jaccard estimate by 0.00002.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.nlp.near_dup_lines import (  # noqa: F401  (the numpy-free part, re-exported)
    BANDS,
    BINS,
    BLANK_ROW,
    BLANK_SIGNATURE,
    BODY_LINE_CHARS,
    PARAMS,
    ROWS,
    SENTENCE_END,
    SHINGLE_WORDS,
    SIGNATURE_BYTES,
    VIEWS,
    line_key,
    line_keys,
    prose_lines,
)

MIN_BODY_CHARS = 300  # with less prose than this, the whole text is shingled
GAP_LINES = 2  # short lines a run of prose may contain in a row
RUN_SHARE = 2  # a run of prose at least 1/RUN_SHARE the size of the largest is body too
SHARED_WEIGHT = 0.2  # a prose line other documents have too counts this share of its length
LINE_CHARS_CAP = 300  # a run's size counts a line up to this long (ad and link soups are longer)
CONTAINMENT = 0.5  # a candidate pair with containment at least this is a near duplicate
MIN_SHINGLES = 8  # fewer shingles than this (a stub) never joins a group
# Texts signed per numpy pass, in characters: its arrays (8 bytes a byte) then stay in the
# processor's cache; measured on this machine, 8,000,000 took 1.7x the time of 500,000.
BATCH_CHARS = 500_000
VIEW_TEMPLATE_DF = (1, 2, 2)  # a line in more documents than this is template, per view

_U64 = np.uint64
_MAX_WORD_POS = 32
# Position tabulation table and mixing constants, derived from a fixed string: stable forever.
_TABLE = np.frombuffer(hashlib.shake_256(b"annotator near-duplicate words v1").digest(
    _MAX_WORD_POS * 256 * 8), dtype="<u8").astype(_U64)
_MULT = np.frombuffer(hashlib.shake_256(b"annotator near-duplicate shingles v1").digest(
    (SHINGLE_WORDS + BINS) * 8), dtype="<u8").astype(_U64) | _U64(1)
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[list(b"abcdefghijklmnopqrstuvwxyz0123456789_")] = True
_WORD_BYTE[0x80:] = True  # bytes of non-ASCII letters (UTF-8); punctuation below is removed
_EMPTY = np.uint64(np.iinfo(np.uint64).max)


@dataclass
class Signatures:
    """MinHash signatures of a batch of texts: ``values`` is ``(n, BINS)`` ``uint16`` and
    ``sizes`` the number of distinct shingles of each (0 for a text with none: never grouped)."""

    values: np.ndarray
    sizes: np.ndarray

    def __len__(self) -> int:
        return len(self.sizes)


def body_of(text: str, shared: Mapping[str, int] | None = None) -> str:
    """The article's prose: the densest run of long lines (see the module docstring).

    Lines of at least :data:`BODY_LINE_CHARS` characters that end like a sentence are prose; a
    run of prose may contain up to :data:`GAP_LINES` other non-blank lines in a row (subheads,
    photo credits). The run with the most prose characters (a line counting up to
    :data:`LINE_CHARS_CAP`) is the body, with any other run at least half its size (a long
    article split by a teaser box). Isolated long lines of a site's header and footer
    (disclaimers, cookie notices) are left out.

    ``shared`` (``{stripped line: documents with the line}``) weighs the runs:
    a line found in other documents too counts :data:`SHARED_WEIGHT` of its length, so a
    site's template prose (a "recent comments" box, an about-this-blog paragraph on every page)
    loses to the story, which only its reprints share.

    A text with less than :data:`MIN_BODY_CHARS` characters of prose has no body: it is too
    short to be a wire story, and what it has is mostly its site's template, which would group
    it with every other page of the site."""
    return body_from(*prose_of(text), shared)


def prose_of(text: str) -> tuple[list[str], list[int]]:
    """A text's lines and the indices of its prose lines (long, ending like a sentence)."""
    lines = text.split("\n")
    return lines, [i for i, line in enumerate(lines)
                   if len(line) >= BODY_LINE_CHARS and line.rstrip()[-1:] in SENTENCE_END]


def views_from(lines: list[str], prose: list[int], shared: Mapping[str, int]) -> list[str]:
    """The :data:`VIEWS` bodies a document is signed in, from its lines split by
    :func:`prose_of` and ``shared`` (``{stripped prose line: documents with the line}``).

    Why more than one: the line counts that tell a site's template from its story also count
    the story's own reprints (a story on k sites has its unedited lines in k documents), so a
    reprinted original, or a reprint on a page with much unique template prose (its readers'
    comments), can lose its story to the template in :func:`body_from`. Measured on the dev
    sites of ``bench/near_duplicates.py``, one view alone reaches recall 0.88; the three together
    0.95 at the same containment check:

    0. :func:`body_from` with a line in 2+ documents weighed down (the densest run of story);
    1. :func:`body_from` with only lines in 3+ documents weighed down (a story with a reprint
       keeps its full weight);
    2. every prose line found in at most 2 documents, wherever it is on the page (a story cut
       in several runs, or beside a longer run of unique template).

    The containment check (:func:`verified`) is the same for every view."""
    runs = [body_from(lines, prose, shared, VIEW_TEMPLATE_DF[0]),
            body_from(lines, prose, shared, VIEW_TEMPLATE_DF[1])]
    # no MIN_BODY_CHARS floor here (measured: it loses short stories); MIN_SHINGLES still holds
    return runs + ["\n".join(lines[i] for i in prose
                              if shared.get(lines[i].strip(), 1) <= VIEW_TEMPLATE_DF[2])]


def body_from(lines: list[str], prose: list[int], shared: Mapping[str, int] | None = None,
              template_df: int = 1) -> str:
    """:func:`body_of` for a text already split by :func:`prose_of`; a line in more than
    ``template_df`` documents (per ``shared``) is weighed as template."""
    runs: list[tuple[float, int, list[int]]] = []
    current: list[int] = []
    size = 0.0
    chars = 0
    for i in prose:
        if current and i - current[-1] - 1 > GAP_LINES and _gap(lines, current[-1], i):
            runs.append((size, chars, current))
            current, size, chars = [], 0.0, 0
        current.append(i)
        length = min(len(lines[i]), LINE_CHARS_CAP)
        weight = 1.0
        if shared is not None and shared.get(lines[i].strip(), 1) > template_df:
            weight = SHARED_WEIGHT
        size += length * weight
        chars += length
    if current:
        runs.append((size, chars, current))
    if not runs or max(chars for _, chars, _ in runs) < MIN_BODY_CHARS:
        return ""
    best = max(size for size, _, _ in runs)
    return "\n".join(lines[i] for size, _, run in runs if size * RUN_SHARE >= best
                     for i in run)


def _gap(lines: list[str], before: int, after: int) -> bool:
    """More than :data:`GAP_LINES` non-blank lines between two prose lines."""
    seen = 0
    for line in lines[before + 1:after]:
        if line.strip():
            seen += 1
            if seen > GAP_LINES:
                return True
    return False


def signatures(texts: Sequence[str], shared: Mapping[str, int] | None = None,
               batch_chars: int = BATCH_CHARS) -> Signatures:
    """Signatures of ``texts`` (whole documents; :func:`body_of` is applied here, with the line
    counts ``shared``), computed :data:`BATCH_CHARS` at a time (memory stays bounded, in cache)."""
    return sign_bodies([body_of(t, shared) for t in texts], batch_chars)


def sign_bodies(bodies: Sequence[str], batch_chars: int = BATCH_CHARS) -> Signatures:
    """Signatures of texts that are bodies already (see :func:`body_of`)."""
    texts = bodies
    values = np.empty((len(texts), BINS), dtype=np.uint16)
    sizes = np.zeros(len(texts), dtype=np.int64)
    start = 0
    while start < len(texts):
        end, chars = start, 0
        while end < len(texts) and (end == start or chars < batch_chars):
            chars += len(texts[end])
            end += 1
        values[start:end], sizes[start:end] = _batch(list(texts[start:end]))
        start = end
    return Signatures(values, sizes)


def _batch(bodies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of one batch: every step is a numpy pass over all its bytes at once."""
    n = len(bodies)
    data = "\x00".join(bodies).lower().encode("utf-8", "replace")
    byte = np.frombuffer(data, dtype=np.uint8)
    word_hash, first = _word_hashes(byte)
    # a word's document: the NULs separating the bodies before its first byte
    word_doc = np.searchsorted(np.flatnonzero(byte == 0), first)
    shingle, shingle_doc = _shingles(word_hash, word_doc)
    return _one_permutation(shingle, shingle_doc, n)


def _word_hashes(byte: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One 64-bit hash per word (the sum of a random table entry per (position, byte)), and
    the offset of each word's first byte."""
    is_word = _WORD_BYTE[byte]
    # U+2000-U+206F (dashes, curly quotes, ellipsis) and no-break space are not letters.
    lead = np.flatnonzero((byte[:-2] == 0xE2) & ((byte[1:-1] == 0x80) | (byte[1:-1] == 0x81)))
    for k in range(3):
        is_word[lead + k] = False
    nbsp = np.flatnonzero((byte[:-1] == 0xC2) & (byte[1:] == 0xA0))
    is_word[nbsp] = False
    is_word[nbsp + 1] = False
    at = np.flatnonzero(is_word)
    if len(at) == 0:
        return np.empty(0, dtype=_U64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1] + 1])
    first = at[starts]
    lengths = np.diff(np.r_[starts, len(at)])
    position = np.minimum(at - np.repeat(first, lengths), _MAX_WORD_POS - 1)
    parts = np.take(_TABLE, (position << 8) | byte[at])
    return np.add.reduceat(parts, starts), first


def _shingles(word_hash: np.ndarray, word_doc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of :data:`SHINGLE_WORDS` words inside one document."""
    k = SHINGLE_WORDS
    n = len(word_hash) - k + 1
    if n <= 0:
        return np.empty(0, dtype=_U64), np.empty(0, dtype=np.int64)
    h = np.zeros(n, dtype=_U64)
    for j in range(k):
        h += word_hash[j:j + n] * _MULT[j]
    h ^= h >> _U64(31)
    h *= _U64(0x9E3779B97F4A7C15)
    h ^= h >> _U64(29)
    inside = word_doc[:n] == word_doc[k - 1:]
    return h[inside], word_doc[:n][inside]


def _one_permutation(shingle: np.ndarray, doc: np.ndarray, n: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Bin each shingle by its top 7 bits; keep the minimum of the rest per (document, bin);
    fill empty bins by rotation. Returns ``(values uint16 (n, BINS), distinct shingles)``."""
    sizes = np.zeros(n, dtype=np.int64)
    if len(shingle):
        key = np.sort((doc.astype(_U64) << _U64(40)) | (shingle >> _U64(24)))
        key = key[np.r_[True, key[1:] != key[:-1]]]  # each document's set of shingles
        doc_u = (key >> _U64(40)).astype(np.int64)
        sizes += np.bincount(doc_u, minlength=n)
        bins = ((key >> _U64(33)) & _U64(BINS - 1)).astype(np.int64)
        value = key & _U64((1 << 33) - 1)
        table = np.full(n * BINS, _EMPTY, dtype=_U64)
        np.minimum.at(table, doc_u * BINS + bins, value)
        table = table.reshape(n, BINS)
    else:
        table = np.full((n, BINS), _EMPTY, dtype=_U64)
    return _densify(table), sizes


def _densify(table: np.ndarray) -> np.ndarray:
    """An empty bin takes the value of the next non-empty bin to its right (circularly), offset
    by the distance, so that two documents agree on it exactly when they agree on the donor."""
    n = len(table)
    empty = table == _EMPTY
    out = table.copy()
    if empty.any():
        # distance to the next non-empty bin, found by doubling the table around the circle
        doubled = np.concatenate([~empty, ~empty], axis=1)
        idx = np.where(doubled, np.arange(2 * BINS), 2 * BINS)
        nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :BINS]
        full = nxt < 2 * BINS  # rows with no shingle at all stay empty
        donor = np.where(full, nxt % BINS, 0)
        borrowed = table[np.arange(n)[:, None], donor] + (nxt - np.arange(BINS)).astype(_U64) \
            * _U64(0x5851F42D4C957F2D)
        out = np.where(empty & full, borrowed, table)
    values = (out ^ (out >> _U64(16)) ^ (out >> _U64(32))).astype(np.uint16)
    values[~(~empty).any(axis=1)] = 0
    return values


def band_keys(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``(n, BANDS)`` ``uint64`` LSH keys: documents sharing any band's key are candidates. A
    document with fewer than :data:`MIN_SHINGLES` shingles gets keys no other has."""
    v = values[:, :BANDS * ROWS].astype(_U64).reshape(len(values), BANDS, ROWS)
    mult = _MULT[SHINGLE_WORDS:SHINGLE_WORDS + BANDS * ROWS].reshape(BANDS, ROWS)
    keys = (v * mult).sum(axis=2, dtype=_U64) | _U64(1 << 63)
    keys ^= np.arange(BANDS, dtype=_U64)  # the band number is part of the key
    stub = np.flatnonzero(sizes < MIN_SHINGLES)
    keys[stub] = stub.astype(_U64)[:, None] * _U64(BANDS) + np.arange(BANDS, dtype=_U64)
    return keys


def jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of pairs of signatures (rows of ``a`` with rows of ``b``)."""
    return (a == b).mean(axis=-1)


def containment(a: np.ndarray, b: np.ndarray, size_a: np.ndarray, size_b: np.ndarray
                ) -> np.ndarray:
    """Estimated share of the smaller shingle set that is inside the larger, from the Jaccard
    estimate and the set sizes: ``|A ∩ B| = J (|A| + |B|) / (1 + J)``."""
    j = jaccard(a, b)
    inter = j * (size_a + size_b) / (1.0 + j)
    return np.minimum(1.0, inter / np.maximum(1, np.minimum(size_a, size_b)))


def candidate_pairs(keys: np.ndarray, fresh: np.ndarray | None = None,
                    max_bucket: int = 20) -> np.ndarray:
    """``(m, 2)`` row-index pairs (``i < j``) that share a band key, each once. With ``fresh``
    (a boolean mask), only pairs with at least one fresh row. A bucket larger than
    ``max_bucket`` (a story reprinted by hundreds of sites) gives a star and a chain instead of
    every pair: enough to connect a group, linear in its size."""
    n = len(keys)
    found: list[np.ndarray] = []
    for column in np.ascontiguousarray(keys.T):  # one band at a time
        order = np.argsort(column)  # unstable: a bucket's order matters only below
        k = column[order]
        if not (k[1:] == k[:-1]).any():
            continue
        run_start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        run_len = np.diff(np.r_[run_start, n])
        # buckets of one size at a time, every pair of all of them at once (no loop per bucket)
        for length in (np.flatnonzero(np.bincount(run_len)[2:]) + 2).tolist():
            starts = run_start[run_len == length]
            if length <= max_bucket:
                i, j = np.triu_indices(length, 1)
                found.append(np.stack([order[starts[:, None] + i].ravel(),
                                       order[starts[:, None] + j].ravel()], axis=1))
                continue
            for start in starts.tolist():
                members = np.sort(order[start:start + length])  # star from the smallest
                head = np.full(length - 1, members[0])
                found.append(np.concatenate([np.stack([head, members[1:]], axis=1),
                                             np.stack([members[1:-1], members[2:]], axis=1)]))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1).astype(np.int64)
    if fresh is not None:
        pairs = pairs[fresh[pairs[:, 0]] | fresh[pairs[:, 1]]]
    return unique_pairs(pairs, n)


def unique_pairs(pairs: np.ndarray, n: int) -> np.ndarray:
    """The distinct rows of ``(m, 2)`` pairs of indices below ``n``, sorted (``np.unique(pairs,
    axis=0)``, many times faster: one sort of one integer per pair)."""
    code = np.sort(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    code = code[np.r_[True, code[1:] != code[:-1]]] if len(code) else code
    return np.stack([code // n, code % n], axis=1)


def verified(pairs: np.ndarray, sig: Signatures, threshold: float = CONTAINMENT) -> np.ndarray:
    """The candidate pairs that are near duplicates (see :func:`containment`)."""
    if not len(pairs):
        return pairs
    keep = np.zeros(len(pairs), dtype=bool)
    for s in range(0, len(pairs), 50_000):
        p = pairs[s:s + 50_000]
        a, b = p[:, 0], p[:, 1]
        c = containment(sig.values[a], sig.values[b], sig.sizes[a], sig.sizes[b])
        keep[s:s + 50_000] = (c >= threshold) & (np.minimum(sig.sizes[a], sig.sizes[b])
                                                  >= MIN_SHINGLES)
    return pairs[keep]
