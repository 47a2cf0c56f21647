"""The command line, through click's test runner: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def make_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text("Rio Tinto opened a mine in Perth.\nBy Jane Doe\n")
    (folder / "b.txt").write_text("BHP cut 200 jobs on Tuesday.\n")
    (folder / "tasks.jsonl").write_text(
        json.dumps({"text": "Jane Doe met Ali Khan.", "answer": "accept",
                    "spans": [{"start": 0, "end": 8, "label": "PERSON"}]}) + "\n")
    return folder


def test_import_prints_counts_and_exits_0_when_everything_went_in(tmp_path):
    corpus = make_corpus(tmp_path / "c")
    result = run("import", "--db", str(tmp_path / "p.db"), str(corpus))
    assert result.exit_code == 0, result.output
    assert "Added 3 documents from 3 files; 0 duplicates; 0 rejected." in result.output


def test_a_span_trimmed_on_import_is_a_note_not_a_rejection(tmp_path):
    """'Obama ' is stored as 'Obama' and the trim is reported; nothing was rejected (exit 0)."""
    data = tmp_path / "t.jsonl"
    data.write_text(json.dumps({"text": "Obama was here.", "label": [[0, 6, "PERSON"]]}) + "\n")
    db = tmp_path / "p.db"
    result = run("import", "--db", str(db), str(data))
    assert result.exit_code == 0, result.output
    assert "0 rejected; 1 note." in result.stdout
    assert result.stderr.startswith(f"note: {data}:1:")
    from annotator.store import open_store

    with open_store(db) as store:
        assert [(s.start, s.end) for s in store.spans.of(1)] == [(0, 5)]


def test_import_exits_1_and_lists_each_rejection_while_the_rest_goes_in(tmp_path):
    corpus = make_corpus(tmp_path / "c")
    (corpus / "empty.txt").write_text("")
    (corpus / "bad.jsonl").write_text('{"text": "fine"}\n{oops\n')
    db = tmp_path / "p.db"
    result = run("import", "--db", str(db), str(corpus))
    assert result.exit_code == 1
    assert "Added 4 documents from 5 files; 0 duplicates; 2 rejected." in result.stdout
    assert f"rejected: {corpus / 'bad.jsonl'}:2: not valid JSON" in result.stderr
    assert f"rejected: {corpus / 'empty.txt'}: file is empty" in result.stderr
    again = run("-v", "import", "--db", str(db), str(corpus / "a.txt"))
    assert again.exit_code == 0 and "1 duplicate;" in again.stdout
    assert "same text as document 1" in again.stderr


def test_export_writes_finished_documents_or_all(tmp_path):
    db = tmp_path / "p.db"
    run("import", "--db", str(db), str(make_corpus(tmp_path / "c")))
    out = tmp_path / "out.jsonl"
    result = run("export", "--db", str(db), "--format", "prodigy", "--out", str(out))
    assert result.exit_code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["answer"] == "accept"
    assert lines[0]["spans"][0] | {"token_start": 0, "token_end": 1} == lines[0]["spans"][0]
    result = run("export", "--db", str(db), "--format", "doccano", "--out", str(out), "--all")
    assert len(out.read_text().splitlines()) == 3


def test_export_to_stdout(tmp_path):
    db = tmp_path / "p.db"
    run("import", "--db", str(db), str(make_corpus(tmp_path / "c")))
    result = run("export", "--db", str(db), "--format", "doccano", "--out", "-", "--all")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3 and records[2]["label"] == [[0, 8, "PERSON"]]


def test_export_of_a_missing_project_fails_clearly(tmp_path):
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "nope.db"), "--out", "-"])
    assert result.exit_code != 0 and "no such project file" in result.output


def test_stats_counts_documents_spans_and_sections(tmp_path):
    db = tmp_path / "p.db"
    run("import", "--db", str(db), str(make_corpus(tmp_path / "c")))
    result = run("stats", "--db", str(db))
    assert result.exit_code == 0
    assert "3 documents, 1 finished" in result.output
    assert "accepted            1" in result.output
    assert "PERSON                1  (1 confirmed)" in result.output  # accepted in the file


def test_commands_that_need_neither_spacy_nor_qt_do_not_import_them(tmp_path):
    corpus = make_corpus(tmp_path / "c")
    db = tmp_path / "p.db"
    script = (
        "import sys\n"
        "from annotator.cli import main\n"
        "for args in ([\"import\", \"--db\", sys.argv[1], sys.argv[2]],\n"
        "             [\"stats\", \"--db\", sys.argv[1]],\n"
        "             [\"export\", \"--db\", sys.argv[1], \"--format\", \"doccano\", \"--out\",\n"
        "              sys.argv[3], \"--all\"]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "roots = ('spacy', 'PySide6', 'thinc')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(db), str(corpus),
                           str(tmp_path / "o.jsonl")], capture_output=True, text=True, check=True)
    assert "HEAVY []" in proc.stdout


def test_python_dash_m_annotator_runs(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "annotator", "--help"], capture_output=True,
                          text=True, check=True)
    assert "import" in proc.stdout and "export" in proc.stdout
