"""``export --format spacy``: DocBins that hold every stored entity and section, split by source,
misaligned spans reported, and a corpus that ``spacy train`` accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import NewDocument, Span, Status, section_ranges, strip_range
from annotator.nlp.docbin import read_docbin

ARTICLES = [
    ("Home | World | Business\n  Zoë Müller joins Rio Tinto in Perth  \n"
     "The miner said on Monday that Zoë Müller will lead its iron ore unit.\nBy Ali Khan\n"
     "Read more: BHP cuts jobs"),
    ("Subscribe\nBHP said on Tuesday it would cut 200 jobs in Sydney.\nBy Jane Doe, Reuters\n"
     "🔥 Trending: Apple opens store in Paris"),
    ("Menu\nAngela Merkel met Emmanuel Macron in Berlin on Friday.\nBy Ali Khan"),
    ("Login\nToyota recalled 10,000 cars in Japan, the company said.\nBy Jane Doe"),
    ("Skip to content\nThe United Nations warned of drought in Kenya.\nBy Maria Lopez"),
    ("Cookies\nGoogle bought a startup in London for $2 billion.\nBy Ali Khan"),
]
ENTITIES = {
    "Zoë Müller": "PERSON", "Rio Tinto": "ORG", "Perth": "GPE", "Monday": "DATE",
    "BHP": "ORG", "Tuesday": "DATE", "Sydney": "GPE", "Apple": "ORG", "Paris": "GPE",
    "Angela Merkel": "PERSON", "Emmanuel Macron": "PERSON", "Berlin": "GPE", "Friday": "DATE",
    "Toyota": "ORG", "Japan": "GPE", "United Nations": "ORG", "Kenya": "GPE", "Google": "ORG",
    "London": "GPE",
}


def section_of(line: str) -> str:
    if line.startswith("By "):
        return "byline"
    if len(line.split()) > 6 or line.strip().startswith("Zoë"):
        return "body"
    if line.startswith(("Read more", "🔥")):
        return "related_links"
    return "boilerplate"


def label_project(store, sources: list[str]) -> list[int]:
    """Every article accepted with all its entities (each occurrence) and every block tagged."""
    docs = [NewDocument(text, src, meta={"source": src, "site": "news.example"})
            for text, src in zip(ARTICLES, sources, strict=True)]
    ids = store.documents.add(docs).added
    for doc_id, text in zip(ids, ARTICLES, strict=True):
        for word, label in ENTITIES.items():
            start = text.find(word)
            while start != -1:
                store.spans.add(doc_id, Span(start, start + len(word), label, annotator="maria"))
                start = text.find(word, start + len(word))
        for index, line in enumerate(text.split("\n")):
            store.sections.set(doc_id, [index], section_of(line), annotator="maria")
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    return ids


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(store):
    ids = label_project(store, ["a.txt", "a.txt", "b.txt", "c.txt", "d.txt", "e.txt"])
    return store, ids


def check_against_store(store, docs) -> None:
    """Every entity and section of each Doc is exactly what the store holds, and vice versa."""
    for doc in docs:
        doc_id = doc.user_data["meta"]["doc_id"]
        stored = store.documents.get(doc_id)
        assert doc.text == stored.text
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (s.start, s.end, s.label) for s in store.spans.of(doc_id)]
        expected = []
        for start, end, label in section_ranges(store.sections.of(doc_id)):
            expected.append((*strip_range(stored.text, start, end), label))
        assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["sections"]] == expected
        assert doc.user_data["meta"]["status"] == stored.status.value
        assert doc.user_data["meta"]["site"] == "news.example"


def test_spacy_export_holds_every_entity_and_section_and_meta(project, tmp_path):
    store, ids = project
    out = tmp_path / "corpus"
    result = run("export", "--db", str(store.path), "--format", "spacy", "--out", str(out))
    assert result.exit_code == 0, result.output
    docs = read_docbin(out / "corpus.spacy")
    assert sorted(d.user_data["meta"]["doc_id"] for d in docs) == ids
    assert sum(len(d.ents) for d in docs) == sum(len(store.spans.of(i)) for i in ids)
    check_against_store(store, docs)
    blocks = read_docbin(out / "blocks-corpus.spacy")
    assert len(blocks) == sum(len(store.sections.of(i)) for i in ids)
    for block in blocks:
        tagged = {s.block: s.label for s in store.sections.of(block.user_data["doc_id"])}
        label = tagged[block.user_data["block"]]
        assert block.cats[label] == 1.0 and sum(block.cats.values()) == 1.0


def test_split_is_deterministic_and_keeps_each_source_on_one_side(project, tmp_path):
    store, ids = project
    sides = []
    for attempt in range(2):
        out = tmp_path / f"split{attempt}"
        result = run("export", "--db", str(store.path), "--format", "spacy", "--out", str(out),
                     "--split", "0.7", "--seed", "3")
        assert result.exit_code == 0, result.output
        train = read_docbin(out / "train.spacy")
        dev = read_docbin(out / "dev.spacy")
        check_against_store(store, train + dev)
        sides.append(({d.user_data["meta"]["doc_id"] for d in train},
                      {d.user_data["meta"]["doc_id"] for d in dev}))
    assert sides[0] == sides[1]
    train_ids, dev_ids = sides[0]
    assert train_ids and dev_ids and train_ids | dev_ids == set(ids)
    assert {ids[0], ids[1]} <= train_ids or {ids[0], ids[1]} <= dev_ids  # both from a.txt


def test_rejected_documents_are_not_training_examples(project, tmp_path):
    store, ids = project
    store.documents.set_status(ids[2], Status.REJECTED)
    out = tmp_path / "corpus"
    assert run("export", "--db", str(store.path), "--format", "spacy", "--out",
               str(out)).exit_code == 0
    docs = read_docbin(out / "corpus.spacy")
    assert ids[2] not in {d.user_data["meta"]["doc_id"] for d in docs} and len(docs) == 5


def test_misaligned_span_is_reported_and_stops_the_export_unless_skipped(project, tmp_path):
    store, ids = project
    text = store.documents.get(ids[2]).text
    start = text.index("Merkel")
    store.spans.add(ids[2], Span(start, start + 3, "PERSON", annotator="bob"))  # "Mer": mid-token
    out = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", "spacy",
                                       "--out", str(out)])
    assert result.exit_code == 1
    assert f"document {ids[2]}: entity PERSON {start}-{start + 3} 'Mer'" in result.stderr
    assert not (out / "corpus.spacy").exists()
    assert not out.exists()  # no staging folder, nor the folder the export made, left behind
    result = run("export", "--db", str(store.path), "--format", "spacy", "--out", str(out),
                 "--skip-misaligned")
    assert result.exit_code == 0 and "'Mer'" in result.stderr
    docs = {d.user_data["meta"]["doc_id"]: d for d in read_docbin(out / "corpus.spacy")}
    assert (start, start + 3) not in {(e.start_char, e.end_char) for e in docs[ids[2]].ents}
    assert len(docs[ids[2]].ents) == len(store.spans.of(ids[2])) - 1


def test_shards_bound_memory_and_read_back_as_one_corpus(project, tmp_path):
    store, ids = project
    out = tmp_path / "sharded"
    result = run("export", "--db", str(store.path), "--format", "spacy", "--out", str(out),
                 "--shard-size", "2")
    assert result.exit_code == 0, result.output
    parts = sorted(p.name for p in (out / "corpus").iterdir())
    assert parts == ["part-0000.spacy", "part-0001.spacy", "part-0002.spacy"]
    docs = read_docbin(out / "corpus")
    assert [d.user_data["meta"]["doc_id"] for d in docs] == ids
    check_against_store(store, docs)


def test_split_of_a_single_document_fails_clearly(store, tmp_path):
    store.documents.add([NewDocument("Only one article here.", "a.txt")])
    store.documents.set_status(1, Status.ACCEPTED)
    result = CliRunner().invoke(main, ["export", "--db", str(store.path), "--format", "spacy",
                                       "--out", str(tmp_path / "o"), "--split", "0.8"])
    assert result.exit_code != 0 and "at least 2 documents" in result.output


def spacy_train(config: Path, out: Path, overrides: dict) -> None:
    """``spacy train`` in-process, as ``python -m spacy train`` runs it."""
    from spacy.cli.train import train

    train(config, out, use_gpu=-1, overrides=overrides)


def test_exported_corpus_trains_with_spacy_train(project, tmp_path):
    """One short run (a few steps of the first epoch, about a second) of NER and of the block
    classifier, from the configs train-config writes; the models learn every label."""
    store, _ = project
    data = tmp_path / "data"
    assert run("export", "--db", str(store.path), "--format", "spacy", "--out", str(data),
               "--split", "0.7", "--seed", "1").exit_code == 0
    short = {"training.max_epochs": 1, "training.max_steps": 6, "training.eval_frequency": 3}
    for task in ("ner", "sections"):
        config = tmp_path / f"{task}.cfg"
        result = run("train-config", "--out", str(config), "--task", task, "--data", str(data))
        assert result.exit_code == 0, result.output
        spacy_train(config, tmp_path / f"model-{task}", short)
        trained = spacy.load(tmp_path / f"model-{task}" / "model-last")
        pipe = trained.get_pipe("ner" if task == "ner" else "textcat")
        wanted = {label for _, label in ENTITIES.items()} if task == "ner" else {
            "boilerplate", "body", "byline", "related_links"}
        assert set(pipe.labels) == wanted


def test_a_span_ending_on_a_whitespace_token_counts_as_misaligned():
    """spaCy aligns "Rio Tinto  " (a double space makes a whitespace token) but cannot train on
    it, so it is reported with the reason."""
    from annotator.nlp.docbin import make_doc
    from annotator.nlp.tokens import blank_pipeline

    text = "Rio Tinto  opened a mine."
    doc, bad = make_doc(blank_pipeline("en"), 7, text, [Span(0, 11, "ORG")], [])
    assert doc.char_span(0, 11, alignment_mode="strict") is not None
    assert list(doc.ents) == [] and len(bad) == 1
    assert str(bad[0]) == "document 7: entity ORG 0-11 'Rio Tinto  ' has whitespace at its edges"
    doc, bad = make_doc(blank_pipeline("en"), 7, text, [Span(0, 9, "ORG")], [])
    assert [e.text for e in doc.ents] == ["Rio Tinto"] and bad == []


def test_msgpack_codec_cache_gives_the_same_codecs_and_is_removed_afterwards():
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    from annotator.nlp.docbin import cached_msgpack_codecs

    before = (msgpack_encoders.get_all(), msgpack_decoders.get_all())
    with cached_msgpack_codecs():
        assert "get_all" in vars(msgpack_encoders) and "get_all" in vars(msgpack_decoders)
        assert (msgpack_encoders.get_all(), msgpack_decoders.get_all()) == before
        with cached_msgpack_codecs():  # nested (two exports at once): the outer one owns it
            pass
        assert "get_all" in vars(msgpack_encoders)
    assert "get_all" not in vars(msgpack_encoders) and "get_all" not in vars(msgpack_decoders)


def test_split_of_one_source_splits_documents_with_a_warning(store, tmp_path):
    label_project(store, ["all.jsonl"] * len(ARTICLES))
    out = tmp_path / "one-source"
    result = run("export", "--db", str(store.path), "--format", "spacy", "--out", str(out),
                 "--split", "0.5")
    assert result.exit_code == 0
    assert "every document comes from one source" in result.stderr
    assert len(read_docbin(out / "train.spacy")) == len(read_docbin(out / "dev.spacy")) == 3


def test_an_earlier_exports_files_are_replaced_not_left_to_pass_for_this_one(project, tmp_path):
    store, _ = project
    out = tmp_path / "corpus"
    args = ["export", "--db", str(store.path), "--format", "spacy", "--out", str(out)]
    assert run(*args, "--split", "0.7").exit_code == 0
    assert (out / "train.spacy").exists() and (out / "blocks-dev.spacy").exists()
    (out / "notes.txt").write_text("mine")
    assert run(*args, "--shard-size", "4").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["blocks-corpus", "corpus", "notes.txt"]
    (out / "corpus" / "README").write_text("not an export file")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "holds files an export did not write (README)" in result.output
    assert (out / "corpus" / "README").exists() and (out / "blocks-corpus").exists()
    assert not any(p.name.startswith(".export-") or p.suffix == ".part" for p in out.iterdir())


def test_a_cancelled_export_leaves_the_folder_as_it_was(project, tmp_path):
    from annotator.core.tasks import Cancelled
    from annotator.services.exporting import export

    store, _ = project
    out = tmp_path / "corpus"
    first = export(store, "spacy", out)
    assert first.written and first.files == {"corpus.spacy": 6, "blocks-corpus.spacy": 21}
    before = (out / "corpus.spacy").read_bytes()

    def cancel_at(n: int):
        seen: list[int] = []

        def should_stop() -> bool:
            seen.append(1)
            return len(seen) == n

        return should_stop

    with pytest.raises(Cancelled):
        export(store, "spacy", out, split=0.5, should_stop=cancel_at(3))
    assert sorted(p.name for p in out.iterdir()) == ["blocks-corpus.spacy", "corpus.spacy"]
    assert (out / "corpus.spacy").read_bytes() == before
    with pytest.raises(Cancelled):
        export(store, "conll", tmp_path / "x.conll", should_stop=cancel_at(2))
    assert not (tmp_path / "x.conll").exists()
