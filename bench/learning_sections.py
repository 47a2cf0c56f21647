"""Section suggestions that learn a site: the learning curve on real pages, beside trafilatura and
jusText on the same pages in the same run.

Usage: ``python bench/learning.py sections [--quick] [--dragnet DIR] [--cache DIR] [--all-sites]``

Data: the Dragnet pages (``../shared/data/dragnet``; unpacked into a temp folder unless
``--dragnet`` names an unpacked one). Score: the field's word 4-gram shingle P/R/F1 of the body
text against the person's article text (:class:`annotator.nlp.evaluate.ShingleScore`).

1. Zero-shot: every page of the held-out sites (``tools/sections_data.held_out``: sites the shipped
   base model never saw), with no evidence and with the template counts of the site's other
   (unlabelled) pages; the rules, trafilatura and jusText on the same pages.
2. Learning curve: each held-out site with 6+ pages; a seeded order; its pages after the first 5
   are scored, while 0, 1, 3 or 5 of the first 5 are confirmed (their gold labels known). With k
   confirmed pages the model sees the site's template counts and the confirmed labels, and is
   adapted from the base on those k pages (``train_sections(base=...)``), as a project would be.
   A last row reads each scored page with every other page of its site confirmed: the most the
   site's own gold can teach (:data:`OTHERS`), to tell slow learning from gold the site's other
   pages do not describe.

``--dev-split`` scores the development sites instead (``tools/sections_data.dev_site``: a quarter
of the sites the shipped model trains on) with ``--model`` trained by ``tools/train_base_sections.py
--dev-split``: the figures to try ideas on without looking at the held-out sites. ``--dev-split Q``
scores quarter ``Q`` (1-3) with a model trained ``--dev-split Q``; quarter 1 had never been read
before the twelfth round (see ``dev_site``).
``--orders N`` runs the curve again for N seeded page orders and prints each order's body F1
with their mean, min and max (the main table is order 0): the spread a different choice of
confirmed pages gives.
``--one-model`` adds the curve with one model adapted on the confirmed pages of every site at
once, as a project held all of them before each site got a model of its own.
``--all-sites`` adds the sites the base model was trained on (not a fair figure: marked as such).
``--quick``: five held-out sites for the curve and the zero-shot pages of those sites only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# One BLAS thread: numpy's default of one per core only spins on a shared 2-core machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from annotator.nlp.evaluate import ShingleScore  # noqa: E402
from annotator.nlp.section_features import SiteEvidence, page_features  # noqa: E402
from annotator.nlp.section_html import extract_main_text  # noqa: E402
from annotator.nlp.section_model import SectionModel, load_base  # noqa: E402
from annotator.nlp.section_train import Example, train_sections  # noqa: E402
from tools.sections_data import (  # noqa: E402
    DRAGNET,
    LabelledPage,
    by_site,
    dev_site,
    dragnet_pages,
    held_out,
)

STEPS = (0, 1, 3, 5)
# The curve's last column: each scored page read with *every other* page of its site confirmed
# (the model adapted on all of them). Not a step a person takes: the most this site's own gold
# can teach. When k=3 is close to it, what is left is pages the site's other pages do not
# describe (gold that disagrees with the site's other pages, a box no other page has), not slow
# learning.
OTHERS = -1
SEED = 0


def body_text(page: LabelledPage, labels: list[str | None]) -> str:
    return "\n".join(t for t, label in zip(page.prepared.texts, labels, strict=True)
                     if label == "body")


def justext_text(html: str) -> str:
    """jusText's non-boilerplate paragraphs (English stop list), '' when it fails."""
    import justext

    try:
        paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    except Exception:  # noqa: BLE001 - a third-party parser: one page must not stop the run
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def evidence_for(page: LabelledPage, site_pages: list[LabelledPage],
                 confirmed: list[LabelledPage]) -> SiteEvidence:
    """Template counts from the site's other pages and the labels of ``confirmed`` (not page)."""
    evidence = SiteEvidence.from_texts(p.page.text for p in site_pages if p is not page)
    for other in confirmed:
        if other is not page:
            evidence.add_confirmed(other.page, other.labels)
    return evidence


def site_model(base: SectionModel, site_pages: list[LabelledPage],
               confirmed: list[LabelledPage]) -> SectionModel:
    """The base adapted on the confirmed pages, each seen with leave-one-out evidence."""
    if not confirmed:
        return base
    examples = [Example(p.page, p.labels, evidence_for(p, site_pages, confirmed), p.prepared)
                for p in confirmed]
    return train_sections(examples, base=base, seed=SEED)


