"""Wire-copy near-duplicates (issue 13, part 3): grouping at import on real news pages with
injected reprints, incremental imports, the CLI listing, copying labels onto reprints, and
splits that keep a group on one side. Real project files, real Dragnet pages (read from the
shared archive; skipped where it is absent)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from annotator.core.child import run_in_child
from annotator.core.tasks import Cancelled
from annotator.domain import Span, Status
from annotator.io.training_formats import split_documents
from annotator.nlp import near_dups as nd
from annotator.services.copy_labels import OVERLAPS, copy_labels, plan_copy
from annotator.services.importing import import_paths
from annotator.services.near_duplicates import count_batch, group_documents, sign_batch
from annotator.store import Store, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import dup_corpus  # noqa: E402

needs_dragnet = pytest.mark.skipif(not dup_corpus.available(),
                                   reason="../shared/data/dragnet is not here")


@pytest.fixture(scope="module")
def corpus() -> dup_corpus.Corpus:
    pages = dup_corpus.load_pages(limit=110, seed=3)
    return dup_corpus.make_corpus(pages, seed=3)


def write_jsonl(path: Path, corpus: dup_corpus.Corpus, indices) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in indices:
            text, source = corpus.docs[i]
            fh.write(json.dumps({"text": text, "meta": {"idx": i, "source": source}}) + "\n")
    return path


def found_groups(store: Store) -> list[list[int]]:
    """The stored groups as corpus indices."""
    idx = {d.id: d.meta["idx"] for batch in store.documents.iter() for d in batch}
    return [[idx[i] for i in group] for group in store.near_dups.groups()]


@needs_dragnet
@pytest.mark.slow  # reads the Dragnet archive (about 10 s, once for the module)
def test_import_groups_injected_reprints_and_not_unrelated_pages(tmp_path, corpus):
    path = write_jsonl(tmp_path / "all.jsonl", corpus, range(len(corpus.docs)))
    with open_store(tmp_path / "p.db") as store:
        report = import_paths(store, [path])
        assert report.near_duplicates is not None and report.near_duplicates.signed == len(
            corpus.docs)
        precision, recall, found, true = dup_corpus.pair_scores(found_groups(store),
                                                               corpus.groups)
    assert true > 20
    assert precision >= 0.9 and recall >= 0.85, (precision, recall, found, true)


@needs_dragnet
@pytest.mark.slow
def test_a_later_import_joins_the_groups_already_there(tmp_path, corpus):
    # originals first, their reprints in a second import
    first = {g[0] for g in corpus.groups}
    rest = [i for g in corpus.groups for i in g[1:]]
    a = write_jsonl(tmp_path / "a.jsonl", corpus, sorted(first))
    b = write_jsonl(tmp_path / "b.jsonl", corpus, rest)
    with open_store(tmp_path / "p.db") as store:
        import_paths(store, [a])
        assert store.near_dups.groups() == []  # one copy of each story: nothing to group
        report = import_paths(store, [b])
        groups = found_groups(store)
        assert report.near_duplicates.signed == len(rest)
    joined = [g for g in groups if set(g) & first and set(g) - first]
    assert len(joined) >= 0.75 * len(corpus.groups)
    for g in groups:  # each group holds one story: at most one original
        assert len(set(g) & first) <= 1


def test_grouping_is_resumable_and_new_documents_are_compared_once(tmp_path):
    story = ("The central bank raised its main interest rate by half a point on Tuesday, "
             "the largest increase in two decades, as inflation reached a new high. ")
    texts = [
        "Home | News | Sport\n" + story * 3 + "\nFollow us on Twitter",
        "Menu\nWorld\n" + story * 2 + story.replace("Tuesday", "Wednesday") + "\nAbout us",
        "Home\nThe city council approved the budget for the new tram line after a long debate "
        "about costs that ran late into the night, officials said on Monday evening. " * 3,
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        import_paths(store, [path], near_duplicates=False)
        assert store.near_dups.count_uncounted() == 3
        report = group_documents(store)
        assert (report.signed, store.near_dups.groups()) == (3, [[1, 2]])
        assert store.near_dups.group_of(1) == 1 and store.near_dups.group_of(3) is None
        again = group_documents(store)
        assert (again.signed, again.candidates, again.changed) == (0, 0, [])
        # signatures stored by an older version (one 256-byte view) are dropped and made again
        store.near_dups.ensure_params("oph128-k5-b42x3-line60-df-v2")
        store.near_dups.add_line_counts([1, 2, 3], {})
        store.near_dups.add_signatures((d, bytes(256), 40) for d in (1, 2, 3))
        store.near_dups.set_groups({1: 1, 2: 1, 3: 1})
        redone = group_documents(store)
        assert (redone.signed, store.near_dups.groups()) == (3, [[1, 2]])


def test_a_document_without_prose_is_signed_when_counted_as_signing_would_sign_it(tmp_path):
    story = ("The central bank raised its main interest rate by half a point on Tuesday, "
             "the largest increase in two decades, as inflation reached a new high. ")
    texts = ["Home\n" + story * 3, "Menu\nHome\nA headline with no sentence end",
             "Story 1: Globex faces questions in Perth\nBy Jane Doe\n" + story.rstrip(". ")]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        import_paths(store, [path], near_duplicates=False)
        ids = store.documents.ids()
        _, _, blank = count_batch(store, ids)
        assert blank == ids[1:]  # only the first has a prose line
        report = group_documents(store)
        assert report.signed == 3
        stored = store.near_dups.signatures_of(ids)
        for doc_id in ids:  # what pass 2 would have stored for each
            [(_, signature, shingles)] = sign_batch(store, [doc_id])
            assert stored[doc_id] == (signature, shingles)


def test_the_cli_prints_one_json_group_per_line(tmp_path):
    story = ("Shares in the mining group fell sharply after it said that output at its largest "
             "copper mine in Chile would be lower than expected this year. ")
    path = tmp_path / "docs.jsonl"
    docs = [story * 3, "Site A\n" + story * 3 + "\nContact", "Something else entirely: the "
            "orchestra announced its new season with three premieres and a tour of Asia. " * 3]
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in docs), encoding="utf-8")
    db = tmp_path / "p.db"
    run = [sys.executable, "-m", "annotator"]
    subprocess.run([*run, "import", "--db", str(db), str(path)], check=True,
                   capture_output=True)
    out = subprocess.run([*run, "near-duplicates", "--db", str(db)], check=True,
                         capture_output=True, text=True).stdout
    assert [json.loads(line) for line in out.splitlines()] == [[1, 2]]


ORIGINAL = """World News | Business | Sport
Acme Mining said on Monday that it would close its copper mine in Peru next year.
The company blamed falling prices and rising costs for the decision, which affects 900 jobs.
Union leaders in Lima called the move a betrayal and promised to fight it in court.
Analysts at Globex Bank said the closure had been expected for months.
Copyright Daily Planet"""

REPRINT = """Front page | Local
(Reuters) -
Acme Mining said on Monday that it would close its copper mine in Peru next year.
The firm blamed falling prices and rising costs for the decision, which affects 900 jobs.
Union leaders in Lima called the move a betrayal and promised to fight it in court.
Other Site Ltd. All rights reserved."""


def _span(text: str, words: str, label: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    return Span(start, start + len(words), label, "human", "ann")


def test_copying_labels_maps_spans_onto_the_reprint_and_reports_the_rest(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"text": ORIGINAL}) + "\n" + json.dumps({"text": REPRINT})
                    + "\n", encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        import_paths(store, [path])
        store.near_dups.set_groups({1: 1, 2: 1})  # two short texts: grouped by hand here
        labels = [_span(ORIGINAL, "Acme Mining", "ORG"), _span(ORIGINAL, "Peru", "GPE"),
                  _span(ORIGINAL, "company", "ORG"), _span(ORIGINAL, "Lima", "GPE"),
                  _span(ORIGINAL, "Globex Bank", "ORG"), _span(ORIGINAL, "Daily Planet", "ORG")]
        store.spans.replace(1, add=labels)
        with pytest.raises(ValueError, match="only an accepted"):
            plan_copy(store, 1)
        store.documents.set_status(1, Status.ACCEPTED)
        store.spans.add(2, _span(REPRINT, "Lima", "LOC"))  # a person's label there stays
        report = copy_labels(store, 1)
        copied = {(REPRINT[s.start:s.end], s.label, s.origin, s.annotator)
                  for s in store.spans.of(2)}
        assert copied == {("Acme Mining", "ORG", "copy:1", None), ("Peru", "GPE", "copy:1", None),
                          ("Lima", "LOC", "human", "ann")}
        reasons = {u.text: u.reason for u in report.unmapped if u.kind == "entity"}
        assert reasons == {"company": "was changed in the reprint", "Lima": OVERLAPS,
                           "Globex Bank": "is not in the reprint",
                           "Daily Planet": "is not in the reprint"}
        assert report.copied == {2: (2, 0)}
        # undo removes exactly the copies (one transaction for the target)
        plan = plan_copy(store, 1)
        assert plan.commands == []  # everything mappable is there already (overlaps now)
        store.spans.replace(2, remove=[s for s in store.spans.of(2) if s.origin == "copy:1"])
        again = plan_copy(store, 1)
        again.commands[0].do(store)
        assert len(store.spans.of(2)) == 3
        again.commands[0].undo(store)
        assert [REPRINT[s.start:s.end] for s in store.spans.of(2)] == ["Lima"]
        # a model's suggestions on the reprint give way to the person's labels (the usual flow:
        # import, pre-annotate, correct one copy); undo puts them back
        model = [Span(s.start, s.end, lab, "model:test@1", None) for s, lab in
                 ((_span(REPRINT, "Acme Mining", "X"), "PRODUCT"),
                  (_span(REPRINT, "Peru next", "X"), "GPE"))]
        store.spans.replace(2, add=model)
        third = plan_copy(store, 1)
        third.commands[0].do(store)
        assert {(REPRINT[s.start:s.end], s.label, s.origin) for s in store.spans.of(2)} == {
            ("Acme Mining", "ORG", "copy:1"), ("Peru", "GPE", "copy:1"),
            ("Lima", "LOC", "human")}
        assert plan_copy(store, 1).commands == []  # copied before: nothing to do
        third.commands[0].undo(store)
        assert {(REPRINT[s.start:s.end], s.origin) for s in store.spans.of(2)} == {
            ("Acme Mining", "model:test@1"), ("Peru next", "model:test@1"), ("Lima", "human")}


def test_a_split_keeps_each_near_duplicate_group_on_one_side(tmp_path):
    keys = [(i, f"site{i % 7}") for i in range(1, 71)]
    groups = {1: 1, 9: 1, 20: 1, 33: 1, 2: 2, 44: 2, 5: 5, 6: 5}  # across sources
    for seed in range(8):
        split = split_documents(keys, 0.7, seed, groups)
        for gid in set(groups.values()):
            sides = {split.side(d) for d, g in groups.items() if g == gid}
            assert len(sides) == 1, (seed, gid)
        assert split.train_docs and split.dev_docs
    # one source only: documents are split one by one, their groups still whole
    one = [(i, "one.jsonl") for i in range(1, 21)]
    split = split_documents(one, 0.5, 1, {3: 3, 4: 3, 15: 3})
    assert len({split.side(3), split.side(4), split.side(15)}) == 1
    # without groups the split is what it always was for a seed
    assert split_documents(keys, 0.7, 4) == split_documents(keys, 0.7, 4, {})


def test_split_keys_name_the_group(store):
    store.documents.add([])
    path_docs = [("alpha " * 40), ("beta " * 40), ("gamma " * 40)]
    from annotator.domain import NewDocument

    store.documents.add([NewDocument(t, f"f{i}") for i, t in enumerate(path_docs)])
    group_documents(store)
    store.near_dups.set_groups({1: 1, 3: 1})
    assert store.near_dups.split_keys([1, 2, 3]) == {1: "dup:1", 2: "doc:2", 3: "dup:1"}


def _imported(tmp_path: Path, name: str, corpus: dup_corpus.Corpus) -> Path:
    jsonl = write_jsonl(tmp_path / f"{name}.jsonl", corpus, range(len(corpus.docs)))
    with open_store(tmp_path / f"{name}.db") as store:
        import_paths(store, [jsonl], near_duplicates=False)
    return tmp_path / f"{name}.db"


def generated_reprints() -> dup_corpus.Corpus:
    """120 generated articles (``tests/ner_articles``), every third reprinted inside another
    site's boilerplate with its last paragraph trimmed: a corpus with groups that needs no
    Dragnet, so the worker path runs wherever the suite does."""
    from ner_articles import articles

    made = dup_corpus.Corpus()
    for i, article in enumerate(articles(90, "train", 250, seed=7)):
        made.docs.append((f"Home | World | Markets\n{article.text}\nSubscribe", f"a{i}"))
        if i % 3 == 0:
            paragraphs = article.text.split("\n")
            trimmed = "\n".join(paragraphs[:-1]) if len(paragraphs) > 2 else article.text
            made.docs.append((f"Wire Daily\nLatest\n{trimmed}\nAbout us | Contact", f"r{i}"))
            made.groups.append([len(made.docs) - 2, len(made.docs) - 1])
    return made


@pytest.fixture(scope="module", params=["generated", "dragnet"])
def worker_corpus(request) -> dup_corpus.Corpus:
    if request.param == "generated":
        return generated_reprints()
    if not dup_corpus.available():
        pytest.skip("../shared/data/dragnet is not here")
    return request.getfixturevalue("corpus")


@pytest.mark.slow  # two spawned workers (about 2 s a corpus)
def test_worker_processes_store_what_one_process_does_and_stop_between_batches(tmp_path,
                                                                              worker_corpus):
    corpus = worker_corpus
    with open_store(_imported(tmp_path, "one", corpus)) as store:
        group_documents(store, workers=1, batch_size=20)
        expected = (store.near_dups.all_signatures(), store.near_dups.groups())
    seen: list[tuple[int, int, str]] = []
    with open_store(_imported(tmp_path, "two", corpus)) as store:
        with pytest.raises(Cancelled) as stopped:  # stop after the second batch of signing
            group_documents(store, workers=2, batch_size=20,
                            progress=lambda *step: seen.append(step),
                            should_stop=lambda: seen[-1][0] == 40
                            and seen[-1][2].startswith("Signing"))
        total = seen[-1][1]
        assert stopped.value.partial.signed == 40 and store.near_dups.groups() == []
        assert store.near_dups.count_unsigned() == total - 40
        assert [done for done, _, m in seen if m.startswith("Reading")] == [
            *range(20, total, 20), total]
        report = group_documents(store, workers=2, batch_size=20)  # goes on from there
        assert report.signed == total - 40
        assert (store.near_dups.all_signatures(), store.near_dups.groups()) == expected
    assert expected[1]  # there were groups to compare


def test_an_import_counts_lines_from_its_texts_as_grouping_would_read_them(tmp_path):
    corpus = generated_reprints()
    jsonl = write_jsonl(tmp_path / "all.jsonl", corpus, range(len(corpus.docs)))
    stored = []
    for name, grouped in (("later", False), ("at-import", True)):
        with open_store(tmp_path / f"{name}.db") as store:
            import_paths(store, [jsonl], near_duplicates=grouped)
            if not grouped:
                assert store.near_dups.count_uncounted() == len(corpus.docs)
                group_documents(store, workers=1)
            lines = store.conn.execute("SELECT * FROM near_dup_lines ORDER BY hash").fetchall()
            stored.append((store.near_dups.all_signatures(), store.near_dups.groups(), lines))
    assert stored[0] == stored[1] and stored[0][1] and stored[0][2]


def _reference_pairs(keys: np.ndarray, max_bucket: int) -> set[tuple[int, int]]:
    """Candidate pairs by the definition: every pair of a bucket (rows sharing a band's key),
    and for a bucket over ``max_bucket`` a star from its smallest row plus a chain."""
    out: set[tuple[int, int]] = set()
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for row, key in enumerate(keys[:, band].tolist()):
            buckets.setdefault(key, []).append(row)
        for rows in buckets.values():
            if len(rows) <= max_bucket:
                out |= {(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]}
            else:
                out |= {(rows[0], b) for b in rows[1:]} | set(zip(rows[1:], rows[2:], strict=False))
    return out


def test_candidate_pairs_are_every_pair_that_shares_a_band_key():
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 40, size=(300, 6)).astype(np.uint64)  # buckets of 1 to ~20
    keys[:, 2] = rng.integers(0, 3, size=300)  # three buckets of ~100: star and chain
    fresh = rng.random(300) < 0.3
    found = nd.candidate_pairs(keys, fresh, max_bucket=12)
    expected = sorted(p for p in _reference_pairs(keys, 12) if fresh[p[0]] or fresh[p[1]])
    assert found.tolist() == [list(p) for p in expected]
    assert nd.candidate_pairs(np.arange(10, dtype=np.uint64)[:, None]).shape == (0, 2)


def group_in_child(db_path: str, progress, should_stop) -> list[list[int]]:
    """What the window's job child does (``core.child``: a daemonic process), asking for two
    workers it may not start."""
    with open_store(db_path) as store:
        group_documents(store, workers=2, progress=progress, should_stop=should_stop)
        return store.near_dups.groups()


def test_a_daemonic_child_groups_in_its_own_process(tmp_path):
    story = ("The central bank raised its main interest rate by half a point on Tuesday, "
             "the largest increase in two decades, as inflation reached a new high. ")
    texts = ["Home | News\n" + story * 3, "Menu\n" + story * 3 + "\nAbout us", "Other\n" + (
        "The orchestra announced its new season with three premieres and a tour. " * 4)]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    with open_store(tmp_path / "p.db") as store:
        import_paths(store, [path], near_duplicates=False)
    assert run_in_child(group_in_child, {"db_path": str(tmp_path / "p.db")}) == [[1, 2]]
