"""Merge other annotators' project files into one, as a curator would: nothing lost, who labelled
what kept.

Documents are matched by content hash. For each document of a source file:

- **not in the target**: copied with its status, meta, spans and sections (each keeps its ``origin``
  and ``annotator``), its HTML page and pre-annotation bookkeeping;
- **untouched in the source** (status ``new`` and no confirmed label): nothing to take;
- **untouched in the target**: the source's labels and status replace the target's machine
  suggestions (there was no person's work to lose);
- **labelled in both, same labels and status** (or the source not finished): agreement; the
  document does not change, and when other people made the source's version it is kept as a closed
  row of the ``conflicts`` table, so every annotator's work stays on record;
- **same labels, the target unfinished and the source finished**: the target takes the status;
- **otherwise a conflict**: the target keeps its labels, and the source's whole version (status,
  spans, sections, who made them, which file) goes into the ``conflicts`` table, where a curator
  (or :func:`resolve_conflict`) can take it. Merging the same file again stores it once.

The source file is opened read-only: merging never changes another annotator's project.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain import HUMAN, Status, validate_label_name
from annotator.store.base import now
from annotator.store.bulk import ensure_labels
from annotator.store.db import Store
from annotator.store.sections import INSERT_SECTION
from annotator.store.spans import INSERT_SPAN

BATCH = 50  # documents per transaction: the write lock is held briefly (see LOCK_SECONDS)
DOC_FIELDS = "id, hash, text, source, title, meta, status, created_at, updated_at"
UNFINISHED = {Status.NEW.value, Status.IN_PROGRESS.value}


@dataclass
class Version:
    """One project's labels of one document."""

    status: str
    spans: list[dict[str, Any]]
    sections: list[dict[str, Any]]

    @property
    def touched(self) -> bool:
        """A person has worked on it: its status moved on or a label is confirmed."""
        return self.status != Status.NEW.value or any(
            r["annotator"] is not None or r["origin"] == HUMAN for r in self.spans + self.sections)

    def labels(self) -> tuple[frozenset, frozenset]:
        return (frozenset((s["start"], s["end"], s["label"]) for s in self.spans),
                frozenset((s["block"], s["label"]) for s in self.sections))

    def annotators(self) -> list[str]:
        return sorted({r["annotator"] for r in self.spans + self.sections if r["annotator"]})

    def digest(self) -> str:
        """Identity of a version: status, labels and who made them."""
        labels = [sorted(x) for x in self.labels()]
        payload = json.dumps([self.status, labels, self.annotators()], default=list)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Conflict:
    doc_id: int
    title: str
    ours: list[str]  # annotators of the target's version
    theirs: list[str]
    differences: list[str]

    def __str__(self) -> str:
        ours = ", ".join(self.ours) or "target"
        theirs = ", ".join(self.theirs) or "source"
        return f"document {self.doc_id} {self.title!r} ({ours} vs {theirs}): " + "; ".join(
            self.differences)


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
        return (f"{self.origin}: {self.added} documents added, {self.agreed} agree, "
                f"{self.adopted} labelled only there (taken), {self.status_taken} statuses "
                f"taken, {self.skipped_untouched} unlabelled there, "
                f"{len(self.conflicts)} conflicts kept")

    def conflict_lines(self) -> list[str]:
        return [str(c) for c in self.conflicts]



def merge_project(store: Store, path: Path) -> MergeReport:
    """Merge one project file into ``store``; one transaction per batch of documents."""
    if path.resolve() == store.path.resolve():
        raise ValueError(f"{path}: cannot merge a project into itself")
    report = MergeReport(str(path))
    src = _open_read_only(path)
    try:
        _check_label_names(src, path)
        known = {kind: set(store.labels.names(kind)) for kind in ("entity", "section")}
        for rows in _source_batches(src):
            versions = _versions(src, [r[0] for r in rows])
            with store.transaction() as conn:
                for row in rows:
                    _merge_document(conn, src, row, versions[row[0]], report)
                ensure_labels(conn, "entity", _labels_in(versions, "spans"), known)
                ensure_labels(conn, "section", _labels_in(versions, "sections"), known)
    finally:
        src.close()
    return report


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


