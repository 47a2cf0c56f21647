"""Generated news articles with gold entities, for the entity learning curve and the training tests.

Labels: PERSON, ORG, GPE, DATE, MONEY and COMMODITY (a label the stock model does not have).
Every entity in a sentence is tagged, and sentences name nothing else, so the gold is complete.
Two context families that share no sentence template:

- ``train`` articles are trade and mining reports ("copper shipments from Chile rose ...");
- ``test`` articles are farm, shop and weather stories ("bakers in Ohio paid more for wheat ...").

Fillers (names, companies, places, commodities) are drawn from shared lists, except that a third
of the commodities appear only in ``test`` articles, so the curve also shows whether the model
learnt the label or just the words. Deterministic for a seed.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain import HUMAN, NewDocument, Span, Status

PEOPLE = ["Maria Santos", "John Okafor", "Li Wei", "Anna Kowalski", "David Cohen", "Priya Nair",
          "Tom Becker", "Sara Lindqvist", "Ahmed Hassan", "Elena Petrova", "James Walker",
          "Yuki Tanaka", "Carlos Mendez", "Fatima Diallo", "Peter Novak", "Grace Mwangi"]
ORGS = ["Glencore", "Rio Tinto", "BHP", "Cargill", "Vale", "Anglo American", "Bunge",
        "Trafigura", "Nestle", "Unilever", "Archer Daniels Midland", "Freeport-McMoRan",
        "Barrick Gold", "Louis Dreyfus", "Olam International", "Newmont"]
PLACES = ["Chile", "Peru", "Australia", "Brazil", "Indonesia", "Canada", "Ghana", "Zambia",
          "Kenya", "Vietnam", "Ohio", "Texas", "Poland", "Norway", "Argentina", "India"]
DATES = ["March", "last year", "the first quarter", "2023", "Monday", "January", "the autumn",
         "last week", "2021", "the spring", "October", "this year"]
MONEY = ["$4.2 billion", "$310 million", "$12 million", "$1.5 billion", "$75 million",
         "$900,000", "$2.8 billion", "$45 million"]
SHARED_COMMODITIES = ["copper", "cobalt", "lithium", "nickel", "iron ore", "coffee", "cocoa",
                      "wheat", "soybeans", "palm oil", "zinc", "bauxite"]
TEST_ONLY_COMMODITIES = ["sugar", "cotton", "tin", "rubber", "barley", "silver"]

TRAIN_TEMPLATES = [
    "{COMMODITY} shipments from {GPE} rose in {DATE}, {PERSON} of {ORG} said.",
    "{ORG} agreed to buy a {COMMODITY} mine in {GPE} for {MONEY}.",
    "Exports of {COMMODITY} from {GPE} fell sharply in {DATE} after strikes at {ORG}.",
    "{PERSON}, who runs the {COMMODITY} desk at {ORG}, expects tighter supply from {GPE}.",
    "Traders at {ORG} moved {MONEY} of {COMMODITY} through ports in {GPE} in {DATE}.",
    "{ORG} said its {COMMODITY} output in {GPE} would reach a record in {DATE}.",
    "Futures for {COMMODITY} climbed after {ORG} cut its forecast for {GPE}, {PERSON} wrote.",
    "The smelter in {GPE} that {ORG} bought for {MONEY} processes {COMMODITY} and {COMMODITY}.",
]
TEST_TEMPLATES = [
    "Bakers in {GPE} paid more for {COMMODITY} in {DATE}, according to {PERSON}.",
    "{PERSON} said the drought had hurt {COMMODITY} farmers across {GPE}.",
    "Shoppers in {GPE} found {COMMODITY} scarce on the shelves of {ORG} stores in {DATE}.",
    "A cold snap in {GPE} damaged the {COMMODITY} harvest, {ORG} told growers in {DATE}.",
    "{ORG} will spend {MONEY} helping families in {GPE} who grow {COMMODITY}.",
    "At the market in {GPE}, {PERSON} sold {COMMODITY} and {COMMODITY} to local cooks.",
    "Rain returned to {GPE} in {DATE}, and the {COMMODITY} crop recovered, {PERSON} noted.",
    "Schools in {GPE} began teaching children how {COMMODITY} reaches the table, said {PERSON}.",
]


@dataclass
class Article:
    """A generated article: ``text`` and its gold ``spans`` ``(start, end, label)``."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    site: str = ""


