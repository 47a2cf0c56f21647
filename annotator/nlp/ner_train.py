"""Train a spaCy NER pipeline from plain data, with spaCy's own training loop.

The service (:mod:`annotator.services.ner_training`) reads the project and hands us
:class:`TrainDoc` s; we give back plain data (:class:`CandidateResult`) and a pipeline folder
written with ``nlp.to_disk``. A spaCy object never leaves this module.

How a document becomes a spaCy ``Example``:

- ``complete`` (an accepted document): its spans are the whole truth, every other token is ``O``;
- partial (an unfinished document with spans a person made or confirmed): those spans are
  positives and every other token is *missing* (``-``), so the model is not taught that an
  unlabelled name is not an entity;
- ``rejected`` spans (suggestions a person deleted or changed) go to
  ``doc.spans[INCORRECT_SPANS_KEY]``, which spaCy's ``ner`` reads as "not this label here"
  (``incorrect_spans_key``): a negative without claiming anything about the other labels;
- rehearsal texts (unlabelled project documents) are labelled by the base model itself and mixed
  in when fine-tuning, so entities the confirmed documents rarely show are not forgotten. When the
  project has labels the base model does not know, every token outside the base's own entities is
  missing rather than ``O``, so rehearsal never teaches that a new-label entity is nothing;
- a document longer than a piece (:data:`annotator.nlp.pieces.PIECE_CHARS`) becomes several
  Examples, one a piece (:func:`split_doc`: cut between paragraphs or lines, never inside a gold
  span). spaCy refuses a text over ``nlp.max_length`` (E088), and one long document must not
  stop a whole project's training. Scoring predicts on the same pieces, so a gold span is never
  at a cut the model could not see across; unlabelled texts (rehearsal, the forgetting check)
  are predicted in pieces too.

Candidates (see :func:`train_candidates`): ``finetune`` (the base model, labels unchanged),
``extend`` (the base model plus the project's labels it lacks) and ``blank`` (a fresh
``tok2vec`` + ``ner`` from the ``train-config`` config). Each runs
``spacy.training.loop.train_while_improving`` (spaCy's optimiser, batcher, dropout and patience from
the config) with a checkpoint score of entity F1 on the dev documents; the best checkpoint of each
candidate is written to its own folder.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.nlp.ner_scores import Scores, score_spans
from annotator.nlp.pieces import PIECE_CHARS, Unsplittable, spans_within, text_pieces
from annotator.nlp.pipeline import load_model

log = logging.getLogger(__name__)

INCORRECT_SPANS_KEY = "incorrect_spans"
CharSpan = tuple[int, int, str]
Progress = Callable[[int, int, str], None]  # done, total, message (the task protocol's shape)


class Stopped(Exception):
    """``should_stop()`` said so during training (the service turns it into ``Cancelled``)."""


def _no_progress(done: int, total: int, message: str = "") -> None:
    """Nobody watches."""


def _never() -> bool:
    return False


@dataclass
class TrainDoc:
    """One document for training or scoring: ``spans`` are the confirmed entities (code-point
    offsets); ``complete`` says every other token is not an entity; ``rejected`` are spans a
    person said are wrong (with that label). A piece of a long document (:func:`split_doc`)
    keeps its document's ``doc_id``; ``offset`` is where it begins in the document (its spans
    are relative to the piece)."""

    doc_id: int
    text: str
    spans: list[CharSpan]
    complete: bool = True
    rejected: list[CharSpan] = field(default_factory=list)
    offset: int = 0


def split_doc(doc: TrainDoc, limit: int = PIECE_CHARS) -> list[TrainDoc]:
    """``doc`` as pieces of at most ``limit`` characters (``[doc]`` when it fits), each with
    the spans inside it shifted to its own offsets. No cut falls inside a gold span; cuts avoid
    the rejected spans too when they can (a rejected span that must be cut is dropped: it is
    only a negative). Raises :class:`annotator.nlp.pieces.Unsplittable` when a gold span is
    longer than a piece: the caller leaves that document out and says so."""
    if len(doc.text) <= limit:
        return [doc]
    gold = [(s, e) for s, e, _ in doc.spans]
    try:
        pieces = text_pieces(doc.text, limit, gold + [(s, e) for s, e, _ in doc.rejected])
    except Unsplittable:
        pieces = text_pieces(doc.text, limit, gold)
    return [TrainDoc(doc.doc_id, piece, spans_within(doc.spans, offset, len(piece)),
                     doc.complete, spans_within(doc.rejected, offset, len(piece)),
                     doc.offset + offset)
            for offset, piece in pieces]


@dataclass
class Budget:
    """How long a candidate may train. ``max_epochs`` passes over the data at most;
    ``seconds`` of wall time at most (checked after every update); ``patience`` updates without
    a better dev score end it early; ``eval_every`` updates between dev scores."""

    max_epochs: int = 30
    seconds: float = 120.0
    patience: int = 200
    eval_every: int = 20
    seed: int = 0


@dataclass
class CandidateResult:
    """What one candidate did: its ``name`` (finetune / extend / blank), best dev micro F1 and
    per-label scores, the update ``steps`` run and ``seconds`` taken, and the folder of its best
    checkpoint (``None`` when it could not be trained)."""

    name: str
    dev_f1: float = 0.0
    dev: Scores = field(default_factory=Scores)
    steps: int = 0
    epochs: int = 0
    seconds: float = 0.0
    words: int = 0
    folder: Path | None = None
    note: str = ""


def base_labels(model: str) -> list[str]:
    """The entity labels a pipeline (package or folder) predicts; [] when it has no ``ner``."""
    nlp = load_model(model)
    return list(nlp.get_pipe("ner").labels) if "ner" in nlp.pipe_names else []


def predict(model: str, texts: Sequence[str], labels: frozenset[str]) -> list[list[CharSpan]]:
    """Entities of each text with a project label, as plain spans (whitespace trimmed, none
    across a line break: the same rules as pre-annotation)."""
    nlp = load_model(model)
    return _predict(nlp, texts, labels)


def _predict(nlp: Any, texts: Sequence[str], labels: frozenset[str]) -> list[list[CharSpan]]:
    """:func:`predict` with a loaded pipeline. A text longer than a piece goes through spaCy
    in pieces (:func:`annotator.nlp.pieces.text_pieces`) and its entities come back in the
    text's own offsets; training and scoring pieces are already short enough to go whole."""
    from annotator.nlp.preannotate import doc_entities

    limit = min(nlp.max_length, PIECE_CHARS)
    pieces = [(piece, (i, offset, piece)) for i, text in enumerate(texts)
              for offset, piece in text_pieces(text, limit)]
    found: list[list[CharSpan]] = [[] for _ in texts]
    for doc, (i, offset, piece) in nlp.pipe(pieces, as_tuples=True, batch_size=16):
        found[i] += [(s, e, lab) for s, e, lab, _ in
                     doc_entities(doc, piece, labels, "", offset)]
    return found


