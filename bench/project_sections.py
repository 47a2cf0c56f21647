"""Learning per project, end to end, on real pages: the product path (import, confirm, ``annotator
train-sections``'s service, stored suggestions), not the classifier alone (bench/learning.py).

For the Dragnet sites held out from the base model (``tools.sections_data.held_out``) with 5 or
more pages: import every page into one fresh project (HTML import, sites read from the pages'
canonical or og:url links), confirm the first K pages of each site with the block labels derived
from the gold article text, train, and score the section suggestions now stored on each site's
*other* pages (body F1 over blocks) against the shipped base model's on the same pages, read
with the same site evidence. Also checks :func:`annotator.io.site.site_from_html` against the
sites ``sites.jsonl`` lists.

Usage (unpack the pages outside the repo first, see ../shared/data/dragnet/README.md)::

    tar -xJf ../shared/data/dragnet/pages.tar.xz -C /tmp
    PYTHONPATH=. python bench/project_sections.py /tmp/dragnet [--confirm 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from annotator.domain import Status
from annotator.io.html import decode_html
from annotator.io.problems import ImportProblem
from annotator.io.site import site_from_html
from annotator.nlp.section_model import load_base
from annotator.services.importing import import_paths
from annotator.services.section_evidence import SiteIndex, as_page
from annotator.services.section_learning import body_f1, train_sections
from annotator.store import open_store
from tools.sections_data import DRAGNET, dragnet_pages, held_out


def _html(path: Path) -> str:
    data = path.read_bytes()
    try:
        return decode_html(data, path)
    except ImportProblem:
        return data.decode("cp1252", errors="replace")


def check_sites(folder: Path) -> tuple[int, int, int]:
    """``(agree, differ, pages)``: our site of each page against sites.jsonl's."""
    agree = differ = total = 0
    for line in (DRAGNET / "sites.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        ours = site_from_html(_html(folder / "input" / record["page"]))
        theirs = record["site"].removeprefix("www.") if record["site"] else None
        total += 1
        if ours == theirs:
            agree += 1
        else:
            differ += 1
    return agree, differ, total


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the unpacked dragnet/ folder")
    parser.add_argument("--confirm", type=int, default=3, help="pages confirmed per site")
    parser.add_argument("--quick", action="store_true", help="at most 6 sites")
    args = parser.parse_args(argv)

    agree, differ, total = check_sites(args.folder)
    print(f"sites from canonical/og:url: {agree} of {total} pages agree with sites.jsonl "
          f"({differ} differ)")

    per_site: dict[str, list[str]] = defaultdict(list)
    for line in (DRAGNET / "sites.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["site"] and held_out(record["site"], record["page"]):
            per_site[record["site"]].append(record["page"])
    sites = sorted(s for s, pages in per_site.items() if len(pages) >= 5)
    if args.quick:
        sites = sites[:6]
    names = {p for s in sites for p in per_site[s]}
    labelled = {p.name: p for p in dragnet_pages(args.folder, processes=2, only=names)}
    print(f"{len(sites)} held-out sites with 5+ pages, {len(labelled)} pages; "
          f"confirming {args.confirm} per site")

    with tempfile.TemporaryDirectory() as tmp:
        pages_dir = Path(tmp) / "pages"
        pages_dir.mkdir()
        for name in sorted(names):
            (pages_dir / name).write_text(_html(args.folder / "input" / name), encoding="utf-8")
        with open_store(Path(tmp) / "p.db") as store:
            import_paths(store, [pages_dir])
            by_text = {p.page.text: p for p in labelled.values()}
            docs = {}
            for batch in store.documents.iter():
                for doc in batch:
                    if doc.text in by_text:
                        docs[doc.id] = by_text[doc.text]
            print(f"imported {len(docs)} of {len(names)} pages with matching text")
            site_docs: dict[str, list[int]] = defaultdict(list)
            for doc_id in sorted(docs):
                site_docs[docs[doc_id].site].append(doc_id)
            confirmed, others = [], []
            for ids in site_docs.values():
                confirmed += ids[:args.confirm]
                others += ids[args.confirm:]
            for doc_id in confirmed:
                labels = docs[doc_id].labels
                for label in {lab for lab in labels if lab}:
                    store.sections.set(doc_id, [i for i, g in enumerate(labels) if g == label],
                                       label, annotator="bench")
                store.documents.set_status(doc_id, Status.ACCEPTED, "bench")
            base = load_base()
            index = SiteIndex.build(store)
            records = store.section_pages.pages(others)
            before = {r.doc_id: base.predict(as_page(r, index.site(r.doc_id)),
                                             index.evidence(r.doc_id, r.text)) for r in records}
            started = time.perf_counter()
            report = train_sections(store)
            seconds = time.perf_counter() - started
            rows = []
            for site, ids in sorted(site_docs.items()):
                gold, ours, theirs = [], [], []
                for doc_id in ids[args.confirm:]:
                    stored = {s.block: s.label for s in store.sections.of(doc_id)}
                    labels = docs[doc_id].labels
                    gold += labels
                    ours += [stored.get(i) for i in range(len(labels))]
                    theirs += before[doc_id]
                if gold:
                    rows.append((site, len(ids) - args.confirm, body_f1(gold, theirs),
                                 body_f1(gold, ours)))
    print(f"\ntrain-sections: {report.details()} in {seconds:.1f} s")
    print(f"\n{'site':<32} {'pages':>5} {'base F1':>8} {'project F1':>10}")
    for site, n, b, o in rows:
        print(f"{site[:32]:<32} {n:>5} {b:>8.3f} {o:>10.3f}")
    mean_b = sum(r[2] for r in rows) / len(rows)
    mean_o = sum(r[3] for r in rows) / len(rows)
    print(f"{'mean over sites':<32} {sum(r[1] for r in rows):>5} {mean_b:>8.3f} {mean_o:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
