"""Plain data the whole application shares: documents, entity spans, section tags and blocks.

Nothing here imports Qt, spaCy or SQLite, so every layer can use it and tests need no fixtures.
Offsets are Python code-point offsets into the stored text; ``end`` is exclusive.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any, NamedTuple


class Origin(StrEnum):
    """Who proposed a span or section tag (its provenance).

    Model suggestions carry the model's identity too: their origin is the string
    ``model:NAME@VERSION`` (see :func:`model_origin`), whose kind is :attr:`MODEL`; every other
    origin is exactly one of these members. Use :meth:`kind_of` to classify any stored origin."""

    HUMAN = "human"
    IMPORTED = "imported"
    PATTERN = "pattern"
    RULES = "rules"
    MODEL = "model"
    COPY = "copy"  # copied from a near-duplicate's labels: ``copy:DOC_ID``

    @classmethod
    def kind_of(cls, origin: str) -> Origin:
        """The kind of a stored origin; raises ``ValueError`` for an unknown one."""
        if origin.startswith("copy:"):
            return cls.COPY
        return cls.MODEL if origin.startswith("model:") else cls(origin)


def model_origin(model_id: str) -> str:
    """The origin of a model's suggestions: ``model:NAME@VERSION``."""
    return f"{Origin.MODEL.value}:{model_id}"


def copy_origin(doc_id: int) -> str:
    """The origin of labels copied from document ``doc_id`` onto a near duplicate of it."""
    return f"{Origin.COPY.value}:{doc_id}"


HUMAN = Origin.HUMAN
IMPORTED = Origin.IMPORTED
PATTERN = Origin.PATTERN
RULES = Origin.RULES


class LabelKind(StrEnum):
    """What a label names: an entity span or a block's section."""

    ENTITY = "entity"
    SECTION = "section"


DEFAULT_ENTITY_LABELS = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "DATE", "MONEY",
)
DEFAULT_SECTION_LABELS = ("boilerplate", "body", "byline", "related_links")


class Status(StrEnum):
    """Where a document stands in the labelling workflow."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        """Accepted and rejected documents are the ones a person has decided on."""
        return self in (Status.ACCEPTED, Status.REJECTED)


class SpanError(ValueError):
    """A span that cannot be stored: outside the text, empty or reversed, or unknown label."""


class LabelError(ValueError):
    """A change of the label set that cannot be made: a bad or taken name, a taken key, a bad
    colour, or a label that does not exist. Nothing was changed."""


class StaleEdit(SpanError):
    """An edit of labels that are no longer as the person saw them: another window or process
    changed them meanwhile. The edit is refused and nothing changes; the view should re-read."""


class Span(NamedTuple):
    """An entity span. ``origin`` says who proposed it (an :class:`Origin`, or
    ``model:NAME@VERSION``); ``annotator`` is the person who made or confirmed it, if any.

    A span's identity is ``(document, start, end)``: spans of one document never overlap, so no
    two share it, and undo finds a span by it (row ids change when a row is re-inserted).

    A named tuple rather than a dataclass: imports and exports build hundreds of thousands of
    these, and a tuple is made several times faster than a frozen dataclass. It is just as
    immutable; use ``span._replace(...)`` for a changed copy."""

    start: int
    end: int
    label: str
    origin: str = HUMAN
    annotator: str | None = None
    id: int | None = None

    @property
    def confirmed(self) -> bool:
        """A span a person made or confirmed; machines never touch these."""
        return self.annotator is not None or self.origin == HUMAN

    @property
    def key(self) -> tuple[int, int]:
        """Stable identity within its document (see the class docstring)."""
        return (self.start, self.end)

    def same_as(self, other: Span) -> bool:
        """Equal in everything a person sees and undo restores (not the row id)."""
        return self[:5] == other[:5]

    @property
    def is_suggestion(self) -> bool:
        return not self.confirmed

    def overlaps(self, other: Span | Block) -> bool:
        return self.start < other.end and other.start < self.end

    def with_id(self, span_id: int | None) -> Span:
        return self._replace(id=span_id)


@dataclass(frozen=True, slots=True)
class Section:
    """A section label on one block (one non-blank line) of a document. Its identity is
    ``(document, block)``: a block has at most one section."""

    block: int
    start: int
    end: int
    label: str
    origin: str = HUMAN
    annotator: str | None = None
    id: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.annotator is not None or self.origin == HUMAN


@dataclass(frozen=True, slots=True)
class Block:
    """One non-blank line of a document's text: the unit a person tags with a section."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Label:
    """A label of the project's label set: its colour (``#rrggbb``), its key (``"1"``,
    ``"Ctrl+2"`` or ``""``) and its place in the palette."""

    name: str
    kind: LabelKind
    colour: str
    key: str
    position: int = 0