def train_candidates(
    names: Sequence[str],
    base: str | None,
    labels: Sequence[str],
    train: Sequence[TrainDoc],
    dev: Sequence[TrainDoc],
    rehearsal: Sequence[str],
    staging: Path,
    budget: Budget,
    *,
    progress: Progress = _no_progress,
    should_stop: Callable[[], bool] = _never,
) -> list[CandidateResult]:
    """Train each candidate in ``names`` and write its best checkpoint to ``staging/NAME``.

    ``base`` is the model to fine-tune or extend (package name or folder; ``None`` leaves only
    ``blank`` possible). ``rehearsal`` texts are labelled by the base model and mixed in for the
    base-derived candidates. ``progress(done, total, message)`` counts :data:`PROGRESS_UNITS`
    per candidate: how far it is through its budget, the larger of its share of the time
    budget and of the epochs (see :func:`_budget_used`). Raises :class:`Stopped` as soon
    as ``should_stop()`` says so (checked after every update); the caller removes ``staging``."""
    if not train:
        raise ValueError("no confirmed documents to train on")
    total = PROGRESS_UNITS * len(names)
    results = []
    for number, name in enumerate(names):
        offset = number * PROGRESS_UNITS

        def step_progress(used: float, message: str, offset: int = offset) -> None:
            progress(min(offset + round(used * PROGRESS_UNITS), total), total, message)

        progress(offset, total, f"Preparing the {name} candidate…")
        nlp, note = _make_pipeline(name, base, labels)
        result = _train_one(name, nlp, labels, train, dev,
                            rehearsal if name != "blank" else (), staging / name, budget,
                            step_progress, should_stop)
        result.note = note
        results.append(result)
    return results