def _fill(rng: random.Random, template: str, commodities: list[str]) -> tuple[str, list]:
    out, spans, pos = [], [], 0
    parts = template.replace("}", "{").split("{")
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
            pos += len(part)
            continue
        value = rng.choice({"PERSON": PEOPLE, "ORG": ORGS, "GPE": PLACES, "DATE": DATES,
                            "MONEY": MONEY, "COMMODITY": commodities}[part])
        if pos == 0:
            value = value[0].upper() + value[1:]
        spans.append((pos, pos + len(value), part))
        out.append(value)
        pos += len(value)
    return "".join(out), spans


def article(rng: random.Random, kind: str = "train", words: int = 600,
            fillers: list[str] | None = None) -> Article:
    """One article of about ``words`` words, paragraphs of 3-5 sentences. With ``fillers``
    (sentences that name nothing), every other sentence on average is one of them, so the
    text has the vocabulary of real prose and not only the templates' few words."""
    templates = TRAIN_TEMPLATES if kind == "train" else TEST_TEMPLATES
    commodities = SHARED_COMMODITIES + (TEST_ONLY_COMMODITIES if kind == "test" else [])
    text, spans, count, in_paragraph = "", [], 0, 0
    while count < words:
        if fillers and rng.random() < 0.5:
            sentence, found = rng.choice(fillers), []
        else:
            sentence, found = _fill(rng, rng.choice(templates), commodities)
        sep = "" if not text else (" " if in_paragraph < rng.randint(3, 5) else "\n\n")
        in_paragraph = 0 if sep == "\n\n" else in_paragraph + 1
        base = len(text) + len(sep)
        text += sep + sentence
        spans += [(s + base, e + base, lab) for s, e, lab in found]
        count += len(sentence.split())
    return Article(text, spans, site=f"{kind}-site-{rng.randint(1, 8)}.example")


def articles(count: int, kind: str = "train", words: int = 600, seed: int = 0,
             fillers: list[str] | None = None) -> list[Article]:
    rng = random.Random(f"{kind}:{seed}")
    return [article(rng, kind, words, fillers) for _ in range(count)]


LABELS = ("PERSON", "ORG", "GPE", "DATE", "MONEY", "COMMODITY")


def fill_project(store: Any, accepted: list[Article], unlabelled: list[Article],
                 unlabelled_site: str, annotator: str) -> None:
    """Give a project exactly :data:`LABELS` and add ``accepted`` articles (their spans
    confirmed by ``annotator``) plus ``unlabelled`` ones from ``unlabelled_site`` (what
    re-suggesting and rehearsal read)."""
    for name in store.labels.names("entity"):
        if name not in LABELS:
            store.labels.delete("entity", name)
    store.labels.add("entity", "COMMODITY")
    docs = [NewDocument(a.text, f"{a.site}/{i}.txt", {"site": a.site},
                        spans=[Span(s, e, lab, HUMAN, annotator) for s, e, lab in a.spans],
                        status=Status.ACCEPTED, annotator=annotator)
            for i, a in enumerate(accepted)]
    folder = unlabelled_site.split(".")[0]
    docs += [NewDocument(a.text, f"{folder}/{i}.txt", {"site": unlabelled_site})
             for i, a in enumerate(unlabelled)]
    store.documents.add(docs)


_FILLER = re.compile(r"[A-Z][a-z',;:\- ]+[.]")


def dragnet_fillers(tar_path: Path, exclude: set[str]) -> dict[str, list[str]]:
    """Sentences of the Dragnet gold texts that name nothing (one capital, the first letter;
    no digits; 8-30 words; first word also seen in lower case), split by a hash of the
    sentence into ``train`` and ``test`` halves that share none. ``exclude``: gold file names
    (``T161.txt``) whose sentences must not be used (the hand-labelled evaluation set's).
    Cached in the temporary folder (reading the archive takes about 15 s)."""
    cache = Path(tempfile.gettempdir()) / "annotator-bench-ner-fillers.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    found: list[str] = []
    with tarfile.open(tar_path) as archive:
        for member in archive:
            name = member.name.rsplit("/", 1)[-1]
            if not member.isfile() or "/GoldStandard/" not in member.name or name in exclude:
                continue
            text = archive.extractfile(member).read().decode("utf-8", "replace")
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                sentence = " ".join(sentence.split())
                if 8 <= len(sentence.split()) <= 30 and _FILLER.fullmatch(sentence):
                    found.append(sentence)
    lower = {w for s in found for w in s.split()[1:]}
    found = sorted({s for s in found if s.split()[0].lower() in lower
                    and s.split()[0] not in ("I", "I'm", "I've", "I'll", "I'd")})
    halves: dict[str, list[str]] = {"train": [], "test": []}
    for sentence in found:
        digest = hashlib.sha1(sentence.encode()).digest()[0]
        halves["train" if digest % 2 else "test"].append(sentence)
    cache.write_text(json.dumps(halves), encoding="utf-8")
    return halves
