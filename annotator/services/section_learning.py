"""Learning per project: train a section model from the sections a person confirmed, save it as
the project's next version, and re-suggest the unfinished documents with it.

What it learns from: every section of an accepted document, and every section a person set or
confirmed elsewhere (:mod:`annotator.store.section_pages`). Each page is read with its site's
evidence (:mod:`annotator.services.section_evidence`), so the lines a site repeats on every page
and the labels a person gave them on its confirmed pages teach the model that site's template;
a site with no confirmed page is read by what the shipped base model learned, which the project
model starts from and is anchored to.

A run, as a task (:mod:`annotator.core.tasks`):

1. *score*: within each site, every fourth confirmed page (the 2nd, 6th ...) is held back; a model
   trained on the others, as in step 2, is scored on them (body F1 over their confirmed blocks),
   beside the base model on the same pages. That is the figure the window shows;
2. *train* on every confirmed page: the base adapted on all of them (it reads the documents with
   no site and the sites with no confirmed page), and for each site with confirmed pages the base
   adapted on that site's pages alone (the model's ``sites``, which read that site's pages): one
   site's pages then cannot pull the weights another site is read with. Scored on five groups of
   Dragnet sites, 3 confirmed pages per site, per-site adaptation beat one adaptation on every
   site's pages by 0.006 body F1 on average (README "One section model per site in a project");
3. *suggest* a label for each block of every unfinished document (nothing written yet);
4. *save* version ``N`` in ``<project>.models/sections-N/model.json`` (JSON, never pickle), then
   write the suggestions (origin ``model:sections@N``), replacing the rules' and older versions'
   unconfirmed ones, never a person's; then make ``N`` the active version (setting
   ``sections_model``) with its record (score, what it saw).

Cancelling (``should_stop``) in steps 1-3 leaves the project exactly as it was: nothing is
written before step 4, which is not cancellable and takes a few write transactions.
"""

from __future__ import annotations

import logging
import time

from annotator.core.tasks import Cancelled, Progress, ShouldStop, checkpoint, never, no_progress
from annotator.domain import blocks, count
from annotator.nlp.section_features import PreparedPage, prepare_page
from annotator.nlp.section_model import SectionModel, SiteWeights, load_base
from annotator.nlp.section_train import Example, Features, featurise
from annotator.nlp.section_train import train_sections as fit
from annotator.services.model_versions import ModelVersions
from annotator.services.section_evidence import (
    Confirmed,
    SiteIndex,
    as_page,
    by_site,
    confirmed_pages,
    held_back_split,
)
from annotator.services.section_retrain import KIND, SectionTrainReport
from annotator.store import Store, open_store

log = logging.getLogger(__name__)

WRITE_BATCH = 50  # documents per write transaction (each holds the lock a few ms)
BODY = "body"


class NothingToLearn(ValueError):
    """No document has a confirmed section yet: accept a document or tag a block first."""


