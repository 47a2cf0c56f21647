"""The desktop app's speed where a person feels it, beside the physical floor of the same work.

Usage: ``python bench/gui.py [--quick | --smoke] [--labels N] [--long-only]``   (offscreen;
``--quick`` < 1 minute; ``--smoke``: tiny sizes, for the test suite's check that it runs;
``--long-only``: only the long documents' step)

Generated here: a 10,000-word article (125 blocks) with 1,000 entity spans (half suggestions) and
a section on every block, and a project of 100,000 small documents.

- open + paint: the window opens the article (store read, text layout, spans, gutter) and paints
  it, vs. a bare QTextEdit given the same text and painted (no store, no spans): the floor.
- label: select a token and apply a label through the real action path (controller, undo stack,
  one committed SQLite transaction, view update, side panel, list row) and repaint, vs. one bare
  sqlite3 INSERT + COMMIT on the same file plus one repaint of a bare QTextEdit.
- durability: the same labels with the project file at ``synchronous=FULL`` (as shipped: each
  commit fsyncs the WAL before the label is drawn) and at ``NORMAL`` (no fsync per commit), taking
  turns label by label so both see the same load; the difference is what FULL costs per label.
- list: the document list model and view over 100,000 documents, counted and painted, vs. bare
  sqlite3 ``count(*)`` plus reading the rows on screen.
- stall: the longest gap between 5 ms timer ticks on the GUI thread while a worker imports files
  (then while it loads the spaCy model and pre-annotates them), vs. the same with no worker.

- long open: the window opens a 1.7 MB one-line text (300,000 words, a suggestion on every
  third: pre-annotation left 86,588 on the tester's) and a 2 MB text of 40-word paragraphs with
  300,000 spans (store read, text layout, spans, gutter, spans panel, painted), vs. a bare
  QPlainTextEdit given the same text and painted (it lays out only what it shows): the floor.
  Then a few labels in each (as in "label"), beside the same floor as there.

Targets: open < 300 ms, label p95 < 16 ms, list < 200 ms, stall < 100 ms; long open within
2x its floor.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit  # noqa: E402

from annotator.domain import NewDocument, Span, blocks  # noqa: E402
from annotator.store import open_store  # noqa: E402

WORDS = ("the council said on Monday that the new harbour works would start after the summer "
         "and cost more than planned because of steel prices and a shortage of workers in the "
         "region which has seen strong growth").split()
NAMES = ["Serra Verde", "Lisbon", "Marina Costa", "Reuters", "Zoë Müller", "Oslo", "BHP"]
LABELS = ["PERSON", "ORG", "GPE", "LOC", "DATE"]


def make_article(rng: random.Random, words: int = 10_000, spans: int = 1_000) -> NewDocument:
    """Blocks of 80 words; every tenth word is an entity (half suggestions)."""
    parts: list[str] = []
    found: list[Span] = []
    pos = 0
    for i in range(words):
        if i and i % 80 == 0:
            parts.append("\n\n")
            pos += 2
        elif i:
            parts.append(" ")
            pos += 1
        word = rng.choice(NAMES) if i % 10 == 5 and len(found) < spans else rng.choice(WORDS)
        if i % 10 == 5 and len(found) < spans:
            human = len(found) % 2 == 0
            found.append(Span(pos, pos + len(word), LABELS[len(found) % len(LABELS)],
                              "human" if human else "model:bench@1", None))
        parts.append(word)
        pos += len(word)
    text = "".join(parts)
    sections = [(b.start, b.end, "boilerplate" if b.index % 9 == 0 else "body")
                for b in blocks(text)]
    return NewDocument(text=text, source="long.txt", spans=found, sections=sections)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return seconds * 1000


def bench_open(window, doc_id: int, text: str, repeat: int) -> tuple[float, float]:
    ours, bare = [], []
    plain = QTextEdit()
    plain.resize(window.editor.size())
    plain.show()
    for _ in range(repeat):
        window.controller.close_document()
        t = time.perf_counter()
        window.controller.open_document(doc_id)
        window.editor.viewport().repaint()
        window.editor.gutter.repaint()
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        plain.setPlainText(text)
        plain.viewport().repaint()
        bare.append(time.perf_counter() - t)
        plain.clear()
    plain.close()
    return ms(statistics.median(ours)), ms(statistics.median(bare))


def bench_label(window, db: Path, n: int, rng: random.Random,
                full_repaint: bool) -> tuple[list[float], list[float]]:
    """Labels at random tokens across the article, each scrolled into view first.

    ``full_repaint``: time the label plus a repaint of the whole view (the worst case); else
    the label plus the event loop turn that paints what the app marked dirty (what a person
    waits for). The floor does the same painting work on a bare QTextEdit with the text."""
    text = window.controller.doc.text
    starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    plain = QTextEdit()
    plain.setPlainText(text)
    plain.resize(window.editor.size())
    plain.show()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (a INTEGER, b INTEGER, c TEXT)")
    ours, bare = [], []
    for i in range(n):
        start = rng.choice(starts)
        window.editor.select_range(start, start + 1)
        cursor = plain.textCursor()
        cursor.setPosition(start)
        plain.setTextCursor(cursor)
        plain.ensureCursorVisible()
        QApplication.processEvents()
        t = time.perf_counter()
        window.label_selection(LABELS[i % len(LABELS)])
        if full_repaint:
            window.editor.viewport().repaint()
        else:
            QApplication.processEvents()
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_floor VALUES (?, ?, ?)", (start, start + 3, "ORG"))
        conn.execute("COMMIT")
        if full_repaint:
            plain.viewport().repaint()
        else:
            plain.viewport().update(plain.cursorRect().adjusted(-40, -4, 40, 4))
            QApplication.processEvents()
        bare.append(time.perf_counter() - t)
    conn.close()
    plain.close()
    return [ms(x) for x in ours], [ms(x) for x in bare]


def bench_sync_cost(window, doc_id: int, n: int, rng: random.Random) -> dict[str, list[float]]:
    """Label time (to pixels, one event-loop turn) with the store's connection at FULL and at
    NORMAL, alternating label by label on a fresh copy of the article (so the labels of the
    other steps do not weigh on it); ms per label for each mode."""
    window.controller.open_document(doc_id)
    QApplication.processEvents()
    text = window.controller.doc.text
    starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
    conn = window.store.conn
    shipped = conn.execute("PRAGMA synchronous").fetchone()[0]
    times: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
    for i in range(n):
        mode = "FULL" if i % 2 == 0 else "NORMAL"
        conn.execute(f"PRAGMA synchronous = {mode}")
        start = rng.choice(starts)
        window.editor.select_range(start, start + 1)
        QApplication.processEvents()
        t = time.perf_counter()
        window.label_selection(LABELS[i % len(LABELS)])
        QApplication.processEvents()
        times[mode].append(ms(time.perf_counter() - t))
    conn.execute(f"PRAGMA synchronous = {shipped}")
    return times


def bench_list(db: Path, repeat: int) -> tuple[float, float, int]:
    """From opening the project file to the first rows painted."""
    from annotator.ui.document_list import DocumentListModel
    from annotator.ui.list_panel import ListPanel

    ours, bare = [], []
    fetched = 0
    for _ in range(repeat):
        t = time.perf_counter()
        with open_store(db) as store:
            model = DocumentListModel(store)
            panel = ListPanel(model)
            panel.resize(320, 800)
            panel.show()
            QApplication.processEvents()
            panel.view.viewport().repaint()
            ours.append(time.perf_counter() - t)
            fetched = model.rows_fetched
            panel.close()
            panel.deleteLater()
            QApplication.processEvents()
        t = time.perf_counter()
        conn = sqlite3.connect(db)
        conn.execute("SELECT count(*) FROM documents").fetchone()
        conn.execute("SELECT id, title, status FROM documents ORDER BY id LIMIT 40").fetchall()
        conn.close()
        bare.append(time.perf_counter() - t)
    return ms(min(ours)), ms(min(bare)), fetched


def longest_gap(run_ms: int, work=None) -> float:
    """Longest interval between 5 ms timer ticks while ``work`` (a started Worker) runs."""
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    deadline = time.monotonic() + run_ms / 1000
    while time.monotonic() < deadline or (work is not None and work.is_running()):
        QApplication.processEvents()
        time.sleep(0.001)
    timer.stop()
    return float(max(gaps) if gaps else 0)


def bench_stall(work_dir: Path, db: Path, files: int) -> tuple[float, float]:
    from annotator.ui.jobs import import_job
    from annotator.ui.workers import Worker

    folder = work_dir / "stall-import"
    folder.mkdir()
    rng = random.Random(3)
    for i in range(files):
        words = " ".join(rng.choice(WORDS) for _ in range(300))
        (folder / f"{i:05}.txt").write_text(f"Article {i}\n{words}\n", encoding="utf-8")
    idle = longest_gap(500)
    worker = Worker("Importing", import_job(db, [folder])).start()
    busy = longest_gap(200, worker)
    worker.wait()
    QApplication.processEvents()
    return busy, idle


def bench_preannotate_stall(db: Path) -> float:
    """The same while the real spaCy model loads and pre-annotates the imported files."""
    from annotator.ui.jobs import preannotate_job
    from annotator.ui.workers import Worker

    worker = Worker("Pre-annotating", preannotate_job(db)).start()
    busy = longest_gap(200, worker)
    worker.wait()
    QApplication.processEvents()
    if worker.error:
        print(f"pre-annotation failed: {worker.error}")
    return busy


def long_documents(rng: random.Random, scale: float) -> list[NewDocument]:
    """The two long documents of "long open" (``scale`` 1: full size): one line of 300,000
    words with a suggestion on every third, and 2 MB of 40-word paragraphs with 300,000 spans
    (nearly every word; a third confirmed)."""
    words = [rng.choice(WORDS) for _ in range(int(300_000 * scale))]
    line = " ".join(words)
    spans, pos = [], 0
    for i, word in enumerate(words):
        if i % 3 == 1:
            spans.append(Span(pos, pos + len(word), LABELS[i % 5], "model:bench@1", None))
        pos += len(word) + 1
    long_line = NewDocument(text=line, source="one-line.txt", spans=spans)
    parts, spans, pos, i = [], [], 0, 0
    size, wanted = int(2_000_000 * scale), int(300_000 * scale)
    while pos < size:
        i += 1
        if i > 1:
            sep = "\n\n" if i % 40 == 0 else " "
            parts.append(sep)
            pos += len(sep)
        word = rng.choice(WORDS)
        parts.append(word)
        spans.append(Span(pos, pos + len(word), LABELS[i % 5],
                          "human" if i % 3 == 0 else "model:bench@1", None))
        pos += len(word)
    step = len(spans) / wanted if len(spans) > wanted else 1
    chosen = [spans[int(k * step)] for k in range(min(wanted, len(spans)))]
    many = NewDocument(text="".join(parts), source="many-spans.txt", spans=chosen)
    return [long_line, many]


def bench_long_open(window, doc_id: int, other_id: int, repeat: int
                    ) -> tuple[float, float, float, float]:
    """Open ``doc_id`` (after ``other_id``, so each open is a switch, as a person makes it) to
    its text, gutter and spans panel painted, vs. a bare QPlainTextEdit of the same size given
    the text and painted. Median wall ms and median CPU ms of each (CPU: this process; the
    machine's load inflates wall time, not CPU time)."""
    text = window.store.documents.get(doc_id).text
    plain = QPlainTextEdit()
    plain.resize(window.editor.size())
    plain.show()
    ours, ours_cpu, bare, bare_cpu = [], [], [], []
    for _ in range(repeat):
        window.controller.open_document(other_id)
        QApplication.processEvents()
        t, c = time.perf_counter(), time.process_time()
        window.controller.open_document(doc_id)
        window.editor.viewport().repaint()
        window.editor.gutter.repaint()
        window.side.span_list.viewport().repaint()
        ours.append(time.perf_counter() - t)
        ours_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        plain.setPlainText(text)
        plain.viewport().repaint()
        bare.append(time.perf_counter() - t)
        bare_cpu.append(time.process_time() - c)
        plain.clear()
        QApplication.processEvents()
    plain.close()
    return tuple(ms(statistics.median(x)) for x in (ours, ours_cpu, bare, bare_cpu))


def run_long_open(work: Path, scale: float, repeat: int, n_labels: int) -> None:
    """The "long open" table: each long document opened ``repeat`` times and labelled
    ``n_labels`` times, beside the floors."""
    from annotator.ui.app import main_window

    db = work / "long-documents.db"
    built = time.perf_counter()
    with open_store(db) as store:
        store.documents.add([NewDocument(text="A short article.", source="short.txt"),
                             *long_documents(random.Random(11), scale)])
        ids = store.documents.ids()
    built = time.perf_counter() - built
    window = main_window(db)
    window.resize(1400, 900)
    window.show()
    QApplication.processEvents()
    window.load_tokenizer().join(120)  # labels snap to words: the first would wait for spaCy
    rows = []
    for name, doc_id in (("open 1.7 MB line", ids[1]), ("open 300k spans", ids[2])):
        doc = window.store.documents.get(doc_id)
        spans = len(window.store.spans.of(doc_id))
        wall, cpu, floor_wall, floor_cpu = bench_long_open(window, doc_id, ids[0], repeat)
        rows.append((name, len(doc.text), spans, wall, cpu, floor_wall, floor_cpu))
        window.controller.open_document(doc_id)
        QApplication.processEvents()
        ours, bare = bench_label(window, db, n_labels, random.Random(12), False)
        rows.append((name.replace("open", "label"), len(doc.text), spans,
                     statistics.median(ours), None, statistics.median(bare), None))
    window.close()
    load = os.getloadavg()[0]
    print(f"\nlong documents (scale {scale:g}, built in {built:.0f} s; {repeat} opens and "
          f"{n_labels} labels each, medians; load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"{'step':<22}{'chars':>11}{'spans':>9}{'ours ms':>10}{'cpu ms':>9}"
          f"{'floor ms':>10}{'cpu ms':>9}{'ratio':>8}{'cpu ratio':>11}")
    for name, chars, spans, wall, cpu, floor_wall, floor_cpu in rows:
        cpu_text = f"{cpu:>9.0f}" if cpu is not None else f"{'':>9}"
        floor_cpu_text = f"{floor_cpu:>9.0f}" if floor_cpu is not None else f"{'':>9}"
        cpu_ratio = (f"{cpu / floor_cpu:>11.2f}" if cpu is not None and floor_cpu
                     else f"{'':>11}")
        print(f"{name:<22}{chars:>11,}{spans:>9,}{wall:>10.0f}{cpu_text}{floor_wall:>10.0f}"
              f"{floor_cpu_text}{wall / floor_wall if floor_wall else float('inf'):>8.2f}"
              f"{cpu_ratio}")
    print("floors: open = a bare QPlainTextEdit given the text and painted; label = one sqlite3 "
          "INSERT+COMMIT and one repaint of a bare QTextEdit with the text")


def build_projects(work: Path, list_docs: int) -> tuple[Path, Path]:
    rng = random.Random(7)
    long_db = work / "long.db"
    with open_store(long_db) as store:  # the second article is for the durability turns
        store.documents.add([make_article(rng), make_article(rng)])
    list_db = work / "list.db"
    with open_store(list_db) as store:
        store.documents.add((NewDocument(text=f"Article {i}: council meets in town {i % 97}.",
                                         source=f"d{i}") for i in range(list_docs)),
                            batch_size=5000)
    return long_db, list_db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (< 1 minute)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it run?")
    parser.add_argument("--labels", type=int, default=None, help="labels to time")
    parser.add_argument("--long-only", action="store_true",
                        help="only the long documents (open and label)")
    args = parser.parse_args()
    args.quick = args.quick or args.smoke
    n_labels = args.labels or (10 if args.smoke else 200 if args.quick else 1000)
    list_docs = 2_000 if args.smoke else 100_000
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("annotator-bench")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
        scale, opens = 0.02 if args.smoke else 1.0, 2 if args.quick else 5
        long_labels = 3 if args.smoke else 4 if args.quick else 40
        if args.long_only:
            run_long_open(work, scale, opens, long_labels)
            return
        long_db, list_db = build_projects(work, list_docs)
        from annotator.ui.app import main_window

        window = main_window(long_db)
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        doc = window.controller.doc
        print(f"article: {len(doc.text.split()):,} words, {len(window.controller.spans):,} spans,"
              f" {len(window.controller.blocks)} blocks; list: {list_docs:,} documents")
        open_ours, open_bare = bench_open(window, doc.id, doc.text, 5 if args.quick else 20)
        label_ours, label_bare = bench_label(window, long_db, n_labels, random.Random(5), False)
        full_ours, full_bare = bench_label(window, long_db, n_labels, random.Random(6), True)
        fresh = next(i for i in window.store.documents.ids() if i != doc.id)
        sync = bench_sync_cost(window, fresh, 2 * n_labels, random.Random(8))
        window.close()
        list_ours, list_bare, fetched = bench_list(list_db, 3 if args.quick else 10)
        stall_busy, stall_idle = bench_stall(work, long_db,
                                              10 if args.smoke else 100 if args.quick else 1000)
        stall_model = bench_preannotate_stall(long_db)
        rows = [
            ("open + paint", open_ours, open_bare, 300),
            ("label median", statistics.median(label_ours), statistics.median(label_bare), 16),
            ("label p95", percentile(label_ours, 0.95), percentile(label_bare, 0.95), 16),
            ("label+full p95", percentile(full_ours, 0.95), percentile(full_bare, 0.95), 16),
            (f"list {list_docs // 1000}k", list_ours, list_bare, 200),
            ("stall (import)", stall_busy, stall_idle, 100),
            ("stall (spaCy)", stall_model, stall_idle, 100),
        ]
        print(f"\n{'step':<16}{'annotator ms':>13}{'floor ms':>10}{'ratio':>8}{'target ms':>11}"
              "  met")
        for name, ours, bare, target in rows:
            ratio = ours / bare if bare else float("inf")
            print(f"{name:<16}{ours:>13.1f}{bare:>10.1f}{ratio:>8.1f}{target:>11}"
                  f"  {'yes' if ours < target else 'NO'}")
        print(f"\nlabels timed: {n_labels} each way (label = to pixels, one event-loop turn; "
              f"label+full = with a repaint of the whole view); list rows read from the store: "
              f"{fetched:,} of {list_docs:,}")
        full, normal = sync["FULL"], sync["NORMAL"]
        p95_full, p95_normal = percentile(full, 0.95), percentile(normal, 0.95)
        print(f"durability: label with synchronous=FULL (shipped) median "
              f"{statistics.median(full):.1f} ms, p95 {p95_full:.1f} ms; NORMAL median "
              f"{statistics.median(normal):.1f} ms, p95 {p95_normal:.1f} ms ({len(full)} labels "
              f"each, taking turns); FULL p95 {'meets' if p95_full < 16 else 'MISSES'} 16 ms")
        print("floors: open = bare QTextEdit with the text; label = one sqlite3 INSERT+COMMIT and "
              "one repaint; list = count(*) + one page of rows; stall = idle event loop")
        run_long_open(work, scale, opens, long_labels)


if __name__ == "__main__":
    main()
