"""A small real project to train on in window tests: accepted articles from several sites with
a person's entity spans (ORG, GPE and COMMODITY, a label the stock model has never heard of),
and unfinished ones left to re-suggest. Generated from templates: fast and deterministic."""

from __future__ import annotations

from pathlib import Path

from annotator.domain import HUMAN, NewDocument, Span, Status
from annotator.store import open_store

ORGS = ["Rio Tinto", "Glencore", "Vale", "BHP", "Albemarle", "Anglo American"]
PLACES = ["Chile", "Peru", "Australia", "Canada", "Brazil", "Indonesia"]
COMMODITIES = ["copper", "lithium", "nickel", "cobalt", "iron ore", "zinc"]
TEMPLATES = [
    "{org} said on Monday that {commodity} output in {place} rose in the third quarter.",
    "Traders in {place} bought more {commodity} after {org} cut its forecast.",
    "{org} will spend more on {commodity} mines in {place}, the company said.",
    "Prices of {commodity} fell as {org} resumed shipments from {place}.",
]


def article(i: int, commodity: bool = True) -> tuple[str, list[Span]]:
    """Two sentences about an ORG, a GPE and a COMMODITY, with their spans (the COMMODITY
    ones only with ``commodity``)."""
    text, spans = "", []
    for k in range(2):
        n = i * 2 + k
        values = {"org": ORGS[n % 6], "place": PLACES[(n // 2) % 6],
                  "commodity": COMMODITIES[(n // 3) % 6]}
        sentence = TEMPLATES[n % 4]
        offset = len(text)
        fields = [("org", "ORG"), ("place", "GPE")] + [("commodity", "COMMODITY")] * commodity
        for field, label in fields:
            at = sentence.format(**{f: "\0" * len(v) if f == field else v
                                    for f, v in values.items()}).index("\0")
            spans.append(Span(offset + at, offset + at + len(values[field]), label, HUMAN,
                              "tester"))
        text += sentence.format(**values) + "\n"
    return text + f"The note ran to {i + 2} pages.\n", sorted(spans)


def make_training_project(path: Path, accepted: int = 16, unfinished: int = 3,
                          sites: int = 4, commodity: bool = True) -> Path:
    """``accepted`` labelled documents spread over ``sites`` sites, then ``unfinished`` new
    ones without spans (the last one is the one to open). Without ``commodity`` the project
    has only labels the stock model knows."""
    with open_store(path) as store:
        if commodity:
            store.labels.add("entity", "COMMODITY")
        docs = []
        for i in range(accepted + unfinished):
            text, spans = article(i, commodity)
            done = i < accepted
            docs.append(NewDocument(
                text=text, source=f"https://site{i % sites}.example/news/{i}.html",
                meta={"url": f"https://site{i % sites}.example/news/{i}.html"},
                spans=spans if done else [], status=Status.ACCEPTED if done else Status.NEW,
                annotator="tester" if done else None))
        store.documents.add(docs)
        store.settings.set("preannotate_on_import", "off")
    return path
