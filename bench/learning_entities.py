"""Entity learning curve: F1 of the project's own trained model after 10, 25, 50 and 100 confirmed
documents, beside the stock model (en_core_web_sm) on the same documents.

Training data: generated trade and mining articles (``tests/ner_articles.py``, ``train``
family; about half their sentences are entity-free sentences of the Dragnet gold texts, so the
prose is not only template words) accepted into a fresh project whose labels are PERSON, ORG,
GPE, DATE, MONEY and COMMODITY (a label the stock model does not have). Each point runs the
product's own ``services.ner_training.train`` with its defaults (held-back sites, dev part,
candidates), so "confirmed documents" is what a person confirmed, not what the model trained
on (both printed).

Evaluation, never used for training or tuning:

- ``generated``: farm, shop and weather articles (``test`` family) -- sentence templates the
  training articles never use, a third of the commodities never seen in training, and the
  other half of the Dragnet filler sentences;
- ``real``: 28 real news sentences (``bench/data/ner_news_sentences.jsonl``) from the Dragnet
  gold texts (cbsnews, wired, abcnews, ...), labelled by hand by the ner-train helper with the
  six labels (OntoNotes-style spans); 88 entities, 9 of them COMMODITY. Small: read its figures
  as a sign, not a measurement.

``stock*`` columns score en_core_web_sm on the same documents and labels (it never predicts
COMMODITY); ``-5`` columns leave COMMODITY out (the five labels both models know).

    python bench/learning_entities.py            # 10, 25, 50, 100 documents (about 15 minutes)
    python bench/learning_entities.py --quick    # 10 and 25 short documents, one candidate
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from annotator.nlp.ner_scores import score_spans  # noqa: E402
from annotator.nlp.ner_train import predict  # noqa: E402
from annotator.nlp.pipeline import DEFAULT_MODEL  # noqa: E402
from annotator.services.ner_training import TrainOptions, train  # noqa: E402
from annotator.store import open_store  # noqa: E402
from tests.ner_articles import LABELS, articles, dragnet_fillers, fill_project  # noqa: E402

STOCK_LABELS = LABELS[:5]
SENTENCES = HERE / "data" / "ner_news_sentences.jsonl"
DRAGNET = HERE.parent.parent / "shared" / "data" / "dragnet" / "pages.tar.xz"


def real_sentences() -> list[tuple[str, list[tuple[int, int, str]]]]:
    out = []
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out.append((record["text"], [(s["start"], s["end"], s["label"])
                                     for s in record["spans"]]))
    return out


def fillers() -> dict[str, list[str]]:
    """Entity-free Dragnet sentences for the generated articles (train and test halves),
    none from the files the hand-labelled sentences came from; empty without the archive."""
    if not DRAGNET.exists():
        return {"train": [], "test": []}
    sources = {json.loads(line)["meta"]["source"].rsplit("/", 1)[-1]
               for line in SENTENCES.read_text(encoding="utf-8").splitlines()}
    return dragnet_fillers(DRAGNET, sources)


def make_project(db: Path, count: int, words: int, filler: list[str]) -> None:
    with open_store(db) as store:
        fill_project(store, articles(count, "train", words, 11, filler),
                     articles(count // 2 + 2, "train", words, 12, filler),
                     "inbox.example", "bench")


def scores(model: str, sets: dict[str, list]) -> dict[str, float]:
    out = {}
    for name, docs in sets.items():
        predicted = predict(model, [t for t, _ in docs], frozenset(LABELS))
        gold = [g for _, g in docs]
        all_ = score_spans(gold, predicted, LABELS)
        out[name] = all_.micro.f1
        out[name + "-5"] = score_spans(gold, predicted, STOCK_LABELS).micro.f1
        out[name + "-COMMODITY"] = all_.labels["COMMODITY"].f1
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 and 25 short documents")
    parser.add_argument("--smoke", action="store_true", help="10 documents, 2 epochs: does it run?")
    args = parser.parse_args(argv)
    args.quick = args.quick or args.smoke
    points = (10,) if args.smoke else (10, 25) if args.quick else (10, 25, 50, 100)
    words = 150 if args.quick else 600
    options = (TrainOptions(candidates=("base",), seconds=2, max_epochs=2) if args.smoke
               else TrainOptions(candidates=("base",), seconds=6, max_epochs=6) if args.quick
               else TrainOptions())
    filler = fillers()
    generated = [(a.text, a.spans) for a in articles(4 if args.quick else 20, "test",
                                                     150 if args.quick else 400, 99,
                                                     filler["test"])]
    sets = {"generated": generated, "real": real_sentences()}
    stock = scores(DEFAULT_MODEL, sets)
    print(f"Entity learning curve ({'quick' if args.quick else 'full'}): training articles of "
          f"{words} words; evaluation: {len(generated)} generated articles in unseen contexts, "
          f"{len(sets['real'])} real news sentences. F1 (micro over {', '.join(LABELS)}); "
          "-5: without COMMODITY; stock = " + DEFAULT_MODEL + " on the same documents. "
          f"Filler sentences (no entities) from Dragnet: {len(filler['train'])} for training "
          f"articles, {len(filler['test'])} others for evaluation articles.")
    print(f"{'confirmed':>9} {'trained':>7} {'start':>8} {'secs':>5} {'used':>4} | "
          f"{'gen':>5} {'stock':>5} {'gen-5':>5} {'stock':>5} {'COMM':>5} | "
          f"{'real':>5} {'stock':>5} {'real-5':>6} {'stock':>5} {'COMM':>5}")
    for count in points:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "curve.db"
            make_project(db, count, words, filler["train"])
            started = time.monotonic()
            with open_store(db) as store:
                report = train(store, options)
            seconds = time.monotonic() - started
            new = scores(report.folder, sets)
        print(f"{count:>9} {report.train_docs:>7} {report.start:>8} {seconds:>5.0f} "
              f"{'yes' if report.switched else 'no':>4} | "
              f"{new['generated']:>5.3f} {stock['generated']:>5.3f} "
              f"{new['generated-5']:>5.3f} {stock['generated-5']:>5.3f} "
              f"{new['generated-COMMODITY']:>5.3f} | "
              f"{new['real']:>5.3f} {stock['real']:>5.3f} {new['real-5']:>6.3f} "
              f"{stock['real-5']:>5.3f} {new['real-COMMODITY']:>5.3f}", flush=True)
        print("          dev F1: " + ", ".join(f"{c['name']} {c['dev_f1']:.3f} "
                                              f"({c['steps']} updates)"
                                              for c in report.candidates)
              + f"; held-back F1 {report.after_f1:.3f} vs stock {report.before_f1:.3f}",
              flush=True)
    print("trained: documents the model learnt from (the rest: held-back and dev parts); "
          "used: the project switched to it (better than the stock model on its held-back "
          "part); COMM: F1 on COMMODITY alone (the stock model scores 0 there).")


if __name__ == "__main__":
    main()
