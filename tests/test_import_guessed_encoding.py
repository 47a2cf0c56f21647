"""Short legacy-encoded Western text is read as cp1252, and every guessed encoding is noted in
the import report (imp5, defect 2).

charset-normalizer recognises no language in a few dozen bytes, and then ranks encodings
almost at random ("São Paulo" in Latin-1 came out as Big5, "Ça va?" as UTF-16, "L'été à
Nîmes" as cp866), with no word to the person. When the detector is unsure and the bytes read
as plausible Western text in cp1252, cp1252 wins; text that reads as Cyrillic, Greek, Polish
or Japanese keeps the detector's encoding. Whatever was guessed (not UTF-8, no BOM) is a note
naming the file and the encoding. Through the real store and the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.io.problems import Kind
from annotator.io.western import plausible_western
from annotator.services.importing import import_paths
from tests.importing import reasons, rejected, texts, write

TESTER = "Café crème à la gare\nNaïve façade"
SHORT_WESTERN = ["São Paulo", "Ça va?", "Noël", "Île-de-France", "L'été à Nîmes", "Ångström",
                 "Björk Guðmundsdóttir", "¿Qué pasa, señor Muñoz?", "Größe: £5", "1º andar"]


def note_of(report) -> list[str]:
    return reasons(report, Kind.CHANGED)


def test_the_testers_short_latin1_file_is_read_right_and_the_guess_noted(store, tmp_path):
    """The tester's file: its letters were right on main (the detector happened to rank cp1252
    close enough), but nothing told the person an encoding had been guessed."""
    path = write(tmp_path / "gare.txt", TESTER.encode("latin-1"))
    report = import_paths(store, [path])
    assert texts(store) == [TESTER]
    assert report.ok and not rejected(report)  # a note is not a rejection
    assert note_of(report) == [
        f"{path}: not UTF-8: read as cp1252 (Windows Western European), an encoding guessed "
        "from its bytes; check its accented letters (save the file as UTF-8 to be sure)"]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("text", SHORT_WESTERN)
def test_short_western_text_in_a_legacy_encoding_is_decoded_exactly(store, tmp_path, text,
                                                                    encoding):
    """The first six came out as Big5, UTF-16 or cp866 before; the rest hold the marks that
    plausible_western allows only in their place (¿ before a capital, £ and º by a number)."""
    path = write(tmp_path / "short.txt", text.encode(encoding))
    report = import_paths(store, [path])
    assert texts(store) == [text]
    assert [p.kind for p in report.problems] == [Kind.CHANGED]


@pytest.mark.parametrize(("text", "encoding"), [
    ("Привет, мир! Как дела?", "cp1251"), ("Καλημέρα κόσμε", "cp1253"),
    ("Zażółć gęślą jaźń", "cp1250"), ("東京都の天気", "shift_jis"),
    ("こんにちは世界", "shift_jis"), ("政府は昨日", "euc_jp")])
def test_short_text_in_other_scripts_keeps_the_detectors_encoding(store, tmp_path, text,
                                                                  encoding):
    """Not plausible Western text in cp1252 (whole words of Latin-1 letters, ą read as ¹, runs
    of marks): cp1252 is not forced on it."""
    assert not plausible_western(text.encode(encoding))
    path = write(tmp_path / "other.txt", text.encode(encoding))
    report = import_paths(store, [path])
    assert texts(store) == [text]
    assert len(note_of(report)) == 1 and "cp1252" not in note_of(report)[0]


def test_utf8_and_bom_files_have_no_note(store, tmp_path):
    utf8 = write(tmp_path / "a.txt", TESTER.encode())
    bom = write(tmp_path / "b.txt", ("Zoë " + TESTER).encode("utf-16"))
    report = import_paths(store, [utf8, bom])
    assert report.added == 2 and report.problems == []


def test_a_legacy_jsonl_file_has_one_note_before_its_documents(store, tmp_path):
    rows = [json.dumps({"text": t}, ensure_ascii=False) for t in SHORT_WESTERN[:4]]
    path = write(tmp_path / "t.jsonl", "\n".join(rows).encode("latin-1") + b"\n")
    report = import_paths(store, [path])
    assert texts(store) == SHORT_WESTERN[:4]
    assert [(p.kind, p.line) for p in report.problems] == [(Kind.CHANGED, None)]
    assert note_of(report)[0].startswith(f"{path}: not UTF-8: read as cp1252")


def test_a_json_file_and_an_undeclared_html_page_are_noted_a_declared_one_is_not(store,
                                                                                 tmp_path):
    json_file = write(tmp_path / "t.json", json.dumps([{"text": "Noël à Nîmes"}],
                                                      ensure_ascii=False).encode("cp1252"))
    page = "<html><body><p>Café “au lait” à Montréal</p></body></html>"
    undeclared = write(tmp_path / "u.html", page.encode("cp1252"))
    declared = write(tmp_path / "d.html", page.replace(
        "<body>", '<head><meta charset="windows-1252"></head><body>').encode("cp1252"))
    report = import_paths(store, [json_file, undeclared, declared])
    assert texts(store) == ["Noël à Nîmes", "Café “au lait” à Montréal"]  # d.html: duplicate
    assert [n.split(":")[0] for n in note_of(report)] == [str(json_file), str(undeclared)]


def test_the_cli_prints_the_note_and_exits_0(tmp_path):
    path = write(tmp_path / "gare.txt", TESTER.encode("latin-1"))
    result = CliRunner().invoke(main, ["import", "--db", str(tmp_path / "p.db"), str(path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 rejected; 1 note." in result.stdout
    assert result.stderr.startswith(f"note: {path}: not UTF-8: read as cp1252")
