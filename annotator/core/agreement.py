"""How far annotators agree: entity F1 per pair and label, section kappa and alpha.

Plain data in, plain data out (no Qt, no SQLite): the CLI and the window read the projects
through the store (:func:`annotator.store.team.read_annotations`) and hand the labels here.

What is compared, as on INCEpTION's agreement page and in Prodigy's ``review``:

- **Entities**: each pair of annotators over the documents both finished, per label and over
  all labels. *Exact*: a span agrees when the other has the same ``(start, end, label)``.
  *Overlap*: a span agrees when the other has a span of the same label that shares a character.
  F1 is symmetric: with A as prediction and B as reference, ``P = agreeing A / |A|``,
  ``R = agreeing B / |B|``; exact F1 is ``2 * both / (|A| + |B|)``.
- **Sections**: the unit is a block (one non-blank line). Cohen's kappa per pair over the blocks
  both tagged; Fleiss' kappa over the blocks every annotator tagged; Krippendorff's alpha
  (nominal) over the blocks at least two tagged (it allows gaps). Per label the same figures are
  taken one label against the rest. A figure is ``None`` when it is undefined (no items, or
  every item has one category so chance agreement is 1).
- **Documents**: each shared document where they differ, with what each one has.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotator.domain import blocks

SpanKey = tuple[int, int, str]  # start, end (code points, exclusive), label


@dataclass(frozen=True)
class Annotation:
    """One annotator's labels of one document: entity spans and ``{block: section label}``."""

    spans: frozenset[SpanKey] = frozenset()
    sections: Mapping[int, str] = field(default_factory=dict)


# annotator name -> document key (its content hash) -> that annotator's labels of it
Corpus = Mapping[str, Mapping[str, Annotation]]


@dataclass(frozen=True)
class F1:
    """Agreement of two span sets: counts and P/R/F1 (``None`` when both are empty)."""

    a: int  # spans of the first annotator
    b: int  # spans of the second
    agree_a: int  # of the first's spans, how many the second matches
    agree_b: int

    @property
    def precision(self) -> float | None:
        return self.agree_a / self.a if self.a else None

    @property
    def recall(self) -> float | None:
        return self.agree_b / self.b if self.b else None

    @property
    def f1(self) -> float | None:
        if not self.a and not self.b:
            return None
        return _harmonic(self.agree_a, self.a, self.agree_b, self.b)

    def __add__(self, other: F1) -> F1:
        return F1(self.a + other.a, self.b + other.b, self.agree_a + other.agree_a,
                  self.agree_b + other.agree_b)


def _harmonic(agree_a: int, a: int, agree_b: int, b: int) -> float:
    """F1 of P = agree_a/a and R = agree_b/b; 0 when either side is empty or nothing agrees."""
    if not a or not b or not agree_a or not agree_b:
        return 0.0
    p, r = agree_a / a, agree_b / b
    return 2 * p * r / (p + r)


def span_f1(a: Iterable[SpanKey], b: Iterable[SpanKey], overlap: bool = False) -> F1:
    """Agreement of two annotators' spans of one document (see the module docstring)."""
    a, b = set(a), set(b)
    if not overlap:
        both = len(a & b)
        return F1(len(a), len(b), both, both)
    return F1(len(a), len(b), _matched(a, b), _matched(b, a))


