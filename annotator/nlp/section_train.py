"""Train the section classifier: from scratch (the base model) or on top of a base model from a
person's confirmed pages (per project), and score it on held-back pages.

The optimiser is plain numpy, full-batch gradient descent with Adam on the cross-entropy plus an
L2 pull towards the starting weights (zero for a base model, the base model's weights when
adapting), so a few pages move the model only as far as they have evidence for. Same data and
seed give the same weights. Transition scores for the Viterbi smoothing are label-bigram log
frequencies (add-one smoothed), from the base data and then the person's pages; an adapted
model also gets ``site_transitions`` from the person's pages alone (:data:`SITE_PRIOR`), which
smooth the pages read with confirmed site evidence.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.nlp.section_features import (
    LABELS,
    PreparedPage,
    SectionPage,
    SiteEvidence,
    page_features,
)
from annotator.nlp.section_format import SiteWeights
from annotator.nlp.section_model import CONFIRMED_ROW, LONG_BLOCK, SectionModel

log = logging.getLogger(__name__)

Gold = Sequence[str | None]  # one label per block; None = not labelled (not trained on)
# An adapted model's ``site_transitions`` (see :data:`annotator.nlp.section_model.SITE_SMOOTHING`)
# are the label bigrams of the confirmed pages plus the base's transition probabilities as this
# many pseudo-counts per previous label: a few pages outweigh it, a label pair they never show
# keeps a small share. 2 and 5 gave the same figures on the development split; 20 was worse.
SITE_PRIOR = 5.0


@dataclass
class Example:
    """A page with its gold labels and the site evidence it is seen with (None: no site)."""

    page: SectionPage
    labels: Gold
    evidence: SiteEvidence | None = None
    prepared: PreparedPage | None = None  # page_features' slow part, when the caller has it


@dataclass
class Features:
    """Feature rows and gold labels of many pages, kept compact (one vocabulary of feature names,
    per block the column numbers and values), computed once: feature extraction runs the rules
    and trafilatura, the slow part. Blocks whose gold label is None are kept (they matter as
    neighbours and for transitions) but never trained on."""

    vocabulary: dict[str, int] = field(default_factory=dict)
    columns: list[list[np.ndarray]] = field(default_factory=list)  # per page, per block
    values: list[list[np.ndarray]] = field(default_factory=list)
    labels: list[list[str | None]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)  # per page: how much its blocks count

    def add(self, example: Example) -> None:
        self.add_rows(page_features(example.prepared or example.page, example.evidence),
                      example.labels)

    def add_rows(self, rows: list[dict[str, float]], labels: Gold, weight: float = 1.0) -> None:
        if len(rows) != len(labels):
            raise ValueError(f"{len(labels)} labels for {len(rows)} blocks")
        vocab = self.vocabulary
        cols, vals = [], []
        for row in rows:
            cols.append(np.array([vocab.setdefault(k, len(vocab)) for k in row], dtype=np.int32))
            vals.append(np.fromiter(row.values(), dtype=np.float32, count=len(row)))
        self.columns.append(cols)
        self.values.append(vals)
        self.labels.append(list(labels))
        self.weights.append(float(weight))

    @property
    def pages(self) -> int:
        return len(self.labels)

    def subset(self, pages: Sequence[int]) -> Features:
        """These pages only (in the order given), sharing this data's vocabulary and arrays:
        what one site's fit reads, without making its rows again."""
        return Features(self.vocabulary, [self.columns[p] for p in pages],
                        [self.values[p] for p in pages], [self.labels[p] for p in pages],
                        [self.weights[p] for p in pages])

    def matrix(self, features: list[str], pages: Sequence[int] | None = None,
               dtype: type = np.float32) -> np.ndarray:
        """The blocks of ``pages`` (default all) as a matrix with ``features`` as columns
        (names the model does not have are dropped), unscaled."""
        where = {name: features_index for features_index, name in enumerate(features)}
        remap = np.full(len(self.vocabulary) + 1, -1, dtype=np.int64)
        for name, i in self.vocabulary.items():
            remap[i] = where.get(name, -1)
        chosen = range(self.pages) if pages is None else pages
        n = sum(len(self.labels[p]) for p in chosen)
        x = np.zeros((n, len(features)), dtype=dtype)
        r = 0
        for p in chosen:
            for cols, vals in zip(self.columns[p], self.values[p], strict=True):
                mapped = remap[cols]
                keep = mapped >= 0
                x[r, mapped[keep]] = vals[keep]
                r += 1
        return x


