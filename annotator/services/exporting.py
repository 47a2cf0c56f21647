"""Exports, as one task for the CLI and the window: documents read from the store a batch at a
time, handed as plain items to the ``io`` writers (and to ``nlp.docbin`` for spaCy's DocBins).

The output appears only when the export finished: a failure or a Cancel leaves no file behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.changes import Changes
from annotator.core.collector import collector_paused
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import Misaligned, Status, count
from annotator.io.atomic import staging_folder
from annotator.io.export import Item, export_meta, export_statuses, write_jsonl, write_text
from annotator.io.training_formats import (
    Split,
    TrainingExport,
    source_of,
    split_documents,
    training_statuses,
    write_conll,
)
from annotator.nlp.tokens import tokenizer_id
from annotator.services.export_formats import FILE_FORMATS, JSONL_FORMATS
from annotator.services.export_pool import (
    chunked,
    conll_chunk,
    docbin_chunk,
    docbin_items,
    export_workers,
    jsonl_chunk,
    ordered_map,
)
from annotator.store import Store

# Formats that tokenize, and so read the token cache (a document's tokens cached by the exports'
# tokenizer are the ones it would make: the same output, without tokenizing again).
TOKEN_FORMATS = ("prodigy", "spacy", "conll")
# Formats that write no entity spans, so the export does not read them.
SPANLESS_FORMATS = ("blocks",)

if TYPE_CHECKING:
    from annotator.nlp.docbin import DocBinExport


@dataclass
class ExportReport:
    """What an export wrote: ``count`` records (documents, or blocks for ``blocks``), the spans
    it could not represent, and for ``spacy`` the files and the split. ``written`` is False when
    misaligned spans stopped it (nothing was written)."""

    fmt: str
    out: str
    count: int = 0
    misaligned: list[Misaligned] = field(default_factory=list)
    files: dict[str, int] | None = None
    split: Split | None = None
    written: bool = True

    @property
    def unit(self) -> str:
        return "block" if self.fmt == "blocks" else "document"

    @property
    def changes(self) -> Changes:
        return Changes(origin="export")  # an export changes nothing in the project

    def text(self) -> str:
        note = (f"; {count(len(self.misaligned), 'span')} the format cannot hold left out"
                if self.misaligned and self.written else "")
        return f"Exported {count(self.count, self.unit)} as {self.fmt} to {self.out}{note}"


def iter_items(store: Store, statuses: list[Status] | None, batch_size: int = 500,
               provenance: bool = True, tokenizer: str | None = None,
               with_spans: bool = True) -> Iterator[Item]:
    """Documents of the given statuses (``None``: all) with their labels, a batch at a time
    (never the whole project). ``provenance=False`` leaves out who made each span. With
    ``tokenizer`` (:func:`annotator.nlp.tokens.tokenizer_id`), each item carries its tokens
    by that tokenizer when the token cache holds them. ``with_spans=False`` reads no spans
    (every item's ``spans`` is empty): for formats that write none (``blocks``), where reading
    them was half the export's time (36 spans a document against 5 sections)."""
    for docs in store.documents.iter(statuses, batch_size=batch_size):
        ids = [d.id for d in docs]
        spans = store.spans.of_many(ids, provenance=provenance) if with_spans else {}
        sections = store.sections.of_many(ids)
        runs = store.tokens.of_many(ids, tokenizer) if tokenizer else {}
        for doc in docs:
            yield Item(doc, spans.get(doc.id, []), sections[doc.id], runs.get(doc.id))


def statuses_for(fmt: str, include_all: bool) -> list[Status] | None:
    """Finished documents by default (``--all``: every one); training formats take accepted
    ones (``--all``: all but rejected)."""
    if fmt in FILE_FORMATS or fmt == "blocks":
        return training_statuses(include_all)
    return export_statuses(include_all)


def export(
    store: Store,
    fmt: str,
    out: str | Path,
    *,
    include_all: bool = False,
    split: float | None = None,
    seed: int = 0,
    skip_misaligned: bool = False,
    shard_size: int = 0,
    workers: int | None = None,
    progress: Progress = no_progress,
    should_stop: ShouldStop = never,
) -> ExportReport:
    """Export in any format of :mod:`annotator.services.export_formats`. ``progress`` counts
    documents; a stop raises :class:`Cancelled` and leaves no output. ``workers``: processes
    that tokenize (prodigy, spacy, conll; ``None``: one per idle core for a large export, see
    :mod:`annotator.services.export_pool`); the output is the same whatever the number. Raises
    ``ValueError`` for an unknown format or a bad split, ``FileExistsError`` when a spacy folder
    holds other files."""
    if fmt not in JSONL_FORMATS and fmt not in FILE_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    # the cycle collector off for text exports (see annotator.core.collector); spaCy's Docs
    # may hold cycles
    with collector_paused(fmt != "spacy"):
        return _export(store, fmt, out, include_all, split, seed, skip_misaligned, shard_size,
                       workers, progress, should_stop)


def _export(store: Store, fmt: str, out: str | Path, include_all: bool, split: float | None,
            seed: int, skip_misaligned: bool, shard_size: int, workers: int | None,
            progress: Progress, should_stop: ShouldStop) -> ExportReport:
    statuses = statuses_for(fmt, include_all)
    total = len(store.documents.ids(statuses))
    report = ExportReport(fmt, str(out))
    step = _stepper(total, progress, should_stop)
    lang = store.settings.get("lang", "en") or "en"
    tokenizer = tokenizer_id(lang) if fmt in TOKEN_FORMATS else None
    items = iter_items(store, statuses, provenance=False, tokenizer=tokenizer,
                       with_spans=fmt not in SPANLESS_FORMATS)
    # prodigy and conll workers pay for the documents still to tokenize (the token cache's are
    # read, not made: a few % of the work); spacy's still make every Doc and DocBin entry.
    cached = store.tokens.count(tokenizer) if tokenizer and fmt != "spacy" else 0
    workers = export_workers(fmt, max(0, total - cached), workers)
    if fmt in JSONL_FORMATS:
        writer = JSONL_FORMATS[fmt](lang, report.misaligned.append)
        keep = lambda: skip_misaligned or not report.misaligned  # noqa: E731
        if workers > 1:
            write_text(_pooled(partial(jsonl_chunk, fmt, lang), chunked(items), workers, lang,
                               report, step), out, keep)
        else:
            report.count = write_jsonl(items, writer, out, on_item=step, keep=keep)
        report.written = skip_misaligned or not report.misaligned or str(out) == "-"
    elif fmt == "spacy":
        ratio_split = _split(store, statuses, split, seed) if split is not None else None
        _fill(report, write_spacy(items, Path(out), lang, store.labels.names("section"),
                                  ratio_split, skip_misaligned, shard_size, step, workers))
    elif workers > 1:
        report.written = write_text(_pooled(partial(conll_chunk, lang), chunked(items), workers,
                                            lang, report, step), out,
                                    keep=lambda: skip_misaligned or not report.misaligned)
    else:
        from annotator.nlp.tokens import make_tokenizer

        _fill(report, write_conll(items, out, make_tokenizer(lang), skip_misaligned, step))
    return report


def _pooled(work: Callable[[list], tuple], chunks: Iterator[list], workers: int, lang: str,
            report: ExportReport, step: Callable[[], None]) -> Iterator[str]:
    """The chunks' text from the workers, in order; their records counted into ``report`` and
    their problems added to it. Progress moves a document at a time once a chunk's text is
    written (``step`` raising :class:`Cancelled` stops the pool)."""
    with closing(ordered_map(work, chunks, workers, lang)) as results:
        for text, documents, records, problems in results:
            report.misaligned += problems
            report.count += records
            yield text
            for _ in range(documents):
                step()


def _fill(report: ExportReport, result: TrainingExport) -> None:
    report.count = result.documents
    report.misaligned = result.misaligned or []
    report.files = result.files
    report.split = result.split
    report.written = result.written


def _stepper(total: int, progress: Progress, should_stop: ShouldStop) -> Callable[[], None]:
    done = [0]

    def step() -> None:
        done[0] += 1
        progress(done[0], total, f"Exporting {done[0]} of {total}")
        if should_stop():
            raise Cancelled()

    return step


def _split(store: Store, statuses: list[Status] | None, ratio: float, seed: int) -> Split:
    """Read only ids and sources (a batch at a time) and split them, keeping each source and
    each near-duplicate group on one side."""
    keys = [(doc.id, source_of(doc)) for batch in store.documents.iter(statuses)
            for doc in batch]
    groups = store.near_dups.groups_of([doc_id for doc_id, _ in keys])
    return split_documents(keys, ratio, seed, groups)


def write_spacy(items: Iterator[Item], out_dir: Path, lang: str, section_labels: list[str],
                split: Split | None = None, skip_misaligned: bool = False,
                shard_size: int = 0, on_item: Callable[[], None] | None = None,
                workers: int = 1) -> TrainingExport:
    """DocBins of the items into ``out_dir`` (see :mod:`annotator.nlp.docbin` for the layout):
    ``train.spacy``/``dev.spacy`` with ``split``, else ``corpus.spacy``; ``blocks-*.spacy`` for
    the section classifier. With misaligned spans and no ``skip_misaligned`` nothing is written.
    ``on_item`` runs after each document (progress; an exception it raises, e.g. a cancel,
    leaves the folder as it was). ``workers > 1`` makes the Docs in that many processes (the
    same files)."""
    from annotator.nlp.docbin import DocBinExport, cached_msgpack_codecs  # spaCy only here

    result = TrainingExport(misaligned=[], split=split)
    with staging_folder(out_dir) as staging:  # removed on the way out, whatever happens
        exporter = DocBinExport(out_dir, lang, section_labels, shard_size, staging=staging)
        with cached_msgpack_codecs():
            for bad in _docs_added(exporter, items, split, workers):
                result.misaligned += bad
                result.documents += 1
                if on_item is not None:
                    on_item()
            if result.misaligned and not skip_misaligned:
                return result
            result.files = exporter.commit()
        result.written = True
    return result


def _docs_added(exporter: DocBinExport, items: Iterator[Item], split: Split | None,
                workers: int) -> Iterator[list[Misaligned]]:
    """Add each item to ``exporter`` (here, or made in ``workers`` processes and merged here, in
    order); yields each document's spans that did not align once it is added."""
    sided = ((split.side(item.doc.id) if split else "corpus", item) for item in items)
    if workers <= 1:
        for side, item in sided:
            yield exporter.add(side, item.doc.id, item.doc.text, item.spans, item.sections,
                               export_meta(item.doc), item.tokens)
        return
    work = partial(docbin_chunk, exporter.lang, exporter.section_labels)
    chunks = (docbin_items(chunk) for chunk in chunked(sided))
    with closing(ordered_map(work, chunks, workers, exporter.lang)) as results:
        for (entries, bad_per_doc), _, _, _ in results:
            exporter.add_entries(entries)
            yield from bad_per_doc
