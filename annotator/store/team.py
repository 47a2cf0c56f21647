"""Reads for team figures: each annotator's labels of each document, as plain rows.

Two sources: one annotator's own project file (:func:`project_labels`), or the versions a merged
project keeps (:func:`merged_labels`). Documents are named by their content hash
(``documents.hash``), which is how the same article is matched across files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from annotator.domain import Status
from annotator.store.db import Store

CONFIRMED = "(annotator IS NOT NULL OR origin = 'human')"


@dataclass
class DocLabels:
    """One annotator's labels of one document: confirmed spans ``(start, end, label)`` and
    sections ``{block: label}``."""

    hash: str
    title: str
    text: str
    status: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    sections: dict[int, str] = field(default_factory=dict)


def project_name(store: Store) -> str:
    """Who a project file belongs to: the name on most of its confirmed labels, else the file's
    name without ``.db``."""
    counts: Counter[str] = Counter()
    for table in ("spans", "sections"):
        counts.update(dict(store.conn.execute(
            f"SELECT annotator, count(*) FROM {table} WHERE annotator IS NOT NULL "
            "GROUP BY annotator")))
    return counts.most_common(1)[0][0] if counts else store.path.stem


def project_labels(store: Store, unfinished: bool = False) -> Iterator[DocLabels]:
    """Each document the annotator accepted (with ``unfinished``, also those in progress that
    carry a confirmed label), a batch at a time; rejected and skipped ones are not theirs to
    compare."""
    statuses = [Status.ACCEPTED] + ([Status.IN_PROGRESS, Status.NEW] if unfinished else [])
    for batch in store.documents.iter(statuses, batch_size=200):
        ids = [d.id for d in batch]
        spans = store.spans.of_many(ids)
        sections = store.sections.of_many(ids)
        for doc in batch:
            mine = [s for s in spans[doc.id] if s.confirmed]
            tagged = [s for s in sections[doc.id] if s.confirmed]
            if doc.status != Status.ACCEPTED and not (mine or tagged):
                continue
            yield DocLabels(doc.hash, _title(store, doc.id), doc.text, doc.status.value,
                            [(s.start, s.end, s.label) for s in mine],
                            {s.block: s.label for s in tagged})


def merged_labels(store: Store, unfinished: bool = False) -> dict[str, list[DocLabels]]:
    """Per annotator, their versions of the documents of a merged project (with
    ``unfinished``, also versions not accepted)."""
    out: dict[str, list[DocLabels]] = {}
    for ids in store.curation.iter_merged():
        versions = store.curation.versions_of_many(ids)
        for doc_id in ids:
            doc = store.documents.get(doc_id)
            for name, v in versions.get(doc_id, {}).items():
                if v.status != Status.ACCEPTED.value and not (unfinished and v.status in (
                        Status.IN_PROGRESS.value, Status.NEW.value)):
                    continue
                out.setdefault(name, []).append(DocLabels(
                    doc.hash, _title(store, doc_id), doc.text, v.status, list(v.spans),
                    {b: label for b, _s, _e, label in v.sections}))
    return out


def _title(store: Store, doc_id: int) -> str:
    row = store.conn.execute("SELECT title FROM documents WHERE id = ?", [doc_id]).fetchone()
    return row[0] if row else ""
