"""Measure section suggestions against gold labels: block accuracy, per-label precision, recall
and F1, and for HTML pages how much real article text the body blocks keep compared with
trafilatura's extraction of the same page.

Plain data in, plain data out; reading files is the caller's job (the CLI), so this module depends
on nothing but the domain and the section rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import blocks, blocks_in_range
from annotator.nlp.section_features import SectionPage
from annotator.nlp.sections import BODY, suggest_sections

# What is measured: a page in, one label per block out (the rules, or a trained model's predict).
Suggest = Callable[[SectionPage], list[str | None]]


def rules_suggest(page: SectionPage) -> list[str | None]:
    """The hand-written rules' labels (:func:`annotator.nlp.sections.suggest_sections`)."""
    return suggest_sections(page.text, features=page.features, html=page.html)


@dataclass
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class BlockEvaluation:
    documents: int = 0
    blocks: int = 0
    correct: int = 0
    labels: dict[str, LabelScore] = field(default_factory=dict)
    errors: list[tuple[str, int, str, str, str]] = field(default_factory=list)  # doc, block, gold,
    # predicted, text

    @property
    def accuracy(self) -> float:
        return self.correct / self.blocks if self.blocks else 0.0

    def add(self, name: str, index: int, text: str, gold: str, predicted: str | None) -> None:
        self.blocks += 1
        shown = predicted or "(none)"
        if gold == predicted:
            self.correct += 1
            self._score(gold).tp += 1
            return
        self._score(gold).fn += 1
        if predicted:
            self._score(predicted).fp += 1
        self.errors.append((name, index, gold, shown, text))

    def _score(self, label: str) -> LabelScore:
        return self.labels.setdefault(label, LabelScore(label))


def gold_blocks(text: str, sections: Iterable[dict[str, Any]]) -> list[str | None]:
    """The gold label of every block from ``[{"start","end","label"}]`` section ranges."""
    doc_blocks = blocks(text)
    gold: list[str | None] = [None] * len(doc_blocks)
    for sec in sections:
        for block in blocks_in_range(doc_blocks, sec["start"], sec["end"]):
            gold[block.index] = sec["label"]
    return gold


def evaluate_blocks(records: Iterable[dict[str, Any]],
                    suggest: Suggest = rules_suggest) -> BlockEvaluation:
    """Block-level scores over records shaped like our JSONL (``text``, ``sections``, ``meta``)
    for the labels ``suggest`` gives (default: the rules).

    Blocks without a gold label are not counted (the guidelines ask for one on every block)."""
    result = BlockEvaluation()
    for number, record in enumerate(records, start=1):
        text = record["text"]
        name = str((record.get("meta") or {}).get("source") or f"record {number}")
        gold = gold_blocks(text, record.get("sections") or [])
        predicted = suggest(SectionPage(text))
        result.documents += 1
        for block, g, p in zip(blocks(text), gold, predicted, strict=True):
            if g is not None:
                result.add(name, block.index, text[block.start:block.end], g, p)
    return result


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in _TOKEN.findall(text))


@dataclass
class TextOverlap:
    """Token-level comparison of an extraction with the gold article text (bags of words)."""

    name: str
    kept: int = 0  # extraction tokens that are article tokens
    extracted: int = 0
    gold: int = 0
    page: int = 0  # all tokens of the page's visible text
    page_gold: int = 0  # page tokens that are article tokens

    @property
    def precision(self) -> float:
        return self.kept / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        """Share of the real article text kept."""
        return self.kept / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def boilerplate_dropped(self) -> float:
        """Share of the page's non-article tokens that the extraction leaves out."""
        noise = self.page - self.page_gold
        return 1 - (self.extracted - self.kept) / noise if noise > 0 else 1.0

    def __iadd__(self, other: TextOverlap) -> TextOverlap:
        for name in ("kept", "extracted", "gold", "page", "page_gold"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def overlap(name: str, extracted: str, gold: str, page: str) -> TextOverlap:
    ours, truth, visible = tokens(extracted), tokens(gold), tokens(page)
    return TextOverlap(name, sum((ours & truth).values()), sum(ours.values()),
                       sum(truth.values()), sum(visible.values()),
                       sum((visible & truth).values()))


def body_text(text: str, features: list[dict[str, Any]] | None, html: str | None,
              suggest: Suggest = rules_suggest) -> str:
    """The text of the blocks ``suggest`` labels ``body`` (default: the rules), one per line."""
    labels = suggest(SectionPage(text, html, features))
    return "\n".join(text[b.start:b.end] for b, label in zip(blocks(text), labels, strict=True)
                     if label == BODY)


_SHINGLE_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word ``n``-grams of ``text`` with counts (``\\w+`` words, case-folded): the unit of the
    field's article-extraction score (Dragnet, Moz, Zyte's benchmark)."""
    words = [w.casefold() for w in _SHINGLE_WORD.findall(text)]
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


@dataclass
class ShingleScore:
    """Word 4-gram shingle precision and recall, averaged over pages; F1 from the two means.

    Per page, tp = shingles in both texts, fp = only predicted, fn = only gold (with counts). A
    page with no predicted shingles has precision 0; with no gold shingles it is skipped."""

    name: str
    pages: int = 0
    precision_sum: float = 0.0
    recall_sum: float = 0.0

    def add(self, predicted: str, gold: str) -> None:
        ours, truth = shingles(predicted), shingles(gold)
        if not truth:
            return
        tp = sum((ours & truth).values())
        self.pages += 1
        self.precision_sum += tp / sum(ours.values()) if ours else 0.0
        self.recall_sum += tp / sum(truth.values())

    @property
    def precision(self) -> float:
        return self.precision_sum / self.pages if self.pages else 0.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.pages if self.pages else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