def featurise(examples: Sequence[Example]) -> Features:
    out = Features()
    for example in examples:
        out.add(example)
    return out


def train_sections(examples: Sequence[Example] | Features, base: SectionModel | None = None,
                   seed: int = 0, *, steps: int | None = None, l2: float | None = None,
                   smoothing: float | None = None, name: str | None = None,
                   version: int | None = None,
                   progress: Callable[[int, int], None] | None = None) -> SectionModel:
    """A model trained on ``examples`` (pages with gold labels and their site evidence).

    With ``base``, the base model's features, scales and weights are the start and the L2 anchor
    (adaptation: few pages, few steps, a strong pull); without, a model from scratch whose
    features are all names seen in the data. ``progress(step, steps)`` is called now and then.
    Raises ``ValueError`` when no block has a label."""
    data = examples if isinstance(examples, Features) else featurise(examples)
    gold = [label for labels in data.labels for label in labels]
    if not any(label in LABELS for label in gold):
        raise ValueError("no labelled blocks to train on")
    if base is None:
        names = sorted(data.vocabulary)
        labels = list(LABELS)
        k = len(labels)
        start = SectionModel(labels, names, np.zeros((k, len(names))), np.zeros(k),
                             np.ones(len(names)), np.zeros((k + 1, k)))
        x = data.matrix(names)
        top = np.abs(x).max(axis=0).astype(np.float64)
        start.scale = np.where(top > 0, top, 1.0)  # a feature never seen set: no blow-up later
        steps = steps or 400
        l2 = 1e-4 if l2 is None else l2
        counts = np.ones((k + 1, k))
    else:
        start = base
        labels = list(base.labels)
        x = data.matrix(base.features)
        steps = steps or 150
        l2 = 3e-3 if l2 is None else l2
        counts = _base_counts(base)
    x /= start.scale.astype(np.float32)
    index = {label: i for i, label in enumerate(labels)}
    keep = np.array([label in index for label in gold], dtype=bool)
    y = np.array([index[label] for label in gold if label in index], dtype=np.int64)
    x = x[keep]
    sample = np.array([w for w, labels in zip(data.weights, data.labels, strict=True)
                       for _ in labels], dtype=x.dtype)[keep]
    weights, bias = _fit(x, y, sample, start.weights.copy(), start.bias.copy(), l2, steps, seed,
                         progress)
    transitions, counts = _transitions(data.labels, index, counts)
    site_transitions = None
    if base is not None:
        prior = np.exp(base.transitions)
        prior = SITE_PRIOR * prior / prior.sum(axis=1, keepdims=True)
        site_transitions = _transitions(data.labels, index, prior)[0]
    model = SectionModel(labels, list(start.features), weights, bias, start.scale.copy(),
                         transitions, start.smoothing if smoothing is None else smoothing,
                         name or ("sections" if base else "sections-base"),
                         (base.version + 1 if base else 0) if version is None else version,
                         rule_labels=list(base.rule_labels) if base else [],
                         site_transitions=site_transitions)
    if base is not None and not _learned_unseen(x, start):
        model.start = SiteWeights(base.weights.copy(), base.bias.copy())
        model.unseen_to_start = True
    model.meta = {"blocks": int(len(y)), "pages": data.pages, "seed": seed,
                  "steps": steps, "l2": l2, "transition_counts": counts.tolist(),
                  "base": base.name if base else None}
    return model


