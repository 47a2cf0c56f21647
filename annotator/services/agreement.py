"""Agreement between annotators, from their project files or from a merged project's versions:
the reads of :mod:`annotator.store.team` handed to :func:`annotator.core.agreement.agreement`.
Shared by ``annotator agreement`` and the window's Agreement report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.core.agreement import AgreementReport, Annotation, agreement
from annotator.store import Store, open_store
from annotator.store.team import DocLabels, merged_labels, project_labels, project_name


def agreement_of_files(paths: Iterable[Path], unfinished: bool = False) -> AgreementReport:
    """Each file is one annotator (named by the name on most of its labels, else the file's
    name; two files of one name are told apart by their file names). Files are opened
    read-only. Raises ``ValueError`` for fewer than two files, ``FileNotFoundError``, or the
    store's ``NotAProjectError``."""
    paths = [Path(p) for p in paths]
    if len(paths) < 2:
        raise ValueError("agreement needs at least two project files")
    labelled: dict[str, list[DocLabels]] = {}
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such project file")
        with open_store(path, read_only=True) as store:
            name = project_name(store)
            if name in labelled:
                name = f"{name} ({path.name})"
            labelled[name] = list(project_labels(store, unfinished))
    return _report(labelled)


def agreement_of_project(store: Store, unfinished: bool = False) -> AgreementReport:
    """Agreement of the annotators whose versions a merged project keeps."""
    return _report(merged_labels(store, unfinished))


def _report(labelled: dict[str, list[DocLabels]]) -> AgreementReport:
    corpus = {name: {d.hash: Annotation(frozenset(d.spans), dict(d.sections)) for d in docs}
              for name, docs in labelled.items()}
    texts = {d.hash: d.text for docs in labelled.values() for d in docs}
    titles = {d.hash: d.title for docs in labelled.values() for d in docs}
    return agreement(corpus, texts, titles)


def fmt(value: float | None) -> str:
    """A figure as printed: three decimals, ``-`` when undefined."""
    return "-" if value is None else f"{value:.3f}"


def report_lines(report: AgreementReport, documents: bool = True) -> list[str]:
    """The report as text: one table per part, then the documents where they differ."""
    out = [f"Annotators: {', '.join(report.annotators)}; documents finished by at least two: "
           f"{report.shared_documents}", "", "Entities (pairwise F1, exact / overlap):",
           f"  {'pair':<24} {'label':<14} {'spans':>11} {'exact':>7} {'overlap':>8}"]
    for row in report.entities:
        pair = f"{row.first} ~ {row.second}"
        out.append(f"  {pair:<24} {row.label or 'all':<14} {row.exact.a:>5}/{row.exact.b:<5} "
                   f"{fmt(row.exact.f1):>7} {fmt(row.overlap.f1):>8}")
    out += ["", "Sections (Cohen's kappa per pair, blocks both tagged):",
            f"  {'pair':<24} {'label':<14} {'blocks':>7} {'kappa':>7}"]
    for k in report.sections:
        pair = f"{k.first} ~ {k.second}"
        out.append(f"  {pair:<24} {k.label or 'all':<14} {k.items:>7} {fmt(k.kappa):>7}")
    out += ["", "Sections, all annotators (Fleiss' kappa: blocks all tagged; Krippendorff's "
            "alpha: blocks two or more tagged):",
            f"  {'label':<14} {'blocks':>7} {'fleiss':>7} {'blocks':>7} {'alpha':>7}"]
    for g in report.group:
        out.append(f"  {g.label or 'all':<14} {g.complete:>7} {fmt(g.fleiss):>7} "
                   f"{g.pairable:>7} {fmt(g.alpha):>7}")
    if documents:
        out += ["", f"Where they differ ({len(report.differences)}):"]
        for d in report.differences:
            title = report.titles.get(d.doc, "")[:50]
            choices = " | ".join(f"{what} ({', '.join(who)})" for what, who in d.choices)
            out.append(f"  {d.doc[:10]} {title!r}: {d.what}: {choices}")
    return out
