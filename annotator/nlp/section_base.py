"""What section rules are made of: the labels, a rule's shape and its marker, and the page and
block views rules read. The rules themselves live in ``section_*.py``; :mod:`annotator.nlp.sections`
lists them and runs them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    text_only: bool = False  # reads the block's text alone: its vote is the same on any page


def rule(stage: int = 1, html: bool = False, text_only: bool = False
         ) -> Callable[[RuleFn], RuleFn]:
    """Mark a function as a rule named after it; stage 2 rules may read the page context,
    ``html`` rules read the HTML features and are skipped for plain text. ``text_only``: a
    stage-1 rule that reads nothing but the block's text and what follows from it (``words``,
    ``is_sentence`` ..., shape tests on the text), never its neighbours, the page or HTML: its
    vote for a line is computed once and reused on every page that has the line (a site's menus
    and footers repeat on all its pages). Marking registers nothing:
    :mod:`annotator.nlp.sections` collects rules from its explicit list of modules."""
    if text_only and (stage != 1 or html):
        raise ValueError("only stage-1 rules without HTML can be text_only")

    def mark(fn: RuleFn) -> RuleFn:
        fn.__rule__ = Rule(fn.__name__, stage, fn, (fn.__doc__ or "").strip(), html,  # type: ignore[attr-defined]
                           text_only)
        return fn

    return mark


def rules_in(*modules: Any) -> dict[str, Rule]:
    """The rules marked in ``modules`` (their functions, and those listed in a module's
    ``MADE_RULES``), by name, in module and definition order."""
    found: dict[str, Rule] = {}
    for module in modules:
        for value in [*vars(module).values(), *getattr(module, "MADE_RULES", [])]:
            marked = getattr(value, "__rule__", None)
            if isinstance(marked, Rule) and marked.fn is value:
                found[marked.name] = marked
    return found


class cached:  # noqa: N801 - used as a decorator, like functools.cached_property
    """``functools.cached_property`` without its lock: in Python 3.11 that takes a lock on every
    first access, ~1 µs on each of the thousands of block views a page of rules makes. Computed
    once, then stored in the instance's ``__dict__``, which shadows this descriptor. Rules run in
    one thread per page (a :class:`Page` is never shared between threads)."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


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
    rules: dict[str, Rule] = field(default_factory=dict, repr=False)  # set by sections.py
    _views: list[BlockView] = field(default_factory=list, repr=False)
    _counts: Counter[str] | None = field(default=None, repr=False)

    def view(self, index: int) -> BlockView:
        """The block's view, made once so its cached shape properties are computed once."""
        if not self._views:
            self._views = [BlockView(self, i) for i in range(len(self.texts))]
        return self._views[index]

    def fired(self, name: str, index: int) -> Vote | None:
        """The stage-1 vote rule ``name`` cast for block ``index``."""
        return self.votes[index].get(name) if self.votes else self.rules[name].fn(self.view(index))

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
    text: str = field(init=False, repr=False, compare=False)  # the page's text of the block

    def __post_init__(self) -> None:
        # An attribute, not a property: rules read it dozens of times per block.
        object.__setattr__(self, "text", self.page.texts[self.index])

    @cached
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @cached
    def is_sentence(self) -> bool:
        """Ends like a sentence (also before a closing quote or bracket)."""
        return bool(_SENTENCE_END.search(self.text.strip()))

    @cached
    def is_paragraph(self) -> bool:
        """Long running text: the clearest sign of article body in any language."""
        return self.words >= 20 and (self.is_sentence or self.text.count(". ") >= 1)

    @cached
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