@dataclass(slots=True)
class Document:
    id: int
    text: str
    hash: str
    source: str
    meta: dict[str, Any]
    status: Status
    created_at: str = ""
    updated_at: str = ""
    revision: int = 0  # raised by every write to the document or its labels


@dataclass(slots=True)
class NewDocument:
    """A document as a reader produced it, before it has an id."""

    text: str
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    sections: list[tuple[int, int, str]] = field(default_factory=list)
    status: Status = Status.NEW
    html: str | None = None
    block_features: list[dict[str, Any]] | None = None
    annotator: str | None = None  # who confirmed the labels a file brings, if it says they were
    line: int | None = None  # the line of the file it came from (JSONL), for reports


MAX_LABEL_LENGTH = 64
MAX_ANNOTATOR_LENGTH = 100


_CONTROL_NAMES = {"\t": "tab", "\n": "line feed", "\r": "carriage return", "\x00": "NUL",
                  "\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape"}


def _char_name(ch: str) -> str:
    """``space (U+0020)``: how a reason names a character a person cannot see."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "").lower() or "control character"
    return f"{name} (U+{ord(ch):04X})"


def _invisible(text: str, allow_space: bool) -> tuple[int, str] | None:
    """The first whitespace, control, format (zero-width, bidi) or unassigned character of
    ``text`` as ``(index, what)``; plain spaces between words are allowed with ``allow_space``."""
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if allow_space and ch == " ":
            continue
        if ch.isspace() or category[0] == "Z":
            return i, f"whitespace: {_char_name(ch)}"
        if category in ("Cc", "Cf", "Cs", "Cn"):
            return i, f"an invisible or control character: {_char_name(ch)}"
    return None


def validate_label_name(name: object) -> str | None:
    """Why ``name`` cannot be a label name, or ``None`` when it can.

    A label name is one visible word (``ORG``, ``NEW_ORG``, ``related_links``) of at most
    :data:`MAX_LABEL_LENGTH` characters: no whitespace anywhere (a space splits a CoNLL line and
    a ``--label A,B`` list; a trailing one makes two labels look like one) and no control, format
    (zero-width, bidi) or unassigned characters, which a person cannot see. The reason is a
    sentence a person can act on, e.g. ``label 'NEW ORG' has whitespace: space (U+0020) at
    character 4; use NEW_ORG``."""
    if not isinstance(name, str):
        return f"label {name!r} is not text ({type(name).__name__})"
    if not name:
        return "label name is empty"
    if len(name) > MAX_LABEL_LENGTH:
        return f"label {name[:20]!r}… is {len(name)} characters long (at most {MAX_LABEL_LENGTH})"
    found = _invisible(name, allow_space=False)
    if found is None:
        return None
    index, what = found
    hint = "_".join(name.split())
    fix = f"; use {hint}" if hint and _invisible(hint, allow_space=False) is None else ""
    return f"label {name!r} has {what} at character {index + 1}{fix}"


def validate_annotator_name(name: object) -> str | None:
    """Why ``name`` cannot be an annotator's name, or ``None`` when it can.

    A name is recorded on every label a person makes or confirms and tells annotators apart in
    ``annotator merge``: it is visible text (spaces between words allowed, ``Marina Costa``),
    with no leading or trailing space, at most :data:`MAX_ANNOTATOR_LENGTH` characters, and not
    one of the provenance words (``human``, ``imported``, ``pattern``, ``rules``, ``model``)
    that the same column uses for labels no person confirmed."""
    if not isinstance(name, str):
        return f"name {name!r} is not text ({type(name).__name__})"
    if not name.strip():
        return "the name is empty"
    if name != name.strip():
        return f"name {name!r} starts or ends with a space"
    if len(name) > MAX_ANNOTATOR_LENGTH:
        return f"the name is {len(name)} characters long (at most {MAX_ANNOTATOR_LENGTH})"
    found = _invisible(name, allow_space=True)
    if found is not None:
        return f"name {name!r} has {found[1]} at character {found[0] + 1}"
    if name.casefold() in {o.value for o in Origin}:
        return f"{name!r} is a word the project uses for labels no person made; choose a name"
    return None


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun`` in the number that agrees with it: "1 span", "2 spans", "0 spans".
    ``plural`` for a noun that does not just take an "s" ("entity", "entities"). The one helper
    every message that counts things uses (the window, the services and the CLI), so none
    says "1 documents"; here because every layer may import the domain."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def content_hash(text: str) -> str:
    """Stable identity of a text: the same article imported twice is one document. The SHA-256
    of its UTF-8, fed a megabyte at a time so a huge text is never encoded whole."""
    if len(text) <= 1 << 20:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    digest = hashlib.sha256()
    for start in range(0, len(text), 1 << 20):
        digest.update(text[start:start + (1 << 20)].encode("utf-8"))
    return digest.hexdigest()


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def newline_offset_mapper(raw: str):
    """Map offsets in ``raw`` to offsets in ``normalise_newlines(raw)``.

    Only ``\\r\\n`` pairs shorten the text (lone ``\\r`` are replaced one for one), so an
    offset moves left by the number of pairs whose ``\\n`` lies before it.
    """
    pairs: list[int] = []
    pos = raw.find("\r\n")
    while pos != -1:
        pairs.append(pos + 1)  # index of the dropped "\n"
        pos = raw.find("\r\n", pos + 2)
    if not pairs:
        return lambda offset: offset
    return lambda offset: offset - bisect_left(pairs, offset)


def blocks(text: str) -> list[Block]:
    """Every non-blank line of ``text``, numbered from 0, with its character range."""
    out: list[Block] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append(Block(len(out), start, end))
        start = end + 1
    return out


def blocks_touching(all_blocks: Sequence[Block], start: int, end: int) -> list[Block]:
    """Blocks a cursor (``start == end``) or a selection touches."""
    if start == end:
        return [b for b in all_blocks if b.start <= start <= b.end]
    return [b for b in all_blocks if b.start < end and start < b.end]


def validate_span(text_length: int, start: int, end: int) -> None:
    """Raise ``SpanError`` unless ``0 <= start < end <= text_length``."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise SpanError(f"offsets must be integers, got {start!r}, {end!r}")
    if start < 0 or end > text_length:
        raise SpanError(f"span {start}-{end} is outside the text (length {text_length})")
    if end <= start:
        raise SpanError(f"span {start}-{end} is empty or reversed (end must be > start)")


