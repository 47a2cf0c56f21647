"""Analyse documents for pre-annotation: entity candidates from spaCy (and match patterns) plus a
suggested section for every block, as plain data (``annotator.services.preannotation`` reads the
documents from the store and writes the suggestions back).

With ``n_process > 1`` the analysis runs in worker processes. Where it is safe (Linux, a process
with no other Python thread and no Qt loaded: the command line) they are started with ``fork``, as
spaCy's own ``nlp.pipe(n_process=...)`` starts them: each worker inherits the model the caller
already loaded instead of importing spaCy and loading the model again (about 2 s of CPU per
worker, measured with en_core_web_sm). Anywhere else (the desktop app, whose Qt threads must not
be forked, or a process with threads of its own) they are started with ``spawn`` and load the
model themselves. Workers return plain tuples, not ``Doc`` objects, which is cheaper to send back
than spaCy's own multiprocessing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.domain import PATTERN, blocks, model_origin, snap_to_clusters, word_range
from annotator.nlp.patterns import (
    SPANS_KEY,
    add_pattern_ruler,
)
from annotator.nlp.pieces import PIECE_CHARS, text_pieces
from annotator.nlp.pipeline import load_model, model_id
from annotator.nlp.processes import pool_map, start_method
from annotator.nlp.section_features import SectionPage, SiteEvidence
from annotator.nlp.section_model import SectionModel, load_base
from annotator.nlp.tokens import cache_key_of, normed_words, runs_of_doc

log = logging.getLogger(__name__)

# (start, end, label, source) per entity: what crosses a process boundary instead of a Doc.
EntityTuple = tuple[int, int, str, str]
# (doc_id, text, html or None, per-block features or None[, site evidence or None[, site or
# None]]): one document to analyse; the evidence (counts from the other documents of its site,
# see :class:`annotator.nlp.section_features.SiteEvidence`) and the site (whose weights a
# project's section model reads it with, :meth:`SectionModel.for_site`) are optional.
Item = (tuple[int, str, str | None, list[dict] | None]
        | tuple[int, str, str | None, list[dict] | None, SiteEvidence | None]
        | tuple[int, str, str | None, list[dict] | None, SiteEvidence | None, str | None])


@dataclass
class Analysis:
    """The plain-data result for one document."""

    doc_id: int
    entities: list[EntityTuple]
    sections: list[tuple[int, int, int, str]]
    tokens: int
    section_origin: str = ""  # model:sections@N: the section model that made ``sections``
    runs: bytes | None = None  # its tokens for the token cache (Analyzer.tokens_key), if any


@dataclass
class Analyzer:
    """Everything a (worker) process needs to analyse documents the same way: the model name,
    match patterns, the project's labels and the section classifier (``section_model``; None =
    the base model shipped in the package). :meth:`load` loads the spaCy model (raises
    :class:`annotator.nlp.pipeline.ModelNotFound`); ``origin`` is then ``model:NAME@VERSION`` and
    ``section_origin`` ``model:sections@N``."""

    model: str
    patterns: list[dict[str, Any]]
    entity_labels: frozenset[str]
    section_labels: frozenset[str]
    origin: str = ""
    nlp: Any = None
    name: str = ""  # the identity to stamp instead of NAME@VERSION (a project's ``ner-N``)
    section_model: SectionModel | None = None
    section_origin: str = ""
    tokens_key: str = ""  # the token cache key its Docs' tokens go under ("": not cached)

    def load(self) -> None:
        self.nlp = load_model(self.model)
        self.origin = model_origin(self.name or model_id(self.nlp))
        if self.section_model is None:
            self.section_model = load_base()
        self.section_origin = model_origin(self.section_model.origin_id)
        if self.patterns:
            add_pattern_ruler(self.nlp, self.patterns)
        self.tokens_key = cache_key_of(self.nlp)


def analyse_batches(setup: Analyzer, batches: Iterator[list[Item]],
                    n_process: int = 1) -> Iterator[list[Analysis]]:
    """Analyses of each batch in order, here or in ``n_process`` spawned workers; closing the
    generator stops the workers."""
    if n_process > 1:
        return pooled(setup, batches, n_process)
    return (analyse(setup, batch) for batch in batches)


# Long documents go through spaCy in pieces of PIECE_CHARS characters (an article is one piece;
# see annotator.nlp.pieces, which entity training shares), and a batch's pieces go through spaCy
# this many characters at a time.
BATCH_CHARS = 1_000_000


def analyse(setup: Analyzer, items: Sequence[Item]) -> list[Analysis]:
    """Entities and section suggestions for a batch, as plain data."""
    nlp = setup.nlp
    limit = min(nlp.max_length, PIECE_CHARS)
    pieces = [(piece, (i, offset, piece)) for i, item in enumerate(items)
              for offset, piece in text_pieces(item[1], limit)]
    chars = sum(len(p) for p, _ in pieces)
    size = len(pieces) if chars <= BATCH_CHARS else max(1, len(pieces) * BATCH_CHARS // chars)
    found: list[list[EntityTuple]] = [[] for _ in items]
    tokens = [0] * len(items)
    # The tokens of a document analysed whole (one piece) go to the token cache: the exports'
    # tokenizer would make the same (see Analyzer.tokens_key); a text cut into pieces would not
    # be tokenized the same at the cuts, so it is not cached.
    runs: list[bytes | None] = [None] * len(items)
    normed = normed_words(nlp) if setup.tokens_key else None
    for doc, (i, offset, piece) in nlp.pipe(pieces, as_tuples=True, batch_size=size or 1):
        found[i] += doc_entities(doc, piece, setup.entity_labels, setup.origin, offset)
        tokens[i] += len(doc)
        if normed is not None and offset == 0 and len(piece) == len(items[i][1]):
            runs[i] = runs_of_doc(doc, piece, normed)
    out = []
    for item, ents, n_tokens, run in zip(items, found, tokens, runs, strict=True):
        out.append(Analysis(item[0], ents, section_suggestions(item, setup), n_tokens,
                            setup.section_origin, run))
    return out


def section_suggestions(item: Item, setup: Analyzer) -> list[tuple[int, int, int, str]]:
    """``(block, start, end, label)`` the section model suggests for one item, for the labels
    the project has."""
    doc_id, text, html, features, *rest = item
    evidence = rest[0] if rest else None
    site = rest[1] if len(rest) > 1 else None
    model = setup.section_model or load_base()
    labels = model.predict(SectionPage(text, html, features, site), evidence)
    return [(b.index, b.start, b.end, label)
            for b, label in zip(blocks(text), labels, strict=True)
            if label is not None and label in setup.section_labels]


def doc_entities(doc: Any, text: str, labels: frozenset[str], source: str,
                 offset: int = 0) -> list[EntityTuple]:
    """Entities of ``doc`` (made from ``text``) whose label the project has, credited to
    ``pattern`` when a pattern matched exactly that span. Entities that cross a line break are
    dropped (a block is one line). Each span's edges go through
    :func:`annotator.domain.word_range`: onto grapheme-cluster boundaries (spaCy cuts an emoji
    ZWJ sequence, a flag or a skin tone into tokens, and a model's entity can start inside one:
    "👧 Apple Inc."), without edge whitespace, emoji or loose punctuation; one with no word
    left is dropped. Entity text is sliced from ``text``: ``Span.text`` would rebuild it token
    by token."""
    matched = set()
    if SPANS_KEY in doc.spans:
        matched = {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]}
    out: list[EntityTuple] = []
    for ent in doc.ents:
        label = ent.label_
        if label not in labels:
            continue
        begin, end = ent.start_char, ent.end_char
        src = PATTERN if (begin, end, label) in matched else source
        edges = word_range(text, begin, end)
        if edges is None:
            continue
        start, stop = edges
        if src != PATTERN:  # a pattern's match is exactly what the person wrote
            stop = start + len(without_possessive(text[start:stop]))
        if "\n" in text[start:stop]:
            continue
        # An untrimmed entity is on its own tokens; a trimmed one may end inside a token:
        # "👍" + "🏽Emmanuel" (Doc.char_span makes a Span: asked only when the edges moved)
        if (start, stop) != (begin, end) and doc.char_span(start, stop) is None:
            start, stop = on_tokens(doc, text, start, stop)
        out.append((start + offset, stop + offset, label, src))
    return out


def on_tokens(doc: Any, text: str, start: int, stop: int) -> tuple[int, int]:
    """A trimmed suggestion that starts or ends inside one of the doc's tokens (spaCy glues
    the second piece of a cut emoji to the next word) widened to the whole emoji's grapheme
    cluster, where a token starts: the span a person's selection makes there too
    (:class:`annotator.core.tokens.TokenGrid`), which the spaCy and CoNLL exports take. Left
    as it is when that does not land on tokens either (the exports then list it)."""
    tokens = doc.char_span(start, stop, alignment_mode="expand")
    if tokens is None:
        return start, stop
    wide = snap_to_clusters(text, tokens.start_char, tokens.end_char)
    return wide if doc.char_span(*wide) is not None else (start, stop)


# A trailing possessive: 's or ’s (any case), or a bare apostrophe after an s ("the Smiths'").
_POSSESSIVE = re.compile(r"(?:['’][sS]|(?<=[sS])['’])$")


def without_possessive(entity: str) -> str:
    """``entity`` without a trailing possessive ("Obama's" -> "Obama", "the Joneses'" -> "the
    Joneses"), as a person's selection snaps (:mod:`annotator.core.tokens`): spaCy's models
    often tag the possessive with the name. Unchanged when nothing would be left; code points."""
    found = _POSSESSIVE.search(entity)
    if found is None:
        return entity
    kept = entity[:found.start()].rstrip()
    return kept if kept else entity


# -- worker processes ----------------------------------------------------------------------------

_WORKER: Analyzer | None = None


def _init_worker(setup: Analyzer) -> None:
    global _WORKER
    if setup.nlp is None:  # spawned: nothing inherited
        setup.load()
    _WORKER = setup


def _work(items: list[Item]) -> list[Analysis]:
    assert _WORKER is not None, "worker not initialised"
    return analyse(_WORKER, items)


def pooled(setup: Analyzer, batches: Iterator[list[Item]], n_process: int) -> Iterator[
    list[Analysis]
]:
    """Analyse batches in ``n_process`` worker processes, a few batches ahead, results in order.

    Forked workers (see :func:`start_method`) inherit ``setup`` with its loaded model; spawned
    ones get a copy without it and load the model themselves. Closing the generator (the caller
    stopped) cancels batches not yet started."""
    method = start_method()
    if method == "fork" and setup.nlp is not None:
        initial = setup
    else:
        initial = Analyzer(setup.model, setup.patterns, setup.entity_labels,
                           setup.section_labels, name=setup.name,
                           section_model=setup.section_model)
    log.debug("starting %d %s workers", n_process, method)
    yield from pool_map(_work, batches, n_process, method, _init_worker, (initial,))
