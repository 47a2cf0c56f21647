"""Curation, span by span: where the annotators of a merged document disagree, and the gold
labels that follow from their versions and a curator's decisions. Plain data, no Qt or SQLite.

A **disagreement** is a region where the versions differ: a group of overlapping spans (of any
annotator, transitively) that not every annotator has alike, or a block that not every annotator
tagged alike. Its **alternatives** are the distinct choices there (a set of spans, a section
label, or nothing), each with who chose it. Its key ``(kind, start, end)`` is stable as long as
the versions are, so a decision survives re-reading; a new annotator's version that changes the
region reopens it.

The **gold** labels (the document's ``spans`` and ``sections``) are what everyone agrees on, plus
what the curator chose where they did not; an unsettled region holds nothing of its own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.core.agreement import Annotation, SpanKey, span_clusters
from annotator.domain import Block, Span, non_overlapping

ENTITY, SECTION = "entity", "section"
RegionKey = tuple[str, int, int]


@dataclass(frozen=True)
class Alternative:
    """One choice in a disagreement: the spans (entity) or ``((start, end, label),)`` of the
    block (section; empty for untagged), and who chose it."""

    labels: tuple[SpanKey, ...]
    annotators: tuple[str, ...]

    def describe(self, text: str) -> str:
        """``PERSON “Emmanuel Macron”``, ``ORG “Macron” + GPE “Berlin”``, ``byline`` or ``no
        label`` (the words only for entities: a section names its block elsewhere)."""
        if not self.labels:
            return "no label"
        return " + ".join(f"{label} “{text[s:e]}”" if text else label
                          for s, e, label in self.labels)


@dataclass(frozen=True)
class Disagreement:
    kind: str  # ENTITY or SECTION
    start: int  # the region, in code points of the document's text
    end: int
    alternatives: tuple[Alternative, ...]
    block: int | None = None  # sections: the block's index

    @property
    def key(self) -> RegionKey:
        return (self.kind, self.start, self.end)

    def say(self, alternative: Alternative, text: str) -> str:
        """An alternative as a person reads it: with its words for entities, the label alone
        for a section."""
        return alternative.describe(text if self.kind == ENTITY else "")

    def describe(self, text: str) -> str:
        """``entity “Emmanuel Macron”`` or ``section “By Ali Khan”`` (the block's words)."""
        words = " ".join(text[self.start:self.end].split())
        if len(words) > 60:
            words = words[:57] + "…"
        if self.kind == SECTION:
            return f"section “{words}”"
        return f"entity “{words}”"


def annotation(spans: Iterable[tuple[int, int, str]],
               sections: Iterable[tuple[int, int, int, str]]) -> Annotation:
    """A stored version's labels as :class:`Annotation` (sections by block)."""
    return Annotation(frozenset(tuple(s) for s in spans),
                      {block: label for block, _s, _e, label in sections})


def disagreements(versions: Mapping[str, Annotation], blocks: Sequence[Block]
                  ) -> tuple[list[SpanKey], dict[int, str], list[Disagreement]]:
    """``(agreed spans, agreed sections by block, disagreements in text order)`` of one
    document's versions (annotator name -> labels); ``blocks`` are the document's blocks."""
    return _disagreements(versions, blocks)[:3]


def _disagreements(versions: Mapping[str, Annotation], blocks: Sequence[Block]
                   ) -> tuple[list[SpanKey], dict[int, str], list[Disagreement],
                              list[tuple[int, int]]]:
    """:func:`disagreements`, and every region of overlapping spans (agreed or not)."""
    agreed_spans: list[SpanKey] = []
    found: list[Disagreement] = []
    regions: list[tuple[int, int]] = []
    for start, end, choices in span_clusters({n: v.spans for n, v in versions.items()}):
        regions.append((start, end))
        alternatives = _alternatives(choices)
        if len(alternatives) == 1:
            agreed_spans += alternatives[0].labels
        else:
            found.append(Disagreement(ENTITY, start, end, alternatives))
    agreed_sections: dict[int, str] = {}
    tagged = sorted(set().union(*(v.sections for v in versions.values())))
    for index in tagged:
        if index >= len(blocks):
            continue  # a version of another text cannot tag this block
        block = blocks[index]
        choices = {n: (((block.start, block.end, v.sections[index]),) if index in v.sections
                       else ()) for n, v in versions.items()}
        alternatives = _alternatives(choices)
        if len(alternatives) == 1:
            agreed_sections[index] = alternatives[0].labels[0][2]
        else:
            found.append(Disagreement(SECTION, block.start, block.end, alternatives, index))
    found.sort(key=lambda d: (d.start, d.kind))
    return agreed_spans, agreed_sections, found, regions


def _alternatives(choices: Mapping[str, tuple[SpanKey, ...]]) -> tuple[Alternative, ...]:
    """Distinct choices with who made each: the most chosen first, then in name order; an empty
    choice (no label) last among equals."""
    grouped: dict[tuple[SpanKey, ...], list[str]] = {}
    for name in sorted(choices):
        grouped.setdefault(choices[name], []).append(name)
    ordered = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), not kv[0], kv[1]))
    return tuple(Alternative(labels, tuple(who)) for labels, who in ordered)


