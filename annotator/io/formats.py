"""Record writers for the JSONL exports: Prodigy ``ner_manual`` tasks and doccano sequence labels.

Both are pure functions of one :class:`Item`; tokens come from a tokenizer callable handed in by the
caller, so this module needs no spaCy (only ``annotator.nlp`` imports it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from json.encoder import c_encode_basestring, py_encode_basestring  # type: ignore[attr-defined]
from typing import Any

from annotator.domain import Misaligned, Status, section_ranges
from annotator.io.alignment import (
    Token,
    TokenIndex,
    Tokenize,
    TokenTable,
    table_of,
    tokens_of,
    unexportable,
)
from annotator.io.export import NESTED_META, OWN_META_KEYS, Item, export_meta

__all__ = ["Token", "Tokenize", "doccano_record", "prodigy_lines", "prodigy_writer",
           "token_bounds"]

ANSWERS = {Status.ACCEPTED: "accept", Status.REJECTED: "reject", Status.SKIPPED: "ignore"}


def hash32(value: str) -> int:
    """Stable signed 32-bit hash (MurmurHash3 x86_32, seed 0: what Prodigy's hashes use)."""
    from murmurhash.mrmr import hash as murmur  # ships with spaCy; tiny C extension

    return murmur(value)


def input_hash(text: str) -> int:
    return hash32(json.dumps({"text": text}, ensure_ascii=False))


def task_hash(in_hash: int, spans: list[dict[str, Any]]) -> int:
    """From the input hash and the labels, so two annotations of one text get two task hashes."""
    labels = sorted((s["start"], s["end"], s["label"]) for s in spans)
    return hash32(json.dumps([in_hash, labels]))


def token_bounds(text: str, tokens: list[Token], start: int, end: int) -> tuple[int, int] | str:
    """Indices of the first and last (inclusive) tokens that make up exactly ``text[start:end]``,
    or the reason it is not on token boundaries (see :mod:`annotator.io.alignment`)."""
    return TokenIndex(tokens).align(text, start, end)


def sections_of(item: Item) -> list[tuple[int, int, str]]:
    return section_ranges(item.sections)


def prodigy_writer(
    tokenize: Tokenize, on_misaligned: Callable[[Misaligned], None]
) -> Callable[[Item], Iterator[dict[str, Any]]]:
    """Prodigy's ``ner_manual`` shape, plus our ``sections`` (FORMATS.md).

    ``token_start``/``token_end`` are exactly the tokens inside a span. A span that is not on
    token boundaries, or has whitespace at an edge, has no such tokens: it is left out of the
    record and handed to ``on_misaligned`` (Prodigy itself refuses such a span with "Mismatched
    tokenization"); the caller reports it and decides whether the export stands."""

    def write(item: Item) -> Iterator[dict[str, Any]]:
        text = item.doc.text
        tokens = tokens_of(tokenize, text, item.tokens)
        head = {"text": text, "tokens": tokens}
        yield head | _prodigy_rest(item, TokenIndex(tokens), on_misaligned)

    return write


def prodigy_lines(
    tokenize: Tokenize, on_misaligned: Callable[[Misaligned], None]
) -> Callable[[Item], Iterator[dict[str, Any] | str]]:
    """:func:`prodigy_writer`'s records already encoded, the same text ``json`` makes of them
    (what the export writes): the tokens go from a :class:`TokenTable` straight into JSON, no
    dict a token (half the work of encoding them, measured). With a tokenizer that has no
    ``codes`` the records are :func:`prodigy_writer`'s dicts."""
    dicts = prodigy_writer(tokenize, on_misaligned)

    def write(item: Item) -> Iterator[dict[str, Any] | str]:
        text = item.doc.text
        table = table_of(tokenize, text, item.tokens)
        if table is None:
            yield from dicts(item)
            return
        rest = _prodigy_rest(item, TokenIndex.of_table(table), on_misaligned, _quote(text))
        yield (f'{{"text": {_quote(text)}, "tokens": {tokens_json(text, table)}, '
               f"{_encode(rest)[1:]}")

    return write


def tokens_json(text: str, table: TokenTable) -> str:
    """The JSON of the token list :func:`annotator.nlp.tokens.make_tokenizer` gives, from a
    table: exactly what ``json`` writes of those dicts (same keys, order and separators)."""
    quote = _quote
    return "[" + ", ".join([
        (_TOKEN_WS if space else _TOKEN) % (quote(text[start:end]), start, end, i)
        for i, (start, end, space) in enumerate(zip(table.starts, table.ends, table.spaces,
                                                    strict=True))]) + "]"


_TOKEN = '{"text": %s, "start": %d, "end": %d, "id": %d, "ws": false}'
_TOKEN_WS = '{"text": %s, "start": %d, "end": %d, "id": %d, "ws": true}'
_quote = c_encode_basestring or py_encode_basestring  # a str as JSON, non-ASCII kept
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _prodigy_rest(item: Item, index: TokenIndex, on_misaligned: Callable[[Misaligned], None],
                  quoted: str | None = None) -> dict[str, Any]:
    """Everything of a prodigy record after its text and tokens, in order. ``quoted``: the text
    as JSON, if the caller has it (the input hash is of ``{"text": ...}``)."""
    text = item.doc.text
    spans = []
    for span in item.spans:
        aligned = index.align(text, span.start, span.end)
        if isinstance(aligned, str):
            on_misaligned(unexportable(item.doc.id, text, span.start, span.end, span.label,
                                       aligned))
            continue
        spans.append({"start": span.start, "end": span.end, "token_start": aligned[0],
                      "token_end": aligned[1], "label": span.label})
    in_hash = (input_hash(text) if quoted is None
               else hash32(f'{{"text": {quoted}}}'))  # json.dumps({"text": text}), no dict
    record: dict[str, Any] = {
        "spans": spans,
        "sections": [{"start": s, "end": e, "label": label}
                     for s, e, label in sections_of(item)],
        "meta": export_meta(item.doc),
    }
    if item.doc.status in ANSWERS:
        record["answer"] = ANSWERS[item.doc.status]
    record["_input_hash"] = in_hash
    record["_task_hash"] = task_hash(in_hash, spans)
    record["_view_id"] = "ner_manual"
    return record


# Top-level keys that doccano, Prodigy, Label Studio or our own reader give a meaning to (plus
# every "_"-prefixed key, Prodigy's). A meta key with one of these names is not flattened.
DOCCANO_RESERVED = frozenset({
    "id", "text", "label", "labels", "sections", "spans", "entities", "relations", "tokens",
    "meta", "answer", "status", "doc_id", "annotations", "predictions", "data", "cats",
    "accept", "options", "comments", "Comments",
})


def doccano_reserved(key: str) -> bool:
    """Whether a meta key cannot go to the top level of a doccano record."""
    return key in DOCCANO_RESERVED or key.startswith("_")


def doccano_record(item: Item) -> Iterator[dict[str, Any]]:
    """doccano's sequence-labelling export: meta keys flattened to the top level, as doccano's
    own export does, except those whose name the record or an importer already uses
    (:data:`DOCCANO_RESERVED`: ``id``, ``label``, ``text``, ``status``, ...). Those go, unchanged,
    under ``"meta"``, so every meta key survives and a clash is visible:
    ``{"id": 7, "text": ..., "label": [...], "site": "x", "meta": {"id": "abc"}}``.

    Made straight from the document (no :func:`export_meta` dict in between: this is most of a
    doccano export's own work), with the same keys in the same order: the record's, then the
    meta keys in their order, then ``source`` unless the meta has it; under ``"meta"`` first
    the keys that clash with :func:`export_meta`'s, then the other reserved ones."""
    doc = item.doc
    record: dict[str, Any] = {
        "id": doc.id,
        "text": doc.text,
        "label": [[s[0], s[1], s[2]] for s in item.spans],  # start, end, label
        "sections": [[s, e, label] for s, e, label in sections_of(item)] if item.sections
        else [],
        "status": doc.status.value,
    }
    nested: dict[str, Any] = {}
    reserved: dict[str, Any] = {}
    for key, value in doc.meta.items():
        if key in OWN_META_KEYS or key == NESTED_META:
            nested[key] = value
        elif key in DOCCANO_RESERVED or key[:1] == "_":
            reserved[key] = value
        else:
            record[key] = value
    if "source" not in doc.meta:
        record["source"] = doc.source
    if nested or reserved:
        record[NESTED_META] = nested | reserved
    yield record
