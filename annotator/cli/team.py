"""Team commands: ``agreement`` between annotators' project files (or a merged project)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli.common import open_project


@click.command(name="agreement")
@click.argument("projects", nargs=-1, type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path))
@click.option("--db", "merged", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A merged project: compare the annotators' versions it keeps instead.")
@click.option("--unfinished", is_flag=True,
              help="Also compare documents in progress that carry confirmed labels (by "
                   "default only accepted ones).")
@click.option("--no-documents", is_flag=True, help="Leave out the list of where they differ.")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
def agreement_command(projects: tuple[Path, ...], merged: Path | None, unfinished: bool,
                      no_documents: bool, as_json: bool) -> None:
    """How far annotators agree: annotator agreement A.db B.db [C.db ...].

    Documents are matched by their text. Entities: F1 per pair and label, exact and overlap.
    Sections: Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha over everyone,
    per label and overall. Then each document where they differ, and who chose what.
    """
    from annotator.services.agreement import (
        agreement_of_files,
        agreement_of_project,
        report_lines,
    )
    from annotator.store import StorageError

    if merged is not None and projects:
        raise click.UsageError("give project files, or --db with a merged project, not both")
    try:
        if merged is not None:
            with open_project(merged, must_exist=True, read_only=True) as store:
                report = agreement_of_project(store, unfinished)
        else:
            report = agreement_of_files(projects, unfinished)
    except (ValueError, FileNotFoundError, StorageError) as exc:
        raise click.ClickException(str(exc)) from exc
    if len(report.annotators) < 2:
        raise click.ClickException("fewer than two annotators have finished documents to "
                                   "compare")
    if as_json:
        click.echo(json.dumps(_as_dict(report), ensure_ascii=False, indent=1))
        return
    for line in report_lines(report, documents=not no_documents):
        click.echo(line)


def _as_dict(report) -> dict:
    return {
        "annotators": report.annotators, "shared_documents": report.shared_documents,
        "entities": [{"pair": [r.first, r.second], "label": r.label or None,
                      "spans": [r.exact.a, r.exact.b], "exact_f1": r.exact.f1,
                      "overlap_f1": r.overlap.f1} for r in report.entities],
        "sections": [{"pair": [k.first, k.second], "label": k.label or None,
                      "blocks": k.items, "kappa": k.kappa} for k in report.sections],
        "all_annotators": [{"label": g.label or None, "fleiss_kappa": g.fleiss,
                            "fleiss_blocks": g.complete, "krippendorff_alpha": g.alpha,
                            "alpha_blocks": g.pairable} for g in report.group],
        "differences": [{"document": d.doc, "title": report.titles.get(d.doc, ""),
                         "where": d.what, "choices": {what: list(who) for what, who in d.choices}}
                        for d in report.differences],
    }


COMMANDS = [agreement_command]