@dataclass(frozen=True)
class Gold:
    """The gold labels of a merged document and the disagreements still open."""

    spans: list[SpanKey]
    sections: dict[int, str]
    open: list[Disagreement]
    settled: list[Disagreement]


def gold(versions: Mapping[str, Annotation], blocks: Sequence[Block],
         current_spans: Iterable[SpanKey], current_sections: Mapping[int, str],
         settled: Iterable[RegionKey], curators: Iterable[SpanKey | int] = ()) -> Gold:
    """What the document's gold labels are after (re-)merging: the agreed labels; in each
    settled region, what the gold holds there now (the curator's choice or edit); gold labels
    outside every region (a curator's own additions) kept. An open region holds nothing but
    what ``curators`` names: spans and blocks of the gold that a curator made (no annotator's
    version has their name), a curator's work in progress there, which stays."""
    agreed_spans, agreed_sections, found, regions = _disagreements(versions, blocks)
    settled = set(settled)
    open_ = [d for d in found if d.key not in settled]
    done = [d for d in found if d.key in settled]
    kept_regions = {(d.start, d.end) for d in done if d.kind == ENTITY}
    curators = set(curators)
    starts = [r[0] for r in regions]  # regions are disjoint and in text order
    spans = list(agreed_spans)
    for span in current_spans:
        first = max(bisect_right(starts, span[0]) - 1, 0)
        inside = [r for r in regions[first:bisect_left(starts, span[1])]
                  if span[0] < r[1] and r[0] < span[1]]
        if span in curators or all(r in kept_regions for r in inside):
            spans.append(span)
    spans, _dropped = non_overlapping(sorted(Span(*s) for s in spans))
    sections = dict(agreed_sections)
    voted = set().union(*(v.sections for v in versions.values()))
    for d in done + [d for d in open_ if d.block in curators]:
        if d.kind == SECTION and d.block in current_sections:
            sections[d.block] = current_sections[d.block]
    for index, label in current_sections.items():
        if index not in voted:
            sections[index] = label
    return Gold([s[:3] for s in spans], sections, open_, done)


def open_disagreements(versions: Mapping[str, Annotation], blocks: Sequence[Block],
                       settled: Iterable[RegionKey]) -> list[Disagreement]:
    """The disagreements of a document no curator has settled yet, in text order."""
    settled = set(settled)
    return [d for d in disagreements(versions, blocks)[2] if d.key not in settled]


def describe_choices(disagreement: Disagreement, text: str) -> str:
    """``PERSON “Emmanuel Macron” (maria, carol) | ORG “Emmanuel Macron” (bob)``."""
    return " | ".join(f"{disagreement.say(a, text)} ({', '.join(a.annotators)})"
                      for a in disagreement.alternatives)