def train_sections(store: Store, *, seed: int = 0, progress: Progress = no_progress,
                   should_stop: ShouldStop = never) -> SectionTrainReport:
    """Train, save and apply the project's next section model (see the module docstring).

    Raises :class:`NothingToLearn` when nothing is confirmed, :class:`Cancelled` (with an empty
    report: nothing changed) when stopped before anything was written, ``OSError`` when the
    model folder cannot be written (nothing changed either)."""
    started = time.perf_counter()
    report = SectionTrainReport()
    progress(0, 0, "Reading confirmed pages…")
    confirmed_ids = store.section_pages.confirmed_ids()
    # what this version learns from: documents accepted while it trains count towards the next
    # retrain, not this one (counted after training, they were never learned until 3 more came)
    accepted = store.section_pages.count_accepted()
    if not confirmed_ids:
        raise NothingToLearn("no confirmed sections yet: accept a document, or tag some blocks, "
                             "and train again")
    index = SiteIndex.build(store)
    pages = confirmed_pages(store, index)
    report.pages, report.blocks = len(pages), sum(p.labelled for p in pages)
    report.sites = len({index.site(p.doc_id) for p in pages})
    base = load_base()
    checkpoint(should_stop, SectionTrainReport())
    prepared = {p.doc_id: prepare_page(p.page) for p in pages}  # the slow part, once per page
    checkpoint(should_stop, SectionTrainReport())
    _score(report, base, pages, index, prepared, seed, progress, should_stop)
    progress(0, 0, f"Training on {count(report.pages, 'confirmed page')}…")
    versions = ModelVersions(store, KIND)
    number = versions.next_number()
    data = _data(pages, pages, index, prepared)
    model = fit(data, base=base, seed=seed, version=number)
    checkpoint(should_stop, SectionTrainReport())
    model.sites = _site_weights(base, pages, data, index, seed, progress, should_stop,
                                "Adapting to each site")
    keep_start(model, base)
    suggestions = _suggest(store, model, index, pages, progress, should_stop)
    report.version = number
    _save(versions, number, model)
    report.folder = str(versions.folder(number))
    progress(0, 0, "Writing suggestions…")
    origin = versions.origin(number)
    for start in range(0, len(suggestions), WRITE_BATCH):
        batch = suggestions[start:start + WRITE_BATCH]
        report.sections += store.section_pages.resuggest(origin, batch)
    report.doc_ids = [doc_id for doc_id, _ in suggestions]
    report.documents = len(report.doc_ids)
    report.seconds = time.perf_counter() - started
    versions.activate(number, report.record(accepted))
    log.info("%s %s", report.text(), report.details())
    return report


def train_sections_file(db_path: str, seed: int = 0, *, progress: Progress = no_progress,
                        should_stop: ShouldStop = never) -> SectionTrainReport:
    """:func:`train_sections` on a project file with a connection of its own: what a spawned
    process runs (:func:`annotator.core.child.run_in_child`)."""
    with open_store(db_path) as store:
        return train_sections(store, seed=seed, progress=progress, should_stop=should_stop)


# -- steps -----------------------------------------------------------------------------------------

def _data(pages: list[Confirmed], teachers: list[Confirmed], index: SiteIndex,
          prepared: dict[int, PreparedPage]) -> Features:
    """The training data of ``pages`` (in their order): each page read with the evidence of its
    site's other documents and of the ``teachers`` (the confirmed pages the model may know)
    other than itself. Made once for the pooled fit and every site's (a page's evidence holds
    only its own site's pages, so its rows are the same in both)."""
    return featurise([Example(p.page, p.labels, index.evidence(p.doc_id, p.page.text, teachers),
                              prepared[p.doc_id]) for p in pages])


def _site_weights(base: SectionModel, pages: list[Confirmed], data: Features, index: SiteIndex,
                  seed: int, progress: Progress, should_stop: ShouldStop,
                  stage: str, only: set[str | None] | None = None) -> dict[str, SiteWeights]:
    """For each site of ``pages`` (not the pages with no site), the base adapted on that site's
    pages alone (``data``: the :func:`_data` of ``pages``), as the model's per-site weights
    (:attr:`SectionModel.sites`); with ``only``, for those sites only."""
    where = {p.doc_id: i for i, p in enumerate(pages)}
    groups = {site: group for site, group in by_site(pages, index).items()
              if site is not None and (only is None or site in only)}
    out: dict[str, SiteWeights] = {}
    for n, site in enumerate(sorted(groups), 1):
        try:
            adapted = fit(data.subset([where[p.doc_id] for p in groups[site]]), base=base,
                          seed=seed)
        except ValueError:  # no confirmed label the model knows: the pooled weights read it
            log.info("no per-site weights for %s: no label the model knows", site)
        else:
            out[site] = SiteWeights(adapted.weights, adapted.bias, adapted.site_transitions,
                                    adapted.unseen_to_start)
        progress(n, len(groups), f"{stage}: {n} of {count(len(groups), 'site')}")
        checkpoint(should_stop, SectionTrainReport())
    return out


