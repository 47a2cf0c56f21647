"""Entity scores: per-label precision, recall and F1 of predicted spans against gold spans.

An entity counts as found only when its start, end and label all match (spaCy's ``ents_f``
rule). Pure Python on plain ``(start, end, label)`` tuples, so the service, the CLI table and the
benchmark all score the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.nlp.evaluate import LabelScore

CharSpan = tuple[int, int, str]


@dataclass
class Scores:
    """Per-label counts (``labels``: name -> :class:`LabelScore`) and their micro average."""

    labels: dict[str, LabelScore] = field(default_factory=dict)

    @property
    def micro(self) -> LabelScore:
        total = LabelScore("ALL")
        for s in self.labels.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{label: {"p", "r", "f", "support"}}`` plus ``"ALL"``: what settings records keep."""
        rows = [*self.labels.values(), self.micro]
        return {s.label: {"p": round(s.precision, 4), "r": round(s.recall, 4),
                          "f": round(s.f1, 4), "support": s.support} for s in rows}


def score_spans(gold: Sequence[Iterable[CharSpan]], predicted: Sequence[Iterable[CharSpan]],
                labels: Iterable[str]) -> Scores:
    """Score documents pairwise; only ``labels`` count (a predicted span of another label and
    a gold span of another label are both ignored)."""
    wanted = set(labels)
    scores = Scores({label: LabelScore(label) for label in labels})
    for g_spans, p_spans in zip(gold, predicted, strict=True):
        g = {s for s in g_spans if s[2] in wanted}
        p = {s for s in p_spans if s[2] in wanted}
        for s in g & p:
            scores.labels[s[2]].tp += 1
        for s in p - g:
            scores.labels[s[2]].fp += 1
        for s in g - p:
            scores.labels[s[2]].fn += 1
    return scores