def _make_pipeline(name: str, base: str | None, labels: Sequence[str]) -> tuple[Any, str]:
    """The untrained-for-us pipeline of a candidate, and a note on how it was made."""
    if name == "blank":
        import spacy.util

        from annotator.nlp.train_config import make_config

        config = spacy.util.load_config_from_str(make_config("ner"))
        config["components"]["ner"]["incorrect_spans_key"] = INCORRECT_SPANS_KEY
        nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
        return nlp, "a blank tok2vec + ner pipeline from the train-config config"
    if base is None:
        raise ValueError(f"the {name} candidate needs a base model")
    nlp = load_model(base)
    ner = nlp.get_pipe("ner")
    ner.cfg["incorrect_spans_key"] = INCORRECT_SPANS_KEY
    missing = [lab for lab in labels if lab not in ner.labels]
    if name == "extend":
        for label in missing:
            ner.add_label(label)
        return nlp, (f"{base} with {', '.join(missing)} added" if missing else base)
    return nlp, f"{base} fine-tuned"


# Progress units of one candidate: fine enough for a bar, whatever the number of updates.
PROGRESS_UNITS = 1000


def _budget_used(seconds: float, epoch: float, budget: Budget) -> float:
    """How far (0..1) a candidate is through its budget: the larger of its share of the wall
    time and of ``max_epochs``, as either ends it. An update count made a poor measure: the
    old estimate (an update per document per epoch) was many times the updates a batch of
    several documents makes, so a two-minute run showed 0-3 % until it jumped to done."""
    return min(1.0, max(seconds / budget.seconds if budget.seconds > 0 else 0.0,
                        epoch / budget.max_epochs if budget.max_epochs > 0 else 0.0))