def overlapping(spans: Iterable[Span], start: int, end: int) -> list[Span]:
    """The spans that a new span ``start``-``end`` would replace."""
    return [s for s in spans if s.start < end and start < s.end]


def non_overlapping(spans: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """Resolve a list in order so that later spans replace earlier ones they overlap.

    Returns ``(kept, dropped)``; this is the same rule a person's new span follows.
    """
    kept: list[Span] = []
    dropped: list[Span] = []
    for span in spans:
        clash = overlapping(kept, span.start, span.end)
        for old in clash:
            kept.remove(old)
            dropped.append(old)
        kept.append(span)
    kept.sort(key=lambda s: (s.start, s.end))
    return kept, dropped


def section_ranges(sections: Iterable[Section]) -> list[tuple[int, int, str]]:
    """Merge per-block sections into ranges: consecutive blocks with one label form one range."""
    out: list[tuple[int, int, str]] = []
    last_block = -2
    for sec in sorted(sections, key=lambda s: s.block):
        if out and sec.label == out[-1][2] and sec.block == last_block + 1:
            out[-1] = (out[-1][0], sec.end, sec.label)
        else:
            out.append((sec.start, sec.end, sec.label))
        last_block = sec.block
    return out


def blocks_in_range(all_blocks: Sequence[Block], start: int, end: int) -> list[Block]:
    """Blocks a section range covers, when a file brings sections as character ranges: every
    block the range overlaps, whole, so a range that starts or ends inside a line (or leaves out
    a line's last character) still tags that line. Use :func:`partly_covered` to report the
    lines a range covers only in part."""
    return [b for b in all_blocks if b.start < end and start < b.end]


def partly_covered(text: str, covered: Sequence[Block], start: int, end: int) -> list[Block]:
    """Of the blocks :func:`blocks_in_range` gave, those whose visible characters (the line
    without its edge whitespace) the range ``start``-``end`` does not cover entirely."""
    out = []
    for b in covered:
        first, last = strip_range(text, b.start, b.end)
        if start > first or end < last:
            out.append(b)
    return out


# Characters that take no room on screen: a text of only these (and whitespace) is empty.
_INVISIBLE = frozenset("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\ufeff"
                       "\uffa0")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"})


def has_visible_text(text: str) -> bool:
    """Whether ``text`` has a character a person can see: not only whitespace, zero-width
    characters (U+200B, U+200D, U+2060, U+FEFF, ...), other format or control characters,
    fillers (U+3164, U+2800) or unassigned code points. Stops at the first visible one."""
    for char in text:
        if char.isspace() or char in _INVISIBLE:
            continue
        if unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
            return True
    return False


# How prompts and bylines start (in any case, after leading non-word characters), besides
# "home" as a whole word and "©": one list for the expression and for the ASCII shortcut of
# _is_prompt.
_PROMPTS = ("subscribe", "sign in", "sign up", "login", "log in", "register", "posted",
            "published", "updated", "by ", "written by", "reporting by", "cookie",
            "we use cookies", "menu", "skip to", "share", "advertisement", "read more",
            "related", "copyright")
_NOT_A_HEADLINE = re.compile(
    r"^\W*(" + "|".join(map(re.escape, _PROMPTS)) + r"|home\b|©)", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s[|>›»·•]\s")


def looks_like_headline(line: str) -> bool:
    """Scraped pages start with menus, prompts and breadcrumbs; a headline is a line of 5 to 30
    words with no menu separators, not a prompt or byline, and (unlike a standfirst or a
    paragraph) not ending in a full stop."""
    words = len(line.split(None, 31))  # bounded: never a list of every word of a long line
    return (
        5 <= words <= 30
        and line[-1:] != "."  # (not endswith: a method call that parses its arguments)
        and not _has_separators(line)
        and not _is_prompt(line)
    )


_ASCII_NON_WORD = "".join(c for c in map(chr, range(128)) if not (c.isalnum() or c == "_"))


def _has_separators(line: str) -> bool:
    """``_SEPARATORS.search(line)``, the regular expression run only when the line could hold
    one: a line of ASCII without ``|`` or ``>`` cannot. Asked of every imported text's first
    line; the search alone was a third of :func:`title_of`."""
    if line.isascii() and "|" not in line and ">" not in line:
        return False
    return _SEPARATORS.search(line) is not None


def _is_prompt(line: str) -> bool:
    """``_NOT_A_HEADLINE.match(line)``; for a line of ASCII by string methods (the same answer
    at half the cost: each of its alternatives starts with a word character, so it can only
    start where the leading non-word characters end)."""
    if not line.isascii():
        return _NOT_A_HEADLINE.match(line) is not None
    head = line.lstrip(_ASCII_NON_WORD)[:16].lower()
    if head.startswith(_PROMPTS):
        return True
    return head[:4] == "home" and not (head[4:5].isalnum() or head[4:5] == "_")


_LONGEST_TITLE_LINE = 4000  # characters; a longer line is not a headline


def _title_lines(text: str):
    """Each non-blank line, stripped, as ``(start of it, whole)``: the first
    :data:`_LONGEST_TITLE_LINE` characters and whether that is all of it. One line is copied
    at a time, and never more than that many characters of it: a document may be one 50 MB
    line."""
    start, length = 0, len(text)
    while start <= length:
        end = text.find("\n", start)
        end = length if end < 0 else end
        head = text[start:min(end, start + _LONGEST_TITLE_LINE)].strip()
        if head:
            yield head, end - start <= _LONGEST_TITLE_LINE
        start = end + 1


def title_of(text: str, limit: int = 120) -> str:
    """A short title for lists: the first line that looks like a headline, else the first
    line of five words or more, else the first line."""
    end = text.find("\n", 0, _LONGEST_TITLE_LINE + 1)  # the first line, checked first and
    if end < 0 and len(text) <= _LONGEST_TITLE_LINE:    # alone: most often it is the one
        end = len(text)
    first = text[:end].strip() if end >= 0 else ""
    if first and looks_like_headline(first):
        return first[:limit]
    tests = (lambda ln, whole: whole and looks_like_headline(ln),
             lambda ln, whole: len(ln.split(None, 5)) >= 5,
             lambda ln, whole: True)
    for test in tests:
        found = next((ln for ln, whole in _title_lines(text) if test(ln, whole)), None)
        if found:
            return found[:limit]
    return ""


@dataclass(frozen=True, slots=True)
class Misaligned:
    """A span whose edges do not fall on token boundaries, so a token-based model cannot learn it.

    Training exports report it by document and offsets (FORMATS.md), never drop it silently."""

    doc_id: int
    start: int
    end: int
    label: str
    text: str
    kind: str = LabelKind.ENTITY

    def __str__(self) -> str:
        reason = ("has whitespace at its edges" if self.text != self.text.strip()
                  else "does not fall on token boundaries")
        return (f"document {self.doc_id}: {self.kind} {self.label} {self.start}-{self.end} "
                f"{self.text!r} {reason}")


def strip_range(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a range past leading and trailing whitespace: a section is its blocks' words, and a
    tokenizer attaches the spaces around a line to neighbouring tokens."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- token runs: a tokenizer's output, stored compactly (the token cache) ----------------------
# A tokenizer of spaCy's kind cuts a text into tokens that, each followed by its one optional
# trailing space, make up the whole text. So a document's tokens are a list of codes, one a
# token, ``length << 1 | trailing space`` (lengths in code points): offsets follow by adding up.
# Layout: one byte, the width of a code (1: every token has at most 127 code points, most
# documents; 4: little-endian unsigned), plus NORMED when a norms part follows: 4 bytes (its
# length, little-endian) and UTF-8 JSON ``[[token index, norm], ...]``, the tokens to which the
# tokenizer gave a norm of their own (spaCy's special cases: "m" of "Im" -> "am"), which a
# reader rebuilding spaCy Docs must set again. Then the codes.
TOKEN_RUNS_NARROW = 1
TOKEN_RUNS_WIDE = 4
TOKEN_RUNS_NORMED = 0x80


def pack_token_runs(lengths: Iterable[int], spaces: Iterable[int | bool],
                    norms: Sequence[tuple[int, str]] = ()) -> bytes:
    """The token runs of tokens of ``lengths`` code points, each followed by a space when its
    ``spaces`` entry is true; ``norms``: ``(token index, norm)`` of the tokens the tokenizer
    gave a norm of their own. Raises ``ValueError`` for a token of no length (not a tokenizer's
    output: such a token could not be told apart)."""
    import json

    codes = [n << 1 | bool(s) for n, s in zip(lengths, spaces, strict=True)]
    if any(code < 2 for code in codes):
        raise ValueError("a token of no length cannot be stored")
    narrow = not codes or max(codes) < 256
    head = bytes([(TOKEN_RUNS_NARROW if narrow else TOKEN_RUNS_WIDE)
                  | (TOKEN_RUNS_NORMED if norms else 0)])
    if norms:
        part = json.dumps([[i, norm] for i, norm in norms], ensure_ascii=False).encode()
        head += len(part).to_bytes(4, "little") + part
    if narrow:
        return head + bytes(codes)
    import array
    import sys

    wide = array.array("I", codes)
    if sys.byteorder == "big":
        wide.byteswap()
    return head + wide.tobytes()


def unpack_token_runs(blob: bytes) -> tuple[Sequence[int], list[tuple[int, str]]]:
    """The codes ``length << 1 | trailing space`` of :func:`pack_token_runs`, one a token, and
    its norms; ``ValueError`` for bytes that are not token runs."""
    if not blob:
        raise ValueError("not token runs")
    width, start, norms = blob[0] & ~TOKEN_RUNS_NORMED, 1, []
    if blob[0] & TOKEN_RUNS_NORMED:
        import json

        size = int.from_bytes(blob[1:5], "little")
        norms = [(int(i), str(norm)) for i, norm in json.loads(blob[5:5 + size].decode())]
        start = 5 + size
    if width == TOKEN_RUNS_NARROW:
        return blob[start:], norms  # bytes: indexing and iterating give ints
    if width == TOKEN_RUNS_WIDE and (len(blob) - start) % 4 == 0:
        import array
        import sys

        wide = array.array("I")
        wide.frombytes(blob[start:])
        if sys.byteorder == "big":
            wide.byteswap()
        return wide, norms
    raise ValueError("not token runs")


def cut_by_runs(text: str, codes: Sequence[int]
                ) -> tuple[list[int], list[int], list[bool]] | None:
    """Where the tokens of ``codes`` (:func:`unpack_token_runs`) lie in ``text``: their starts,
    ends (code points) and whether a space follows each; ``None`` when they do not cut exactly
    this text (lengths and spaces that do not add up to it, a trailing space that is not one):
    runs of another text are never used."""
    starts: list[int] = []
    ends: list[int] = []
    spaces: list[bool] = []
    pos = 0
    for code in codes:
        end = pos + (code >> 1)
        starts.append(pos)
        ends.append(end)
        if code & 1:
            if text[end:end + 1] != " ":
                return None
            spaces.append(True)
            pos = end + 1
        else:
            spaces.append(False)
            pos = end
    return (starts, ends, spaces) if pos == len(text) else None


# -- grapheme clusters: what a person sees as one character -------------------------------------
# An emoji can be many code points: a ZWJ family (man ZWJ woman ZWJ girl), a flag (two regional
# indicators), a skin tone, a variation selector. spaCy's tokenizer cuts such sequences into
# pieces, so a model's entity may start or end inside one; the window never shows a boundary
# there, so the span's text in an export would differ from what the person saw (a stray "👧" or
# ZWJ). Every span edge that does not come from a person's exact choice goes through these.
# The cluster rules are Unicode's (UAX #29 extended grapheme clusters, ``\X`` of the ``regex``
# package, kept up to date with each Unicode version), not ours.
_CONTEXT = 256  # code points looked back for a cluster's start (past a line break: none needed)
_EMOJI_PART = r"[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}]"


# What can join a neighbour into one cluster (Grapheme_Cluster_Break values other than Control,
# CR, LF and Other): a cut between two code points neither of which is one is a cluster boundary.
_JOINER = (r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
           r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}]")


@cache
def _regex_patterns() -> tuple[Any, Any, Any]:
    import regex  # imported on first use: every command imports this module

    return regex.compile(r"\X"), regex.compile(_EMOJI_PART), regex.compile(_JOINER)


def load_cluster_rules() -> None:
    """Import ``regex`` and compile the cluster patterns now, off the GUI thread: the window
    does this as it loads the tokenizer (:func:`annotator.core.tokens.load_tokenizer`). Done
    by the first snapped label instead, it cost that key 25-40 ms of the GUI thread's CPU (the
    import, PySide's check of each new module, the compiles) and stalled the event loop
    60-125 ms on a busy machine: the longest stall of a label pressed during an import."""
    _regex_patterns()


def may_join(text: str) -> bool:
    """Whether two neighbouring code points of ``text`` may be one grapheme cluster; when not
    (ASCII, most accented text), every code point is a cluster of its own. Looks at each
    distinct character once (a 60 KB article: well under a millisecond)."""
    return not text.isascii() and any(map(_joins, set(text)))


@lru_cache(maxsize=4096)
def _joins(char: str) -> bool:
    """Whether ``char`` can join a neighbour into one cluster (see :data:`_JOINER`)."""
    return _regex_patterns()[2].match(char) is not None


def inside_cluster(text: str, offset: int) -> bool:
    """Whether ``offset`` cuts a grapheme cluster of ``text`` in two. Cheap unless a code point
    on either side can join (see :data:`_JOINER`)."""
    if not 0 < offset < len(text) or not (_joins(text[offset - 1]) or _joins(text[offset])):
        return False
    return bool(grapheme_clusters(text, offset, offset))


def grapheme_clusters(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each grapheme cluster that ``text[start:end]`` touches, in order
    (the first may start before ``start``, the last end after ``end``): for an empty range,
    the cluster it is inside, if any. Clusters are found from the last space or line break
    before ``start``, looking back at most :data:`_CONTEXT` code points: a run of more flags
    than that with no space could pair up one letter off."""
    cluster = _regex_patterns()[0]
    anchor = max(0, start - _CONTEXT)
    anchor = text.rfind("\n", anchor, start) + 1 or anchor  # a cluster starts after a break
    space = text.rfind(" ", anchor, start)  # in practice a cluster starts at a space: the
    anchor = space if space >= 0 else anchor  # search is short (only a Prepend mark joins one)
    out: list[tuple[int, int]] = []
    for match in cluster.finditer(text, anchor):
        lo, hi = match.span()
        if lo >= end:
            break
        if hi > start:
            out.append((lo, hi))
    return out


def snap_to_clusters(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` widened so neither edge is inside a grapheme cluster."""
    if not text or start >= end:
        return start, end
    clusters = grapheme_clusters(text, start, end)
    return (clusters[0][0], clusters[-1][1]) if clusters else (start, end)


def _word_cluster(piece: str) -> bool:
    """A cluster that makes a word: it has a letter or digit, or is a currency or percent sign
    (a MONEY or PERCENT entity's sign, as :func:`annotator.core.tokens.is_word` says)."""
    return any(ch.isalnum() or ch in "%‰‱" or unicodedata.category(ch) == "Sc" for ch in piece)


def _blank(piece: str) -> bool:
    """Whether a cluster is no edge for a span: it draws nothing (whitespace, zero-width and
    format characters, see :func:`has_visible_text`, and variation selectors, which alone select
    no glyph), or it is whitespace with a mark on it (an export refuses a whitespace edge)."""
    return piece[0].isspace() or not any(has_visible_text(ch) and not _variation_selector(ch)
                                         for ch in piece)


def _variation_selector(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def _kind(piece: str) -> str:
    """``word``, ``blank`` (nothing visible: whitespace, ZWJ, variation selectors), ``emoji``
    or ``mark`` (punctuation and other symbols, which a word may carry: "Inc.", "U.S.")."""
    if "\u20e3" in piece:  # a keycap ("1️⃣", "#️⃣"): an emoji, though it has a digit
        return "emoji"
    if _word_cluster(piece):
        return "word"
    if _blank(piece):
        return "blank"
    return "emoji" if _regex_patterns()[1].search(piece) else "mark"


def _keep_from(kinds: list[str]) -> int:
    """Index of the first cluster to keep at this edge: blanks and emoji go, and marks unless
    they touch a word (with only marks between)."""
    for i, kind in enumerate(kinds):
        if kind == "word":
            return i
        if kind == "mark":
            j = i
            while j < len(kinds) and kinds[j] == "mark":
                j += 1
            if j < len(kinds) and kinds[j] == "word":
                return i
    return len(kinds)


def word_range(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A suggested span's ``(start, end)`` on grapheme-cluster boundaries (widened to whole
    clusters) without what is not part of a word at either edge: whitespace, invisible
    characters, emoji and flags, and punctuation or symbols not attached to a word ("Apple Inc."
    keeps its full stop, "👨‍👩‍👧 Apple" loses its emoji). ``None`` when no letter, digit or
    currency/percent sign is left. Code points."""
    if (start < end and text[start].isalnum() and text[end - 1].isalnum()
            and not inside_cluster(text, start) and not inside_cluster(text, end)
            and not may_join(text[start:end])):
        # Most entities: a letter or digit at each edge, no cluster of more than one code
        # point (a keycap "1️⃣" starts with a digit); the search below would keep them as they
        # are (it took ~40 us an entity, ~5% of a pre-annotation's CPU).
        return start, end
    return searched_word_range(text, start, end)


def searched_word_range(text: str, start: int, end: int) -> tuple[int, int] | None:
    """:func:`word_range` by looking at every cluster of the span (no shortcut)."""
    start, end = snap_to_clusters(text, start, end)
    if start >= end:
        return None
    clusters = grapheme_clusters(text, start, end)
    kinds = [_kind(text[lo:hi]) for lo, hi in clusters]
    first = _keep_from(kinds)
    if first == len(kinds):
        return None
    last = len(kinds) - 1 - _keep_from(kinds[::-1])
    return clusters[first][0], clusters[last][1]


def visible_range(text: str, start: int, end: int) -> tuple[int, int]:
    """An exact (unsnapped) selection on grapheme-cluster boundaries (widened to whole clusters)
    without clusters that show nothing at its edges (whitespace, a lone ZWJ or variation
    selector, see :func:`_blank`): what a person who picked characters can see they picked.
    Emoji stay. Empty (``(start, start)``) when nothing visible is left."""
    start, end = snap_to_clusters(text, start, end)
    if start >= end:
        return start, start
    clusters = grapheme_clusters(text, start, end)
    shown = [i for i, (lo, hi) in enumerate(clusters) if not _blank(text[lo:hi])]
    if not shown:
        return start, start
    return clusters[shown[0]][0], clusters[shown[-1]][1]
