"""``store.near_dups``: wire-copy near-duplicate groups and the signatures they are found with.

One row per signed document (``near_dups``, migration ``m010_near_duplicates``): its MinHash
signature as bytes, its number of body shingles and its group: the smallest document id of its
group, 0 when it has no near duplicate, NULL while it has not been compared yet. Computing
signatures and groups is :mod:`annotator.services.near_duplicates`'s; this part only reads and
writes rows.

For splits (train/dev, held-back sets): :meth:`NearDups.split_keys` gives each document a key;
documents with the same key must land on the same side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.store.base import Base, chunks, marks
from annotator.store.bulk import insert_rows

PARAMS_KEY = "near_dups_params"
# Texts are read for signing up to this many characters: a news story, reprinted or not, is far
# shorter, and signing a whole 50 MB file (numpy arrays of 8 bytes per byte of it) took 2.5 GB.
TEXT_CHARS = 1_000_000


class NearDups:
    """``store.near_dups``: signatures and group ids of documents."""

    def __init__(self, base: Base):
        self._base = base

    @property
    def _conn(self):
        return self._base.conn

    # -- signing ----------------------------------------------------------------------------------

    def ensure_params(self, params: str) -> bool:
        """Make the stored signatures those of ``params`` (the algorithm's version string): when
        they were made with other parameters they are all dropped, to be made again. Returns True
        when they were dropped. One transaction."""
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?",
                                 [PARAMS_KEY]).fetchone()
        if row is not None and row[0] == params:
            return False
        with self._base.transaction() as conn:
            conn.execute("DELETE FROM near_dups")
            conn.execute("DELETE FROM near_dup_lines")
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         [PARAMS_KEY, params])
        return row is not None

    def count_uncounted(self) -> int:
        """Documents whose lines are not counted yet (no row)."""
        return self._conn.execute(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM near_dups n WHERE n.doc_id = d.id)").fetchone()[0]

    def pending(self) -> bool:
        """Whether a grouping run has anything to do: a document whose lines are not counted
        (no row), one counted but not signed, or one signed but not compared (group NULL).
        An import asks before it runs one: when counting settled every document it added (no
        prose line: signed and compared at once), the run and its numpy are not loaded."""
        return bool(self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM near_dups WHERE signature IS NULL OR grp IS NULL) "
            "OR EXISTS (SELECT 1 FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM near_dups n WHERE n.doc_id = d.id))").fetchone()[0])

    def uncounted_ids(self) -> list[int]:
        """The documents whose lines are not counted yet (no row), in id order."""
        return [r[0] for r in self._conn.execute(
            "SELECT d.id FROM documents d WHERE NOT EXISTS "
            "(SELECT 1 FROM near_dups n WHERE n.doc_id = d.id) ORDER BY d.id")]

    def texts(self, doc_ids: Sequence[int]) -> list[tuple[int, str]]:
        """``(doc_id, text)`` of these documents (those that exist), in id order: a text's
        first :data:`TEXT_CHARS` characters."""
        out: list[tuple[int, str]] = []
        for chunk in chunks(doc_ids):
            out += self._conn.execute(
                f"SELECT id, substr(text, 1, ?) FROM documents WHERE id IN ({marks(chunk)})",
                [TEXT_CHARS, *chunk]).fetchall()
        return sorted(out)

    def add_line_counts(self, doc_ids: Sequence[int], counts: dict[int, int],
                        blank: Sequence[int] = (),
                        blank_row: tuple[bytes, int] | None = None) -> None:
        """Count the prose lines of documents (``{line hash: documents with it}`` among them)
        and give the documents their row (not signed yet), in one transaction, so a line is
        never counted twice for a document. The documents in ``blank`` (no prose line) get
        their row signed at once with ``blank_row`` ``(signature, shingles)``, and compared:
        in no group (0), since a document with no shingle can pair with none (fewer than
        ``near_dups.MIN_SHINGLES``); the comparison never reads them back (see
        :meth:`all_signatures`), nor rewrites their rows. ``blank_row`` is
        ``near_dups.BLANK_ROW``, whose signature is stored as no bytes (780 zero bytes a row
        were 78 MB of an import of 100,000 such texts)."""
        blank_set = set(blank)
        if blank_set and blank_row is None:
            raise ValueError("blank documents need blank_row")
        with self._base.transaction() as conn:
            conn.executemany(
                "INSERT INTO near_dup_lines (hash, docs) VALUES (?, ?) "
                "ON CONFLICT(hash) DO UPDATE SET docs = docs + excluded.docs",
                sorted(counts.items()))  # in key order: half the time of random order
            rows = [([d for d in doc_ids if d not in blank_set], (None, 0), None)]
            if blank_row is not None:
                rows.append(([d for d in doc_ids if d in blank_set], blank_row, 0))
            for ids, (signature, shingles), group in rows:
                for chunk in chunks(ids):  # those still in the project
                    conn.execute(
                        "INSERT OR IGNORE INTO near_dups (doc_id, signature, shingles, grp) "
                        f"SELECT id, ?, ?, ? FROM documents WHERE id IN ({marks(chunk)})",
                        [signature, shingles, group, *chunk])

    def add_lines_of_added(self, keys_by_doc: dict[int, set[int]],
                           blank_row: tuple[bytes, int]) -> None:
        """:meth:`add_line_counts` from each document's own prose-line hashes, for documents
        inserted in the caller's own open transaction (an import batch counting what it has
        just written): no other run can have counted them, and none is gone, so nothing is
        looked up first (the grouping's own pass asks, since documents may go or be counted
        meanwhile). Each gets its row, signed at once with ``blank_row`` and compared when it
        has no hash, and its lines are counted, in statements of many rows
        (:func:`annotator.store.bulk.insert_rows`: a million line counts of prose texts are a
        million upserts). Why: looking each imported document up in ``near_dups`` and again in
        ``documents``, 500 ids a statement, was work nothing needed."""
        conn = self._conn
        if not conn.in_transaction:
            raise RuntimeError("add_lines_of_added runs inside the transaction that added them")
        counts: dict[int, int] = {}
        counted: list[int] = []
        blank: list[int] = []
        for doc_id, keys in keys_by_doc.items():
            if keys:
                for key in keys:
                    counts[key] = counts.get(key, 0) + 1
                counted.append(doc_id)
            else:
                blank.append(doc_id)
        insert_rows(conn, "INSERT INTO near_dup_lines (hash, docs) VALUES ",
                    sorted(counts.items()),  # in key order: half the time of random order
                    " ON CONFLICT(hash) DO UPDATE SET docs = docs + excluded.docs")
        _insert_rows_of(conn, counted, (None, 0, None))
        _insert_rows_of(conn, blank, (*blank_row, 0))  # compared: no shingle, no pair (see
        # add_line_counts)

    def line_counts(self, hashes: Sequence[int]) -> dict[int, int]:
        """In how many documents each of these prose lines appears (absent: none)."""
        out: dict[int, int] = {}
        for chunk in chunks(hashes):
            out.update(self._conn.execute(
                f"SELECT hash, docs FROM near_dup_lines WHERE hash IN ({marks(chunk)})", chunk))
        return out

    def count_unsigned(self) -> int:
        return self._conn.execute(
            "SELECT count(*) FROM near_dups WHERE signature IS NULL").fetchone()[0]

    def unsigned_ids(self) -> list[int]:
        """The counted documents without a signature, in id order."""
        return [r[0] for r in self._conn.execute(
            "SELECT doc_id FROM near_dups WHERE signature IS NULL ORDER BY doc_id")]

    def add_signatures(self, rows: Iterable[tuple[int, bytes, int]]) -> None:
        """Store ``(doc_id, signature bytes, shingles)`` of counted documents, in one
        transaction."""
        with self._base.transaction() as conn:
            conn.executemany(
                "UPDATE near_dups SET signature = ?, shingles = ?, grp = NULL WHERE doc_id = ?",
                [(sig, size, doc_id) for doc_id, sig, size in rows])

    def all_signatures(self, skip_alone: Sequence[bytes] = ()
                       ) -> tuple[list[int], list[bytes], list[int], list[int | None]]:
        """Every signed document: ``(ids, signatures, shingles, groups)`` in id order (a
        signature as stored: the blank one of a document with no shingle is stored as no
        bytes, see :meth:`add_line_counts`; a group is None for a document not compared yet, 0
        for one alone). ``skip_alone``: leave out the documents compared already, in no group,
        whose signature is one of these (the blank signature's stored forms)."""
        marks_ = marks(skip_alone)
        skip = f" AND NOT (signature IN ({marks_}) AND grp IS 0)" if skip_alone else ""
        rows = self._conn.execute(
            "SELECT doc_id, signature, shingles, grp FROM near_dups WHERE signature IS NOT NULL"
            f"{skip} ORDER BY doc_id", list(skip_alone)).fetchall()
        return ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                [r[3] for r in rows])

    def signatures_of(self, doc_ids: Sequence[int]) -> dict[int, tuple[bytes, int]]:
        out: dict[int, tuple[bytes, int]] = {}
        for chunk in chunks(doc_ids):
            out.update((r[0], (r[1], r[2])) for r in self._conn.execute(
                f"SELECT doc_id, signature, shingles FROM near_dups WHERE doc_id IN "
                f"({marks(chunk)})", chunk))
        return out

    def set_groups(self, groups: dict[int, int]) -> None:
        """Set the group of each document (0: compared, in no group), in one transaction."""
        by_group: dict[int, list[int]] = {}
        for doc_id, group in groups.items():
            by_group.setdefault(group, []).append(doc_id)
        with self._base.transaction() as conn:  # most often most go to 0: a statement per 500
            for group, doc_ids in by_group.items():
                for chunk in chunks(doc_ids):
                    conn.execute(f"UPDATE near_dups SET grp = ? WHERE doc_id IN ({marks(chunk)})",
                                 [group, *chunk])

    # -- reading groups ---------------------------------------------------------------------------

    def group_of(self, doc_id: int) -> int | None:
        """The group id of a document (its group's smallest document id), or None."""
        row = self._conn.execute("SELECT grp FROM near_dups WHERE doc_id = ?",
                                 [doc_id]).fetchone()
        return row[0] if row and row[0] else None

    def groups_of(self, doc_ids: Sequence[int] | None = None) -> dict[int, int]:
        """``{doc_id: group id}`` of the grouped documents among ``doc_ids`` (None: all)."""
        if doc_ids is None:
            return dict(self._conn.execute(
                "SELECT doc_id, grp FROM near_dups WHERE grp > 0"))
        out: dict[int, int] = {}
        for chunk in chunks(doc_ids):
            out.update(self._conn.execute(
                f"SELECT doc_id, grp FROM near_dups WHERE grp > 0 AND doc_id IN "
                f"({marks(chunk)})", chunk))
        return out

    def members(self, group: int) -> list[int]:
        """The document ids of one group, in id order."""
        return [r[0] for r in self._conn.execute(
            "SELECT doc_id FROM near_dups WHERE grp = ? ORDER BY doc_id", [group])]

    def sizes_of(self, doc_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """``{doc_id: (group id, group size)}`` of the grouped documents among ``doc_ids``
        (for the document list: one query per page of rows)."""
        groups = self.groups_of(doc_ids)
        if not groups:
            return {}
        ids = sorted(set(groups.values()))
        sizes = dict(self._conn.execute(
            f"SELECT grp, count(*) FROM near_dups WHERE grp IN ({marks(ids)}) GROUP BY grp",
            ids))
        return {d: (g, sizes.get(g, 1)) for d, g in groups.items()}

    def groups(self) -> list[list[int]]:
        """Every group of two or more documents, each in id order, groups by their first id."""
        out: dict[int, list[int]] = {}
        for doc_id, grp in self._conn.execute(
                "SELECT doc_id, grp FROM near_dups WHERE grp > 0 ORDER BY grp, doc_id"):
            out.setdefault(grp, []).append(doc_id)
        return [m for m in out.values() if len(m) > 1]

    def split_keys(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """A key per document for splits: ``"dup:<group>"`` for a grouped document, else
        ``"doc:<id>"``. Documents with one key must go to the same side of a split."""
        groups = self.groups_of(doc_ids)
        return {d: (f"dup:{groups[d]}" if d in groups else f"doc:{d}") for d in doc_ids}


# A run of at least this many consecutive document ids gets its near_dups rows from one
# statement (see _insert_rows_of).
LONG_RUN = 50
_INSERT_NEAR_DUPS = "INSERT INTO near_dups (doc_id, signature, shingles, grp) "


def _insert_rows_of(conn, doc_ids: list[int], values: tuple) -> None:
    """A ``near_dups`` row ``(doc_id, *values)`` for each of ``doc_ids``, documents added in
    the caller's transaction (so all in ``documents``), in their order. Each run of
    :data:`LONG_RUN` or more consecutive ids (an import batch's ids are consecutive, and most
    often all its texts are alike: all with prose lines or none) is one ``INSERT ... SELECT``
    of that range of the documents' ids; the rest go as rows. Why: 100,000 rows of four values
    made in Python and bound one by one were a tenth of the store's work importing 100,000
    ``.txt`` files."""
    rows: list[tuple] = []
    start = 0
    for i in range(1, len(doc_ids) + 1):
        if i < len(doc_ids) and doc_ids[i] == doc_ids[i - 1] + 1:
            continue
        if i - start >= LONG_RUN:
            conn.execute(_INSERT_NEAR_DUPS + "SELECT id, ?, ?, ? FROM documents "
                         "WHERE id BETWEEN ? AND ?", [*values, doc_ids[start], doc_ids[i - 1]])
        else:
            rows += [(doc_id, *values) for doc_id in doc_ids[start:i]]
        start = i
    insert_rows(conn, _INSERT_NEAR_DUPS + "VALUES ", rows)
