"""The pages a section model learns from and the pages it re-suggests, as plain data.

*Confirmed* sections are what a person decided: every section of an accepted document, and
every section a person set or confirmed anywhere else (origin ``human``, or an annotator's
name on it, which "Apply suggestions" puts there). A section model learns from those.

After training, the *unfinished* documents (new, in progress, skipped) get the new version's
suggestions: :meth:`SectionPages.resuggest` replaces section suggestions nobody confirmed that
came from the rules or from any section model (origin ``rules`` or ``model:sections@...``) and
fills blocks with no section; it never touches a confirmed section, an imported one, or a
document that was finished meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import HUMAN, RULES, Section, Status
from annotator.store.base import Base, chunks, marks, now
from annotator.store.sections import INSERT_SECTION, SECTION_COLUMNS, row_to_section

UNFINISHED = (Status.NEW, Status.IN_PROGRESS, Status.SKIPPED)
SECTION_MODEL_PREFIX = "model:sections@"
# Section suggestions a new section model may replace: the rules' and any section model's.
_REPLACEABLE = f"(origin = '{RULES.value}' OR origin LIKE '{SECTION_MODEL_PREFIX}%')"
_CONFIRMED = f"(annotator IS NOT NULL OR origin = '{HUMAN.value}')"


@dataclass
class PageRecord:
    """One document as a section model sees it. ``html`` and ``features`` (the per-block
    features stored at import) are ``None`` for a document that did not come from HTML;
    ``sections`` are its stored section tags in block order."""

    doc_id: int
    text: str
    meta: dict[str, Any]
    status: Status
    html: str | None = None
    features: list[dict[str, Any]] | None = None
    sections: list[Section] = field(default_factory=list)

    def confirmed_labels(self) -> dict[int, str]:
        """``block -> label`` of what a person decided on this page (see the module)."""
        every = self.status == Status.ACCEPTED
        return {s.block: s.label for s in self.sections if every or s.confirmed}


class SectionPages:
    """``store.section_pages``: reads for training a section model, and writing its
    suggestions back."""

    def __init__(self, base: Base):
        self._base = base

    @property
    def _conn(self):
        return self._base.conn

    def confirmed_ids(self) -> list[int]:
        """Documents with at least one confirmed section (accepted with sections, or with a
        section a person set or confirmed), in id order."""
        rows = self._conn.execute(
            f"""SELECT DISTINCT doc_id FROM sections s
                WHERE {_CONFIRMED}
                   OR EXISTS (SELECT 1 FROM documents d
                              WHERE d.id = s.doc_id AND d.status = ?)
                ORDER BY doc_id""", [Status.ACCEPTED.value])
        return [r[0] for r in rows]

    def count_accepted(self) -> int:
        """Accepted documents with at least one section: those a section model learns from (a
        document accepted for its entities alone, with no section, teaches it nothing)."""
        return self._conn.execute(
            "SELECT count(*) FROM documents d WHERE status = ? "
            "AND EXISTS (SELECT 1 FROM sections s WHERE s.doc_id = d.id)",
            [Status.ACCEPTED.value]).fetchone()[0]

    def unfinished_ids(self) -> list[int]:
        """Documents a new section model may suggest for (new, in progress, skipped)."""
        rows = self._conn.execute(
            f"SELECT id FROM documents WHERE status IN ({marks(UNFINISHED)}) ORDER BY id",
            [s.value for s in UNFINISHED])
        return [r[0] for r in rows]

    def pages(self, doc_ids: Sequence[int]) -> list[PageRecord]:
        """The documents (text, meta, HTML, block features, sections), in the order given;
        unknown ids are left out."""
        out: dict[int, PageRecord] = {}
        for chunk in chunks(doc_ids):
            rows = self._conn.execute(
                f"""SELECT d.id, d.text, d.meta, d.status, h.html, h.blocks
                    FROM documents d LEFT JOIN html_pages h ON h.doc_id = d.id
                    WHERE d.id IN ({marks(chunk)})""", chunk)
            for doc_id, text, meta, status, html, feats in rows:
                features = json.loads(feats) if feats else None
                out[doc_id] = PageRecord(doc_id, text, json.loads(meta or "{}"), Status(status),
                                         html, features or None)
            sections = self._conn.execute(
                f"SELECT doc_id, {SECTION_COLUMNS} FROM sections WHERE doc_id IN "
                f"({marks(chunk)}) ORDER BY doc_id, block", chunk)
            for row in sections:
                out[row[0]].sections.append(row_to_section(row[1:]))
        return [out[i] for i in doc_ids if i in out]

    def site_sources(self, head_chars: int) -> Iterator[tuple[int, dict[str, Any], str | None]]:
        """``(doc_id, meta, start of its HTML or None)`` for every document, in id order: what
        a document's site is read from (only the page's first ``head_chars`` characters, where
        its ``<head>`` is)."""
        rows = self._conn.execute(
            """SELECT d.id, d.meta, substr(h.html, 1, ?)
               FROM documents d LEFT JOIN html_pages h ON h.doc_id = d.id ORDER BY d.id""",
            [head_chars])
        for doc_id, meta, head in rows:
            yield doc_id, json.loads(meta or "{}"), head

    def texts(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """``doc_id -> text`` of the given documents."""
        out: dict[int, str] = {}
        for chunk in chunks(doc_ids):
            out.update(self._conn.execute(
                f"SELECT id, text FROM documents WHERE id IN ({marks(chunk)})", chunk))
        return out

    def resuggest(self, origin: str,
                  suggestions: Sequence[tuple[int, Sequence[tuple[int, int, int, str]]]]) -> int:
        """In one transaction, give each document ``(doc_id, [(block, start, end, label)])``
        these section suggestions with ``origin``: its unconfirmed rules' and section models'
        suggestions go, and every block with no section left takes the new one. Documents
        finished meanwhile (accepted, rejected) are left alone, as is every confirmed or
        imported section. Returns the number of sections written."""
        if not origin.startswith(SECTION_MODEL_PREFIX):
            raise ValueError(f"not a section model's origin: {origin!r}")
        stamp = now()
        written = 0
        with self._base.transaction() as conn:
            open_ids = self._still_unfinished(conn, [doc_id for doc_id, _ in suggestions])
            for doc_id, items in suggestions:
                if doc_id not in open_ids:
                    continue
                conn.execute(f"DELETE FROM sections WHERE doc_id = ? AND annotator IS NULL "
                             f"AND {_REPLACEABLE}", [doc_id])
                before = conn.total_changes
                conn.executemany(
                    INSERT_SECTION.replace("INSERT", "INSERT OR IGNORE", 1),
                    [(doc_id, b, s, e, label, origin, None, stamp) for b, s, e, label in items])
                written += conn.total_changes - before
            self._base.bump(conn, sorted(open_ids))
        return written

    def _still_unfinished(self, conn, doc_ids: list[int]) -> set[int]:
        if not doc_ids:
            return set()
        rows = conn.execute(
            f"SELECT id FROM documents WHERE id IN ({marks(doc_ids)}) "
            f"AND status IN ({marks(UNFINISHED)})", [*doc_ids, *(s.value for s in UNFINISHED)])
        return {r[0] for r in rows}

    def section_origins(self, doc_id: int) -> dict[str, int]:
        """``origin -> number of unconfirmed sections`` of a document: which machine made the
        suggestions a person sees there."""
        rows = self._conn.execute(
            f"SELECT origin, count(*) FROM sections WHERE doc_id = ? AND NOT {_CONFIRMED} "
            "GROUP BY origin", [doc_id])
        return dict(rows.fetchall())
