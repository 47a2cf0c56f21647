"""Train the project's own entity model from what people confirmed, measure it against the
current model on a held-back part, and keep it as a new version.

The job (:func:`train`, or :func:`train_file` in a spawned child) follows the task protocol:

1. read the confirmed documents (:mod:`annotator.store.confirmed`: accepted documents whole,
   unfinished ones with their confirmed spans, the rejected suggestions of both);
2. cut each document longer than a piece into pieces
   (:func:`annotator.nlp.ner_train.split_doc`); a document that cannot be cut (a gold span
   longer than a piece) is left out of the pool and named in the report (``left_out``): one
   such document never stops the whole run, and it is dropped BEFORE the split, so the split
   never holds back a site whose only document is then missing (nothing would be scored).
   Then hold back whole sites (:mod:`annotator.services.ner_split`) of the usable documents,
   and a dev part of the rest the same way (spaCy's checkpoint score and the choice between
   candidates use it; without one, from fewer than ``dev_min_docs`` training documents, they
   use the F1 on the training documents and the report calls it that). The split is made on
   whole documents, so the pieces of one document are all on one side, and training, dev and
   held-back scoring all use the same pieces;
3. train the candidates (:func:`annotator.nlp.ner_train.train_candidates`): ``finetune`` the
   current model when its labels cover the project's, else ``extend`` it with the new labels,
   and ``blank``; the one with the best dev F1 is kept (the report says which and why);
4. score the current model and the new one on the held-back part, per label, and measure
   forgetting: how far the new model's entities on unlabelled project text drift from the
   current model's (labels both know);
5. write ``<project>.models/ner-N/`` and its settings record; make it active when its held-back
   F1 beats the current model's, or when ``use_new``. With nothing held back the models are not
   compared (``TrainReport.measured`` is false) and the new one is kept but not used unless
   ``use_new``: the project never switches on a score it does not have.

Nothing is written before step 5, which is the last thing the job does after its last stop
check: a cancelled or failed run leaves the project exactly as it was (its partial folder is
removed). Re-suggesting with the new version is a separate, resumable job:
:func:`annotator.services.preannotation.preannotate` uses the active version by default.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import count, title_of
from annotator.nlp.ner_scores import Scores, score_spans
from annotator.nlp.ner_train import (
    Budget,
    Stopped,
    TrainDoc,
    base_labels,
    predict,
    split_doc,
    train_candidates,
)
from annotator.nlp.pieces import Unsplittable
from annotator.services import ner_models
from annotator.services.ner_split import split_by_site
from annotator.store import Store, open_store
from annotator.store.confirmed import ConfirmedDoc

log = logging.getLogger(__name__)

Row = tuple[float, float, float, int]  # precision, recall, F1, support


@dataclass
class TrainOptions:
    """Knobs of a run. ``candidates`` limits what is tried (``finetune``/``extend``,
    ``blank``); ``max_epochs``, ``seconds`` (wall time of all candidates together, shared out
    evenly) and ``patience`` bound training;
    ``held_back`` is the share of sites held back; ``rehearsal`` how many unlabelled documents
    per training document the base model labels for rehearsal (0 turns it off)."""

    candidates: tuple[str, ...] = ("base", "blank")
    blank_min_docs: int = 100  # fewer training documents: blank is not tried (see _candidates)
    blank_margin: float = 0.02  # dev F1 blank must gain over the base-derived candidate
    dev_min_docs: int = 20  # fewer: no dev part (checkpoints scored on the training documents)
    max_epochs: int = 30
    seconds: float = 200.0
    patience: int = 300
    eval_every: int = 25
    held_back: float = 0.2
    rehearsal: float = 0.5
    seed: int = 0


@dataclass
class TrainReport:
    """What a training run did (plain data, picklable). ``before``/``after``: per-label
    ``(precision, recall, f1, support)`` of the current and the new model on the held-back
    part; ``switched``: the project now uses the new version."""

    version: str = ""
    folder: str = ""
    switched: bool = False
    why_switched: str = ""
    before_model: str = ""
    start: str = ""
    why: str = ""
    labels: list[str] = field(default_factory=list)
    before: dict[str, Row] = field(default_factory=dict)
    after: dict[str, Row] = field(default_factory=dict)
    before_f1: float = 0.0
    after_f1: float = 0.0
    candidates: list[dict[str, Any]] = field(default_factory=list)
    train_docs: int = 0
    partial_docs: int = 0
    dev_docs: int = 0
    held_back_docs: int = 0
    held_back_sources: list[str] = field(default_factory=list)
    split_note: str = ""
    # why no dev part was set aside ("" when there is one): the candidates were then scored on
    # their own training documents, a training figure and not a dev F1
    no_dev_note: str = ""
    rejected_spans: int = 0
    rehearsal_docs: int = 0
    forgetting: float | None = None  # agreement (F1) with the current model on unlabelled text
    doc_ids: list[int] = field(default_factory=list)
    pieced_docs: int = 0  # documents longer than a piece, trained or scored as several
    # documents not used because they could not be cut for spaCy: "document N (title): why"
    left_out: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changes(self) -> Changes:
        """Training changes no document or label (re-suggesting is its own job), so this is
        empty; read :func:`annotator.services.ner_models.active_ner` after the job."""
        return Changes(origin="train")

    @property
    def measured(self) -> bool:
        """Both models were scored on a held-back part. Without one there is no comparison:
        0.00 against 0.00 would read as "not better" when nothing was measured."""
        return self.held_back_docs > 0

    @property
    def nothing_held_back(self) -> str:
        """Why nothing was held back, as a clause ("" when something was)."""
        if self.measured:
            return ""
        return self.split_note or "no accepted document could be set aside"

    @property
    def choice_figure(self) -> str:
        """What the candidates' ``dev_f1`` is: a dev F1 only when a dev part was set aside;
        else the F1 on their own training documents (see ner_train._train_one)."""
        return "dev F1" if self.dev_docs else "F1 on its training documents"

    def text(self) -> str:
        left = len(self.left_out)
        head = f"Trained {self.version} ({self.start}) on {count(self.train_docs, 'document')}: "
        if self.measured:
            verdict = ("now in use" if self.switched
                       else f"kept; the project still uses {self.before_model}")
            body = (f"held-back F1 {self.after_f1:.3f} vs {self.before_f1:.3f} for "
                    f"{self.before_model}; {verdict}.")
        else:
            verdict = ("now in use (chosen by the person)" if self.switched else
                       f"kept, not in use: the project still uses {self.before_model} (a new "
                       "model is used without a held-back score only when chosen)")
            body = (f"not compared with {self.before_model}, nothing was held back "
                    f"({self.nothing_held_back}); {verdict}.")
        return (head + body
                + (f" Left out {count(left, 'document')} that could not be cut into "
                   "pieces." if left else ""))

    def table(self) -> list[str]:
        """The held-back scores per label, current model beside the new one, as text lines."""
        head = (f"{'label':<12} {'support':>7}  {'P old':>6} {'R old':>6} {'F1 old':>6}  "
                f"{'P new':>6} {'R new':>6} {'F1 new':>6}")
        lines = [head]
        for label in [*self.labels, "ALL"]:
            b = self.before.get(label, (0.0, 0.0, 0.0, 0))
            a = self.after.get(label, (0.0, 0.0, 0.0, 0))
            lines.append(f"{label:<12} {a[3]:>7}  {b[0]:>6.3f} {b[1]:>6.3f} {b[2]:>6.3f}  "
                         f"{a[0]:>6.3f} {a[1]:>6.3f} {a[2]:>6.3f}")
        return lines

    def record(self) -> dict[str, Any]:
        """What the settings keep about the version (everything but the per-run timing)."""
        data = asdict(self)
        data.pop("folder")
        return data


def _rows(scores: Scores) -> dict[str, Row]:
    out = {s.label: (s.precision, s.recall, s.f1, s.support) for s in scores.labels.values()}
    m = scores.micro
    out["ALL"] = (m.precision, m.recall, m.f1, m.support)
    return out


def _train_doc(doc: ConfirmedDoc) -> TrainDoc:
    return TrainDoc(doc.doc_id, doc.text, list(doc.spans), doc.complete, list(doc.rejected))


def cut_documents(docs: list[ConfirmedDoc], left_out: list[str]
                  ) -> tuple[list[ConfirmedDoc], list[TrainDoc]]:
    """The documents that can go through spaCy and their pieces (a normal article is one
    piece; see :func:`annotator.nlp.ner_train.split_doc`). A document that cannot be cut is
    named in ``left_out`` with the reason, and logged, instead of failing the run."""
    kept, pieces = [], []
    for doc in docs:
        try:
            pieces += split_doc(_train_doc(doc))
        except Unsplittable as exc:
            # the title the document list shows (store.bulk: meta title, else title_of)
            meta = doc.meta if isinstance(doc.meta, dict) else {}
            title = str(meta.get("title") or title_of(doc.text) or doc.source)
            left_out.append(f"document {doc.doc_id} ({title}): {exc}")
            log.warning("training leaves out document %d: %s", doc.doc_id, exc)
            continue
        kept.append(doc)
    return kept, pieces


def current_model(store: Store) -> tuple[str, str]:
    """``(model to load, its name for people)`` the project suggests with now. Raises
    :class:`~annotator.services.preannotation.UntrustedModel` when that is a folder outside the
    project's folder (training would load it)."""
    from annotator.services.preannotation import UntrustedModel, model_to_confirm, project_model

    number = ner_models.active_version(store)
    if number is not None:
        return str(ner_models.version_folder(store.path, number)), ner_models.version_name(number)
    if (outside := model_to_confirm(store)) is not None:
        raise UntrustedModel(outside)
    model = project_model(store)
    return model, Path(model).name if "/" in model else model


