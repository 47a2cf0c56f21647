"""Rules marked ``text_only`` read nothing but the block's own text, so their votes can be shared
between pages (annotator/nlp/sections.py keeps them by line): checked here on every line of the
dev sets, each voted on in its own page and again alone and among other pages' lines; and a page
analysed after the cache has seen its lines gets exactly the votes of a fresh analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.nlp import sections
from annotator.nlp.section_base import Page, rule
from annotator.nlp.sections import RULES, analyse

DATA = Path(__file__).parent / "data"
TEXT_ONLY = [r for r in RULES.values() if r.text_only]


def dev_texts() -> list[str]:
    return [json.loads(line)["text"] for name in ("sections_dev.jsonl", "sections_holdout.jsonl")
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def votes(page: Page) -> list[dict]:
    return [{r.name: r.fn(page.view(i)) for r in TEXT_ONLY} for i in range(len(page.texts))]


def test_text_only_rules_vote_the_same_on_a_line_wherever_it_stands():
    assert len(TEXT_ONLY) >= 20  # the phrase rules and the shape rules
    pages = [[line.strip() for line in text.split("\n") if line.strip()] for text in dev_texts()]
    for k, lines in enumerate(pages):
        at_home = votes(Page(lines, []))
        alone = [votes(Page([line], []))[0] for line in lines]
        elsewhere = votes(Page([*pages[k - 1][:5], *reversed(lines), *pages[k - 1][5:]], []))
        moved = list(reversed(elsewhere[5:5 + len(lines)]))
        assert at_home == alone == moved, k


def test_analysis_is_the_same_with_the_line_votes_cached_or_not(monkeypatch):
    texts = dev_texts()
    monkeypatch.setattr(sections, "_TEXT_VOTES", {})
    first = [analyse(t) for t in texts]  # fills the cache
    assert sections._TEXT_VOTES
    again = [analyse(t) for t in texts]  # every short line now comes from the cache
    monkeypatch.setattr(sections, "_TEXT_ONLY", frozenset())  # every rule called on every line
    uncached = [analyse(t) for t in texts]
    assert first == again == uncached


def test_only_stage_one_rules_without_html_can_be_text_only():
    with pytest.raises(ValueError):
        rule(stage=2, text_only=True)
    with pytest.raises(ValueError):
        rule(html=True, text_only=True)
