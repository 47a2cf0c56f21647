"""Merge other annotators' project files into one, as a curator would: nothing lost, who labelled
what kept, span by span.

Documents are matched by content hash. For each document of a source file:

- **not in the target**: copied with its status, meta, spans and sections (each keeps its ``origin``
  and ``annotator``), its HTML page and pre-annotation bookkeeping; the source's labels are
  recorded as its annotator's version;
- **untouched in the source** (status ``new`` and no confirmed label): nothing to take;
- **untouched in the target**: the source's labels and status replace the target's machine
  suggestions (there was no person's work to lose);
- **labelled in both**: each side's confirmed labels are kept as that annotator's **version**
  (``store.curation``; the target's own at its first merge, the source's replacing an earlier
  merge of the same annotator), and the document's labels become the **gold** that the versions
  give (:func:`annotator.core.curation.gold`, passed in as ``curate``): what they all agree on,
  plus what a curator already settled. Where they disagree the gold holds nothing until a
  curator picks an alternative; such a document is ``in_progress``.

Annotators are named by the names on their labels (``Span.annotator``), else by the source
file's most used name, else its file name. The source file is opened read-only: merging never
changes another annotator's project.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain import HUMAN, Status, blocks, count, validate_label_name
from annotator.store.base import now
from annotator.store.bulk import ensure_labels, index_documents
from annotator.store.curation import RegionKey, Version
from annotator.store.db import Store
from annotator.store.sections import INSERT_SECTION
from annotator.store.spans import INSERT_SPAN

BATCH = 50  # documents per transaction: the write lock is held briefly (see LOCK_SECONDS)
DOC_FIELDS = "id, hash, text, source, title, meta, status, created_at, updated_at"
UNFINISHED = {Status.NEW.value, Status.IN_PROGRESS.value}
FINISHED = {Status.ACCEPTED.value, Status.REJECTED.value}


@dataclass(frozen=True)
class Gold:
    """What ``curate`` returns: the document's labels after the merge, and a line for each
    disagreement still open (``entity “Macron”: PERSON (maria) | ORG (bob)``)."""

    spans: list[tuple[int, int, str]]
    sections: dict[int, str]
    open: list[str]


# (text, versions by annotator, gold spans now, gold sections now, settled regions, the
# spans and blocks of the gold a curator made, which no version names) -> Gold
Curate = Callable[[str, dict[str, Version], list[tuple[int, int, str]], dict[int, str],
                   set[RegionKey], set], Gold]


@dataclass
class DocLabels:
    """One project's labels of one document, each row with its origin and annotator."""

    status: str
    spans: list[dict[str, Any]]
    sections: list[dict[str, Any]]

    def confirmed(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in getattr(self, kind)
                if r["annotator"] is not None or r["origin"] == HUMAN]

    @property
    def touched(self) -> bool:
        """A person has worked on it: its status moved on or a label is confirmed."""
        return self.status != Status.NEW.value or bool(
            self.confirmed("spans") or self.confirmed("sections"))

    def annotators(self) -> list[str]:
        return sorted({r["annotator"] for r in self.spans + self.sections if r["annotator"]})

    def version(self, fallback: str, origin: str) -> Version:
        """The annotator's version: confirmed labels only (suggestions are no one's choice)."""
        return Version(", ".join(self.annotators()) or fallback, origin, self.status,
                       [(r["start"], r["end"], r["label"]) for r in self.confirmed("spans")],
                       [(r["block"], r["start"], r["end"], r["label"])
                        for r in self.confirmed("sections")])


@dataclass
class Conflict:
    """A document whose annotators disagree: ``open`` says where and who chose what."""

    doc_id: int
    title: str
    annotators: list[str]
    open: list[str]

    def __str__(self) -> str:
        who = ", ".join(self.annotators)
        return f"document {self.doc_id} {self.title!r} ({who}): " + "; ".join(self.open)


