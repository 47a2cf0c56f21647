"""The curator's intents in an editing session: see a merged document's disagreements, settle
one by taking an annotator's alternative (or keeping one's own edit), and find the next one.

Every decision is a :class:`~annotator.core.commands.SettleDisagreement` run through the
session, so it is one transaction, checked against the document's revision, announced on the
bus and undone with the session's undo like any edit.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.core.commands import SettleDisagreement
from annotator.core.curation import ENTITY, Disagreement, annotation, disagreements
from annotator.core.session import Session
from annotator.domain import HUMAN, Section, Span, blocks, overlapping
from annotator.store import Store
from annotator.store.curation import Settled


def document_disagreements(store: Store, doc_id: int, text: str
                           ) -> list[tuple[Disagreement, Settled | None]]:
    """Every disagreement of a document in text order, each with its decision (``None``: open).
    Empty for a document that was never merged with another annotator's."""
    versions = store.curation.versions(doc_id)
    if len(versions) < 2:
        return []
    found = disagreements({n: annotation(v.spans, v.sections) for n, v in versions.items()},
                          blocks(text))[2]
    settled = store.curation.settled(doc_id)
    return [(d, settled.get(d.key)) for d in found]


def open_places(store: Store, after: int = 0, backwards: bool = False,
                before: int | None = None) -> Iterator[tuple[int, Disagreement]]:
    """``(document id, disagreement)`` of every open disagreement in documents after ``after``
    in document and text order (``backwards``: documents before ``before``, or all, in reverse
    order); reads a batch of documents at a time."""
    last = after if not backwards else (before if before is not None else 1 << 62)
    while ids := (store.curation.merged_documents(before=last) if backwards
                  else store.curation.merged_documents(last)):
        for doc_id in ids:
            text = store.documents.get(doc_id).text
            found = [d for d, decision in document_disagreements(store, doc_id, text)
                     if decision is None]
            for d in reversed(found) if backwards else found:
                yield doc_id, d
        last = ids[-1]


def count_open(store: Store) -> int:
    """Open disagreements in the whole project (reads every merged document's versions)."""
    return sum(1 for _ in open_places(store))


def next_place(store: Store, doc_id: int, offset: int, backwards: bool = False
               ) -> tuple[int, Disagreement] | None:
    """The open disagreement after (or before) position ``offset`` of document ``doc_id``, on
    to the following documents and round to the start of the project; ``None`` when none is
    left."""
    here = (doc_id, offset)
    if not backwards:
        for place in open_places(store, doc_id - 1):
            if (place[0], place[1].start) > here:
                return place
        return next(open_places(store), None)
    for place in open_places(store, backwards=True, before=doc_id + 1):
        if (place[0], place[1].start) < here:
            return place
    return next(open_places(store, backwards=True), None)


def take(session: Session, disagreement: Disagreement, index: int | None) -> bool:
    """Settle ``disagreement`` of the open document: with ``index``, take that alternative's
    labels into the gold (what the region held goes); with ``None``, keep what the gold holds
    there now (the curator's own edit). The gold labels are the curator's (``Span.annotator``);
    who chose them stays in the versions. Returns whether the store took it."""
    doc = session.doc
    if doc is None:
        return False
    if disagreement.key in session.store.curation.settled(doc.id):
        session.view.show_message("This disagreement is settled already (undo reopens it)")
        return False
    if index is not None and not 0 <= index < len(disagreement.alternatives):
        session.view.show_message(f"There is no alternative {index + 1} here")
        return False
    chosen = disagreement.alternatives[index] if index is not None else None
    who = chosen.annotators if chosen is not None else ()
    verb = f"Take {', '.join(who)}'s" if chosen is not None else "Keep the edited"
    command = SettleDisagreement(doc.id, f"{verb} {disagreement.kind}", disagreement.key, who,
                                 session.annotator)
    if disagreement.kind == ENTITY:
        if chosen is not None:
            command.after = [Span(s, e, label, HUMAN, session.annotator)
                             for s, e, label in chosen.labels]
            start = min([disagreement.start, *(s.start for s in command.after)])
            end = max([disagreement.end, *(s.end for s in command.after)])
            command.before = [s.with_id(None) for s in overlapping(session.spans, start, end)]
    else:
        command.block = disagreement.block
        now = [s for s in session.sections if s.block == disagreement.block]
        command.section_before = now
        command.section_after = now if chosen is None else [
            Section(disagreement.block, s, e, label, HUMAN, session.annotator)
            for s, e, label in chosen.labels]
    return session.run(command)
