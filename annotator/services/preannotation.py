"""Pre-annotate a project: entity candidates from spaCy (and match patterns) plus a suggested
section for every block, so that a person corrects instead of labelling from scratch.

Each batch of documents is analysed by :mod:`annotator.nlp.preannotate`, then written in one
transaction that also marks the documents as done for this run (see
:mod:`annotator.store.suggestions`): re-running adds nothing, an interrupted run resumes after the
last committed batch, and spans or sections a person made are never touched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import RULES, Span, count
from annotator.nlp.cluster import cluster_batches, reachable
from annotator.nlp.patterns import PatternProblem, patterns_key, read_patterns
from annotator.nlp.pipeline import DEFAULT_MODEL
from annotator.nlp.preannotate import Analysis, Analyzer, Item, analyse_batches
from annotator.services import ner_models
from annotator.services.section_evidence import ProjectSections, project_sections
from annotator.store import Store, open_store
from annotator.store.suggestions import DocSuggestions

log = logging.getLogger(__name__)


class UntrustedModel(Exception):
    """The project file names a pipeline folder outside the project's own folder: loading it
    would run whatever that folder holds, so it needs the person's consent first."""

    def __init__(self, path: Path):
        super().__init__(f"the project asks to load the model folder {path}, which is outside "
                         "the project's folder; load it only if you trust it")
        self.path = path


def project_model(store: Store) -> str:
    """The model the project suggests with: its own active entity model
    (``<project>.models/ner-N``, see :mod:`annotator.services.ner_models`) when it has one,
    else what the ``model`` setting names: a package name as it is, a folder resolved against
    the project's own folder (so a project can carry its model beside it)."""
    number = ner_models.active_version(store)
    if number is not None:
        return str(ner_models.version_folder(store.path, number))
    name = store.settings.get("model") or DEFAULT_MODEL
    if not ("/" in name or "\\" in name or name.startswith((".", "~"))):
        return name
    path = Path(name).expanduser()
    return str((path if path.is_absolute() else store.path.resolve().parent / path).resolve())


def model_to_confirm(store: Store) -> Path | None:
    """The model folder the project's ``model`` setting names, when it needs the person's
    consent: a path (not a package name) that does not lie inside the project's folder. A
    project file may come from someone else; a package name only loads what pip installed."""
    path = Path(project_model(store))
    if not path.is_absolute():
        return None  # a package name
    return None if path.is_relative_to(store.path.resolve().parent) else path


@dataclass
class PreannotateReport:
    """What a run did. ``model`` is ``NAME@VERSION``; ``pending`` the documents there were to
    do; ``tokens`` the spaCy tokens analysed. Everything counted here was committed."""

    documents: int = 0
    entities: int = 0
    sections: int = 0
    model: str = ""
    pending: int = 0
    tokens: int = 0
    problems: list[PatternProblem] = field(default_factory=list)
    doc_ids: list[int] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        ids = frozenset(self.doc_ids)
        return Changes(spans=ids, sections=ids, statuses=ids, origin="preannotate")

    def text(self) -> str:
        return (f"Pre-annotated {count(self.documents, 'document')} with {self.model}: "
                f"{count(self.entities, 'entity suggestion')}, "
                f"{count(self.sections, 'section suggestion')}.")