@dataclass
class MergeReport:
    origin: str
    added: int = 0
    agreed: int = 0
    adopted: int = 0
    status_taken: int = 0
    skipped_untouched: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.origin}: {count(self.added, 'document')} added, {self.agreed} agree, "
                f"{self.adopted} labelled only there (taken), "
                f"{count(self.status_taken, 'status', 'statuses')} taken, "
                f"{self.skipped_untouched} unlabelled there, "
                f"{len(self.conflicts)} with disagreements")

    def conflict_lines(self) -> list[str]:
        return [str(c) for c in self.conflicts]


def merge_project(store: Store, path: Path, curate: Curate) -> MergeReport:
    """Merge one project file into ``store``; one transaction per batch of documents.
    ``curate`` computes a document's gold labels from its versions
    (``annotator.services.merging`` passes :func:`annotator.core.curation.gold`)."""
    if path.resolve() == store.path.resolve():
        raise ValueError(f"{path}: cannot merge a project into itself")
    report = MergeReport(str(path))
    src = _open_read_only(path)
    try:
        _check_label_names(src, path)
        names = _Names(_main_annotator(src, path), _main_annotator(store.conn, store.path))
        known = {kind: set(store.labels.names(kind)) for kind in ("entity", "section")}
        for rows in _source_batches(src):
            versions = _doc_labels(src, [r[0] for r in rows])
            with store.transaction() as conn:
                for row in rows:
                    _merge_document(store, conn, src, row, versions[row[0]], report, names,
                                    curate)
                ensure_labels(conn, "entity", _labels_in(versions, "spans"), known)
                ensure_labels(conn, "section", _labels_in(versions, "sections"), known)
    finally:
        src.close()
    return report


@dataclass(frozen=True)
class _Names:
    source: str  # the source file's annotator when a document's labels name nobody
    target: str


def _main_annotator(conn: sqlite3.Connection, path: Path) -> str:
    """The name on most of a project's confirmed labels, else the file's name."""
    counts: Counter[str] = Counter()
    for table in ("spans", "sections"):
        counts.update(dict(conn.execute(
            f"SELECT annotator, count(*) FROM {table} WHERE annotator IS NOT NULL "
            "GROUP BY annotator")))
    return counts.most_common(1)[0][0] if counts else Path(path).stem


def _check_label_names(src: sqlite3.Connection, path: Path) -> None:
    """A source whose labels the target would refuse (made before names were checked) is not
    merged at all, rather than in part: ``ValueError`` says which label and how to fix it."""
    for table in ("spans", "sections"):
        for (name,) in src.execute(f"SELECT DISTINCT label FROM {table}"):
            reason = validate_label_name(name)
            if reason:
                raise ValueError(f"{path}: {reason}; rename it there first (annotator labels "
                                 f"rename --db {path} ...)")


def _open_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such project file")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("SELECT hash FROM documents LIMIT 1")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ValueError(f"{path}: not an annotator project file ({exc})") from exc
    return conn


def _source_batches(src: sqlite3.Connection) -> Iterator[list[tuple]]:
    last = 0
    while rows := src.execute(f"SELECT {DOC_FIELDS} FROM documents WHERE id > ? ORDER BY id "
                              "LIMIT ?", [last, BATCH]).fetchall():
        yield rows
        last = rows[-1][0]


def _origin_column(conn: sqlite3.Connection, table: str) -> str:
    """Projects before schema m004 called a label's provenance ``source``."""
    columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    return "origin" if "origin" in columns else "source"


