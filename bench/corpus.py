"""Seeded generator of the benchmark corpora (issue 12): news-like documents with entity spans.

Nothing here is committed data: every bench builds its corpus from a seed, so the same call gives
byte-identical files on every machine. Shapes:

- ``make_document(rng, n, spans=10)``: one article, ``{"text", "spans", "meta", "answer"}``;
  ``text`` is a headline line, a byline line and paragraphs (one ``\\n`` between lines); ``spans``
  are ``{"start", "end", "label"}`` in code points (PERSON, ORG, GPE, DATE, MONEY in turn), each
  exactly on a name; ``meta`` is ``{"source": "site/N.html"}``.
- ``documents(count, spans=10, seed=7)``: the first ``count`` articles of the seed, lazily.
- ``write_jsonl(path, count, spans=10, seed=7, sections=False)``: Prodigy-style JSONL, one
  article a line (``sections=True`` adds a ``sections`` list tagging every line ``body`` or
  ``byline``). The issue's corpus is ``write_jsonl(p, 100_000)``: 1,000,000 spans.
- ``write_txt_folder(folder, count, seed=7, per_dir=0)``: one ``N.txt`` file an article (text
  only); ``per_dir > 0`` spreads them over sub-folders of that many files.
- ``write_latin1(path, size, jsonl=False, seed=5)``: one Latin-1 file of about ``size`` bytes
  (French sentences full of accents), plain text or JSONL with one ``{"text": ...}`` a line.
- ``make_page(rng, paragraphs)`` / ``pages(count, seed=7)``: scraped pages (menus, headline,
  byline, paragraphs, related links, footer) for pre-annotation and section benches.

Every writer returns a :class:`Stats` (documents, spans, words, bytes). Run as a script to write a
corpus by hand: ``python bench/corpus.py jsonl OUT.jsonl --docs 100000`` (also ``txt FOLDER``,
``latin1 OUT.txt --mb 50``).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SPANS_PER_DOC = 10  # 100,000 documents -> 1,000,000 spans (issue 12)

PEOPLE = ["Jane Doe", "Ali Khan", "Zoë Müller", "José Ñúñez", "Wei Chen", "Amara Okafor",
          "Søren Lund", "Priya Raman", "Tom Walsh", "Łukasz Żółć"]
ORGS = ["Rio Tinto", "BHP", "the Federal Reserve", "Reuters", "Acme Mining", "Nordbank",
        "the World Health Organization", "Globex", "Initech", "the city council"]
PLACES = ["Perth", "London", "Santiago", "Lagos", "Mumbai", "Oslo", "Toronto", "Warsaw"]
DATES = ["Monday", "Tuesday", "last week", "on 3 June", "in 2024", "Friday"]
MONEY = ["$2bn", "£40m", "€1.2bn", "$300,000", "A$75m"]
FILLER = ("said in a statement that the deal would be reviewed by regulators before the end of "
          "the quarter, adding that talks with unions were continuing and that no decision had "
          "been taken on the future of the site").split()
POOLS = [("PERSON", PEOPLE), ("ORG", ORGS), ("GPE", PLACES), ("DATE", DATES), ("MONEY", MONEY)]


@dataclass
class Stats:
    """What a writer wrote: documents, entity spans, whitespace-separated words, file bytes."""

    documents: int = 0
    spans: int = 0
    words: int = 0
    bytes: int = 0

    def describe(self) -> str:
        return (f"{self.documents:,} documents, {self.spans:,} spans, {self.words:,} words, "
                f"{self.bytes / 1e6:.0f} MB")


def make_document(rng: random.Random, n: int, spans: int = SPANS_PER_DOC) -> dict:
    """Article ``n``: headline, byline and paragraphs of filler around ``spans`` entity names.

    A paragraph break (one ``\\n``) every 12 entities, a sentence end every 6."""
    parts: list[str] = [f"Story {n}: {rng.choice(ORGS)} faces questions in {rng.choice(PLACES)}",
                        "\n", f"By {rng.choice(PEOPLE)}", "\n"]
    found = []
    pos = sum(len(p) for p in parts)
    for i in range(spans):
        label, pool = POOLS[i % len(POOLS)]
        entity = rng.choice(pool)
        lead = " ".join(rng.sample(FILLER, 3)) + " "
        pos += len(lead)
        found.append({"start": pos, "end": pos + len(entity), "label": label})
        tail = ". " if i % 6 == 5 else " "
        parts += [lead, entity, tail]
        pos += len(entity) + len(tail)
        if i % 12 == 11:
            parts.append("\n")
            pos += 1
    return {"text": "".join(parts), "spans": found, "meta": {"source": f"site/{n}.html"},
            "answer": "accept"}


def documents(count: int, spans: int = SPANS_PER_DOC, seed: int = 7) -> Iterator[dict]:
    """The first ``count`` articles of ``seed``, one at a time (constant memory)."""
    rng = random.Random(seed)
    for n in range(count):
        yield make_document(rng, n, spans)


def line_sections(text: str) -> list[dict]:
    """Every non-blank line as a section: the second line ``byline``, the others ``body``."""
    sections, start = [], 0
    for i, line in enumerate(text.split("\n")):
        if line.strip():
            sections.append({"start": start, "end": start + len(line),
                             "label": "byline" if i == 1 else "body"})
        start += len(line) + 1
    return sections


def write_jsonl(path: Path, count: int, spans: int = SPANS_PER_DOC, seed: int = 7,
                sections: bool = False) -> Stats:
    """``count`` articles as Prodigy-style JSONL (UTF-8, one task a line)."""
    stats = Stats()
    with Path(path).open("w", encoding="utf-8") as fh:
        for doc in documents(count, spans, seed):
            if sections:
                doc["sections"] = line_sections(doc["text"])
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            stats.documents += 1
            stats.spans += len(doc["spans"])
            stats.words += len(doc["text"].split())
    stats.bytes = Path(path).stat().st_size
    return stats


def write_txt_folder(folder: Path, count: int, seed: int = 7, per_dir: int = 0) -> Stats:
    """``count`` articles as UTF-8 ``N.txt`` files (text only) under ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stats = Stats()
    for doc in documents(count, SPANS_PER_DOC, seed):
        n = stats.documents
        where = folder / f"{n // per_dir:04d}" if per_dir else folder
        if per_dir and n % per_dir == 0:
            where.mkdir(exist_ok=True)
        data = doc["text"].encode("utf-8")
        (where / f"{n:06d}.txt").write_bytes(data)
        stats.documents += 1
        stats.words += len(doc["text"].split())
        stats.bytes += len(data)
    return stats