def _train_one(name: str, nlp: Any, labels: Sequence[str], train: Sequence[TrainDoc],
               dev: Sequence[TrainDoc], rehearsal: Sequence[str], folder: Path, budget: Budget,
               progress: Callable[[float, str], None],
               should_stop: Callable[[], bool]) -> CandidateResult:
    import spacy.util
    from spacy.training.loop import create_train_batches, train_while_improving

    from annotator.nlp.train_config import make_config

    random.seed(budget.seed)
    spacy.util.fix_random_seed(budget.seed)
    folder.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    label_set = frozenset(labels)
    examples = [_example(nlp, d) for d in train]
    if rehearsal:
        knows_all = label_set <= set(nlp.get_pipe("ner").labels) and name == "finetune"
        examples += _rehearsal_examples(nlp, rehearsal, label_set, knows_all)
    config = spacy.util.load_config_from_str(make_config("ner"), interpolate=True)
    training = config["training"]
    if name == "blank":
        for label in labels:
            nlp.get_pipe("ner").add_label(label)
        optimizer = nlp.initialize(lambda: examples)
    else:
        optimizer = nlp.resume_training()
    batcher = spacy.util.registry.resolve({"b": training["batcher"]})["b"]
    scored_dev = list(dev) or [d for d in train if d.complete] or list(train)

    def evaluate() -> tuple[float, Scores]:
        predicted = _predict(nlp, [d.text for d in scored_dev], label_set)
        scores = score_spans([d.spans for d in scored_dev], predicted, labels)
        return scores.micro.f1, scores

    result = CandidateResult(name)
    batches = create_train_batches(nlp, lambda _nlp: examples, batcher, budget.max_epochs)
    loop = train_while_improving(
        nlp, optimizer, batches, evaluate, dropout=float(training["dropout"]),
        eval_frequency=budget.eval_every, accumulate_gradient=1, patience=budget.patience,
        max_steps=0, exclude=[], annotating_components=[], before_update=None)
    best = -1.0
    for _batch, info, is_best in loop:
        result.steps, result.epochs, result.words = info["step"] + 1, info["epoch"], info["words"]
        if is_best and info["score"] > best:
            best = info["score"]
            result.dev_f1, result.dev = best, info["other_scores"]
            nlp.to_disk(folder)
        figure = "dev F1" if dev else "training F1"  # no dev part: scored on train docs
        progress(_budget_used(time.monotonic() - started, info["epoch"], budget),
                 f"Training {name}: update {result.steps}, epoch {info['epoch'] + 1}, "
                 f"{figure} {max(best, 0):.3f}")
        if should_stop():
            raise Stopped()
        if time.monotonic() - started > budget.seconds:
            log.info("%s: time budget of %.0f s reached", name, budget.seconds)
            break
    score, scores = evaluate()  # the last state may be the best one, never scored
    if score > best:
        result.dev_f1, result.dev = score, scores
        nlp.to_disk(folder)
    result.folder = folder
    result.seconds = time.monotonic() - started
    log.info("%s: %d updates, %d epochs, dev F1 %.3f, %.1f s", name, result.steps,
             result.epochs, result.dev_f1, result.seconds)
    return result


def _example(nlp: Any, item: TrainDoc) -> Any:
    """A spaCy Example of a TrainDoc (see the module docstring for what each part means)."""
    from spacy.training import Example

    doc = nlp.make_doc(item.text)
    aligned = [(s, e, lab) for s, e, lab in item.spans
               if doc.char_span(s, e, alignment_mode="strict") is not None]
    tags = _biluo(doc, aligned, "O" if item.complete else "-")
    positives = {(s, e, lab) for s, e, lab in aligned}
    negatives = [(s, e, lab) for s, e, lab in item.rejected if (s, e, lab) not in positives
                 and doc.char_span(s, e, alignment_mode="strict") is not None]
    annotations: dict[str, Any] = {"entities": tags}
    if negatives:
        annotations["spans"] = {INCORRECT_SPANS_KEY: negatives}
    return Example.from_dict(doc, annotations)


def _biluo(doc: Any, spans: list[CharSpan], missing: str) -> list[str]:
    import warnings

    from spacy.training import offsets_to_biluo_tags

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W030: a misaligned span's tokens become missing
        return offsets_to_biluo_tags(doc, spans, missing=missing)


def _rehearsal_examples(nlp: Any, texts: Sequence[str], labels: frozenset[str],
                        knows_all: bool) -> list[Any]:
    """The base model's own entities on unlabelled texts, as training examples (a long text
    as one example a piece; it has no gold span a cut could fall inside)."""
    limit = min(nlp.max_length, PIECE_CHARS)
    pieces = [piece for text in texts for _, piece in text_pieces(text, limit)]
    found = _predict(nlp, pieces, labels)
    return [_example(nlp, TrainDoc(-1, piece, spans, complete=knows_all))
            for piece, spans in zip(pieces, found, strict=True)]


def stamp_meta(folder: Path, name: str) -> None:
    """Name a written pipeline after its project version (``meta.json``: ``project_ner_3``,
    version ``3.0.0``), so it is never taken for the package it was fine-tuned from."""
    import json

    path = Path(folder) / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    number = name.rsplit("-", 1)[-1]
    meta.update(name=f"project_{name.replace('-', '_')}",
                version=f"{number}.0.0" if number.isdigit() else "0.0.0",
                description=f"The project's own entity model {name}, trained by annotator.")
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