def keep_start(model: SectionModel, base: SectionModel) -> None:
    """Give ``model`` the base's weights as :attr:`SectionModel.start` when one of its sites
    reads unseen template slots with them (a site with one confirmed page)."""
    if model.start is None and any(w.unseen_to_start for w in model.sites.values()):
        model.start = SiteWeights(base.weights.copy(), base.bias.copy())


def _score(report: SectionTrainReport, base: SectionModel, pages: list[Confirmed],
           index: SiteIndex, prepared: dict[int, PreparedPage], seed: int, progress: Progress,
           should_stop: ShouldStop) -> None:
    """Fill the report's held-back scores (see the module docstring, step 1): the scoring model
    is made as the shipped one is, pooled and per site, from the training pages."""
    train, held = held_back_split(pages, index, groups=index.groups)
    if not held or not train:
        return
    progress(0, 0, f"Scoring on {len(held)} held-back pages…")
    data = _data(train, train, index, prepared)
    scorer = fit(data, base=base, seed=seed)
    checkpoint(should_stop, SectionTrainReport())
    scorer.sites = _site_weights(base, train, data, index, seed, progress, should_stop,
                                 "Scoring each site", {index.site(p.doc_id) for p in held})
    keep_start(scorer, base)
    gold: list[str | None] = []
    ours: list[str | None] = []
    theirs: list[str | None] = []
    for page in held:
        evidence = index.evidence(page.doc_id, page.page.text, train)
        gold += page.labels
        ours += scorer.predict(page.page, evidence)
        theirs += base.predict(page.page, evidence)
    report.held_back = len(held)
    report.score = body_f1(gold, ours)
    report.base_score = body_f1(gold, theirs)
    labelled = [(g, p) for g, p in zip(gold, ours, strict=True) if g is not None]
    report.accuracy = sum(g == p for g, p in labelled) / len(labelled) if labelled else None


def body_f1(gold: list[str | None], predicted: list[str | None]) -> float:
    """F1 of the ``body`` label over the blocks with a gold label (1.0 when neither has any
    body: nothing to find, nothing wrongly found)."""
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if g is not None]
    hit = sum(g == BODY and p == BODY for g, p in pairs)
    wanted = sum(g == BODY for g, _ in pairs)
    found = sum(p == BODY for _, p in pairs)
    if wanted == 0 and found == 0:
        return 1.0
    return 2 * hit / (wanted + found)


def _suggest(store: Store, model: SectionModel, index: SiteIndex, pages: list[Confirmed],
             progress: Progress, should_stop: ShouldStop
             ) -> list[tuple[int, list[tuple[int, int, int, str]]]]:
    """``(doc_id, [(block, start, end, label)])`` for every unfinished document; nothing is
    written. Labels the project does not have are left out."""
    known = set(store.labels.names("section"))
    ids = store.section_pages.unfinished_ids()
    out = []
    for start in range(0, len(ids), WRITE_BATCH):
        for record in store.section_pages.pages(ids[start:start + WRITE_BATCH]):
            page = as_page(record, index.site(record.doc_id))
            labels = model.predict(page, index.evidence(record.doc_id, record.text, pages))
            items = [(b.index, b.start, b.end, label)
                     for b, label in zip(blocks(record.text), labels, strict=True)
                     if label is not None and label in known]
            out.append((record.doc_id, items))
        progress(len(out), len(ids),
                 f"Suggesting sections: {len(out)} of {count(len(ids), 'document')}")
        if should_stop():
            raise Cancelled(SectionTrainReport())
    return out


def _save(versions: ModelVersions, number: int, model: SectionModel) -> None:
    """Write version ``number``'s folder: under a partial name, then renamed."""
    folder = versions.partial_folder(number)
    try:
        folder.mkdir(parents=True)
        model.save(folder / "model.json")
        versions.finish_folder(number)
    except BaseException:
        versions.discard(number)
        raise