def _doc_labels(conn: sqlite3.Connection, doc_ids: list[int]) -> dict[int, DocLabels]:
    """Status and labels of documents (of either project), read in two queries."""
    marks = ", ".join("?" for _ in doc_ids)
    out = {
        doc_id: DocLabels(status, [], [])
        for doc_id, status in conn.execute(
            f"SELECT id, status FROM documents WHERE id IN ({marks})", doc_ids)
    }
    for row in conn.execute(
            f'SELECT doc_id, start, "end", label, {_origin_column(conn, "spans")}, annotator, '
            f'created_at FROM spans WHERE doc_id IN ({marks}) ORDER BY doc_id, start', doc_ids):
        out[row[0]].spans.append(dict(zip(
            ("start", "end", "label", "origin", "annotator", "created_at"), row[1:], strict=True)))
    for row in conn.execute(
            f'SELECT doc_id, block, start, "end", label, {_origin_column(conn, "sections")}, '
            f"annotator, created_at FROM sections WHERE doc_id IN ({marks}) "
            "ORDER BY doc_id, block", doc_ids):
        out[row[0]].sections.append(dict(zip(
            ("block", "start", "end", "label", "origin", "annotator", "created_at"), row[1:],
            strict=True)))
    return out


def _labels_in(versions: dict[int, DocLabels], kind: str) -> set[str]:
    return {r["label"] for v in versions.values() for r in getattr(v, kind)}


def _merge_document(store: Store, conn: sqlite3.Connection, src: sqlite3.Connection,
                    row: tuple, theirs: DocLabels, report: MergeReport, names: _Names,
                    curate: Curate) -> None:
    digest, title = row[1], row[4]
    found = conn.execute("SELECT id, text, status FROM documents WHERE hash = ?",
                         [digest]).fetchone()
    if found is None:
        doc_id = _copy_document(conn, src, row, theirs)
        if theirs.touched:
            store.curation.put_version(conn, doc_id, theirs.version(names.source,
                                                                    report.origin))
        report.added += 1
        return
    doc_id, text, status = found
    ours = _doc_labels(conn, [doc_id])[doc_id]
    kept = store.curation.versions(doc_id)
    if not theirs.touched:
        report.skipped_untouched += 1
        return
    if not ours.touched and not kept:
        _replace_labels(conn, doc_id, theirs)
        store.curation.put_version(conn, doc_id, theirs.version(names.source, report.origin))
        report.adopted += 1
        return
    if not kept:
        mine = ours.version(names.target, str(store.path))
        store.curation.put_version(conn, doc_id, mine)
        kept[mine.annotator] = mine
    version = theirs.version(names.source, report.origin)
    store.curation.put_version(conn, doc_id, version)
    kept[version.annotator] = version
    result = curate(text, kept, [(r["start"], r["end"], r["label"]) for r in ours.spans],
                    {r["block"]: r["label"] for r in ours.sections},
                    set(store.curation.settled(doc_id)), _curators(ours, kept))
    _write_gold(conn, doc_id, text, ours, result, kept)
    finished = {v.status for v in kept.values()} & FINISHED
    if result.open or len(finished) > 1:
        new_status = Status.IN_PROGRESS.value
        lines = list(result.open)
        if len(finished) > 1:
            lines.insert(0, "status " + " | ".join(
                f"{v.status} ({v.annotator})" for v in kept.values()))
        report.conflicts.append(Conflict(doc_id, title, sorted(kept), lines))
    else:
        new_status = next(iter(finished)) if finished else status
        if status in UNFINISHED and new_status in FINISHED:
            report.status_taken += 1
        else:
            report.agreed += 1
    conn.execute("UPDATE documents SET status = ?, updated_at = ?, revision = revision + 1 "
                 "WHERE id = ?", [new_status, now(), doc_id])


def _curators(ours: DocLabels, versions: dict[str, Version]) -> set:
    """The spans ``(start, end, label)`` and blocks of the document that someone made who has
    no version (a curator): their work stays through a re-merge."""
    names = {n for name in versions for n in name.split(", ")}
    return ({(r["start"], r["end"], r["label"]) for r in ours.spans
             if r["annotator"] and r["annotator"] not in names}
            | {r["block"] for r in ours.sections if r["annotator"] and r["annotator"] not in names})


