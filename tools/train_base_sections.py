"""Train the base section model shipped in the package (``annotator/nlp/data/sections-base.json``).

Usage (from the repo root; the Dragnet pages unpacked outside it)::

    tar -xJf ../shared/data/dragnet/pages.tar.xz -C /tmp
    python tools/train_base_sections.py --dragnet /tmp/dragnet [--cache /tmp/sections-cache]

Data, all of it listed in the model's ``meta``:

- ``tests/data/sections_dev.jsonl``, ``sections_holdout.jsonl``, ``sections_holdout2.jsonl``
  (synthetic, block-labelled, no HTML, no site); ``sections_holdout3.jsonl`` is never trained on;
- the Dragnet pages whose site is *not* in the held-out fifth (``tools/sections_data.held_out``).
  Each page of a site with two or more pages is seen with the evidence of its site's other pages:
  their texts (template counts) and the gold labels of ``k`` of them, ``k`` drawn from
  (0, 0, 1, 3, 5) with the seed, so the model learns how far to trust a site's template.

Fixed seed (``--seed``, default 0): the same data gives the same file.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# One BLAS thread: numpy's default of one per core only spins on a shared 2-core machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from annotator.nlp.section_features import SiteEvidence  # noqa: E402
from annotator.nlp.section_model import SectionModel  # noqa: E402
from annotator.nlp.section_train import Features, train_sections  # noqa: E402
from tools.sections_data import (  # noqa: E402
    DEV_SETS,
    LabelledPage,
    by_site,
    dev_pages,
    dragnet_pages,
)

OUT = Path(__file__).resolve().parent.parent / "annotator" / "nlp" / "data" / "sections-base.json"
CONFIRMED_CHOICES = (0, 0, 1, 3, 5)
# The dev sets hold ~1,300 blocks beside ~240,000 Dragnet blocks; each of their blocks counts 40
# times, so plain text and hand-labelled bylines weigh about a fifth of the data.
DEV_WEIGHT = 40.0
log = logging.getLogger("train_base_sections")


def site_evidence(page: LabelledPage, others: list[LabelledPage], k: int,
                  rng: random.Random) -> SiteEvidence:
    """Template counts from ``others`` (the site's other pages) and the gold of ``k`` of them."""
    evidence = SiteEvidence.from_texts(o.page.text for o in others)
    for other in rng.sample(others, min(k, len(others))):
        evidence.add_confirmed(other.page, other.labels)
    return evidence


def training_features(dev: list[LabelledPage], pages: list[LabelledPage],
                      seed: int) -> Features:
    """Feature rows of the dev pages (no evidence) and of ``pages`` with simulated evidence."""
    rng = random.Random(seed)
    data = Features()
    for page in dev:  # few pages but the only labelled bylines and plain text: they count more
        data.add_rows(_rows(page, None), page.labels, DEV_WEIGHT)
    sites = by_site(pages)
    for page in pages:
        others = [o for o in sites.get(page.site or "", []) if o is not page]
        evidence = None
        if others:
            evidence = site_evidence(page, others, rng.choice(CONFIRMED_CHOICES), rng)
        data.add_rows(_rows(page, evidence), page.labels)
    return data


def _rows(page: LabelledPage, evidence: SiteEvidence | None) -> list[dict[str, float]]:
    from annotator.nlp.section_features import page_features

    return page_features(page.prepared, evidence)


def train_base(dragnet: Path | None, cache: Path | None, seed: int, processes: int = 2,
               smoothing: float = 0.3) -> SectionModel:
    dev = dev_pages()
    pages = []
    if dragnet is not None:
        pages = [p for p in dragnet_pages(dragnet, cache, processes) if not p.held_out]
    log.info("training on %d dev pages and %d Dragnet pages (%d sites)", len(dev), len(pages),
             len(by_site(pages)))
    model = train_sections(training_features(dev, pages, seed), seed=seed, name="sections-base",
                           smoothing=smoothing)
    model.meta.update({
        "data": {"dev_sets": [f"tests/data/{name}" for name in DEV_SETS],
                 "dragnet_pages": sorted(p.name for p in pages),
                 "dragnet_held_out": "sites with crc32(site) % 5 == 0 (page name when no site)"},
        "trained_by": "tools/train_base_sections.py",
    })
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dragnet", type=Path, help="the unpacked dragnet/ folder")
    parser.add_argument("--cache", type=Path, help="keep each page's rule features here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--smoothing", type=float, default=0.3,
                        help="weight of the label transitions in Viterbi (0 = none)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model = train_base(args.dragnet, args.cache, args.seed, args.processes, args.smoothing)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    log.info("wrote %s (%d features, %d blocks)", args.out, len(model.features),
             model.meta["blocks"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