def train(store: Store, options: TrainOptions | None = None, *, use_new: bool = False,
          progress: Progress = no_progress, should_stop: ShouldStop = never) -> TrainReport:
    """Train a new version from the confirmed documents (see the module docstring).

    Raises ``ValueError`` when there is nothing to train on, :class:`Cancelled` (partial
    ``None``: nothing was written) on a stop, and what spaCy raises on a broken model."""
    opts = options or TrainOptions()
    started = time.monotonic()
    labels = list(store.labels.names("entity"))
    label_set = frozenset(labels)
    progress(0, 0, "Reading confirmed documents…")
    docs = store.confirmed.documents()
    if not any(d.spans or d.complete for d in docs):
        raise ValueError("no confirmed documents yet: accept documents or confirm spans first")
    # Cut before the split: a document that cannot be cut is left out of the pool, so the
    # split never holds back a site whose only document is then dropped (nothing scored).
    # A document's pieces still all go to the side its document goes to.
    left_out: list[str] = []
    usable, all_pieces = cut_documents(docs, left_out)
    if not all_pieces:
        raise ValueError("no confirmed document left to train on"
                         + (": " + "; ".join(left_out) if left_out else ""))
    pieces_of: dict[int, list[TrainDoc]] = {}
    for piece in all_pieces:
        pieces_of.setdefault(piece.doc_id, []).append(piece)
    groups = store.near_dups.groups_of([d.doc_id for d in usable])  # wire copies stay together
    split = split_by_site(usable, opts.held_back, groups=groups)
    train_part, dev_part = split.train, []
    dev_note = f"fewer than {opts.dev_min_docs} training documents"
    if len(split.train) >= opts.dev_min_docs:
        inner = split_by_site(split.train, opts.held_back, salt="dev", groups=groups)
        train_part, dev_part = (inner.train, inner.held) if inner.held else (split.train, [])
        dev_note = inner.note or "no site could be set aside"
    held_part = split.held
    train_pieces, dev_pieces, held_pieces = (
        [p for d in part for p in pieces_of[d.doc_id]]
        for part in (train_part, dev_part, held_part))
    if not train_pieces:
        raise ValueError("no confirmed document left to train on"
                         + (": " + "; ".join(left_out) if left_out else ""))
    report = TrainReport(labels=labels, train_docs=len(train_part),
                         partial_docs=sum(not d.complete for d in train_part),
                         dev_docs=len(dev_part), held_back_docs=len(held_part),
                         held_back_sources=split.held_sites if held_part else [],
                         split_note=split.note,
                         no_dev_note="" if dev_part else dev_note,
                         rejected_spans=sum(len(d.rejected) for d in train_part),
                         doc_ids=[d.doc_id for d in train_part + dev_part],
                         pieced_docs=_pieced(train_pieces + dev_pieces + held_pieces),
                         left_out=left_out)
    base, report.before_model = current_model(store)
    known = base_labels(base)
    names, skipped = _candidates(opts, known, label_set, len(train_part))
    used = {d.doc_id for d in docs}
    n_rehearsal = round(opts.rehearsal * len(train_part))
    pool = store.confirmed.unlabelled(2 * n_rehearsal, used) if n_rehearsal else []
    rehearsal, drift_texts = [t for _, t, _ in pool[0::2]], [t for _, t, _ in pool[1::2]]
    report.rehearsal_docs = len(rehearsal)
    ner_models.remove_stale_partials(store.path)  # what a killed training left
    number = ner_models.next_number(store)
    staging = ner_models.partial_folder(store.path, number)
    held = ner_models.claim_partial(store.path, number)  # locked: no other run removes it
    try:
        results = train_candidates(
            names, base, labels, train_pieces, dev_pieces, rehearsal, staging / "candidates",
            Budget(opts.max_epochs, opts.seconds / len(names), opts.patience, opts.eval_every,
                   opts.seed),
            progress=progress, should_stop=should_stop)
        best = _choose(results, opts.blank_margin)
        report.candidates = [{"name": r.name, "dev_f1": round(r.dev_f1, 4),
                              "scored_on": "dev" if dev_pieces else "training",
                              "steps": r.steps,
                              "epochs": r.epochs, "seconds": round(r.seconds, 1),
                              "note": r.note} for r in results]
        report.start = best.name
        report.why = _why(best, results, known, label_set, report.choice_figure) + skipped
        progress(0, 0, "Scoring on the held-back part…")
        if should_stop():
            raise Cancelled(None)
        _score(report, base, best.folder, held_pieces, label_set, labels)
        if drift_texts and best.name != "blank" and not should_stop():
            report.forgetting = _agreement(base, best.folder, drift_texts, label_set & set(known))
        if should_stop():
            raise Cancelled(None)
        best.folder.rename(staging / "model")
        _finish_folder(staging, number)
        better = held_part and report.after_f1 > report.before_f1
        report.switched = bool(use_new or better)
        report.why_switched = ("chosen by the person" if use_new and not better else
                               "better on the held-back part" if better else
                               "no held-back part to measure it on" if not held_part else
                               "not better on the held-back part")
        report.version = ner_models.version_name(number)
        report.seconds = time.monotonic() - started
        folder = ner_models.save_version(store, number, report.record(), report.switched)
        report.folder = str(folder)
    except Stopped:
        ner_models.remove_partial(store.path, number)
        raise Cancelled(None) from None
    except BaseException:
        ner_models.remove_partial(store.path, number)
        raise
    finally:
        held.release()
    log.info("%s", report.text())
    return report


