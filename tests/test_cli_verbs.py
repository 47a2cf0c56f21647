"""What the word after `annotator` means: a verb, an existing path for the window, or a mistake
that is reported (never imported as a file); and how re-importing reports duplicates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from annotator.cli import VERBS, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_mistyped_verb_is_an_error_that_lists_the_verbs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.db").write_bytes(b"")
    result = invoke("agreemnt", "x.db")
    assert result.exit_code == 2
    assert "No such command 'agreemnt'." in result.output
    listed = result.output.split("Commands: ", 1)[1].split(".\n", 1)[0].split(", ")
    assert listed == main.list_commands(click.Context(main))
    assert {"gui", "import", "export", "labels", "train"} <= set(listed)
    assert sorted(tmp_path.iterdir()) == [tmp_path / "x.db"]  # no project made, nothing read


def test_a_mistyped_verb_gets_the_closest_verbs_suggested(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "Did you mean 'import'?" in invoke("imprt", "articles").output
    assert "Did you mean 'export'?" in invoke("exprot", "--db", "p.db").output
    assert "Did you mean 'preannotate'?" in invoke("pre-annotate").output


def test_a_mistyped_verb_starts_neither_qt_nor_the_window(tmp_path):
    script = ("import sys\n"
              "from annotator.cli import main\n"
              "try:\n    main(['agreemnt', 'x.db'])\n"
              "except SystemExit as e:\n    print('EXIT', e.code)\n"
              "print('QT', sorted(m for m in sys.modules if m.startswith('PySide6')))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert "EXIT 2" in proc.stdout and "QT []" in proc.stdout
    assert "No such command 'agreemnt'" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_path_or_an_option_still_goes_to_the_window(tmp_path, monkeypatch):
    """`annotator FOLDER`, `annotator FILE.db` and `annotator --db FILE` mean `annotator gui
    ...` (shown here by the gui command's own --help, which opens no window)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "p.db").write_bytes(b"")
    for args in (["articles", "--help"], ["p.db", "--help"], ["--db", "p.db", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "Open the desktop app on a project" in result.output, args


def test_a_verb_wins_over_a_folder_of_the_same_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stats").mkdir()
    result = invoke("stats", "--db", "missing.db")
    assert result.exit_code == 1 and "no such project file" in result.output


def test_reimporting_reports_duplicates_in_one_line_unless_verbose(tmp_path):
    """`make run` imports the samples every time: the second import is one summary line, and
    -v lists each duplicate."""
    db = str(tmp_path / "p.db")
    first = invoke("import", "--db", db, str(SAMPLE_DATA))
    assert first.exit_code == 0, first.output
    added = int(first.stdout.split("Added ", 1)[1].split()[0])
    assert added >= 15

    again = invoke("import", "--db", db, str(SAMPLE_DATA))
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [
        f"Added 0 documents from 15 files; {added} duplicates (already in the project; "
        f"`annotator -v import` lists them); 0 rejected."]
    assert "duplicate:" not in again.stderr

    listed = invoke("-v", "import", "--db", db, str(SAMPLE_DATA))
    assert listed.exit_code == 0
    assert f"; {added} duplicates; 0 rejected." in listed.stdout
    lines = [x for x in listed.stderr.splitlines() if x.startswith("duplicate: ")]
    assert len(lines) == added
    assert all("(same text as document " in x for x in lines)


def test_the_table_of_verbs_matches_each_modules_commands():
    """Verbs are loaded lazily from annotator.cli.VERBS: every module there defines exactly the
    verbs listed for it."""
    import importlib

    for module_name, verbs in VERBS.items():
        module = importlib.import_module(f"annotator.cli.{module_name}")
        assert tuple(c.name for c in module.COMMANDS) == verbs, module_name


def test_a_verb_imports_only_its_own_command_module_and_help_no_store(tmp_path):
    """Start-up is part of every short command's time: `stats` imports the project commands
    (and the store) but not the window's, the trainer's or the labels' command modules; `--help`
    lists every verb without importing the store (or SQLite) at all."""
    script = ("import sys\n"
              "from annotator.cli import main\n"
              "try:\n    main(sys.argv[1:])\n"
              "except SystemExit:\n    pass\n"
              "print('MODULES', sorted(m for m in sys.modules if m.startswith(('annotator.cli.', "
              "'annotator.store', 'sqlite'))))\n")
    db = tmp_path / "p.db"
    stats = subprocess.run([sys.executable, "-c", script, "stats", "--db", str(db)],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    loaded = stats.stdout.split("MODULES ", 1)[1]
    assert "annotator.cli.project" in loaded and "annotator.store" in loaded
    for other in ("gui", "nlp", "training", "learning", "team", "near_dups"):
        assert f"annotator.cli.{other}'" not in loaded, other
    helped = subprocess.run([sys.executable, "-c", script, "--help"], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    assert "export" in helped.stdout and "train-sections" in helped.stdout
    listed = helped.stdout.split("MODULES ", 1)[1]
    assert "annotator.store" not in listed and "sqlite" not in listed
    assert "annotator.cli.gui" in listed  # every verb's help line was read