def _write_gold(conn: sqlite3.Connection, doc_id: int, text: str, ours: DocLabels, result: Gold,
                versions: dict[str, Version]) -> None:
    """Make the document's labels the gold: rows already there stay as they are (their origin
    and annotator), the others go, and agreed labels new to the document come in as a
    person's, named after the first annotator (by name) who chose them."""
    def who(kind: str, item: tuple) -> str | None:
        return next((name for name, v in sorted(versions.items())
                     if item in getattr(v, kind)), None)

    have = {(r["start"], r["end"], r["label"]): r for r in ours.spans}
    want = set(result.spans)
    stamp = now()
    if set(have) != want:
        for key in set(have) - want:
            conn.execute('DELETE FROM spans WHERE doc_id = ? AND start = ? AND "end" = ? '
                         "AND label = ?", [doc_id, *key])
        conn.executemany(INSERT_SPAN, [(doc_id, *span, HUMAN, who("spans", span), stamp)
                                       for span in sorted(want - set(have))])
    sections = {r["block"]: r for r in ours.sections}
    for block, row in sections.items():
        if result.sections.get(block) != row["label"]:
            conn.execute("DELETE FROM sections WHERE doc_id = ? AND block = ?", [doc_id, block])
    new = [(b, label) for b, label in result.sections.items()
           if b not in sections or sections[b]["label"] != label]
    ranges = blocks(text) if new else []
    conn.executemany(INSERT_SECTION, [
        (doc_id, b, r.start, r.end, label, HUMAN,
         who("sections", (b, r.start, r.end, label)), stamp)
        for b, label in new if b < len(ranges) for r in [ranges[b]]])


def _copy_document(conn: sqlite3.Connection, src: sqlite3.Connection, row: tuple,
                   version: DocLabels) -> int:
    src_id, *fields = row
    cur = conn.execute(
        "INSERT INTO documents (hash, text, source, title, meta, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", fields)
    doc_id = cur.lastrowid
    index_documents(conn, doc_id, doc_id)  # for the list's text filter (m011_index_by_batch)
    _insert_labels(conn, doc_id, version)
    tables = _tables(src)
    if "html_pages" in tables:
        page = src.execute("SELECT html, blocks FROM html_pages WHERE doc_id = ?",
                           [src_id]).fetchone()
        if page is not None:
            conn.execute("INSERT INTO html_pages (doc_id, html, blocks) VALUES (?, ?, ?)",
                         [doc_id, *page])
    if "preannotated" in tables:
        conn.executemany(
            "INSERT OR IGNORE INTO preannotated (doc_id, model, created_at) VALUES (?, ?, ?)",
            [(doc_id, *r) for r in src.execute(
                "SELECT model, created_at FROM preannotated WHERE doc_id = ?", [src_id])])
    return doc_id


def _tables(src: sqlite3.Connection) -> set[str]:
    """Tables of the source file: one made by an older version lacks the later ones."""
    return {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _insert_labels(conn: sqlite3.Connection, doc_id: int, version: DocLabels) -> None:
    conn.executemany(
        INSERT_SPAN,
        [(doc_id, s["start"], s["end"], s["label"], s["origin"], s["annotator"],
          s["created_at"]) for s in version.spans])
    conn.executemany(
        INSERT_SECTION,
        [(doc_id, s["block"], s["start"], s["end"], s["label"], s["origin"], s["annotator"],
          s["created_at"]) for s in version.sections])


def _replace_labels(conn: sqlite3.Connection, doc_id: int, version: DocLabels) -> None:
    conn.execute("DELETE FROM spans WHERE doc_id = ?", [doc_id])
    conn.execute("DELETE FROM sections WHERE doc_id = ?", [doc_id])
    _insert_labels(conn, doc_id, version)
    conn.execute("UPDATE documents SET status = ?, updated_at = ?, revision = revision + 1 "
                 "WHERE id = ?", [version.status, now(), doc_id])