def version_from_json(status: str, spans: str, sections: str) -> Version:
    """A version kept in ``conflicts``; rows written before m004 say ``source``."""
    def rows(text: str) -> list[dict[str, Any]]:
        out = json.loads(text)
        for r in out:
            if "source" in r:
                r["origin"] = r.pop("source")
        return out
    return Version(status, rows(spans), rows(sections))


def _versions(conn: sqlite3.Connection, doc_ids: list[int]) -> dict[int, Version]:
    """Status and labels of documents (of either project), read in two queries."""
    marks = ", ".join("?" for _ in doc_ids)
    out = {
        doc_id: Version(status, [], [])
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


def _labels_in(versions: dict[int, Version], kind: str) -> set[str]:
    return {r["label"] for v in versions.values() for r in getattr(v, kind)}


def _merge_document(conn: sqlite3.Connection, src: sqlite3.Connection, row: tuple,
                    theirs: Version, report: MergeReport) -> None:
    digest, title = row[1], row[4]
    found = conn.execute("SELECT id FROM documents WHERE hash = ?", [digest]).fetchone()
    if found is None:
        _copy_document(conn, src, row, theirs)
        report.added += 1
        return
    doc_id = found[0]
    ours = _versions(conn, [doc_id])[doc_id]
    if not theirs.touched:
        report.skipped_untouched += 1
    elif not ours.touched:
        _replace_labels(conn, doc_id, theirs)
        report.adopted += 1
    elif ours.labels() == theirs.labels() and (
            ours.status == theirs.status or theirs.status in UNFINISHED):
        if set(theirs.annotators()) - set(ours.annotators()):
            _keep_version(conn, doc_id, report.origin, theirs, resolved=True)
        report.agreed += 1
    elif ours.labels() == theirs.labels() and ours.status in UNFINISHED:
        conn.execute("UPDATE documents SET status = ?, updated_at = ?, revision = revision + 1 "
                     "WHERE id = ?", [theirs.status, now(), doc_id])
        report.status_taken += 1
    else:
        _keep_version(conn, doc_id, report.origin, theirs)
        report.conflicts.append(Conflict(doc_id, title, ours.annotators(), theirs.annotators(),
                                         differences(ours, theirs)))


def _copy_document(conn: sqlite3.Connection, src: sqlite3.Connection, row: tuple,
                   version: Version) -> None:
    src_id, *fields = row
    cur = conn.execute(
        "INSERT INTO documents (hash, text, source, title, meta, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", fields)
    doc_id = cur.lastrowid
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


def _tables(src: sqlite3.Connection) -> set[str]:
    """Tables of the source file: one made by an older version lacks the later ones."""
    return {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _insert_labels(conn: sqlite3.Connection, doc_id: int, version: Version) -> None:
    conn.executemany(
        INSERT_SPAN,
        [(doc_id, s["start"], s["end"], s["label"], s["origin"], s["annotator"],
          s["created_at"]) for s in version.spans])
    conn.executemany(
        INSERT_SECTION,
        [(doc_id, s["block"], s["start"], s["end"], s["label"], s["origin"], s["annotator"],
          s["created_at"]) for s in version.sections])


def _replace_labels(conn: sqlite3.Connection, doc_id: int, version: Version) -> None:
    conn.execute("DELETE FROM spans WHERE doc_id = ?", [doc_id])
    conn.execute("DELETE FROM sections WHERE doc_id = ?", [doc_id])
    _insert_labels(conn, doc_id, version)
    conn.execute("UPDATE documents SET status = ?, updated_at = ?, revision = revision + 1 "
                 "WHERE id = ?", [version.status, now(), doc_id])


def _keep_version(conn: sqlite3.Connection, doc_id: int, origin: str, theirs: Version,
                  resolved: bool = False) -> None:
    """Store another version of a document: open (a conflict), or closed at once (an agreeing
    version by other annotators, kept so that who labelled the document is on record)."""
    stamp = now()
    conn.execute(
        "INSERT OR IGNORE INTO conflicts (doc_id, origin, annotators, status, spans, sections, "
        "version, created_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [doc_id, origin, json.dumps(theirs.annotators()), theirs.status,
         json.dumps(theirs.spans, ensure_ascii=False),
         json.dumps(theirs.sections, ensure_ascii=False), theirs.digest(), stamp,
         stamp if resolved else None])


def differences(ours: Version, theirs: Version) -> list[str]:
    """What a curator needs to see: each label only one side has, and the statuses."""
    out = []
    if ours.status != theirs.status:
        out.append(f"status {ours.status} vs {theirs.status}")
    (our_spans, our_secs), (their_spans, their_secs) = ours.labels(), theirs.labels()
    for start, end, label in sorted(our_spans - their_spans):
        out.append(f"only target: {label} {start}-{end}")
    for start, end, label in sorted(their_spans - our_spans):
        out.append(f"only source: {label} {start}-{end}")
    for block, label in sorted(our_secs - their_secs):
        out.append(f"only target: block {block} {label}")
    for block, label in sorted(their_secs - our_secs):
        out.append(f"only source: block {block} {label}")
    return out


# -- curation ---------------------------------------------------------------------------------


def conflicts(store: Store, unresolved: bool = True) -> list[dict[str, Any]]:
    """Kept conflicts with the other version's labels, oldest first."""
    where = "WHERE resolved_at IS NULL" if unresolved else ""
    rows = store.conn.execute(
        "SELECT id, doc_id, origin, annotators, status, spans, sections, created_at, resolved_at "
        f"FROM conflicts {where} ORDER BY id").fetchall()
    keys = ("id", "doc_id", "origin", "annotators", "status", "spans", "sections", "created_at",
            "resolved_at")
    out = []
    for row in rows:
        item = dict(zip(keys, row, strict=True))
        for key in ("annotators", "spans", "sections"):
            item[key] = json.loads(item[key])
        out.append(item)
    return out


def resolve_conflict(store: Store, conflict_id: int, take_theirs: bool) -> None:
    """Close a conflict; with ``take_theirs`` the document gets the other version, and the
    version it had is kept as a resolved conflict row, so the choice can be undone."""
    with store.transaction() as conn:
        row = conn.execute("SELECT doc_id, status, spans, sections FROM conflicts WHERE id = ?",
                           [conflict_id]).fetchone()
        if row is None:
            raise KeyError(f"no conflict {conflict_id}")
        doc_id, status, spans, sections = row
        if take_theirs:
            ours = _versions(conn, [doc_id])[doc_id]
            _keep_version(conn, doc_id, str(store.path), ours, resolved=True)
            _replace_labels(conn, doc_id, version_from_json(status, spans, sections))
        conn.execute("UPDATE conflicts SET resolved_at = ? WHERE id = ?", [now(), conflict_id])


def describe_conflicts(store: Store) -> list[str]:
    """One line per unresolved conflict: what the other version says against the document now."""
    lines = []
    for item in conflicts(store):
        doc_id = item["doc_id"]
        ours = _versions(store.conn, [doc_id])[doc_id]
        theirs = version_from_json(item["status"], json.dumps(item["spans"]),
                                   json.dumps(item["sections"]))
        who = ", ".join(item["annotators"]) or "unnamed"
        diff = "; ".join(differences(ours, theirs)) or "now the same"
        lines.append(f"#{item['id']} document {doc_id} from {item['origin']} ({who}): {diff}")
    return lines