def _finish_folder(staging: Path, number: int) -> None:
    """Leave only the chosen pipeline in the partial folder (named by its version)."""
    import shutil

    from annotator.nlp.ner_train import stamp_meta

    shutil.rmtree(staging / "candidates", ignore_errors=True)
    for item in (staging / "model").iterdir():
        item.rename(staging / item.name)
    (staging / "model").rmdir()
    stamp_meta(staging, ner_models.version_name(number))


def _candidates(opts: TrainOptions, known: list[str], labels: frozenset[str],
                n_train: int) -> tuple[list[str], str]:
    """The candidates to train, and a note on a blank one left out.

    Measured on bench/learning_entities.py: with 6 and 15 training documents a blank pipeline
    beat the stock model extended with COMMODITY on the dev part (generated articles like the
    training ones) but scored 0.22 and 0.25 F1 on real news sentences, against the stock
    model's 0.83: a dev part drawn from a project's own documents cannot show what a blank
    model never learnt. So blank is tried only from ``blank_min_docs`` training documents (or
    when the current model has no entity recognizer), and must win by ``blank_margin``."""
    names = []
    if "base" in opts.candidates and known:
        names.append("finetune" if labels <= set(known) else "extend")
    skipped = ""
    if "blank" in opts.candidates or not names:
        if not names or n_train >= opts.blank_min_docs:
            names.append("blank")
        else:
            skipped = (f"; blank not tried: {count(n_train, 'training document')}, fewer than "
                       f"{opts.blank_min_docs}")
    return names, skipped