def _matched(spans: set[SpanKey], others: set[SpanKey]) -> int:
    """How many of ``spans`` share a character with a span of the same label in ``others``."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for start, end, label in others:
        by_label.setdefault(label, []).append((start, end))
    return sum(any(s < end and start < e for s, e in by_label.get(label, ()))
               for start, end, label in spans)


# -- chance-corrected agreement on categories -------------------------------------------------


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' categories of the same items (as scikit-learn's
    ``cohen_kappa_score``): ``(po - pe) / (1 - pe)``; ``None`` with no items or ``pe == 1``."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(x == y for x, y in pairs) / n
    first, second = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa of items each rated by the same number of raters (as statsmodels'
    ``fleiss_kappa`` on the item-by-category count table); ``None`` when undefined."""
    items = [list(i) for i in items if i]
    if not items:
        return None
    raters = len(items[0])
    if raters < 2 or any(len(i) != raters for i in items):
        raise ValueError("every item needs the same number (at least two) of ratings")
    n = len(items)
    totals: Counter[str] = Counter()
    p_items = 0.0
    for item in items:
        counts = Counter(item)
        totals.update(counts)
        p_items += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    p_bar = p_items / n
    p_e = sum((t / (n * raters)) ** 2 for t in totals.values())
    if p_e >= 1.0:
        return None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha(units: Sequence[Sequence[str]]) -> float | None:
    """Krippendorff's alpha, nominal, of units with any number of ratings (units with fewer
    than two are not pairable and left out), as the ``krippendorff`` package computes it:
    ``1 - D_o / D_e`` from the coincidence matrix; ``None`` when undefined."""
    coincidence: Counter[tuple[str, str]] = Counter()
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        counts = Counter(unit)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    coincidence[(c, k)] += pairs / (m - 1)
    totals: Counter[str] = Counter()
    for (c, _k), value in coincidence.items():
        totals[c] += value
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(v for (c, k), v in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRow:
    first: str
    second: str
    label: str  # "" for all labels
    exact: F1
    overlap: F1


@dataclass(frozen=True)
class KappaRow:
    """Section agreement of one pair (Cohen) on ``items`` blocks both tagged."""

    first: str
    second: str
    label: str  # "" for all labels (multi-class)
    kappa: float | None
    items: int


@dataclass(frozen=True)
class GroupRow:
    """Section agreement of all annotators: Fleiss on ``complete`` blocks every one tagged,
    alpha on ``pairable`` blocks at least two tagged."""

    label: str
    fleiss: float | None
    complete: int
    alpha: float | None
    pairable: int


@dataclass(frozen=True)
class Difference:
    """Where annotators differ in one document: ``what`` is e.g. ``entity 18-33 'Emmanuel
    Macron'`` and ``choices`` maps each distinct choice (``ORG``, ``none``) to who made it."""

    doc: str
    what: str
    choices: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass
class AgreementReport:
    annotators: list[str]
    shared_documents: int  # documents at least two annotators finished
    entities: list[EntityRow]
    sections: list[KappaRow]
    group: list[GroupRow]
    differences: list[Difference]
    titles: dict[str, str]


def agreement(corpus: Corpus, texts: Mapping[str, str] | None = None,
              titles: Mapping[str, str] | None = None) -> AgreementReport:
    """Every figure of the module docstring for ``corpus``. ``texts`` (document key -> text)
    lets differences quote the words; ``titles`` name the documents."""
    names = sorted(corpus)
    texts = texts or {}
    entities: list[EntityRow] = []
    sections: list[KappaRow] = []
    for a, b in combinations(names, 2):
        shared = sorted(set(corpus[a]) & set(corpus[b]))
        entities += _entity_rows(a, b, [(corpus[a][d], corpus[b][d]) for d in shared])
        sections += _kappa_rows(a, b, [(corpus[a][d], corpus[b][d]) for d in shared])
    counts = Counter(d for name in names for d in corpus[name])
    shared_docs = sorted(d for d, n in counts.items() if n >= 2)
    return AgreementReport(
        annotators=names, shared_documents=len(shared_docs), entities=entities,
        sections=sections, group=_group_rows(corpus, names, shared_docs),
        differences=[d for doc in shared_docs
                     for d in differences(doc, {n: corpus[n][doc] for n in names
                                                if doc in corpus[n]}, texts.get(doc, ""))],
        titles=dict(titles or {}))


def _labels_of(spans: Iterable[SpanKey]) -> set[str]:
    return {label for _, _, label in spans}


def _entity_rows(a: str, b: str, docs: list[tuple[Annotation, Annotation]]) -> list[EntityRow]:
    labels = sorted(set().union(*(_labels_of(x.spans) | _labels_of(y.spans) for x, y in docs)))
    rows = []
    for label in ["", *labels]:
        exact, overlap = F1(0, 0, 0, 0), F1(0, 0, 0, 0)
        for x, y in docs:
            xs = [s for s in x.spans if not label or s[2] == label]
            ys = [s for s in y.spans if not label or s[2] == label]
            exact += span_f1(xs, ys)
            overlap += span_f1(xs, ys, overlap=True)
        rows.append(EntityRow(a, b, label, exact, overlap))
    return rows


def _kappa_rows(a: str, b: str, docs: list[tuple[Annotation, Annotation]]) -> list[KappaRow]:
    pairs = [(x.sections[i], y.sections[i]) for x, y in docs for i in sorted(x.sections)
             if i in y.sections]
    rows = [KappaRow(a, b, "", cohen_kappa(pairs), len(pairs))]
    for label in sorted({c for pair in pairs for c in pair}):
        binary = [(x == label, y == label) for x, y in pairs]
        rows.append(KappaRow(a, b, label, cohen_kappa(binary), len(pairs)))
    return rows


def _group_rows(corpus: Corpus, names: list[str], docs: list[str]) -> list[GroupRow]:
    units: list[list[str]] = []
    for doc in docs:
        tagged = [corpus[n][doc].sections for n in names if doc in corpus[n]]
        for block in sorted(set().union(*tagged)):
            units.append([s[block] for s in tagged if block in s])
    complete = [u for u in units if len(u) == len(names)]
    pairable = [u for u in units if len(u) >= 2]
    rows = [GroupRow("", fleiss_kappa(complete), len(complete), krippendorff_alpha(pairable),
                     len(pairable))]
    for label in sorted({c for u in pairable for c in u}):
        def one_vs_rest(group: list[list[str]], lab: str = label) -> list[list[str]]:
            return [[str(c == lab) for c in u] for u in group]
        rows.append(GroupRow(label, fleiss_kappa(one_vs_rest(complete)), len(complete),
                             krippendorff_alpha(one_vs_rest(pairable)), len(pairable)))
    return rows


def differences(doc: str, versions: Mapping[str, Annotation], text: str = "") -> list[Difference]:
    """Where the annotators of one document differ: each group of overlapping spans they do not
    all have alike (by who chose which spans there, ``none`` for no span), and each block they
    tagged differently (``none`` for untagged), in text order."""
    out: list[Difference] = []
    names = sorted(versions)
    for start, end, choices in span_clusters({n: versions[n].spans for n in names}):
        if len(set(choices.values())) > 1:
            quoted = f" {text[start:end]!r}" if text else ""
            out.append(Difference(doc, f"entity {start}-{end}{quoted}",
                                  _who_chose(choices, lambda c: _describe_spans(c, text))))
    all_blocks = [text[b.start:b.end].strip()[:60] for b in blocks(text)]
    for block in sorted(set().union(*(versions[n].sections for n in names))):
        choices = {n: versions[n].sections.get(block) for n in names}
        if len(set(choices.values())) > 1:
            words = f" {all_blocks[block]!r}" if block < len(all_blocks) else ""
            out.append(Difference(doc, f"block {block}{words}",
                                  _who_chose(choices, lambda c: c or "none")))
    return out


def _describe_spans(spans: tuple[SpanKey, ...], text: str) -> str:
    """``PERSON 'Macron'`` (offsets instead of words without the text); ``none``."""
    if not spans:
        return "none"
    return " + ".join(f"{label} {text[s:e]!r}" if text else f"{label} {s}-{e}"
                      for s, e, label in spans)


def _who_chose(choices: Mapping[str, object], describe: Callable[[Any], str]
               ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each distinct choice, described, with who made it (in the order first met)."""
    grouped: dict[object, list[str]] = {}
    for name, choice in choices.items():
        grouped.setdefault(choice, []).append(name)
    return tuple((describe(choice), tuple(who)) for choice, who in grouped.items())


def span_clusters(versions: Mapping[str, Iterable[SpanKey]]
                  ) -> list[tuple[int, int, dict[str, tuple[SpanKey, ...]]]]:
    """Group every annotator's spans into regions of overlapping spans (a span of one and an
    overlapping span of another fall in one region, transitively), in text order. Each region is
    ``(start, end, {annotator: their spans in it, possibly none})``; where all choices are equal
    the annotators agree there."""
    tagged = sorted((s, name) for name, spans in versions.items() for s in spans)
    regions: list[tuple[int, int, list[tuple[SpanKey, str]]]] = []
    for span, name in tagged:
        if regions and span[0] < regions[-1][1]:
            start, end, members = regions[-1]
            regions[-1] = (start, max(end, span[1]), [*members, (span, name)])
        else:
            regions.append((span[0], span[1], [(span, name)]))
    out = []
    for start, end, members in regions:
        choices = {name: tuple(sorted(s for s, who in members if who == name))
                   for name in versions}
        out.append((start, end, choices))
    return out
