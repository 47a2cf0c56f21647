"""Does confirming the documents the model is least sure about first learn faster? (issue 11,
point 5: order "next unfinished" by uncertainty, as Prodigy's ``ner.teach`` does.)

A pool of generated training articles (``tests/ner_articles.py``, ``train`` family, the seed of
``bench/learning_entities.py``) waits unfinished. Two people confirm documents from it, in two
orders, and after 10, 25 and 50 confirmed documents the project trains its model
(``services.ner_training.train``, the product's own training, from the stock model, on a fresh
project holding just the confirmed documents, as ``learning_entities.py`` does):

- ``id``: the pool in its order (the list order "next unfinished" follows today);
- ``uncertain``: each time, the still-unconfirmed documents the project's active model is least
  sure about (:func:`annotator.nlp.ner_uncertainty.uncertainties`, a beam parse): the stock
  model for the first 10, then the model trained at the previous point when the project
  switched to it.

Both arms use the same pool, the same unlabelled documents, the same training options and seed;
training is bounded by epochs, not seconds, so load from other processes changes only the time.
Evaluation is ``learning_entities.py``'s: generated articles in unseen contexts and the
hand-labelled real news sentences, never used for training or for choosing.

    python bench/learning_order.py            # pool 80, 10/25/50 documents of 300 words
    python bench/learning_order.py --quick    # pool 15, 10 documents of 100 words, 2 epochs
                                              # (checks the bench runs; too small to judge)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from learning_entities import fillers, real_sentences, scores  # noqa: E402

from annotator.nlp.ner_uncertainty import uncertainties  # noqa: E402
from annotator.nlp.pipeline import DEFAULT_MODEL  # noqa: E402
from annotator.services.ner_training import TrainOptions, train  # noqa: E402
from annotator.store import open_store  # noqa: E402
from tests.ner_articles import LABELS, Article, articles, fill_project  # noqa: E402


def train_on(folder: Path, chosen: list[Article], unlabelled: list[Article],
             options: TrainOptions) -> tuple[object, float]:
    """Train on a fresh project in ``folder`` holding ``chosen`` as accepted documents."""
    with open_store(folder / "curve.db") as store:
        fill_project(store, chosen, unlabelled, "inbox.example", "bench")
        started = time.monotonic()
        report = train(store, options)
    return report, time.monotonic() - started


def pick(model: str, pool: list[Article], taken: list[int], count: int) -> tuple[list[int], float]:
    """The ``count`` documents of ``pool`` not yet taken that ``model`` is least sure about
    (ties by pool order), and the CPU seconds the scoring took."""
    rest = [i for i in range(len(pool)) if i not in taken]
    started = time.process_time()
    unsure = uncertainties(model, [pool[i].text for i in rest], frozenset(LABELS))
    spent = time.process_time() - started
    order = sorted(range(len(rest)), key=lambda k: (-unsure[k], rest[k]))
    return [rest[k] for k in order[:count]], spent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="pool 15, 10 short documents, 2 epochs: under a minute")
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default 8)")
    parser.add_argument("--words", type=int, default=None, help="words per article (default 300)")
    parser.add_argument("--pool", type=int, default=None, help="pool size (default 80)")
    parser.add_argument("--order", choices=("id", "uncertain", "both"), default="both")
    parser.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    args = parser.parse_args(argv)
    points = (10,) if args.quick else (10, 25, 50)
    words = args.words or (100 if args.quick else 300)
    size = args.pool or (15 if args.quick else 80)
    options = TrainOptions(candidates=("base",), seconds=1e6,
                           max_epochs=args.epochs or (2 if args.quick else 8), seed=args.seed)
    filler = fillers()
    pool = articles(size, "train", words, 11, filler["train"])
    generated = [(a.text, a.spans) for a in articles(2 if args.quick else 20, "test",
                                                     150 if args.quick else 400, 99,
                                                     filler["test"])]
    sets = {"generated": generated, "real": real_sentences()}
    print(f"Entity learning curve by order of confirmation: pool of {size} training articles "
          f"of {words} words; training: {options.max_epochs} epochs from {DEFAULT_MODEL}, "
          f"seed {options.seed}; "
          f"evaluation: {len(generated)} generated articles in unseen contexts, "
          f"{len(sets['real'])} real news sentences. F1 micro over {', '.join(LABELS)}; "
          "COMM: COMMODITY alone; ents: gold entities in the confirmed documents.")
    print(f"{'order':>9} {'confirmed':>9} {'ents':>5} {'train s':>7} {'rank CPU s':>10} | "
          f"{'gen':>5} {'gen-5':>5} {'COMM':>5} | {'real':>5} {'real-5':>6} {'COMM':>5}")
    with tempfile.TemporaryDirectory() as tmp:
        for order in ("id", "uncertain") if args.order == "both" else (args.order,):
            taken: list[int] = []
            model = DEFAULT_MODEL
            for count in points:
                spent = 0.0
                if order == "id":
                    taken = list(range(count))
                else:
                    more, spent = pick(model, pool, taken, count - len(taken))
                    taken += more
                folder = Path(tmp) / f"{order}-{count}"
                folder.mkdir()
                chosen = [pool[i] for i in taken]
                report, seconds = train_on(folder, chosen,
                                           articles(count // 2 + 2, "train", words, 12,
                                                    filler["train"]), options)
                new = scores(report.folder, sets)
                if report.switched:
                    model = report.folder
                print(f"{order:>9} {count:>9} {sum(len(a.spans) for a in chosen):>5} "
                      f"{seconds:>7.0f} {spent:>10.1f} | {new['generated']:>5.3f} "
                      f"{new['generated-5']:>5.3f} {new['generated-COMMODITY']:>5.3f} | "
                      f"{new['real']:>5.3f} {new['real-5']:>6.3f} "
                      f"{new['real-COMMODITY']:>5.3f}   (trained {report.train_docs}, "
                      f"used {'yes' if report.switched else 'no'}, held-back F1 "
                      f"{report.after_f1:.3f})", flush=True)


if __name__ == "__main__":
    main()
