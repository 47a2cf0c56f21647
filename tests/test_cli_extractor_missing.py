"""A missing optional extractor (trafilatura, or the lxml_html_clean it needs) costs one logged
warning: section suggestions for HTML pages go on from the other rules, and a whole
`annotator import --preannotate` run finishes."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.io.html import read_html
from annotator.nlp import section_html
from annotator.nlp.sections import suggest_sections

HTML_DEV = Path(__file__).resolve().parent / "data" / "html_dev"
PAGES = sorted(HTML_DEV.glob("*.html"))
WARNING = "trafilatura cannot be imported"


@pytest.fixture
def no_trafilatura(monkeypatch):
    """Importing trafilatura fails, as it does when lxml_html_clean was never installed."""
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    section_html._trafilatura.cache_clear()
    yield
    section_html._trafilatura.cache_clear()


def test_section_suggestions_for_html_go_on_with_one_warning(no_trafilatura, caplog):
    docs = [next(d for d in read_html(page) if hasattr(d, "text")) for page in PAGES[:3]]
    with caplog.at_level(logging.WARNING, logger="annotator.nlp.section_html"):
        for doc in docs:
            labels = suggest_sections(doc.text, doc.block_features, doc.html)
            assert len(labels) == len(doc.text.strip().splitlines()) - doc.text.count("\n\n")
            assert all(labels) and "body" in labels
    assert sum(WARNING in r.getMessage() for r in caplog.records) == 1
    assert section_html.extract_main_text(docs[0].html) == ""


def test_the_extractor_is_used_again_once_importable(no_trafilatura):
    assert section_html.extract_main_text("<p>x</p>") == ""
    sys.modules.pop("trafilatura")
    section_html._trafilatura.cache_clear()
    html = (HTML_DEV / "01-news-article.html").read_text(encoding="utf-8")
    assert len(section_html.extract_main_text(html).split()) > 50


@pytest.mark.slow
def test_import_and_preannotate_of_html_pages_finishes_without_lxml_html_clean(tmp_path):
    """The real CLI in a fresh process where `import lxml_html_clean` fails (as after a plain
    pip install with Python 3.11's pip before lxml_html_clean was declared)."""
    db, pages = tmp_path / "p.db", tmp_path / "pages"
    pages.mkdir()
    for page in PAGES:
        (pages / page.name).write_bytes(page.read_bytes())
    script = ("import sys\n"
              "sys.modules['lxml_html_clean'] = None\n"
              "from annotator.cli import main\n"
              "main(['import', '--db', sys.argv[1], '--preannotate', sys.argv[2]])\n")
    proc = subprocess.run([sys.executable, "-c", script, str(db), str(pages)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count(WARNING) == 1, proc.stderr
    assert f"Added {len(PAGES)} documents" in proc.stdout
    assert f"Pre-annotated {len(PAGES)} documents" in proc.stdout
    with sqlite3.connect(db) as con:
        with_sections = con.execute("SELECT COUNT(DISTINCT doc_id) FROM sections").fetchone()[0]
    assert with_sections == len(PAGES)
