"""``annotator merge``: other annotators' project files into one, matched by content hash; every
annotator's version kept; the document gets what they agree on, and each disagreement is kept
span by span for a curator, never overwritten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import NewDocument, Span, Status
from annotator.services.merging import merge
from annotator.store import open_store


def merge_project(store, path):
    return merge(store, [path]).reports[0]

SHARED = "Angela Merkel met Emmanuel Macron in Berlin.\nBy Ali Khan"
ONLY_TARGET = "Toyota recalled cars in Japan."
ONLY_SOURCE = "Google bought a startup in London.\nMenu"


def label(store, doc_id: int, words: dict[str, str], annotator: str) -> None:
    text = store.documents.get(doc_id).text
    for word, name in words.items():
        start = text.index(word)
        store.spans.add(doc_id, Span(start, start + len(word), name, annotator=annotator))


def project(path: Path, texts: list[str]) -> list[int]:
    with open_store(path) as store:
        return store.documents.add(
            [NewDocument(t, f"{i}.txt", meta={"n": i}, html=f"<p>{i}</p>" if i else None,
                         block_features=[{"tag": "p"}] if i else None)
             for i, t in enumerate(texts)]).added


@pytest.fixture
def maria(tmp_path) -> Path:
    """The target: Maria labelled the shared article and one only she has."""
    path = tmp_path / "maria.db"
    shared, own = project(path, [SHARED, ONLY_TARGET])
    with open_store(path) as store:
        label(store, shared, {"Angela Merkel": "PERSON", "Emmanuel Macron": "PERSON",
                              "Berlin": "GPE"}, "maria")
        store.sections.set(shared, [0], "body", annotator="maria")
        store.sections.set(shared, [1], "byline", annotator="maria")
        store.documents.set_status(shared, Status.ACCEPTED, "maria")
        label(store, own, {"Toyota": "ORG"}, "maria")
        store.documents.set_status(own, Status.ACCEPTED, "maria")
    return path


def bob_project(tmp_path: Path, shared_labels: dict[str, str], byline: str = "byline") -> Path:
    """Bob's file: the shared article (labelled as given) and one only he has."""
    path = tmp_path / "bob.db"
    shared, own = project(path, [SHARED, ONLY_SOURCE])
    with open_store(path) as store:
        label(store, shared, shared_labels, "bob")
        store.sections.set(shared, [0], "body", annotator="bob")
        store.sections.set(shared, [1], byline, annotator="bob")
        store.documents.set_status(shared, Status.ACCEPTED, "bob")
        label(store, own, {"Google": "ORG", "London": "GPE"}, "bob")
        store.sections.set(own, [1], "boilerplate", annotator="bob")
        store.documents.set_status(own, Status.REJECTED, "bob")
        store.labels.add("entity", "WORK_OF_ART", "#cccccc")
    return path


AGREEING = {"Angela Merkel": "PERSON", "Emmanuel Macron": "PERSON", "Berlin": "GPE"}
DISAGREEING = {"Angela Merkel": "PERSON", "Emmanuel Macron": "ORG"}  # and no Berlin


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_disjoint_documents_are_copied_with_who_labelled_them(maria, tmp_path):
    bob = bob_project(tmp_path, AGREEING)
    result = run("merge", "--db", str(maria), str(bob))
    assert result.exit_code == 0, result.output
    assert "1 document added, 1 agree" in result.stdout
    assert "0 with disagreements" in result.stdout
    with open_store(maria) as store:
        assert store.documents.count() == 3
        copied = next(i for i in store.documents.ids()
                      if store.documents.get(i).text == ONLY_SOURCE)
        doc = store.documents.get(copied)
        assert doc.status == Status.REJECTED and doc.meta == {"n": 1} and doc.source == "1.txt"
        assert [(s.label, s.annotator) for s in store.spans.of(copied)] == [("ORG", "bob"),
                                                                         ("GPE", "bob")]
        assert [(s.block, s.label, s.annotator) for s in store.sections.of(copied)] == [
            (1, "boilerplate", "bob")]
        assert store.conn.execute("SELECT html FROM html_pages WHERE doc_id = ?",
                                  [copied]).fetchone() == ("<p>1</p>",)
        assert "WORK_OF_ART" not in store.labels.names("entity")  # only labels in use travel
        assert list(store.curation.versions(copied)) == ["bob"]


def test_the_same_document_labelled_alike_is_kept_once_with_both_versions_on_record(maria,
                                                                                   tmp_path):
    bob = bob_project(tmp_path, AGREEING)
    with open_store(maria) as store:
        shared = next(i for i in store.documents.ids() if store.documents.get(i).text == SHARED)
        before = store.spans.of(shared)
        report = merge_project(store, bob)
        assert report.agreed == 1 and report.conflicts == []
        assert store.spans.of(shared) == before  # no duplicates, Maria's rows kept
        assert store.documents.get(shared).status == Status.ACCEPTED
        versions = store.curation.versions(shared)
        assert sorted(versions) == ["bob", "maria"]
        assert versions["bob"].spans == versions["maria"].spans
        assert versions["bob"].origin == str(bob)
        merge_project(store, bob)
        assert sorted(store.curation.versions(shared)) == ["bob", "maria"]  # once


