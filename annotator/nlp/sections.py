"""Section suggestions for the blocks of a page: boilerplate, body, byline or related_links.

Transparent scoring instead of one long if-chain: each rule is a small named function that looks at
one block (its text, position, neighbours and, for HTML pages, tag, landmarks, link density and
whether trafilatura keeps it) and may cast a vote ``(label, weight)``. A block gets the label with
the highest total. :func:`explain` shows every vote, so a wrong suggestion can be traced to the
rule that caused it. Adding a rule is one decorated function (see
:mod:`annotator.nlp.section_rules`).

Rules run in two stages. Stage 1 rules look at the block alone. Their winning labels (provisional)
then locate the article on the page (from the headline to the last body paragraph) and the lists
that follow headers such as "Read more:"; stage 2 rules use that context (menus above the headline,
crossheads inside the article, link titles under a related header, a date next to the byline).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from annotator.domain import blocks

BODY, BYLINE, RELATED, BOILERPLATE = "body", "byline", "related_links", "boilerplate"
# Ties go to the label earlier here: a person can more easily spot body wrongly kept than lost.
PRIORITY = (BODY, BYLINE, RELATED, BOILERPLATE)
STRONG = 3.0  # a vote at least this heavy comes from an explicit cue ("By ...", "©", "Read more:")

Vote = tuple[str, float]
RuleFn = Callable[["BlockView"], Vote | None]


@dataclass(frozen=True)
class Rule:
    name: str
    stage: int
    fn: RuleFn
    doc: str
    html: bool = False  # reads HTML features: skipped for plain-text pages


RULES: dict[str, Rule] = {}


def rule(stage: int = 1, html: bool = False) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under its function name; stage 2 rules may read the page context, ``html``
    rules read the HTML features and are skipped for plain text."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[fn.__name__] = Rule(fn.__name__, stage, fn, (fn.__doc__ or "").strip(), html)
        return fn

    return register


_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass
class Page:
    """The blocks of one document with their features, and what stage 1 made of them."""

    texts: list[str]
    features: list[dict[str, Any]]
    kept: list[bool] | None = None  # trafilatura keeps the block's text (HTML pages only)
    provisional: list[str | None] = field(default_factory=list)
    strongest: list[float] = field(default_factory=list)
    start: int = 0  # first block of the article (its headline), from stage 1
    end: int = -1  # last body paragraph of the article
    list_label: list[str | None] = field(default_factory=list)  # label of the governing header
    # Stage-1 votes per block by rule name, computed once: context rules ask "did rule X fire on
    # block i" many times.
    votes: list[dict[str, Vote]] = field(default_factory=list)
    _views: list[BlockView] = field(default_factory=list, repr=False)
    _counts: Counter[str] | None = field(default=None, repr=False)

    def view(self, index: int) -> BlockView:
        """The block's view, made once so its cached shape properties are computed once."""
        if not self._views:
            self._views = [BlockView(self, i) for i in range(len(self.texts))]
        return self._views[index]

    def fired(self, name: str, index: int) -> Vote | None:
        """The stage-1 vote rule ``name`` cast for block ``index``."""
        return self.votes[index].get(name) if self.votes else RULES[name].fn(self.view(index))

    def count(self, text: str) -> int:
        """How often a line occurs on this page (counted once per page)."""
        if self._counts is None:
            self._counts = Counter(self.texts)
        return self._counts[text]

    @property
    def is_html(self) -> bool:
        return bool(self.features)