def zero_shot(base: SectionModel, pages: list[LabelledPage]) -> dict[str, ShingleScore]:
    sites = by_site(pages)
    rows = {name: ShingleScore(name) for name in
            ("base, no evidence", "base + template", "rules", "trafilatura", "jusText")}
    for page in pages:
        gold = page.gold_text or ""
        rows["base, no evidence"].add(
            body_text(page, base.predict_rows(page_features(page.prepared),
                                              page.prepared.texts)), gold)
        site_pages = sites.get(page.site or "", [])
        evidence = evidence_for(page, site_pages, []) if len(site_pages) > 1 else None
        rows["base + template"].add(
            body_text(page, base.predict_rows(page_features(page.prepared, evidence),
                                              page.prepared.texts)), gold)
        rows["rules"].add(body_text(page, page.prepared.rules), gold)
        rows["trafilatura"].add(extract_main_text(page.page.html or ""), gold)
        rows["jusText"].add(justext_text(page.page.html or ""), gold)
    return rows


def in_order(sites: dict[str, list[LabelledPage]], order: int) -> dict[str, list[LabelledPage]]:
    """Each site's pages in the seeded ``order``: the first 5 are the ones a person may confirm,
    the rest are scored."""
    out = {}
    for site in sorted(sites):
        pages = list(sites[site])
        random.Random(f"{order}:{site}").shuffle(pages)
        out[site] = pages
    return out


def curve(base: SectionModel, sites: dict[str, list[LabelledPage]],
          adapt: bool = True, order: int = SEED
          ) -> tuple[dict[int, ShingleScore], list[LabelledPage]]:
    """Body shingle scores over the scored pages of ``sites`` after k confirmed pages; ``order``
    seeds which pages of each site are confirmed and which are scored."""
    scores = {k: ShingleScore(f"k={k}") for k in STEPS}
    scores[OTHERS] = ShingleScore("every other page confirmed")
    scored_all: list[LabelledPage] = []
    for pages in in_order(sites, order).values():
        pool, scored = pages[:5], pages[5:]
        scored_all += scored
        for k in STEPS:
            confirmed = pool[:k]
            model = site_model(base, pages, confirmed) if adapt else base
            for page in scored:
                evidence = evidence_for(page, pages, confirmed)
                labels = model.predict_rows(page_features(page.prepared, evidence),
                                            page.prepared.texts)
                scores[k].add(body_text(page, labels), page.gold_text or "")
        for page in scored:
            others = [p for p in pages if p is not page]
            model = site_model(base, pages, others) if adapt else base
            labels = model.predict_rows(page_features(page.prepared,
                                                      evidence_for(page, pages, others)),
                                        page.prepared.texts)
            scores[OTHERS].add(body_text(page, labels), page.gold_text or "")
    return scores, scored_all


def one_model_curve(base: SectionModel, sites: dict[str, list[LabelledPage]],
                    order: int = SEED) -> dict[int, ShingleScore]:
    """:func:`curve` with one model adapted on the k confirmed pages of *every* site at once
    (a project holding all these sites, before each site got a model of its own), each scored
    page read with its own site's evidence."""
    plans = in_order(sites, order)
    scores = {k: ShingleScore(f"k={k}, one model") for k in STEPS}
    for k in STEPS:
        examples = [Example(p.page, p.labels, evidence_for(p, pages, pages[:k]), p.prepared)
                    for pages in plans.values() for p in pages[:k]]
        model = train_sections(examples, base=base, seed=SEED) if examples else base
        for pages in plans.values():
            for page in pages[5:]:
                labels = model.predict_rows(page_features(page.prepared,
                                                          evidence_for(page, pages, pages[:k])),
                                            page.prepared.texts)
                scores[k].add(body_text(page, labels), page.gold_text or "")
    return scores


def _print(rows: list[ShingleScore], title: str) -> None:
    print(f"\n{title}")
    print(f"{'':<28} {'pages':>5} {'precision':>9} {'recall':>7} {'f1':>6}")
    for row in rows:
        print(f"{row.name:<28} {row.pages:>5} {row.precision:>9.3f} {row.recall:>7.3f} "
              f"{row.f1:>6.3f}")


def _print_orders(base: SectionModel, sites: dict[str, list[LabelledPage]], orders: int,
                  adapt: bool) -> None:
    """The curve again for page orders 0 .. orders-1 (order 0 is the table above), with the
    mean and range of body F1 per k: with 8 sites and a few dozen scored pages, which pages a
    person happens to confirm moves the figure by more than most model changes do."""
    print(f"\nThe same curve over {orders} page orders (which pages are confirmed, which scored); "
          "body F1")
    columns = (*STEPS, OTHERS)
    print(f"{'order':<8} " + " ".join(f"{f'k={k}':>7}" for k in STEPS) + f" {'others':>7}")
    f1s: dict[int, list[float]] = {k: [] for k in columns}
    for order in range(orders):
        scores, _ = curve(base, sites, adapt, order)
        for k in columns:
            f1s[k].append(scores[k].f1)
        print(f"{order:<8} " + " ".join(f"{scores[k].f1:>7.4f}" for k in columns), flush=True)
    for name, pick in (("mean", lambda v: sum(v) / len(v)), ("min", min), ("max", max)):
        print(f"{name:<8} " + " ".join(f"{pick(f1s[k]):>7.4f}" for k in columns))
    print("others: each scored page with every other page of its site confirmed (see OTHERS)")