def _fit(x: np.ndarray, y: np.ndarray, sample: np.ndarray, w: np.ndarray, b: np.ndarray,
         l2: float, steps: int, seed: int,
         progress: Callable[[int, int], None] | None) -> tuple[np.ndarray, np.ndarray]:
    """Adam on the ``sample``-weighted mean cross-entropy + ``l2`` * |w - w0|^2; deterministic
    (full batch; ``seed`` only sets the tiny start noise that keeps labels apart)."""
    rng = np.random.default_rng(seed)
    w0 = w.astype(x.dtype)
    w = (w + rng.normal(0.0, 1e-4, size=w.shape)).astype(x.dtype)
    b = b.astype(x.dtype)
    n, k = len(y), w.shape[0]
    onehot = np.zeros((n, k), dtype=x.dtype)
    onehot[np.arange(n), y] = 1.0
    m_w, v_w, m_b, v_b = (np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b))
    rate, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        scores = x @ w.T + b
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        err = (p - onehot) * (sample / sample.sum())[:, None]
        g_w = err.T @ x + 2 * l2 * (w - w0)
        g_b = err.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
        c1, c2 = 1 - beta1 ** step, 1 - beta2 ** step
        w -= rate * (m_w / c1) / (np.sqrt(v_w / c2) + eps)
        b -= rate * (m_b / c1) / (np.sqrt(v_b / c2) + eps)
        if progress is not None and (step % 25 == 0 or step == steps):
            progress(step, steps)
    return w.astype(np.float64), b.astype(np.float64)


def _learned_unseen(x: np.ndarray, start: SectionModel) -> bool:
    """Whether the rows an adaptation learns from (scaled, base columns) hold any read with
    confirmed site evidence: if none do, it never saw a block of an unseen template slot (see
    :data:`annotator.nlp.section_model.UNSEEN`)."""
    j = start.features.index(CONFIRMED_ROW) if CONFIRMED_ROW in start.features else None
    return j is not None and bool((x[:, j] > 0).any())


def _base_counts(base: SectionModel) -> np.ndarray:
    """The base model's label-bigram counts (its meta), or add-one counts when it has none."""
    shape = base.transitions.shape
    try:
        counts = np.array(base.meta.get("transition_counts"), dtype=np.float64)
    except (TypeError, ValueError):
        counts = np.ones(shape)
    return counts if counts.shape == shape and (counts > 0).all() else np.ones(shape)


def _transitions(sequences: Sequence[Gold], index: dict[str, int],
                 counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log frequencies of label bigrams (row 0: the page's first label), add-one smoothed."""
    counts = counts.copy()
    for seq in sequences:
        prev = 0
        for label in seq:
            if label not in index:
                prev = 0
                continue
            counts[prev, index[label]] += 1
            prev = index[label] + 1
    return np.log(counts / counts.sum(axis=1, keepdims=True)), counts


def split_pages(n: int, held_back: float = 0.25, seed: int = 0) -> tuple[list[int], list[int]]:
    """Page indices ``(train, held_back)``: a seeded shuffle, at least one page held back when
    there are two or more."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    k = min(n - 1, max(1, round(n * held_back))) if n >= 2 else 0
    return sorted(order[k:]), sorted(order[:k])


def predict_features(model: SectionModel, data: Features, page: int) -> list[str]:
    """The model's labels for page number ``page`` of ``data``."""
    x = data.matrix(model.features, [page], np.float64) / model.scale
    logp = model.log_probabilities(x)
    path = model.path(logp, model.row_flags(x, LONG_BLOCK), model.row_flags(x, CONFIRMED_ROW))
    return [model.labels[i] for i in path]


def block_accuracy(model: SectionModel, data: Features) -> float:
    """Share of labelled blocks of ``data`` the model labels right (for held-back pages)."""
    right = total = 0
    for page, gold in enumerate(data.labels):
        for p, g in zip(predict_features(model, data, page), gold, strict=True):
            if g is not None:
                total += 1
                right += p == g
    return right / total if total else 0.0
