"""Small news sites for the section learning tests (issue 14): each site has a fixed template
(menus, a promo, a quirk line of its own, teasers, a footer) around articles that differ page
to page, as real news corpora do. Pages are real HTML, imported as the app imports them.

The quirk: every page of ``daily.example`` carries a long, sentence-like promo for the site's
app inside the article ("Our reporters ...") that a person tags boilerplate; nothing but its
recurrence across the site's pages says so.
"""

from __future__ import annotations

from pathlib import Path

from annotator.domain import NewDocument, Status, blocks
from annotator.io.html import parse_html
from annotator.store import open_store

WORDS = ("council river budget school harbour festival railway library market bridge "
         "hospital election museum farmers weather station tenants airport ferry forest").split()
QUIRK = ("Our reporters cover the stories that matter to this city every single day, and the "
         "Daily app brings every one of them straight to your phone.")


def _sentence(seed: int, n: int = 18) -> str:
    words = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize() + "."


def article(site: str, i: int) -> tuple[str, list[str]]:
    """``(html, gold label per block)`` of page ``i`` of ``site``."""
    lines: list[tuple[str, str]] = []
    html = [f'<html><head><link rel="canonical" href="https://www.{site}/news/{i}">'
            f"<title>Story {i}</title></head><body>"]

    def add(tag: str, text: str, label: str, attrs: str = "") -> None:
        html.append(f"<{tag}{attrs}>{text}</{tag}>")
        lines.append((text, label))

    html.append("<nav><ul>")
    for word in ("Home", "World", "Business", "Sport", "Culture"):
        html.append(f'<li><a href="/{word.lower()}">{word}</a></li>')
        lines.append((word, "boilerplate"))
    html.append("</ul></nav><article>")
    add("h1", f"{_sentence(i, 8)[:-1].title()} as {WORDS[i % len(WORDS)]} plan is approved",
        "body")
    add("p", f"By Reporter {chr(65 + i % 26)}. Staff writer", "byline", ' class="byline"')
    for k in range(4):
        add("p", _sentence(i * 5 + k), "body")
        if k == 1 and site.startswith("daily"):
            add("p", QUIRK, "boilerplate", ' class="app-promo"')
    html.append("</article><aside>")
    add("h3", "Most read", "related_links")
    html.append("<ul>")
    for k in range(3):
        html.append(f'<li><a href="/s/{i + k}">{_sentence(i + k + 50, 7)[:-1]}</a></li>')
        lines.append((_sentence(i + k + 50, 7)[:-1], "related_links"))
    html.append("</ul></aside><footer>")
    add("p", f"© 2025 {site} All rights reserved", "boilerplate")
    html.append("</footer></body></html>")
    return "".join(html), [label for _, label in lines]


def html_document(site: str, i: int) -> tuple[NewDocument, list[str]]:
    page, gold = article(site, i)
    text, features, title = parse_html(page)
    assert len(blocks(text)) == len(gold), (site, i, text)
    return NewDocument(text=text, source=f"{site}-{i}.html", meta={"title": title}, html=page,
                       block_features=features), gold


def make_project(path: Path, sites: dict[str, int], accepted: dict[str, int],
                 annotator: str = "tester") -> dict[int, list[str]]:
    """A project with ``sites[site]`` pages of each site, the first ``accepted[site]`` of them
    accepted with their gold sections confirmed by ``annotator``. Returns ``doc_id -> gold``."""
    gold_of: dict[int, list[str]] = {}
    with open_store(path) as store:
        for site, n in sites.items():
            made = [html_document(site, i) for i in range(n)]
            store.documents.add([doc for doc, _ in made])
            for i, (_doc, gold) in enumerate(made):
                doc_id = store.documents.ids()[-n + i]
                gold_of[doc_id] = gold
                if i < accepted.get(site, 0):
                    confirm(store, doc_id, gold, annotator)
    return gold_of


def confirm(store, doc_id: int, gold: list[str], annotator: str = "tester") -> None:
    """Tag every block with its gold label as a person does, then accept the document."""
    for label in set(gold):
        store.sections.set(doc_id, [i for i, g in enumerate(gold) if g == label], label,
                           annotator=annotator)
    store.documents.set_status(doc_id, Status.ACCEPTED, annotator)
