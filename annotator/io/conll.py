"""CoNLL (IOB2) text for NER training, and the validator that states what a valid file is.

The layout (what :func:`conll_writer` writes and :func:`validate_conll` accepts):

- each document starts with the line ``-DOCSTART- -X- O O`` (spaCy's ``spacy convert`` document
  delimiter; readers that look for a ``-DOCSTART-`` prefix accept it too) and a blank line;
- then one line per token, ``TOKEN TAG``: exactly two columns separated by one space, no other
  whitespace on the line; ``TAG`` is ``O``, ``B-LABEL`` or ``I-LABEL``;
- each line of the document's text (a block) is a sentence: a blank line ends it. Whitespace
  tokens are not tokens here (they separate them);
- IOB2: an ``I-X`` tag only follows ``B-X`` or ``I-X`` in the same sentence.

What that layout cannot hold is reported through ``on_misaligned`` (as :class:`Unexportable`
problems with the reason) and never written: a span not on token boundaries or with whitespace at
an edge (see :mod:`annotator.io.alignment`), a label with whitespace (it would make extra columns),
an entity across a line break (the next sentence would start with ``I-``), overlapping entities (one
tag per token), and a token with whitespace inside or one that reads as ``-DOCSTART-`` (its whole
sentence is left out, with its entities). spaCy's tokenizer makes neither kind of token; the rule
keeps the file valid whatever tokenizer is handed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from annotator.domain import Misaligned, Span, inside_cluster, may_join
from annotator.io.alignment import (
    Token,
    TokenIndex,
    Tokenize,
    Unexportable,
    dict_tokens,
    unexportable,
)

DOCSTART = "-DOCSTART- -X- O O"
LABEL_WHITESPACE = "has a label with whitespace, which a CoNLL column cannot hold"
CROSSES_LINE = "crosses a line break (a sentence boundary in CoNLL)"
OVERLAPS = "overlaps another entity (IOB2 has one tag per token)"
IN_BAD_SENTENCE = "is in a sentence left out (see the token reported)"
TOKEN_WHITESPACE = "has whitespace inside; its sentence is left out"
TOKEN_DOCSTART = "reads as a -DOCSTART- line; its sentence is left out"

_TAG = re.compile(r"O|[BI]-\S+")
_SPACE = re.compile(r"\s")  # the characters str.isspace() calls whitespace


def conll_writer(
    tokenize: Tokenize, on_misaligned: Callable[[Misaligned], None]
) -> Callable[[Any], str]:
    """A function of one export ``Item`` to its whole CoNLL text (one write per document), in the
    layout of this module's docstring; what it cannot write goes to ``on_misaligned``."""

    def write(item: Any) -> str:
        text = item.doc.text
        tokens = whole_clusters(text, dict_tokens(tokenize, text, getattr(item, "tokens", None)))
        lines, problems = conll_lines(item.doc.id, text, tokens, item.spans)
        for problem in problems:
            on_misaligned(problem)
        return "\n".join(lines) + "\n"

    return write


def whole_clusters(text: str, tokens: Sequence[Token]) -> Sequence[Token]:
    """``tokens`` with the pieces of one grapheme cluster joined into one token: spaCy's
    tokenizer cuts a ZWJ emoji sequence (man ZWJ woman ZWJ girl) into five tokens, three of
    them a lone emoji and two a lone ZWJ, which a CoNLL reader takes for words. A span edge
    inside a cluster (never one of a suggestion: :func:`annotator.domain.word_range`) then
    falls inside a token and is reported, not tagged on a piece of a character. Tokens with
    whitespace or a gap between them are never joined. A text in which no code point can
    join another (ASCII, most accented text): unchanged, after one scan."""
    if len(tokens) < 2 or not may_join(text):
        return tokens
    out = [tokens[0]]
    for token in tokens[1:]:
        last, cut = out[-1], token["start"]
        if (last["end"] == cut and inside_cluster(text, cut)
                and not _SPACE.search(text, last["start"], token["end"])):
            out[-1] = {**last, "text": text[last["start"]:token["end"]], "end": token["end"],
                       "ws": token.get("ws", False)}
        else:
            out.append(token)
    return out


def conll_lines(doc_id: int, text: str, tokens: Sequence[Token],
                spans: Iterable[Span]) -> tuple[list[str], list[Unexportable]]:
    """The lines of one document (``DOCSTART``, a blank line, then each sentence followed by a
    blank line) and what had to be left out."""
    sentence_of, bad_sentences, problems = _sentences(doc_id, text, tokens)
    tags, span_problems = iob2_tags(doc_id, text, tokens, spans, sentence_of, bad_sentences)
    lines = [DOCSTART, ""]
    current = None
    for i, token in enumerate(tokens):
        sentence = sentence_of[i]
        if sentence is None or sentence in bad_sentences:
            continue
        if current is not None and sentence != current:
            lines.append("")
        current = sentence
        lines.append(f"{token['text']} {tags[i]}")
    if current is not None:
        lines.append("")
    return lines, problems + span_problems


