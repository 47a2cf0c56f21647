"""Section suggestions for the blocks of a page: boilerplate, body, byline or related_links.

Transparent scoring instead of one long if-chain: each rule is a small named function that looks at
one block (its text, position, neighbours and, for HTML pages, tag, landmarks, link density and
whether trafilatura keeps it) and may cast a vote ``(label, weight)``. A block gets the label with
the highest total. :func:`explain` shows every vote, so a wrong suggestion can be traced to the
rule that caused it. Adding a rule is one decorated function (see
:mod:`annotator.nlp.section_rules`) in one of the modules of :data:`RULE_MODULES`.

Rules run in two stages. Stage 1 rules look at the block alone. Their winning labels (provisional)
then locate the article on the page (from the headline to the last body paragraph) and the lists
that follow headers such as "Read more:"; stage 2 rules use that context (menus above the headline,
crossheads inside the article, link titles under a related header, a date next to the byline).
"""

from __future__ import annotations

from typing import Any

from annotator.domain import blocks
from annotator.nlp import section_boilerplate, section_context, section_html, section_rules
from annotator.nlp.section_base import (
    BODY,
    PRIORITY,
    BlockView,
    Page,
    Rule,
    Vote,
    rules_in,
)
from annotator.nlp.section_context import locate_article, locate_lists
from annotator.nlp.section_html import kept_by_extractor

# Every rule, from this explicit list of modules (nothing registers itself by being imported).
RULE_MODULES = (section_rules, section_boilerplate, section_html, section_context)
RULES: dict[str, Rule] = rules_in(*RULE_MODULES)

__all__ = ["RULES", "RULE_MODULES", "Page", "analyse", "explain", "suggest_sections"]


def _run(view: BlockView, stage: int) -> dict[str, Vote]:
    out = {}
    html = view.page.is_html or view.page.kept is not None
    for r in view.page.rules.values():
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
    page = Page(texts, feats, rules=RULES)
    if html:
        page.kept = kept_by_extractor(html, texts)
    return page


def _stage_one(page: Page) -> None:
    page.rules = page.rules or RULES
    page.votes = [_run(page.view(i), 1) for i in range(len(page.texts))]
    page.provisional = [_winner(_by_label(v)) for v in page.votes]
    page.strongest = [max((w for _, w in v.values()), default=0.0) for v in page.votes]
    locate_lists(page)  # lists of titles
    locate_article(page)
    locate_lists(page)  # comment threads below the article's first paragraph


def analyse(text: str, features: list[dict[str, Any]] | None = None,
            html: str | None = None) -> list[tuple[str, str | None, dict[str, list]]]:
    """``(block text, label, votes by label)`` for every block of ``text``."""
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
