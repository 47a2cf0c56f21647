"""The pages the section classifier is trained and measured on, as plain data.

- the block-labelled dev sets in ``tests/data/`` (synthetic, written for the rules; see its README);
- the Dragnet pages in ``../shared/data/dragnet/`` (real news and blog pages of 2012 with the
  article text a person extracted, :func:`read_gold`; unpack ``pages.tar.xz`` outside the repo
  and pass the folder).
  A block is ``body`` when its words are in the gold article text (most of its word 4-grams, or
  the whole line for a line of one to three words), each part of the gold text matching one block
  only (a page showing its article twice holds it once in the gold: :func:`dragnet_labels`).
  The gold says nothing about bylines or related links, so a non-body block takes the rules'
  label when that is ``byline`` or ``related_links`` and is ``boilerplate`` otherwise.

Held-out sites: a whole site is held out when ``crc32(site) % 5 == 0`` (a page without a site by
its page name), so the split never depends on the order of files. Development sites
(:func:`dev_site`): a quarter of the other sites, left out of training with ``--dev-split``.
``prepare_page`` (the rules and trafilatura) is the slow part: with ``cache`` set its result is
kept as JSON per page, under a name holding :func:`code_stamp` (the import and section code that
made it), so a change to that code never reads an older parse back.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import re
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from annotator.io.html import decode_html, parse_html
from annotator.io.problems import ImportProblem
from annotator.nlp.evaluate import gold_blocks, shingles
from annotator.nlp.section_features import PreparedPage, SectionPage, prepare_page

REPO = Path(__file__).resolve().parent.parent
DEV_SETS = ("sections_dev.jsonl", "sections_holdout.jsonl", "sections_holdout2.jsonl")
MEASURE_SET = "sections_holdout3.jsonl"  # never trained on by the classifier
DRAGNET = REPO.parent / "shared" / "data" / "dragnet"
_WORDS = re.compile(r"\w+", re.UNICODE)
# Dragnet's separator "!@#$%^&*()  COMMENTS", typed by hand: some have typos ("!@ $%^&*()",
# "#$%^&*()", "COMMNENTS"); all of them hold "%^&*".
_COMMENTS = re.compile(r"^[^\n]*%\^&\*", re.MULTILINE)
# The source files whose code makes a cached page (the HTML parse, the blocks, the rules and
# features of ``prepare_page``). Before the stamp, a cache kept by page name alone served the
# parse of an older import: after the HTML import stopped reading textarea contents, a cache
# made before it still gave 26 of the 457 development and held-out pages their form text.
# The classifier's own modules (section_model, section_train) make nothing cached: not listed.
CACHE_SOURCES = ("annotator/domain.py", "annotator/io/html.py", "annotator/io/text.py",
                 "annotator/nlp/sections.py", "annotator/nlp/section_base.py",
                 "annotator/nlp/section_boilerplate.py", "annotator/nlp/section_context.py",
                 "annotator/nlp/section_features.py", "annotator/nlp/section_html.py",
                 "annotator/nlp/section_rules.py")


@dataclass
class LabelledPage:
    name: str
    site: str | None
    page: SectionPage
    prepared: PreparedPage
    labels: list[str | None]
    gold_text: str | None = None  # the article text (Dragnet pages)

    @property
    def held_out(self) -> bool:
        return held_out(self.site, self.name)


def held_out(site: str | None, name: str) -> bool:
    """Whether a page's whole site is in the held-out fifth (see the module docstring)."""
    return zlib.crc32((site or f"page:{name}").encode("utf-8")) % 5 == 0


def dev_site(site: str | None, name: str, quarter: int = 0) -> bool:
    """Whether a page's site is in quarter ``quarter`` of the sites outside the held-out fifth
    (``crc32("sections-dev:" + site) % 4 == quarter``); pages without a site are in none.

    Quarter 0 is the development split: ideas are tried on it, with a model trained without it
    (``tools/train_base_sections.py --dev-split``), without looking at the held-out sites.
    Quarters 2 and 3 were read as whole-quarter figures in the fourth and fifth rounds. Quarter 1
    was never read before the twelfth round: with a model trained without it (``--dev-split
    1``), its sites are as unseen as sites get here (``bench/learning.py sections --dev-split
    1``). Together the four quarters and the held-out fifth cross-validate by site: each site
    scored by a model that never saw it."""
    if not site:
        return False
    return (not held_out(site, name)
            and zlib.crc32(("sections-dev:" + site).encode("utf-8")) % 4 == quarter)



