"""Token exports on several processes (annotator.services.export_pool) write exactly what the
one-process export writes: the same bytes, counts and problems, in every layout; a stop leaves no
output and no worker behind."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

import annotator.services.export_pool as pool
from annotator.core.tasks import Cancelled
from annotator.domain import NewDocument, Span, Status
from annotator.services.exporting import export

TEXTS = [
    "Rio Tinto cut {n} jobs in Perth.\nBy Zoë Müller\nThe city council said €1.2bn was lost.",
    "Łukasz Żółć met Wei Chen on {n} June.\n\nBHP's shares (A$75m) fell; \"no comment\", said X.",
    "Story {n}: Nordbank faces questions in Santiago\nBy Søren Lund\nthe deal  was reviewed.",
]


@pytest.fixture
def project(store):
    """Eleven accepted documents: entities on tokens, one inside a token and one with a space at
    its edge (both unexportable), section blocks, and a meta key that clashes with ours."""
    docs = [NewDocument(TEXTS[n % 3].format(n=n), f"site{n % 4}/{n}.html",
                        meta={"status": "draft", "n": n}) for n in range(11)]
    ids = store.documents.add(docs).added
    if "headline" not in store.labels.names("section"):
        store.labels.add("section", "headline")
    for n, doc_id in enumerate(ids):
        text = store.documents.get(doc_id).text
        first = text.split(" ")[0]
        store.spans.add(doc_id, Span(0, len(first), "ORG"))
        if n % 3 == 0:
            store.spans.add(doc_id, Span(text.index("Perth"), text.index("Perth") + 3, "GPE"))
        if n % 3 == 2:
            at = text.index("deal")
            store.spans.add(doc_id, Span(at, at + 6, "EVENT"))  # "deal  " ends on a space
        store.sections.set(doc_id, [0], "headline")
        store.sections.set(doc_id, [1], "body")
        store.documents.set_status(doc_id, Status.ACCEPTED, "maria")
    return store


def _bytes(out: Path) -> dict[str, bytes]:
    if out.is_dir():
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file()}
    return {out.name: out.read_bytes()} if out.exists() else {}


@pytest.fixture
def forked(monkeypatch):
    """Small chunks (several per export) and forked workers whatever threads pytest runs."""
    monkeypatch.setattr(pool, "CHUNK_DOCS", 2)
    monkeypatch.setattr(pool, "start_method", lambda: "fork")


@pytest.mark.parametrize("fmt,options", [
    ("prodigy", {"skip_misaligned": True}),
    ("prodigy", {}),  # problems stop it: written False, no file, either way
    ("conll", {"skip_misaligned": True}),
    ("spacy", {"skip_misaligned": True}),
    ("spacy", {"skip_misaligned": True, "shard_size": 3, "split": 0.6}),
])
def test_workers_write_what_one_process_writes(project, tmp_path, forked, fmt, options):
    results = []
    for workers in (1, 2):
        out = tmp_path / f"{workers}" / ("out" if fmt == "spacy" else "out.txt")
        out.parent.mkdir()
        report = export(project, fmt, out, workers=workers, **options)
        results.append((_bytes(out), report.count, report.written, report.files,
                        [str(m) for m in report.misaligned]))
    one, two = results
    assert one == two
    files, count, written, _, problems = one
    assert count == 11 and len(problems) == 7  # 4 inside a token, 3 with a space at an edge
    assert bool(files) == written == ("skip_misaligned" in options)
    assert multiprocessing.active_children() == []


def test_a_stop_leaves_no_output_and_no_worker(project, tmp_path, forked):
    seen = []
    out = tmp_path / "out.conll"
    with pytest.raises(Cancelled):
        export(project, "conll", out, skip_misaligned=True, workers=2,
               progress=lambda done, total, message="": seen.append((done, total)),
               should_stop=lambda: len(seen) >= 3)
    assert seen == [(1, 11), (2, 11), (3, 11)]
    assert not list(tmp_path.glob("out.conll*"))  # neither the file nor its .part
    assert multiprocessing.active_children() == []


def test_a_pool_only_for_token_formats_enough_documents_and_idle_cores(monkeypatch):
    monkeypatch.setattr(pool, "cpu_count", lambda: 2)
    monkeypatch.setattr(pool, "start_method", lambda: "fork")
    monkeypatch.setattr(pool.os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    assert pool.export_workers("prodigy", 10) == 1
    assert pool.export_workers("doccano", 10**6) == 1
    assert pool.export_workers("conll", pool.PARALLEL_MIN_DOCS["fork"]) == 2
    assert pool.export_workers("spacy", 10, requested=3) == 3
    monkeypatch.setattr(pool.os, "getloadavg", lambda: (1.1, 1.0, 1.0))  # a core mostly idle
    assert pool.export_workers("conll", 10**6) == 2
    monkeypatch.setattr(pool.os, "getloadavg", lambda: (1.7, 1.0, 1.0))  # no idle core
    assert pool.export_workers("conll", 10**6) == 1
    assert pool.export_workers("conll", 10**6, requested=2) == 2
    monkeypatch.setattr(pool.os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    monkeypatch.setattr(pool, "start_method", lambda: "spawn")
    assert pool.export_workers("conll", pool.PARALLEL_MIN_DOCS["fork"]) == 1


@pytest.mark.slow
def test_spawned_workers_write_the_same(project, tmp_path, monkeypatch):
    """The window's workers are spawned (Qt threads must not be forked): they import spaCy
    themselves and write the same bytes."""
    monkeypatch.setattr(pool, "CHUNK_DOCS", 4)
    monkeypatch.setattr(pool, "start_method", lambda: "spawn")
    outs = [tmp_path / f"{workers}.conll" for workers in (1, 2)]
    for workers, out in zip((1, 2), outs, strict=True):
        export(project, "conll", out, skip_misaligned=True, workers=workers)
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_the_command_takes_a_number_of_workers(project, tmp_path, forked):
    from click.testing import CliRunner

    from annotator.cli import main

    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"{workers}.jsonl"
        result = CliRunner().invoke(main, ["export", "--db", str(project.path), "--format",
                                           "prodigy", "--skip-misaligned", "--workers", workers,
                                           "--out", str(out)])
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") == 11


def test_docbin_chunks_sent_as_columns_give_the_one_process_bytes(tmp_path):
    """A worker's chunk (:func:`annotator.nlp.docbin.pack_chunk`: each output's token arrays as
    two byte strings, the rest a list a document) pickled as a pool sends it and added with
    ``add_entries`` writes the files that ``add`` a document at a time writes: odd documents
    (empty, blank, blocks with sections, a cached token run, misaligned spans) and shards that
    end in the middle of a chunk (5 documents a chunk, 2 a shard)."""
    import pickle

    from annotator.domain import Document, Section, pack_token_runs
    from annotator.io.export import Item, export_meta
    from annotator.nlp.docbin import DocBinExport, cached_msgpack_codecs
    from annotator.nlp.tokens import runs_of_texts

    texts = ["Rio Tinto cut jobs in Perth.\nBy Zoë Müller", "", "   ", "a\n\nb  c ",
             "Łukasz met 👍🏽Wei in Santiago (A$75m).\nRead more", "Im gonna go, y'all 3p.m. :)"]
    items = []
    for n, text in enumerate(texts * 2):
        doc = Document(n + 1, text, f"h{n}", f"site{n % 2}/{n}.html", {"n": n}, Status.ACCEPTED)
        spans = [Span(0, 3, "ORG"), Span(1, 3, "BAD")] if len(text) > 3 else []
        sections = ([Section(0, 0, text.index("\n"), "body"),
                     Section(1, text.index("\n") + 1, len(text), "byline")]
                    if "\n" in text.strip() else [])
        runs = (runs_of_texts([text])[0] if n == 0  # from the token cache
                else pack_token_runs([2], [False]) if n == 9 else None)  # runs of another text
        items.append(("train" if n % 3 else "dev", Item(doc, spans, sections, runs)))
    outs = []
    for pooled in (False, True):
        out = tmp_path / str(pooled)
        staging = out / "staging"
        staging.mkdir(parents=True)
        export = DocBinExport(out, "en", ["body", "byline"], shard_size=2, staging=staging)
        problems = []
        with cached_msgpack_codecs():
            if pooled:
                for chunk in pool.chunked(items, 5):
                    sent = pickle.loads(pickle.dumps(pool.docbin_items(chunk)))
                    result = pickle.loads(pickle.dumps(
                        pool.docbin_chunk("en", ["body", "byline"], sent)))
                    (entries, bad), docs, _, found = result
                    export.add_entries(entries)
                    problems += [b for one in bad for b in one]
                    assert docs == len(chunk) and found == [b for one in bad for b in one]
            else:
                for side, item in items:
                    problems += export.add(side, item.doc.id, item.doc.text, item.spans,
                                           item.sections, export_meta(item.doc), item.tokens)
        files = export.commit()
        outs.append((_bytes(out), files, [str(p) for p in problems]))
    assert outs[0] == outs[1]
    files, counts, problems = outs[0]
    assert counts == {"train": 8, "dev": 4, "blocks-train": 4, "blocks-dev": 8}
    assert "train/part-0003.spacy" in files and problems


def test_a_forked_pool_keeps_the_collector_off_what_workers_inherit_while_it_runs():
    """``pool_map`` freezes the collector's objects before forking (a worker's full collection
    would walk, and copy, every inherited page) and unfreezes them when it ends, whether it
    ran to the end or was closed early."""
    import gc

    from annotator.nlp.processes import pool_map

    assert gc.get_freeze_count() == 0
    seen = [(n, gc.get_freeze_count() > 0) for n in pool_map(len, [[1], [1, 2], [3]], 2,
                                                              "fork", print, ())]
    assert seen == [(1, True), (2, True), (1, True)] and gc.get_freeze_count() == 0
    early = pool_map(len, [[1]] * 10, 2, "fork", print, ())
    assert next(early) == 1 and gc.get_freeze_count() > 0
    early.close()
    assert gc.get_freeze_count() == 0 and multiprocessing.active_children() == []


def test_a_worker_builds_the_msgpack_codec_lists_once_for_its_life():
    """A spawned worker starts with srsly's codec lists cached for good (entered per chunk,
    they were rebuilt every 50 documents); a forked one inherits the export's."""
    import subprocess
    import sys

    probe = ("from srsly.msgpack import msgpack_encoders as e, msgpack_decoders as d\n"
             "from annotator.services.export_pool import _start_worker, docbin_chunk\n"
             "_start_worker('en')\n"
             "before = (e.get_all, d.get_all)\n"
             "docbin_chunk('en', [], [('corpus', 1, 'A b.', [(0, 1, 'X')], [], {}, None)])\n"
             "print('get_all' in vars(e) and 'get_all' in vars(d) and "
             "(e.get_all, d.get_all) == before)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, check=True, timeout=120).stdout.split()
    assert out == ["True"]
