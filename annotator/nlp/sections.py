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
    RuleFn,
    Vote,
    rules_in,
)
from annotator.nlp.section_context import locate_article, locate_lists
from annotator.nlp.section_html import kept_by_extractor

# Every rule, from this explicit list of modules (nothing registers itself by being imported).
RULE_MODULES = (section_rules, section_boilerplate, section_html, section_context)
RULES: dict[str, Rule] = rules_in(*RULE_MODULES)

__all__ = ["RULES", "RULE_MODULES", "Page", "analyse", "explain", "suggest_sections"]


# Votes of the text-only stage-1 rules (see ``rule(text_only=True)``) of RULES by block text: a
# site's menus, footers and widget lines repeat on all its pages, so most short lines of a batch
# were seen before. Only lines of up to TEXT_VOTES_CHARS characters are kept (paragraphs do not
# repeat); cleared when full; a plain dict, whose get and set are atomic, so threads analysing
# pages at once at worst compute a line twice.
_TEXT_VOTES: dict[str, dict[str, Vote]] = {}
TEXT_VOTES_MAX = 10_000
TEXT_VOTES_CHARS = 200


def _stage_one_votes(view: BlockView, rules: list[tuple[str, RuleFn]],
                     text_only: frozenset[str]) -> dict[str, Vote]:
    """:func:`_run` of stage 1 with the votes of the ``text_only`` rules looked up by the block's
    text (computed on its first sighting): the same votes in the same (rule) order."""
    text = view.text
    known = _TEXT_VOTES.get(text)
    if known is None:
        known = {}
        for name, fn in rules:
            if name in text_only and (vote := fn(view)) is not None:
                known[name] = vote
        if len(text) <= TEXT_VOTES_CHARS:
            if len(_TEXT_VOTES) >= TEXT_VOTES_MAX:
                _TEXT_VOTES.clear()
            _TEXT_VOTES[text] = known
    out = {}
    for name, fn in rules:
        vote = known.get(name) if name in text_only else fn(view)
        if vote is not None:
            out[name] = vote
    return out


_TEXT_ONLY = frozenset(name for name, r in RULES.items() if r.text_only)


def _stage_rules(page: Page, stage: int) -> list[tuple[str, RuleFn]]:
    """``(name, fn)`` of the page's rules of ``stage`` that apply to it (HTML rules only on HTML
    pages), in rule order: chosen once per page, not once per block."""
    html = page.is_html or page.kept is not None
    return [(r.name, r.fn) for r in page.rules.values()
            if r.stage == stage and (html or not r.html)]


def _run(view: BlockView, stage: int,
         rules: list[tuple[str, RuleFn]] | None = None) -> dict[str, Vote]:
    """The votes of ``rules`` (default: the page's rules of ``stage``) on one block, by rule."""
    out = {}
    for name, fn in _stage_rules(view.page, stage) if rules is None else rules:
        vote = fn(view)
        if vote is not None:
            out[name] = vote
    return out


def _by_label(votes: dict[str, Vote]) -> dict[str, list[tuple[str, float]]]:
    grouped: dict[str, list[tuple[str, float]]] = {}
    for name, (label, weight) in votes.items():
        grouped.setdefault(label, []).append((name, weight))
    return grouped


def _winner(votes: dict[str, list[tuple[str, float]]]) -> str | None:
    if not votes:
        return None
    return _best({label: sum(w for _, w in vs) for label, vs in votes.items()})


def _best(totals: dict[str, float]) -> str:
    """The label with the highest total; a tie goes to the label earlier in PRIORITY."""
    best = max(totals.values())
    return next(label for label in [*PRIORITY, *sorted(totals)] if totals.get(label) == best)


def _provisional(votes: dict[str, Vote]) -> str | None:
    """``_winner(_by_label(votes))`` without the grouping: the same totals, summed in the same
    order (from 0.0, vote by vote), so the same floats."""
    if not votes:
        return None
    totals: dict[str, float] = {}
    for label, weight in votes.values():
        totals[label] = totals.get(label, 0) + weight
    return _best(totals)


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
    rules = _stage_rules(page, 1)
    if page.rules is RULES:  # the shipped rules: text-only votes are shared between pages
        page.votes = [_stage_one_votes(page.view(i), rules, _TEXT_ONLY)
                      for i in range(len(page.texts))]
    else:
        page.votes = [_run(page.view(i), 1, rules) for i in range(len(page.texts))]
    page.provisional = [_provisional(v) for v in page.votes]
    page.strongest = [max((w for _, w in v.values()), default=0.0) for v in page.votes]
    locate_lists(page)  # lists of titles
    locate_article(page)
    locate_lists(page)  # comment threads below the article's first paragraph


def analyse(text: str, features: list[dict[str, Any]] | None = None,
            html: str | None = None) -> list[tuple[str, str | None, dict[str, list]]]:
    """``(block text, label, votes by label)`` for every block of ``text``."""
    page = _page(text, features, html)
    _stage_one(page)
    rules = _stage_rules(page, 2)
    out = []
    for i, block_text in enumerate(page.texts):
        votes = _by_label({**page.votes[i], **_run(page.view(i), 2, rules)})
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
