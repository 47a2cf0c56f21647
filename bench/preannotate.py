"""Pre-annotation throughput: ``preannotate_project`` beside a bare ``nlp.pipe``, same texts.

Usage: ``python bench/preannotate.py [--quick] [--docs N] [--batch-size N]``

The corpus is generated here: news-like pages (menu lines, headline, byline, a dozen paragraphs
full of names, places, money and dates, related links, footer), so both the model and the section
rules have real work. Both sides load the same model with the same components (``ner`` only, as
``load_model`` does) and see the same texts in the same batches.

- bare: ``nlp.pipe(texts, batch_size=N)``, consuming each ``Doc`` (``len(doc)``) and nothing else:
  the floor for running this model on these texts;
- ours: ``preannotate_project`` on a project holding the same texts: reads them from SQLite,
  runs ``nlp.pipe``, keeps labels in the project's set, computes a section for every block and
  writes entities, sections and the ``preannotated`` marks, one transaction per batch.

The first batch on each side is the warm-up (model load, first-call allocations) and is not timed.
The two sides then take turns batch by batch (the bare pipeline runs inside our progress callback
and its time is taken out of ours), so load from other processes on the machine falls on both alike.
Both wall time and this process's CPU time are reported; the verdict uses CPU time, which other
processes on a shared machine disturb far less (wall-clock ratios swing by +-10% on a busy 2-core
box). Target: ours / bare >= 0.9 in words per second.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.domain import NewDocument  # noqa: E402
from annotator.nlp.pipeline import load_model  # noqa: E402
from annotator.nlp.preannotate import preannotate_project  # noqa: E402
from annotator.store import open_store  # noqa: E402

PEOPLE = ["Jane Doe", "Ali Khan", "Zoë Müller", "José Núñez", "Wei Chen", "Amara Okafor",
          "Søren Lund", "Priya Raman", "Tom Walsh", "Helena Drummond", "Rodrigo Albuquerque"]
ORGS = ["Rio Tinto", "BHP", "the Federal Reserve", "Andes Copper", "Nordbank",
        "the World Health Organization", "Serra Verde", "the Ministry of Finance", "Globex"]
PLACES = ["Perth", "London", "Santiago", "Lagos", "Mumbai", "Oslo", "Toronto", "Warsaw",
          "Brazil", "Chile", "Germany", "Japan"]
DATES = ["on Monday", "on Tuesday", "last week", "on 3 June", "in 2024", "on Friday"]
MONEY = ["$2bn", "£40m", "€1.2bn", "$300,000", "A$75m"]
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
    return (f"{rng.choice(PEOPLE)}, who leads {rng.choice(ORGS)} in {rng.choice(PLACES)}, "
            f"{rng.choice(VERBS)} {rng.choice(DATES)} {tail}.")


def make_page(rng: random.Random, paragraphs: int) -> str:
    """One scraped news page: menus, headline, byline, paragraphs, related links, footer."""
    head = ["Home", "World", "Business", "Markets", "Subscribe", "Sign in",
            f"{rng.choice(ORGS).title()} halts work in {rng.choice(PLACES)} after inspection",
            f"By {rng.choice(PEOPLE)} in {rng.choice(PLACES)}", "3 June 2025, 09:15 BST"]
    body = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(paragraphs)]
    tail = ["Read more:", f"Why {rng.choice(ORGS)} is buying less ore",
            f"{rng.choice(PLACES)} counts the cost of the strike", "Share on Facebook",
            "© 2025 Example Media Ltd. All rights reserved.",
            "We use cookies to personalise content and ads. Accept all"]
    return "\n".join(head + body + tail)


def corpus(n_docs: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [make_page(rng, rng.randint(8, 14)) for _ in range(n_docs)]


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


Clock = tuple[float, float]  # (wall seconds, CPU seconds of this process)


def _now() -> Clock:
    return time.perf_counter(), time.process_time()


def interleaved(texts: list[str], batch_size: int, folder: Path) -> tuple[Clock, Clock, Any]:
    """(wall, CPU) seconds for bare ``nlp.pipe`` and for ``preannotate_project`` over
    ``texts[batch_size:]``, batch by batch in turn, so that a busy machine slows both alike.

    ``preannotate_project`` runs once over the whole project; after it commits batch *k* its
    progress callback runs the bare pipeline over batch *k + 1* (timed on its own and taken out
    of our time). The first batch is the warm-up on both sides."""
    nlp = load_model(None)
    sum(len(doc) for doc in nlp.pipe(texts[:batch_size], batch_size=batch_size))
    marks: list[Clock] = []

    def on_progress(done: int, _total: int) -> None:
        marks.append(_now())
        batch = texts[done:done + batch_size]
        tokens = sum(len(doc) for doc in nlp.pipe(batch, batch_size=batch_size))
        assert tokens > 0 or not batch
        marks.append(_now())

    with open_store(folder / "bench.db") as store:
        store.add_documents((NewDocument(t, f"doc{i}") for i, t in enumerate(texts)),
                            batch_size=1000)
        report = preannotate_project(store, batch_size=batch_size, on_progress=on_progress)
    # bare: inside each callback; ours: from the end of one callback to the start of the next
    bare = [sum(marks[i + 1][k] - marks[i][k] for i in range(0, len(marks), 2)) for k in (0, 1)]
    ours = [sum(marks[i + 1][k] - marks[i][k] for i in range(1, len(marks) - 1, 2))
            for k in (0, 1)]
    return (bare[0], bare[1]), (ours[0], ours[1]), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of well under a minute")
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    n_docs = args.docs or (130 if args.quick else 1000)
    texts = corpus(n_docs)
    timed = texts[args.batch_size:]
    n_words = words(timed)
    with tempfile.TemporaryDirectory() as tmp:
        bare_t, ours_t, report = interleaved(texts, args.batch_size, Path(tmp))
    rows = [("bare nlp.pipe (ner only)", bare_t, f"{len(timed)} run", "-", "-"),
            ("preannotate_project", ours_t, f"{report.documents} stored", report.entities,
             report.sections)]
    print(f"{len(texts)} generated pages, {words(texts):,} words; timed: {len(timed)} pages, "
          f"{n_words:,} words (first batch of {args.batch_size} is the warm-up); "
          f"model {report.model}")
    print(f"{'':<26} {'wall s':>7} {'words/s':>8} {'CPU s':>7} {'words/CPU s':>11} "
          f"{'documents':>12} {'entities':>9} {'sections':>9}")
    for name, (wall, cpu), docs, ents, secs in rows:
        print(f"{name:<26} {wall:>7.2f} {n_words / wall:>8,.0f} {cpu:>7.2f} "
              f"{n_words / cpu:>11,.0f} {docs!s:>12} {ents!s:>9} {secs!s:>9}")
    print("(stored counts include the warm-up batch)")
    wall_ratio, cpu_ratio = bare_t[0] / ours_t[0], bare_t[1] / ours_t[1]
    verdict = "met" if cpu_ratio >= 0.9 else "NOT met"
    print(f"{'ratio ours / bare':<26} {wall_ratio:>7.2f} (wall)  {cpu_ratio:.2f} (CPU; "
          f"target >= 0.90: {verdict})")


if __name__ == "__main__":
    main()