def _print_one_model(base: SectionModel, sites: dict[str, list[LabelledPage]],
                     orders: int) -> None:
    print(f"\nOne model adapted on every site's confirmed pages at once, {orders} page order(s); "
          "body F1")
    print(f"{'order':<8} " + " ".join(f"{f'k={k}':>7}" for k in STEPS))
    f1s: dict[int, list[float]] = {k: [] for k in STEPS}
    for order in range(orders):
        scores = one_model_curve(base, sites, order)
        for k in STEPS:
            f1s[k].append(scores[k].f1)
        print(f"{order:<8} " + " ".join(f"{scores[k].f1:>7.4f}" for k in STEPS), flush=True)
    print(f"{'mean':<8} " + " ".join(f"{sum(f1s[k]) / orders:>7.4f}" for k in STEPS))


def run(args: argparse.Namespace) -> int:
    if args.dragnet:
        return _run(args, args.dragnet)
    with tempfile.TemporaryDirectory(prefix="dragnet-") as tmp:
        subprocess.run(["tar", "-xJf", str(DRAGNET / "pages.tar.xz"), "-C", tmp], check=True)
        return _run(args, Path(tmp) / "dragnet")


def _run(args: argparse.Namespace, folder: Path) -> int:
    started = time.perf_counter()
    base = SectionModel.load(args.model) if args.model else load_base()
    records = [json.loads(line) for line in
               (DRAGNET / "sites.jsonl").read_text(encoding="utf-8").splitlines()]
    quarter = args.dev_split

    def scored_set(site: str | None, name: str) -> bool:
        return held_out(site, name) if quarter is None else dev_site(site, name, quarter)

    wanted = [r for r in records if args.all_sites or scored_set(r["site"], r["page"])]
    if args.quick:
        counts: dict[str, int] = {}
        for r in wanted:
            if r["site"]:
                counts[r["site"]] = counts.get(r["site"], 0) + 1
        keep = sorted(s for s, n in counts.items() if n >= 6)[:5]
        wanted = [r for r in wanted if r["site"] in keep]
    pages = dragnet_pages(folder, args.cache, args.processes, {r["page"] for r in wanted})
    fair = [p for p in pages if scored_set(p.site, p.name)]
    kind = ("held-out" if quarter is None else "development" if quarter == 0
            else f"quarter-{quarter}")
    print(f"Dragnet pages: {len(pages)} ({len(fair)} of {kind} sites); "
          f"base model {base.name}@{base.version}")
    _print(list(zero_shot(base, fair).values()),
           f"Zero-shot on {kind} sites: body text vs the person's article text (4-gram shingles)")
    for name, group in ((f"{kind} sites", fair),
                        *((("ALL sites (base trained on most: not a fair figure)", pages),)
                          if args.all_sites else ())):
        sites = {s: ps for s, ps in by_site(group).items() if len(ps) >= 6}
        scores, scored = curve(base, sites, adapt=not args.no_adapt)
        rows = [scores[k] for k in (*STEPS, OTHERS)]
        rows += list(zero_shot(base, scored).values())[2:]
        _print(rows, f"Learning curve, {name}: {len(sites)} sites with 6+ pages; k of the first 5 "
               f"pages confirmed, the other {len(scored)} pages scored")
        if args.orders > 1:
            _print_orders(base, sites, args.orders, not args.no_adapt)
        if args.one_model:
            _print_one_model(base, sites, args.orders)
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--smoke", action="store_true",
                        help="the --quick run, passed over (with a note) without the Dragnet pages")
    parser.add_argument("--dragnet", type=Path, help="an unpacked dragnet/ folder")
    parser.add_argument("--cache", type=Path, help="keep each page's rule features here")
    parser.add_argument("--model", type=Path, help="a section model file (default: the base)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--all-sites", action="store_true")
    parser.add_argument("--dev-split", type=int, nargs="?", const=0, default=None,
                        choices=range(4), metavar="QUARTER",
                        help="score a quarter of the training sites instead (0, the default: "
                        "the development split), with a --model trained without them")
    parser.add_argument("--orders", type=int, default=1,
                        help="also run the curve over this many seeded page orders and print "
                        "their mean, min and max (order 0 is the main table)")
    parser.add_argument("--one-model", action="store_true",
                        help="also the curve with one model adapted on every site's confirmed "
                        "pages at once (as a project holding all of them), for --orders orders")
    parser.add_argument("--no-adapt", action="store_true",
                        help="evidence only: do not adapt the model's weights per site")
    args = parser.parse_args(argv)
    if args.smoke and not (DRAGNET / "pages.tar.xz").is_file():
        print(f"skipped: needs {DRAGNET}")  # the test suite's check, as the Dragnet tests do
        return 0
    args.quick = args.quick or args.smoke
    logging.basicConfig(level=logging.WARNING)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