SENTENCES = [
    "Le café de José est très réputé à Montréal, dit Zoë, la propriétaire.",
    "En décembre, la façade de l'hôtel a été rénovée pour 5 000 dollars.",
    "« C'est déjà l'été », a déclaré le maire de Québec à la presse.",
    "Les élèves ont réussi l'examen malgré une grève des enseignants.",
    "Selon l'étude, la hausse des prix a touché les ménages les plus modestes.",
]


def write_latin1(path: Path, size: int, jsonl: bool = False, seed: int = 5) -> Stats:
    """About ``size`` bytes of Latin-1: lines of three French sentences, as plain text (one
    document) or as JSONL (one ``{"text": line}`` document a line)."""
    rng = random.Random(seed)
    stats = Stats()
    with Path(path).open("wb") as out:
        while stats.bytes < size:
            line = " ".join(rng.sample(SENTENCES, 3))
            data = (b'{"text": "' + line.encode("latin-1") + b'"}\n' if jsonl
                    else line.encode("latin-1") + b"\n")
            out.write(data)
            stats.bytes += len(data)
            stats.words += len(line.split())
            stats.documents += 1 if jsonl else 0
    stats.documents = stats.documents or 1
    return stats


# Scraped pages with boilerplate, for pre-annotation (entities and sections both have work).

PAGE_PEOPLE = PEOPLE[:8] + ["Helena Drummond", "Rodrigo Albuquerque"]
PAGE_ORGS = ["Rio Tinto", "BHP", "the Federal Reserve", "Andes Copper", "Nordbank",
             "the World Health Organization", "Serra Verde", "the Ministry of Finance", "Globex"]
PAGE_PLACES = PLACES + ["Brazil", "Chile", "Germany", "Japan"]
PAGE_DATES = ["on Monday", "on Tuesday", "last week", "on 3 June", "in 2024", "on Friday"]
VERBS = ["said", "told reporters", "warned", "announced", "confirmed"]
TAILS = [
    "that the deal would be reviewed by regulators before the end of the quarter",
    "that talks with unions were continuing and no decision had been taken on the site",
    "that output would fall by about a tenth if the halt lasted until the end of July",
    "that investors had been told to expect a smaller dividend this year",
    "that the plan would cost {money} and create about 400 jobs",
]


def _sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS).format(money=rng.choice(MONEY))
    return (f"{rng.choice(PAGE_PEOPLE)}, who leads {rng.choice(PAGE_ORGS)} in "
            f"{rng.choice(PAGE_PLACES)}, {rng.choice(VERBS)} {rng.choice(PAGE_DATES)} {tail}.")


def make_page(rng: random.Random, paragraphs: int) -> str:
    """One scraped news page: menus, headline, byline, paragraphs, related links, footer."""
    head = ["Home", "World", "Business", "Markets", "Subscribe", "Sign in",
            f"{rng.choice(PAGE_ORGS).title()} halts work in {rng.choice(PAGE_PLACES)} after "
            "inspection",
            f"By {rng.choice(PAGE_PEOPLE)} in {rng.choice(PAGE_PLACES)}", "3 June 2025, 09:15 BST"]
    body = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(paragraphs)]
    tail = ["Read more:", f"Why {rng.choice(PAGE_ORGS)} is buying less ore",
            f"{rng.choice(PAGE_PLACES)} counts the cost of the strike", "Share on Facebook",
            "© 2025 Example Media Ltd. All rights reserved.",
            "We use cookies to personalise content and ads. Accept all"]
    return "\n".join(head + body + tail)


def pages(count: int, seed: int = 7) -> list[str]:
    """``count`` scraped pages of 8 to 14 paragraphs."""
    rng = random.Random(seed)
    return [make_page(rng, rng.randint(8, 14)) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["jsonl", "txt", "latin1"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--spans", type=int, default=SPANS_PER_DOC, help="spans a document")
    parser.add_argument("--mb", type=float, default=50, help="latin1: size in MB")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.kind == "jsonl":
        stats = write_jsonl(args.out, args.docs, args.spans, args.seed)
    elif args.kind == "txt":
        stats = write_txt_folder(args.out, args.docs, args.seed)
    else:
        stats = write_latin1(args.out, int(args.mb * 1e6))
    print(f"{args.out}: {stats.describe()}")


if __name__ == "__main__":
    main()