def dragnet_labels(prepared: PreparedPage, gold_text: str) -> list[str | None]:
    """Block labels derived from the gold article text (see the module docstring).

    The gold text is used up as blocks match it, in page order: a block is body when most of its
    word 4-grams (counted with repeats) are still unmatched in the gold, and its 4-grams are then
    taken out; a line of one to three words takes one matching gold line. A page that shows its
    article twice or three times (a hidden copy, a print or teaser variant of the same text) holds
    it once in the person's text, and the field's score counts 4-grams with their repeats, so the
    second and later copies are not body."""
    left = shingles(gold_text)
    lines = Counter(" ".join(_WORDS.findall(line.casefold())) for line in gold_text.splitlines())
    out: list[str | None] = []
    for text, rules in zip(prepared.texts, prepared.rules, strict=True):
        grams = shingles(text)
        if grams:
            total = sum(grams.values())
            body = sum(min(n, left[g]) for g, n in grams.items()) / total >= 0.5
            if body:
                left -= grams
        else:
            line = " ".join(_WORDS.findall(text.casefold()))
            body = lines[line] > 0
            if body:
                lines[line] -= 1
        out.append("body" if body else rules if rules in ("byline", "related_links")
                   else "boilerplate")
    return out


def dev_pages(names: tuple[str, ...] = DEV_SETS) -> list[LabelledPage]:
    """The block-labelled sets of ``tests/data`` (no HTML, no site)."""
    out = []
    for name in names:
        path = REPO / "tests" / "data" / name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            record = json.loads(line)
            page = SectionPage(record["text"])
            labels = gold_blocks(record["text"], record.get("sections") or [])
            out.append(LabelledPage(f"{name}:{number}", None, page, prepare_page(page), labels))
    return out


def _load_one(args: tuple[str, str | None, str, str | None]) -> LabelledPage | None:
    folder, site, name, cache = args
    root = Path(folder)
    path = root / "input" / name
    data = path.read_bytes()
    try:
        html = decode_html(data, path)
    except ImportProblem:  # the import refuses mixed encodings; these pages are 2012's Windows-1252
        html = data.decode("cp1252", errors="replace")
    gold_text = read_gold(root / "GoldStandard" / (name.rsplit(".", 1)[0] + ".txt"))
    stamp = code_stamp()
    parsed = _cached(cache, f"{name}.{stamp}.page.json", lambda: _parse(html))
    if parsed is None:
        return None
    text, features = parsed["text"], parsed["features"]
    page = SectionPage(text, html, features, site)
    prepared = PreparedPage(**_cached(cache, f"{name}.{stamp}.json",
                                      lambda: asdict(prepare_page(page))))
    prepared.features = page.block_features()  # the parse's own (a cache may predate a key)
    return LabelledPage(name, site, page, prepared, dragnet_labels(prepared, gold_text),
                        gold_text)


def read_gold(path: Path) -> str:
    """A Dragnet gold file's article text: UTF-16 when it starts with a byte-order mark (five
    files do), UTF-8 otherwise; cut at Dragnet's comments separator (a line ``!@#$%^&*()
    COMMENTS``, then the readers' comments: 424 of the 1,381 files), since the article text is
    the part before it (Dragnet's own reader splits there). Before issue 14's third round the
    whole file was read as UTF-8, so comments counted as article text and the five UTF-16
    pages had no usable gold."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8-sig", errors="replace")
    cut = _COMMENTS.search(text)
    return text[:cut.start()] if cut else text


def _parse(html: str) -> dict | None:
    try:
        text, features, _title = parse_html(html)
    except ValueError:
        return None
    return {"text": text, "features": features}


@functools.lru_cache(maxsize=8)
def code_stamp(root: Path = REPO, patterns: tuple[str, ...] = CACHE_SOURCES) -> str:
    """12 hex digits of a SHA-1 over the files matching ``patterns`` under ``root`` (their paths
    and bytes, in path order; read once per process): part of every cache file's name, so the
    cache follows the code."""
    digest = hashlib.sha1()
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _cached(cache: str | None, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept as JSON under ``cache`` (written atomically; a broken file is
    computed again)."""
    path = Path(cache) / name if cache else None
    if path is not None and path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            pass
    value = compute()
    if path is not None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(value), encoding="utf-8")
        tmp.replace(path)
    return value


def dragnet_pages(folder: Path, cache: Path | None = None, processes: int = 2,
                  only: set[str] | None = None) -> list[LabelledPage]:
    """The Dragnet pages under ``folder`` (the unpacked ``dragnet/`` with ``input/`` and
    ``GoldStandard/``), in ``sites.jsonl`` order; ``only``: page names to keep."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    todo = []
    for line in (DRAGNET / "sites.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if only is None or record["page"] in only:
            todo.append((str(folder), record["site"], record["page"],
                         str(cache) if cache else None))
    if processes > 1:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            pages = pool.map(_load_one, todo, chunksize=8)
    else:
        pages = [_load_one(item) for item in todo]
    return [p for p in pages if p is not None]


def by_site(pages: list[LabelledPage]) -> dict[str, list[LabelledPage]]:
    sites: dict[str, list[LabelledPage]] = {}
    for page in pages:
        if page.site:
            sites.setdefault(page.site, []).append(page)
    return sites