def _choose(results: list[Any], margin: float) -> Any:
    """The best candidate on dev F1; blank only when it beats the base-derived one by
    ``margin`` (a near tie keeps the model that also knows general English names)."""
    base = [r for r in results if r.name != "blank"]
    blank = [r for r in results if r.name == "blank"]
    if base and blank and blank[0].dev_f1 < base[0].dev_f1 + margin:
        return base[0]
    return max(results, key=lambda r: r.dev_f1)


def _why(best: Any, results: list[Any], known: list[str], labels: frozenset[str],
         figure: str = "dev F1") -> str:
    others = ", ".join(f"{r.name} {r.dev_f1:.3f}" for r in results if r is not best)
    missing = sorted(labels - set(known))
    reason = (f"the current model lacks {', '.join(missing)}" if missing and known
              else "the current model has no entity recognizer" if not known
              else "the current model knows every project label")
    return (f"{best.name} had the best {figure} ({best.dev_f1:.3f}"
            + (f"; {others}" if others else "") + f"); {reason}")


def _pieced(pieces: list[TrainDoc]) -> int:
    """How many documents went as more than one piece."""
    return len({p.doc_id for p in pieces if p.offset > 0})


def _score(report: TrainReport, base: str, new: Path, held: list[TrainDoc],
           label_set: frozenset[str], labels: list[str]) -> None:
    """Both models on the held-back pieces (the same pieces training would cut), so a long
    held-back document is scored, not refused by spaCy."""
    if not held:
        return
    gold = [d.spans for d in held]
    texts = [d.text for d in held]
    before = score_spans(gold, predict(base, texts, label_set), labels)
    after = score_spans(gold, predict(str(new), texts, label_set), labels)
    report.before, report.after = _rows(before), _rows(after)
    report.before_f1, report.after_f1 = before.micro.f1, after.micro.f1


def _agreement(base: str, new: Path, texts: list[str], labels: frozenset[str]) -> float:
    """F1 of the new model's entities against the current model's on unlabelled text, for the
    labels both know: 1.0 means nothing was forgotten (or learnt) there."""
    if not labels:
        return 1.0
    old = predict(base, texts, labels)
    now = predict(str(new), texts, labels)
    return score_spans(old, now, sorted(labels)).micro.f1


def train_file(db_path: str, options: TrainOptions | None = None, use_new: bool = False, *,
               progress: Progress = no_progress, should_stop: ShouldStop = never) -> TrainReport:
    """:func:`train` on a project file with a connection of its own: what a spawned child runs
    (:func:`annotator.core.child.run_in_child`)."""
    with open_store(db_path) as store:
        return train(store, options, use_new=use_new, progress=progress,
                     should_stop=should_stop)


def use_model(store: Store, version: str) -> str:
    """Make ``ner-N`` the project's model (the person chose it); returns its name. Re-suggest
    with :func:`annotator.services.preannotation.preannotate` afterwards."""
    return ner_models.version_name(ner_models.activate(store, version))
