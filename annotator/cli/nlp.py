"""NLP commands: ``preannotate`` (entity candidates and section suggestions) and
``evaluate-sections`` (the section rules against gold labels).

spaCy and trafilatura are imported inside the commands, so the rest of the CLI starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from annotator.cli.common import DB_OPTION, TRUST_MODEL_OPTION, open_project, run_preannotate
from annotator.domain import count


@click.command(name="preannotate")
@DB_OPTION
@click.option("--model", default=None, help="spaCy package name or pipeline folder "
              "(default: the project's setting, en_core_web_sm).")
@click.option("--batch-size", type=click.IntRange(1), default=64, show_default=True)
@click.option("--n-process", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes (forked with the loaded model on Linux when no other thread "
                   "runs, else spawned: see annotator.nlp.processes).")
@click.option("--patterns", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL match patterns (EntityRuler / Prodigy); matches get origin 'pattern'.")
@click.option("--dask", "cluster", metavar="tcp://HOST:8786", default=None,
              help="Analyse the batches on this Dask scheduler's workers (each needs annotator "
                   "and the model installed); results are stored here as they arrive.")
@TRUST_MODEL_OPTION
def preannotate_command(db_path: Path, model: str | None, batch_size: int, n_process: int,
                        patterns: Path | None, trust_model: bool, cluster: str | None) -> None:
    """Suggest entities (spaCy) and sections (rules) for documents not yet pre-annotated by this
    model version. Re-running adds nothing; an interrupted run resumes. Spans and sections a
    person made are never touched."""
    if cluster and n_process > 1:
        raise click.UsageError("--n-process and --dask exclude each other: the cluster's "
                               "workers are the processes")
    with open_project(db_path, must_exist=True) as store:
        ok = run_preannotate(store, model, patterns, batch_size, n_process, trust_model,
                             cluster)
    if not ok:
        sys.exit(1)


def _read_gold(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise click.ClickException(f"{path}:{number}: needs a 'text' string")
        record.setdefault("meta", {}).setdefault("source", f"{path.name}:{number}")
        records.append(record)
    return records


@click.command(name="evaluate-sections")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL with 'text' and gold 'sections' covering every block.")
@click.option("--html-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of NAME.html pages with NAME.body.txt gold article text.")
@click.option("--errors", "show_errors", is_flag=True, help="List every wrongly labelled block.")
@click.option("--model", "model_name", default="base", show_default=True,
              help="What to score: 'base' (the section classifier shipped in the package), "
              "'rules' (the hand-written rules alone) or a section model file (JSON).")
def evaluate_sections_command(gold: Path | None, html_dir: Path | None,
                              show_errors: bool, model_name: str) -> None:
    """Score section suggestions: block accuracy and per-label precision, recall and F1; for
    HTML pages, the field's word 4-gram shingle precision, recall and F1 of the body text against
    the gold article text (beside trafilatura), and how much article text (tokens) the body
    blocks keep and how much boilerplate they drop."""
    from annotator.nlp.evaluate import evaluate_blocks

    if gold is None and html_dir is None:
        raise click.UsageError("give --gold FILE, --html-dir DIR, or both")
    suggest = _suggester(model_name)
    if gold is not None:
        _echo_blocks(evaluate_blocks(_read_gold(gold), suggest), show_errors)
    if html_dir is not None:
        _echo_html(*_html_overlaps(html_dir, suggest, model_name))


def _suggester(name: str) -> Any:
    """The labeller ``--model`` names (see :func:`evaluate_sections_command`)."""
    from annotator.nlp.evaluate import rules_suggest
    from annotator.nlp.section_model import ModelFormatError, SectionModel, load_base

    if name == "rules":
        return rules_suggest
    try:
        model = load_base() if name == "base" else SectionModel.load(Path(name))
    except (OSError, ModelFormatError) as exc:
        raise click.ClickException(f"cannot load the section model {name}: {exc}") from exc
    return model.predict


def _echo_blocks(result: Any, show_errors: bool) -> None:
    click.echo(f"Blocks: {result.blocks} in {count(result.documents, 'document')}; "
               f"accuracy {result.accuracy:.3f}")
    click.echo(f"{'label':<14} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for name in sorted(result.labels):
        s = result.labels[name]
        click.echo(f"{name:<14} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")
    if show_errors:
        for doc, index, gold, predicted, text in result.errors:
            click.echo(f"{doc}: block {index}: gold {gold}, predicted {predicted}: {text[:80]!r}")


def _html_overlaps(html_dir: Path, suggest: Any, name: str) -> tuple[Any, Any, Any, Any, int]:
    """Token overlap with the gold article text, summed over the pages, and shingle scores
    averaged over them: (ours, trafilatura, our shingles, trafilatura's shingles, pages)."""
    from annotator.io.html import read_html
    from annotator.nlp.evaluate import ShingleScore, TextOverlap, body_text, overlap
    from annotator.nlp.section_html import extract_main_text

    label = "rules" if name == "rules" else "model"
    ours, theirs, pages = TextOverlap(label), TextOverlap("trafilatura"), 0
    our_shingles, their_shingles = ShingleScore(label), ShingleScore("trafilatura")
    for page in sorted(html_dir.glob("*.htm*")):
        gold_path = page.with_name(page.name.rsplit(".", 1)[0] + ".body.txt")
        if not gold_path.exists():
            click.echo(f"{page}: no {gold_path.name}; skipped", err=True)
            continue
        docs = [d for d in read_html(page) if hasattr(d, "text")]
        if not docs:
            click.echo(f"{page}: no visible text; skipped", err=True)
            continue
        doc, gold = docs[0], gold_path.read_text(encoding="utf-8")
        body = body_text(doc.text, doc.block_features, doc.html, suggest)
        extracted = extract_main_text(doc.html or "")
        ours += overlap(page.name, body, gold, doc.text)
        theirs += overlap(page.name, extracted, gold, doc.text)
        our_shingles.add(body, gold)
        their_shingles.add(extracted, gold)
        pages += 1
    return ours, theirs, our_shingles, their_shingles, pages


def _echo_html(ours: Any, theirs: Any, our_shingles: Any, their_shingles: Any,
               pages: int) -> None:
    click.echo(f"HTML pages: {pages}; body text vs gold article text, word 4-gram shingles "
               "(mean over pages)")
    click.echo(f"{'shingles':<12} {'precision':>9} {'recall':>7} {'f1':>6}")
    for row in (our_shingles, their_shingles):
        click.echo(f"{row.name:<12} {row.precision:>9.3f} {row.recall:>7.3f} {row.f1:>6.3f}")
    click.echo("Article text (tokens, summed over pages) kept vs gold body text")
    click.echo(f"{'extractor':<12} {'precision':>9} {'recall':>7} {'f1':>6} "
               f"{'boilerplate dropped':>20}")
    for row in (ours, theirs):
        click.echo(f"{row.name:<12} {row.precision:>9.3f} {row.recall:>7.3f} {row.f1:>6.3f} "
                   f"{row.boilerplate_dropped:>20.3f}")


COMMANDS = [preannotate_command, evaluate_sections_command]