@dataclass(frozen=True)
class BlockView:
    """One block as rules see it: its text and shape, its neighbours and the page around it."""

    page: Page
    index: int

    @property
    def text(self) -> str:
        return self.page.texts[self.index]

    @cached_property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @cached_property
    def is_sentence(self) -> bool:
        """Ends like a sentence (also before a closing quote or bracket)."""
        return bool(_SENTENCE_END.search(self.text.strip()))

    @cached_property
    def is_paragraph(self) -> bool:
        """Long running text: the clearest sign of article body in any language."""
        return self.words >= 20 and (self.is_sentence or self.text.count(". ") >= 1)

    @cached_property
    def is_title_like(self) -> bool:
        """Headline or link-title shape: a few words, no closing full stop."""
        text = self.text.strip()
        return 2 <= self.words <= 20 and not text.endswith(".") and not text.endswith(":")

    def memo(self, key: str, compute: Callable[[BlockView], Any]) -> Any:
        """A shape test computed once per block however many rules ask for it."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]

    def feature(self, name: str, default: Any = None) -> Any:
        if not self.page.features or self.index >= len(self.page.features):
            return default
        return self.page.features[self.index].get(name, default)

    def neighbour(self, offset: int) -> BlockView | None:
        index = self.index + offset
        return self.page.view(index) if 0 <= index < len(self.page.texts) else None

    def provisional(self, offset: int = 0) -> str | None:
        index = self.index + offset
        if 0 <= index < len(self.page.provisional):
            return self.page.provisional[index]
        return None

    @property
    def strength(self) -> float:
        """The heaviest stage-1 vote this block got: high means an explicit cue decided it."""
        return self.page.strongest[self.index] if self.page.strongest else 0.0


def _run(view: BlockView, stage: int) -> dict[str, Vote]:
    out = {}
    html = view.page.is_html or view.page.kept is not None
    for r in RULES.values():
        if r.stage == stage and (html or not r.html):
            vote = r.fn(view)
            if vote is not None:
                out[r.name] = vote
    return out


def _by_label(votes: dict[str, Vote]) -> dict[str, list[tuple[str, float]]]:
    grouped: dict[str, list[tuple[str, float]]] = {}
    for name, (label, weight) in votes.items():
        grouped.setdefault(label, []).append((name, weight))
    return grouped


def _winner(votes: dict[str, list[tuple[str, float]]]) -> str | None:
    if not votes:
        return None
    totals = {label: sum(w for _, w in vs) for label, vs in votes.items()}
    best = max(totals.values())
    return next(label for label in [*PRIORITY, *sorted(totals)] if totals.get(label) == best)


def _page(text: str, features: list[dict[str, Any]] | None, html: str | None) -> Page:
    texts = [text[b.start:b.end].strip() for b in blocks(text)]
    feats = list(features or [])
    if feats and len(feats) != len(texts):
        feats = []  # features from another version of the text: do not misalign them
    page = Page(texts, feats)
    if html:
        from annotator.nlp.section_html import kept_by_extractor

        page.kept = kept_by_extractor(html, texts)
    return page


def _stage_one(page: Page) -> None:
    page.votes = [_run(page.view(i), 1) for i in range(len(page.texts))]
    page.provisional = [_winner(_by_label(v)) for v in page.votes]
    page.strongest = [max((w for _, w in v.values()), default=0.0) for v in page.votes]
    from annotator.nlp.section_context import locate_article, locate_lists

    locate_lists(page)  # lists of titles
    locate_article(page)
    locate_lists(page)  # comment threads below the article's first paragraph


def analyse(text: str, features: list[dict[str, Any]] | None = None,
            html: str | None = None) -> list[tuple[str, str | None, dict[str, list]]]:
    """``(block text, label, votes by label)`` for every block of ``text``."""
    import annotator.nlp.section_boilerplate  # noqa: F401  (registers the boilerplate rules)
    import annotator.nlp.section_context  # noqa: F401  (registers the context rules)
    import annotator.nlp.section_html  # noqa: F401  (registers the HTML rules)
    import annotator.nlp.section_rules  # noqa: F401  (registers the text rules)

    page = _page(text, features, html)
    _stage_one(page)
    out = []
    for i, block_text in enumerate(page.texts):
        votes = _by_label({**page.votes[i], **_run(page.view(i), 2)})
        out.append((block_text, _winner(votes) or BODY, votes))
    return out


def suggest_sections(text: str, features: list[dict[str, Any]] | None = None,
                     html: str | None = None) -> list[str | None]:
    """A suggested section label for every block of ``text`` (see :func:`annotator.domain.blocks`).

    ``features`` are the per-block HTML features stored at import (tag, landmarks, classes,
    link_density) and ``html`` the page itself, for trafilatura's opinion; both optional."""
    return [label for _, label, _ in analyse(text, features, html)]


def explain(text: str, features: list[dict[str, Any]] | None = None,
            html: str | None = None) -> str:
    """A readable table of every block's label and the votes behind it."""
    lines = []
    for i, (block_text, label, votes) in enumerate(analyse(text, features, html)):
        why = "; ".join(f"{lab} " + "+".join(f"{n}({w:g})" for n, w in vs)
                        for lab, vs in sorted(votes.items()))
        lines.append(f"{i:>3} {label:<13} {block_text[:60]!r:<64} {why}")
    return "\n".join(lines)