def _sentences(doc_id: int, text: str, tokens: Sequence[Token]
               ) -> tuple[list[int | None], set[int], list[Unexportable]]:
    """Sentence number of each token (``None`` for whitespace and empty tokens, which are not
    written), the sentences that hold a token CoNLL cannot hold, and those tokens' reports."""
    sentence_of: list[int | None] = []
    bad: set[int] = set()
    problems: list[Unexportable] = []
    sentence, in_sentence = 0, False
    for token in tokens:
        word = token["text"]
        if not word or word.isspace():
            if "\n" in word and in_sentence:
                sentence, in_sentence = sentence + 1, False
            sentence_of.append(None)
            continue
        reason = _token_problem(word)
        if reason:
            bad.add(sentence)
            problems.append(unexportable(doc_id, text, token["start"], token["end"], "-",
                                         reason, kind="token"))
        sentence_of.append(sentence)
        in_sentence = True
    return sentence_of, bad, problems


def _token_problem(word: str) -> str | None:
    if _SPACE.search(word):
        return TOKEN_WHITESPACE
    if word.startswith("-DOCSTART-"):
        return TOKEN_DOCSTART
    return None


def iob2_tags(doc_id: int, text: str, tokens: Sequence[Token], spans: Iterable[Span],
              sentence_of: Sequence[int | None] | None = None,
              bad_sentences: set[int] | frozenset[int] = frozenset()
              ) -> tuple[list[str], list[Unexportable]]:
    """IOB2 tags for ``tokens`` and the spans that could not be tagged, with the reason. A span is
    tagged whole or not at all (a half-tagged entity teaches a model the wrong boundary).
    ``sentence_of`` (from the layout) lets a span across sentences be refused; without it every
    line break counts as the layout's sentence boundary."""
    if sentence_of is None:
        sentence_of, bad_sentences, _ = _sentences(doc_id, text, tokens)
    index = TokenIndex(tokens)
    tags = ["O"] * len(tokens)
    problems: list[Unexportable] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        aligned = index.align(text, span.start, span.end)
        if isinstance(aligned, str):
            reason: str | None = aligned
        else:
            reason = _tagging_problem(span.label, aligned, tags, sentence_of, bad_sentences)
        if reason:
            problems.append(unexportable(doc_id, text, span.start, span.end, span.label, reason))
            continue
        first, last = aligned  # type: ignore[misc]
        tags[first] = f"B-{span.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{span.label}"
    return tags, problems


def _tagging_problem(label: str, aligned: tuple[int, int], tags: list[str],
                     sentence_of: Sequence[int | None], bad_sentences: set[int] | frozenset[int]
                     ) -> str | None:
    first, last = aligned
    if not label or _SPACE.search(label):
        return LABEL_WHITESPACE
    if sentence_of[first] != sentence_of[last]:
        return CROSSES_LINE
    if sentence_of[first] in bad_sentences:
        return IN_BAD_SENTENCE
    if any(tag != "O" for tag in tags[first:last + 1]):
        return OVERLAPS
    return None


def validate_conll(data: str) -> list[str]:
    """Every way ``data`` breaks the layout of this module's docstring, as ``line N: reason``
    (an empty list: valid). What the tests hold every export to."""
    if not data:
        return []
    if not data.endswith("\n"):
        return ["the file does not end with a line break"]
    errors: list[str] = []
    lines = data[:-1].split("\n")
    if lines[0] != DOCSTART:
        errors.append(f"line 1: the file does not start with {DOCSTART!r}")
    if lines[-1] != "":
        errors.append(f"line {len(lines)}: the last sentence is not ended by a blank line")
    previous: str | None = None
    for number, line in enumerate(lines, start=1):
        reason = _line_problem(line, previous)
        if reason:
            errors.append(f"line {number}: {reason}: {line!r}")
        previous = line
    return errors


def _line_problem(line: str, previous: str | None) -> str | None:
    if line == "":
        return "two blank lines in a row" if previous == "" else None
    if line == DOCSTART:
        return None if previous in (None, "") else "-DOCSTART- does not follow a blank line"
    if previous == DOCSTART:
        return "no blank line after -DOCSTART-"
    columns = line.split(" ")
    if len(columns) != 2 or not all(columns) or any(ch.isspace() for ch in "".join(columns)):
        return f"{len(line.split())} columns, or whitespace other than one space"
    word, tag = columns
    if word.startswith("-DOCSTART-"):
        return "a token that reads as -DOCSTART-"
    if not _TAG.fullmatch(tag):
        return f"tag {tag!r} is not O, B-LABEL or I-LABEL"
    if tag.startswith("I-"):
        before = previous.split(" ")[-1] if previous and previous != DOCSTART else ""
        if before not in (f"B-{tag[2:]}", f"I-{tag[2:]}"):
            return f"{tag} does not continue a {tag[2:]} entity (IOB2)"
    return None
