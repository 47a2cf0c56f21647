"""Training exports: ``annotator export --format spacy|conll|blocks`` beside bare scripts doing the
same work with spaCy, ``sqlite3`` and ``json`` and no checks.

Usage: ``python bench/training.py [--quick] [--docs N] [--keep DIR]``

The corpus is bench/corpus.py's (news-like articles, 36 entity spans each) with every line tagged
as a section, imported once with ``annotator import`` (not timed).
Each side runs as its own process:

- spacy: ``export --format spacy --split 0.8 --skip-misaligned`` vs. a script that reads the same
  rows, tokenizes with ``spacy.blank("en")``, aligns spans with ``char_span(alignment_mode=
  "strict")`` and writes the same four DocBins (documents and blocks, train and dev). The floor is
  the tokenizer and DocBin (with srsly's codec lists cached on both sides, see
  annotator.nlp.docbin.cached_msgpack_codecs). The corpus has misaligned spans: spaCy keeps "m."
  of "£40m." as one token, so both sides leave those out;
- spacy sharded: the same with ``--shard-size 2000``, to show the memory it saves;
- conll: ``export --format conll`` vs. a script that tokenizes and writes IOB2 lines;
- blocks: ``export --format blocks`` vs. a script that reads sections and writes JSON lines.

Peak memory (max RSS) of every process is printed beside its time. Target: ratio within 1.5x.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus

SPANS_PER_DOC = 36

# Run a command in-process and report its peak memory (kB) on the last line of stderr.
MEASURED = r'''
import resource, runpy, sys
args = sys.argv[1:]
try:
    if args[0].endswith(".py"):
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
    else:
        from annotator.cli import main
        main(args, prog_name="annotator")
except SystemExit as exc:
    if exc.code:
        raise
finally:
    print("MAXRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
'''

BARE_COMMON = r'''
import json, sqlite3, sys
from itertools import groupby
conn = sqlite3.connect(sys.argv[1])
def docs():
    spans = groupby(conn.execute('SELECT doc_id, start, "end", label FROM spans '
                                 "ORDER BY doc_id, start"), key=lambda r: r[0])
    secs = groupby(conn.execute('SELECT doc_id, block, start, "end", label FROM sections '
                                "ORDER BY doc_id, block"), key=lambda r: r[0])
    sp, se = next(spans, None), next(secs, None)
    for doc_id, text, source, meta in conn.execute(
            "SELECT id, text, source, meta FROM documents ORDER BY id"):
        mine, blocks = [], []
        if sp is not None and sp[0] == doc_id:
            mine = [r[1:] for r in sp[1]]
            sp = next(spans, None)
        if se is not None and se[0] == doc_id:
            blocks = [r[1:] for r in se[1]]
            se = next(secs, None)
        yield doc_id, text, json.loads(meta), mine, blocks
'''

BARE_SPACY = BARE_COMMON + r'''
import spacy
from spacy.tokens import DocBin
from srsly.msgpack import msgpack_decoders, msgpack_encoders
for registry in (msgpack_encoders, msgpack_decoders):  # the same codec cache as ours
    codecs = registry.get_all()
    registry.get_all = lambda codecs=codecs: dict(codecs)
nlp = spacy.blank("en")
labels = [r[0] for r in conn.execute("SELECT name FROM labels WHERE kind = 'section'")]
ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
dev = set(ids[int(len(ids) * 0.8):])
bins = {k: DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"] if "blocks" not in k else
                  ["ORTH", "SPACY"], store_user_data=True)
        for k in ("train", "dev", "blocks-train", "blocks-dev")}
for doc_id, text, meta, spans, blocks in docs():
    side = "dev" if doc_id in dev else "train"
    doc = nlp.make_doc(text)
    ents = [doc.char_span(s, e, label=lab, alignment_mode="strict") for s, e, lab in spans]
    doc.ents = [x for x in ents if x is not None]
    blocks = [(b, s + len(text[s:e]) - len(text[s:e].lstrip()), s + len(text[s:e].rstrip()),
               lab) for b, s, e, lab in blocks]
    doc.spans["sections"] = [doc.char_span(s, e, label=lab) for _, s, e, lab in blocks]
    doc.user_data["meta"] = meta
    bins[side].add(doc)
    for block, s, e, lab in blocks:
        bdoc = nlp.make_doc(text[s:e])
        bdoc.cats = {name: float(name == lab) for name in labels}
        bdoc.user_data.update({"doc_id": doc_id, "block": block})
        bins["blocks-" + side].add(bdoc)
for name, docbin in bins.items():
    docbin.to_disk(f"{sys.argv[2]}/{name}.spacy")
'''

BARE_CONLL = BARE_COMMON + r'''
import spacy
tokenizer = spacy.blank("en").tokenizer
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for doc_id, text, meta, spans, blocks in docs():
        tags = {}
        toks = tokenizer(text)
        starts = {t.idx: t.i for t in toks}
        ends = {t.idx + len(t) for t in toks}
        for s, e, lab in spans:
            if s not in starts or e not in ends:
                continue
            i = starts[s]
            tags[i] = "B-" + lab
            while toks[i].idx + len(toks[i]) < e:
                i += 1
                tags[i] = "I-" + lab
        out.write("-DOCSTART- -X- O O\n\n")
        sentence = []
        for t in toks:
            if t.is_space:
                if "\n" in t.text and sentence:
                    out.write("".join(sentence) + "\n")
                    sentence = []
                continue
            sentence.append(f"{t.text} {tags.get(t.i, 'O')}\n")
        if sentence:
            out.write("".join(sentence) + "\n")
'''

BARE_BLOCKS = BARE_COMMON + r'''
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for doc_id, text, meta, spans, blocks in docs():
        for block, s, e, lab in blocks:
            out.write(json.dumps({"text": text[s:e], "label": lab, "doc_id": doc_id,
                                  "block": block, "source": meta.get("source", "")},
                                 ensure_ascii=False) + "\n")
'''


def write_corpus(path: Path, docs: int) -> None:
    """bench/corpus.py's articles with 36 spans, each line tagged: headline body, byline,
    paragraphs body."""
    corpus.write_jsonl(path, docs, spans=SPANS_PER_DOC, sections=True)


def timed(cmd: list[str], repeat: int) -> tuple[float, int]:
    """Best wall-clock time of ``repeat`` runs, and the peak memory (MB) of the last."""
    best, rss = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", MEASURED, *cmd], capture_output=True,
                              text=True)
        best = min(best, time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        rss = int(proc.stderr.rsplit("MAXRSS", 1)[1].split()[0]) // 1024
    return best, rss


def script(work: Path, name: str, body: str) -> str:
    path = work / f"bare_{name}.py"
    path.write_text(body, encoding="utf-8")
    return str(path)


def run(work: Path, docs: int, repeat: int) -> list[tuple]:
    jsonl, db = work / "corpus.jsonl", work / "project.db"
    write_corpus(jsonl, docs)
    subprocess.run([sys.executable, "-m", "annotator", "import", "--db", str(db), str(jsonl)],
                   check=True, capture_output=True)
    print(f"corpus: {docs:,} accepted documents, {docs * SPANS_PER_DOC:,} spans")
    base = ["export", "--db", str(db)]
    (work / "bare-spacy").mkdir()
    steps = [
        ("spacy", [*base, "--format", "spacy", "--split", "0.8", "--skip-misaligned", "--out",
                   str(work / "ours")],
         [script(work, "spacy", BARE_SPACY), str(db), str(work / "bare-spacy")]),
        ("spacy sharded", [*base, "--format", "spacy", "--split", "0.8", "--shard-size", "2000",
                           "--skip-misaligned", "--out", str(work / "ours-sharded")],
         [script(work, "spacy", BARE_SPACY), str(db), str(work / "bare-spacy")]),
        ("conll", [*base, "--format", "conll", "--skip-misaligned", "--out",
                   str(work / "ours.conll")],
         [script(work, "conll", BARE_CONLL), str(db), str(work / "bare.conll")]),
        ("blocks", [*base, "--format", "blocks", "--out", str(work / "ours.jsonl")],
         [script(work, "blocks", BARE_BLOCKS), str(db), str(work / "bare.jsonl")]),
    ]
    rows = []
    for name, ours, bare in steps:
        rows.append((name, *timed(ours, repeat), *timed(bare, repeat)))
    check(work)
    return rows


def check(work: Path) -> None:
    """Both sides wrote the same tokens and tags, and the same blocks."""
    assert (work / "ours.conll").read_text() == (work / "bare.conll").read_text(), "conll differs"
    ours = [json.loads(x) for x in (work / "ours.jsonl").read_text().splitlines()]
    bare = [json.loads(x) for x in (work / "bare.jsonl").read_text().splitlines()]
    assert [(r["text"], r["label"]) for r in ours] == [(r["text"], r["label"]) for r in bare]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 documents (under a minute)")
    parser.add_argument("--smoke", action="store_true", help="100 documents: does it run?")
    parser.add_argument("--docs", type=int, default=None, help="documents (default 20,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; best is kept")
    parser.add_argument("--keep", type=Path, help="keep the corpus and outputs in this folder")
    args = parser.parse_args()
    docs = args.docs or (100 if args.smoke else 3_000 if args.quick else 20_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="annotator-bench-training-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = run(work, docs, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nbest of {args.repeat} runs each; memory is peak RSS")
    print(f"{'step':<15}{'annotator s':>12}{'MB':>7}{'bare s':>9}{'MB':>7}{'ratio':>7}"
          "  target <= 1.5")
    for name, ours, ours_mb, bare, bare_mb in rows:
        print(f"{name:<15}{ours:>12.2f}{ours_mb:>7}{bare:>9.2f}{bare_mb:>7}{ours / bare:>7.2f}")
    worst = max(r[1] / r[3] for r in rows)
    print(f"\nworst ratio {worst:.2f}: {'met' if worst <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