def test_a_disagreement_is_kept_span_by_span_and_the_document_keeps_what_they_agree_on(
        maria, tmp_path):
    bob = bob_project(tmp_path, DISAGREEING, byline="boilerplate")
    result = run("merge", "--db", str(maria), str(bob))
    assert result.exit_code == 1
    assert "1 with disagreements" in result.stdout
    for where in ("(bob, maria)",
                  "entity “Emmanuel Macron”: ORG “Emmanuel Macron” (bob) | "
                  "PERSON “Emmanuel Macron” (maria)",
                  "entity “Berlin”: GPE “Berlin” (maria) | no label (bob)",
                  "section “By Ali Khan”: boilerplate (bob) | byline (maria)"):
        assert where in result.stderr
    with open_store(maria) as store:
        shared = next(i for i in store.documents.ids() if store.documents.get(i).text == SHARED)
        # agreed: Merkel and the first line's section; the rest waits for a curator
        assert [(s.label, s.annotator) for s in store.spans.of(shared)] == [("PERSON", "maria")]
        assert [(s.block, s.label) for s in store.sections.of(shared)] == [(0, "body")]
        assert store.documents.get(shared).status == Status.IN_PROGRESS
        versions = store.curation.versions(shared)
        assert versions["maria"].spans == [(0, 13, "PERSON"), (18, 33, "PERSON"),
                                           (37, 43, "GPE")]
        assert versions["bob"].spans == [(0, 13, "PERSON"), (18, 33, "ORG")]
    again = run("merge", "--db", str(maria), str(bob))
    assert again.exit_code == 1
    with open_store(maria) as store:
        assert store.documents.count() == 3
        assert store.conn.execute("SELECT count(*) FROM versions").fetchone() == (3,)
    listed = run("conflicts", "--db", str(maria))
    assert "document 1 entity 18-33: entity “Emmanuel Macron”" in listed.stdout
    assert "3 open disagreements" in listed.stderr


def test_labels_from_a_file_go_to_an_untouched_target_document(tmp_path):
    target = tmp_path / "target.db"
    [doc_id] = project(target, [SHARED])
    with open_store(target) as store:  # only a machine suggestion, no person's work
        store.spans.replace(doc_id, add=[Span(0, 6, "PERSON", origin="model:x")])
        store.conn.execute("UPDATE documents SET status = 'new'")
    bob = bob_project(tmp_path, DISAGREEING)
    with open_store(target) as store:
        report = merge_project(store, bob)
        assert report.adopted == 1 and report.conflicts == []
        assert [(s.label, s.annotator) for s in store.spans.of(doc_id)] == [("PERSON", "bob"),
                                                                         ("ORG", "bob")]
        assert store.documents.get(doc_id).status == Status.ACCEPTED


def test_an_unlabelled_source_document_changes_nothing(maria, tmp_path):
    source = tmp_path / "fresh.db"
    project(source, [SHARED])
    with open_store(maria) as store:
        report = merge_project(store, source)
        assert report.skipped_untouched == 1 and report.conflicts == []


def test_the_source_file_is_not_changed(maria, tmp_path):
    bob = bob_project(tmp_path, DISAGREEING)
    digest = hashlib.sha256(bob.read_bytes()).hexdigest()
    assert run("merge", "--db", str(maria), str(bob)).exit_code == 1
    assert hashlib.sha256(bob.read_bytes()).hexdigest() == digest


def test_merging_a_project_into_itself_or_a_non_project_fails_clearly(maria, tmp_path):
    result = run("merge", "--db", str(maria), str(maria))
    assert result.exit_code == 1 and "cannot merge a project into itself" in result.output
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"just some text, not SQLite at all" * 10)
    result = run("merge", "--db", str(maria), str(junk))
    assert result.exit_code == 1 and "not an annotator project file" in result.output


def test_merge_and_conflicts_start_without_spacy(maria, tmp_path):
    import subprocess
    import sys

    bob = bob_project(tmp_path, DISAGREEING)
    script = (
        "import sys\n"
        "from annotator.cli import main\n"
        "for args in (['merge', '--db', sys.argv[1], sys.argv[2]],\n"
        "             ['conflicts', '--db', sys.argv[1]]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('HEAVY', sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(maria), str(bob)],
                          capture_output=True, text=True, check=True)
    assert "HEAVY []" in proc.stdout and "document 1 entity" in proc.stdout
