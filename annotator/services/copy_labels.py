"""Copy a finished document's labels onto its near duplicates (wire copies of one story).

Each target's text is aligned with the source's (:mod:`annotator.nlp.text_alignment`); an entity
span is copied when its words are in the target unchanged, a section when its block (line) is.
Copies are suggestions (no annotator) with origin ``copy:SOURCE_ID``: a person sees them as
suggestions on the target and confirms them by accepting it, as with a model's. A copy never
replaces or overlaps a label a person made or confirmed on the target, and a block with a
confirmed section keeps it; a machine's suggestion there (pre-annotation, an import's
unconfirmed labels) gives way to the copy, since the copy carries a person's decision (the
usual flow imports, pre-annotates, then corrects one copy: before, nearly nothing was copied).

Every span that cannot be copied is reported with its reason (not in the reprint, changed in the
reprint, overlaps a label there). One transaction per target document: :class:`CopyLabels` is an
undoable command (the window puts one per target on its undo stack; the CLI runs them in turn).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import Section, Span, Status, blocks, copy_origin, count
from annotator.nlp.text_alignment import align
from annotator.store import Store

OVERLAPS = "overlaps a label a person confirmed in the reprint"


@dataclass(frozen=True)
class Unmapped:
    """A label of the source that was not copied onto ``target``, and why."""

    target: int
    kind: str  # "entity" or "section"
    start: int
    end: int
    label: str
    text: str
    reason: str

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return (f"document {self.target}: {self.kind} {self.label} {self.start}-{self.end} "
                f"{shown!r} {self.reason}")


@dataclass
class CopyLabels:
    """Add copied spans and sections to one target document as suggestions; undo removes
    exactly them. One transaction each way."""

    doc_id: int
    source_id: int
    spans: list[Span]
    sections: list[Section]
    text: str = ""
    # the target's machine suggestions the copies replace (undo puts them back)
    replaced_spans: list[Span] = field(default_factory=list)
    replaced_sections: list[Section] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = self.text or f"Copy labels from #{self.source_id}"

    def _blocks(self) -> list[int]:
        return [s.block for s in self.sections]

    def do(self, store: Store) -> Changes:
        with store.transaction():
            store.spans.replace(self.doc_id, remove=self.replaced_spans, add=self.spans)
            store.sections.replace(self.doc_id, self.replaced_sections, self._blocks(),
                                   self.sections)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True)

    def undo(self, store: Store) -> Changes:
        with store.transaction():
            store.spans.replace(self.doc_id, remove=self.spans, add=self.replaced_spans)
            store.sections.replace(self.doc_id, self.sections, self._blocks(),
                                   self.replaced_sections)
        return Changes.of(self.doc_id, spans=True, sections=True, status=True, origin="undo")


@dataclass
class CopyPlan:
    """What copying would do: one command per target, and what cannot be copied."""

    source_id: int
    commands: list[CopyLabels] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (target, why not)


@dataclass
class CopyReport:
    """What a copy did: spans and sections copied per target, and what was not."""

    source_id: int
    copied: dict[int, tuple[int, int]] = field(default_factory=dict)  # target: (spans, sections)
    unmapped: list[Unmapped] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        ids = frozenset(self.copied)
        return Changes(spans=ids, sections=ids, statuses=ids, origin="copy")

    def text(self) -> str:
        spans = sum(s for s, _ in self.copied.values())
        sections = sum(s for _, s in self.copied.values())
        line = (f"Copied {count(spans, 'span')} and {count(sections, 'section')} from "
                f"#{self.source_id} onto {count(len(self.copied), 'document')}")
        unmapped = [u for u in self.unmapped if u.kind == "entity"]
        if unmapped:
            line += f"; {count(len(unmapped), 'span')} could not be copied"
        return line


def plan_copy(store: Store, source_id: int, targets: Sequence[int] | None = None) -> CopyPlan:
    """Work out the copy of ``source_id``'s labels onto ``targets`` (default: the unfinished
    documents of its near-duplicate group). Raises ``KeyError`` for an unknown document and
    ``ValueError`` when the source is not finished (accepted) or has no near duplicates."""
    source = store.documents.get(source_id)
    if source.status != Status.ACCEPTED:
        raise ValueError(f"document {source_id} is {source.status.value}: only an accepted "
                         "document's labels are copied")
    if targets is None:
        group = store.near_dups.group_of(source_id)
        if group is None:
            raise ValueError(f"document {source_id} has no near duplicates")
        targets = [d for d in store.near_dups.members(group) if d != source_id]
    plan = CopyPlan(source_id)
    spans = [s for s in store.spans.of(source_id)]
    sections = store.sections.of(source_id)
    origin = copy_origin(source_id)
    for target_id in targets:
        target = store.documents.get(target_id)
        if target.status.finished:
            plan.skipped.append((target_id, f"is {target.status.value}"))
            continue
        command, unmapped = _plan_one(store, source.text, target_id, target.text, spans,
                                      sections, origin, source_id)
        plan.unmapped += unmapped
        if command.spans or command.sections:
            plan.commands.append(command)
        else:
            plan.skipped.append((target_id, "nothing could be copied"))
    return plan


def _plan_one(store: Store, source_text: str, target_id: int, target_text: str,
              spans: list[Span], sections: list[Section], origin: str, source_id: int
              ) -> tuple[CopyLabels, list[Unmapped]]:
    alignment = align(source_text, target_text)
    existing = store.spans.of(target_id)
    taken = [(s.start, s.end) for s in existing if s.confirmed]
    suggested = [s for s in existing if not s.confirmed]
    unmapped: list[Unmapped] = []
    new_spans: list[Span] = []
    replaced: dict[tuple[int, int], Span] = {}
    for span in spans:
        where = alignment.map(span.start, span.end)
        reason = where if isinstance(where, str) else None
        if reason is None and _overlaps(taken, where):
            reason = OVERLAPS
        if reason is not None:
            unmapped.append(Unmapped(target_id, "entity", span.start, span.end, span.label,
                                     source_text[span.start:span.end], reason))
            continue
        start, end = where
        taken.append((start, end))
        if any((s.start, s.end, s.label, s.origin) == (start, end, span.label, origin)
               for s in suggested):
            continue  # copied there before: nothing to do
        new_spans.append(Span(start, end, span.label, origin, None))
        for old in suggested:
            if old.start < end and start < old.end:
                replaced[old.key] = old
    target_blocks = {(b.start, b.end): b.index for b in blocks(target_text)}
    current = {s.block: s for s in store.sections.of(target_id)}
    tagged = {block for block, s in current.items() if s.confirmed}
    new_sections: list[Section] = []
    for sec in sections:
        where = alignment.map(sec.start, sec.end)
        block = target_blocks.get(where) if not isinstance(where, str) else None
        if block is not None and block in current and \
                (current[block].label, current[block].origin) == (sec.label, origin):
            tagged.add(block)
            continue  # copied there before
        if block is None or block in tagged:
            unmapped.append(Unmapped(
                target_id, "section", sec.start, sec.end, sec.label,
                source_text[sec.start:sec.end],
                where if isinstance(where, str) else "is not a whole line in the reprint"
                if block is None else "that line has a confirmed section already"))
            continue
        tagged.add(block)
        new_sections.append(Section(block, *_block_range(target_blocks, block), sec.label,
                                    origin, None))
    gone_sections = [current[s.block] for s in new_sections if s.block in current]
    return CopyLabels(target_id, source_id, new_spans, new_sections,
                      replaced_spans=sorted(replaced.values()),
                      replaced_sections=gone_sections), unmapped


def _block_range(target_blocks: dict[tuple[int, int], int], block: int) -> tuple[int, int]:
    for rng, index in target_blocks.items():
        if index == block:
            return rng
    raise KeyError(block)


def _overlaps(taken: list[tuple[int, int]], where: tuple[int, int]) -> bool:
    start, end = where
    return any(s < end and start < e for s, e in taken)


def copy_labels(store: Store, source_id: int, targets: Sequence[int] | None = None, *,
                progress: Progress = no_progress, should_stop: ShouldStop = never
                ) -> CopyReport:
    """Copy (see :func:`plan_copy`), one transaction per target. A stop between targets raises
    :class:`Cancelled` with the report of the targets done."""
    plan = plan_copy(store, source_id, targets)
    report = CopyReport(source_id, unmapped=plan.unmapped, skipped=plan.skipped)
    for n, command in enumerate(plan.commands, 1):
        command.do(store)
        report.copied[command.doc_id] = (len(command.spans), len(command.sections))
        progress(n, len(plan.commands), f"Copied labels onto #{command.doc_id}")
        if should_stop() and n < len(plan.commands):
            raise Cancelled(report)
    return report