def preannotate(
    store: Store,
    model: str | None = None,
    *,
    batch_size: int = 64,
    n_process: int = 1,
    patterns: Path | None = None,
    trust_model: bool = False,
    cluster: str | None = None,
    progress: Progress = no_progress,
    should_stop: ShouldStop = never,
) -> PreannotateReport:
    """Suggest entities and sections for every unfinished document not yet done by this model
    version (and pattern set).

    ``model=None`` uses the project's ``model`` setting (default ``en_core_web_sm``); raises
    :class:`annotator.nlp.pipeline.ModelNotFound` when none loads, and :class:`UntrustedModel`
    (before loading anything) when the setting names a folder outside the project's folder and
    ``trust_model`` is not set. A ``model`` the caller passes is the caller's own choice.
    ``progress(done, pending)`` runs after each committed batch; a stop raises
    :class:`Cancelled` whose ``partial`` is the report of what was committed. A bad pattern
    line is reported in ``problems`` and skipped.

    ``cluster`` (``tcp://HOST:8786``) sends the batches to a Dask scheduler instead of analysing
    them here; its workers need the model, and results are stored here as they arrive, exactly as
    a local run stores them. Raises :class:`annotator.nlp.cluster.ClusterError` when the
    scheduler cannot be reached."""
    if model is None and not trust_model and (folder := model_to_confirm(store)) is not None:
        raise UntrustedModel(folder)
    if cluster:
        reachable(cluster)  # before loading anything: a mistyped address fails at once
    entity_labels = frozenset(store.labels.names("entity"))
    rules, problems = read_patterns(patterns, set(entity_labels)) if patterns else ([], [])
    progress(0, 0, "Loading the model…")
    own = ner_models.active_version(store) if model is None else None
    sections = project_sections(store)
    setup = Analyzer(model or project_model(store), rules,
                     entity_labels, frozenset(store.labels.names("section")),
                     name=ner_models.version_name(own) if own is not None else "",
                     section_model=sections.model)
    setup.load()  # here too: the run's key is the model's exact version, checked on the workers
    report = PreannotateReport(model=setup.origin.removeprefix("model:"), problems=problems)
    run_key = report.model + (f"+patterns:{patterns_key(rules)}" if rules else "")
    # The project's own version replaces what older models suggested on unfinished documents.
    replace = setup.origin if own is not None else None
    report.pending = store.suggestions.count_pending(run_key)
    items = _items(store, run_key, batch_size, sections)
    analysed = (cluster_batches(setup, items, cluster) if cluster
                else analyse_batches(setup, items, n_process))
    try:
        for results in analysed:
            _commit(store, run_key, results, report, replace, setup.tokens_key)
            progress(report.documents, report.pending,
                     f"Pre-annotated {report.documents} of {count(report.pending, 'document')}")
            if should_stop():
                raise Cancelled(report)
    finally:
        analysed.close()
    log.info("pre-annotated %d documents with %s: %d entities, %d sections", report.documents,
             run_key, report.entities, report.sections)
    return report


def preannotate_file(db_path: str, model: str | None = None, trust_model: bool = False, *,
                     progress: Progress = no_progress,
                     should_stop: ShouldStop = never) -> PreannotateReport:
    """:func:`preannotate` on a project file, with a connection of its own: what a spawned
    process runs (:mod:`annotator.core.child`)."""
    with open_store(db_path) as store:
        return preannotate(store, model, trust_model=trust_model, progress=progress,
                           should_stop=should_stop)


def _items(store: Store, run_key: str, batch_size: int,
           sections: ProjectSections) -> Iterator[list[Item]]:
    for batch in store.suggestions.iter_pending(run_key, batch_size):
        pages = store.suggestions.html_pages([doc_id for doc_id, _ in batch])
        yield [(doc_id, text, *pages.get(doc_id, (None, None)), sections.evidence(doc_id, text),
                sections.index.site(doc_id)) for doc_id, text in batch]


def _commit(store: Store, run_key: str, results: list[Analysis],
            report: PreannotateReport, replace: str | None = None,
            tokens_key: str = "") -> None:
    batch = [
        DocSuggestions(r.doc_id, [Span(s, e, label, src) for s, e, label, src in r.entities],
                       r.sections, r.section_origin or RULES)
        for r in results
    ]
    runs = [(r.doc_id, r.runs) for r in results if r.runs is not None]
    n_spans, n_sections = store.suggestions.add(
        run_key, batch, replace_models=replace,
        token_runs=(tokens_key, runs) if tokens_key else None)  # one transaction, one sync
    report.documents += len(results)
    report.entities += n_spans
    report.sections += n_sections
    report.tokens += sum(r.tokens for r in results)
    report.doc_ids += [r.doc_id for r in results]
