"""Training-data writers that need no spaCy: ``blocks`` (JSONL for section classifiers), ``conll``
(IOB2, token per line) and the deterministic train/dev split shared with the spaCy export.

Tokens come from a tokenizer callable handed in by the caller (as in :mod:`annotator.io.formats`),
so this module never imports spaCy; documents come as items from the caller, never from the
store. Training exports leave out rejected documents (see
:func:`training_statuses`): a rejected document is one a person said is not a valid example, and
Prodigy's ``data-to-spacy`` treats rejected manual annotations the same way.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.domain import Document, Misaligned, Status
from annotator.io.alignment import Tokenize
from annotator.io.conll import DOCSTART, conll_writer, iob2_tags, validate_conll
from annotator.io.export import Item, export_meta, write_text

__all__ = ["DOCSTART", "conll_writer", "iob2_tags", "validate_conll", "write_conll",
           "blocks_record", "split_documents", "training_statuses"]

TRAINING_STATUSES = [Status.ACCEPTED]
ALL_BUT_REJECTED = [Status.NEW, Status.IN_PROGRESS, Status.ACCEPTED, Status.SKIPPED]


def training_statuses(include_all: bool) -> list[Status]:
    """Accepted documents by default; ``--all`` adds unfinished and skipped ones with their current
    labels. Rejected documents never become training examples."""
    return ALL_BUT_REJECTED if include_all else TRAINING_STATUSES


def source_of(doc: Document) -> str:
    """Where a document came from, as exports name it (``meta.source``, else the imported file)."""
    return str(doc.meta.get("source") or doc.source)


# -- blocks ------------------------------------------------------------------------------------


def blocks_record(item: Item) -> Iterator[dict[str, Any]]:
    """One record per tagged block, in block order: the training set of a block classifier.
    Rejected documents give none (see :func:`training_statuses`)."""
    if not item.sections or item.doc.status == Status.REJECTED:
        return
    text = item.doc.text
    source = export_meta(item.doc)["source"]
    for sec in item.sections:
        yield {"text": text[sec.start:sec.end], "label": sec.label, "doc_id": item.doc.id,
               "block": sec.block, "source": source}


# -- conll: the pure writer is annotator.io.conll; write_conll below streams the items ---------

# -- split -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """Which documents go to dev; the rest go to train."""

    dev_ids: frozenset[int]
    train_docs: int
    dev_docs: int
    groups: int
    grouped: bool  # False when every document came from one source and had to be split alone

    def side(self, doc_id: int) -> str:
        return "dev" if doc_id in self.dev_ids else "train"


def split_documents(keys: Iterable[tuple[int, str]], train_ratio: float, seed: int,
                    groups: Mapping[int, int] | None = None) -> Split:
    """Assign documents to train/dev, deterministically for a seed, keeping all documents of one
    source on one side (near-duplicate pages of one site must not leak into dev), and all
    documents of one near-duplicate group too (``groups``: ``{doc_id: group id}``, e.g.
    ``store.near_dups.groups_of(ids)``): a wire story reprinted by two sites would otherwise be
    trained on and scored on.

    ``keys`` are ``(doc_id, source)``. Units (sources joined by shared groups) are sorted,
    shuffled with ``seed`` and moved to dev until dev holds ``1 - train_ratio`` of the documents;
    each side gets at least one unit when there are two. With a single source the documents
    themselves (their groups kept whole) are split (reported by ``grouped=False``) rather than
    leaving one side empty.
    """
    if not 0.0 < train_ratio < 1.0:
        raise ValueError(f"split must be between 0 and 1 (exclusive), got {train_ratio}")
    pairs = sorted(keys)
    if len(pairs) < 2:
        raise ValueError(f"a split needs at least 2 documents, there are {len(pairs)}")
    groups = groups or {}
    grouped = len({source for _, source in pairs}) > 1
    by_unit = _units(pairs, groups, by_source=grouped)
    order = sorted(by_unit)
    random.Random(seed).shuffle(order)
    target = round(len(pairs) * (1.0 - train_ratio))
    dev: list[int] = []
    for n, unit in enumerate(order):
        remaining_units = len(order) - n
        if dev and (len(dev) >= target or remaining_units == 1):
            break
        dev += by_unit[unit]
    return Split(frozenset(dev), len(pairs) - len(dev), len(dev), len(by_unit), grouped)


def _units(pairs: list[tuple[int, str]], groups: Mapping[int, int], by_source: bool
           ) -> dict[str, list[int]]:
    """Documents joined when they share a source (if ``by_source``) or a near-duplicate group;
    each unit named by its smallest member's source (or id), in id order. A group key sorts
    before every source, so a unit takes its group's name when it has one."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for doc_id, source in pairs:
        own = source if by_source else str(doc_id)  # as before groups existed: same seeds
        root(own)
        if doc_id in groups:
            join(own, f"\x00dup:{groups[doc_id]}")
    by_unit: dict[str, list[int]] = {}
    for doc_id, source in pairs:
        own = source if by_source else str(doc_id)
        by_unit.setdefault(root(own).lstrip("\x00"), []).append(doc_id)
    return by_unit



# -- whole exports (shared by the CLI and the app) ---------------------------------------------


@dataclass
class TrainingExport:
    """What a training export did. ``written`` is False when misaligned spans stopped it."""

    documents: int = 0
    files: dict[str, int] | None = None
    misaligned: list[Misaligned] | None = None
    split: Split | None = None
    written: bool = False


def write_conll(items: Iterable[Item], out: str | Path, tokenize: Tokenize,
                skip_misaligned: bool = False, on_item: Callable[[], None] | None = None
                ) -> TrainingExport:
    """IOB2 text to ``out`` (or ``-``), laid out as :mod:`annotator.io.conll` says. What the
    layout cannot hold (misaligned spans, labels with whitespace, entities across a line break,
    ...) is reported in ``misaligned``; with any and no ``skip_misaligned`` the file is not
    written (on stdout it is, without them, and they are still reported). ``on_item`` runs after
    each document (progress; an exception it raises, e.g. a cancel, leaves no file)."""
    result = TrainingExport(misaligned=[])
    writer = conll_writer(tokenize, result.misaligned.append)

    def pieces() -> Iterator[str]:
        for item in items:
            yield writer(item)
            result.documents += 1
            if on_item is not None:
                on_item()

    result.written = write_text(pieces(), out,
                                keep=lambda: skip_misaligned or not result.misaligned)
    return result
