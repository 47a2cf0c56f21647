"""A corpus with injected wire-copy reprints, for the near-duplicate tests and benchmark.

Real news text: the Dragnet pages (``../shared/data/dragnet/pages.tar.xz``, read in place from the
archive, never unpacked into the repository). Each page is read by our own HTML reader, so a
document looks as an imported page does: the site's navigation and footer lines around the
article. The article's lines are the ones the Dragnet gold text contains; the rest is the site's
boilerplate.

A reprint (seeded) is a page's article, edited as syndication does it, inside the boilerplate of a
page from another site:

- the headline rewritten (some words replaced) or kept;
- the last paragraphs trimmed (up to 40% of them), sometimes a middle paragraph dropped;
- about 3% of the words replaced; a wire credit or "originally published" line added.

``make_corpus`` returns the documents and the true groups (an original with its reprints).
For the 100,000-document speed run, ``synthetic_corpus`` makes new articles from the pages'
sentences (seeded), each inside a real page's boilerplate, with the same kind of reprints.
"""

from __future__ import annotations

import json
import random
import re
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAGNET = ROOT.parent / "shared" / "data" / "dragnet"
_WS = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
WIRE_LINES = ["(Reuters) -", "(AP) —", "This story originally appeared on {site}.",
              "Distributed by Tribune Content Agency", "Copyright {site}. Used with permission.",
              "By Staff and wire reports"]


@dataclass
class Page:
    """One Dragnet page as our HTML reader sees it: boilerplate above and below the article."""

    name: str
    site: str
    top: list[str]
    article: list[str]
    bottom: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.top + self.article + self.bottom)


@dataclass
class Corpus:
    """``docs[i]`` is ``(text, source)``; ``groups`` lists the indices of each original with its
    reprints (originals without reprints are not listed)."""

    docs: list[tuple[str, str]] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)


def available(folder: Path = DRAGNET) -> bool:
    return (folder / "pages.tar.xz").is_file() and (folder / "sites.jsonl").is_file()


def load_pages(limit: int | None = None, seed: int = 0, folder: Path = DRAGNET,
               sites: Iterable[str] | None = None) -> list[Page]:
    """Pages read straight from the archive (one pass over it): ``limit`` of them, chosen with
    ``seed``, optionally only from ``sites``. Pages whose article cannot be found are skipped."""
    from annotator.io.html import decode_html, parse_html

    rows = [json.loads(line) for line in (folder / "sites.jsonl").read_text().splitlines()]
    # A page without a known site is left out: a reprint must come from another site, and two
    # such pages may well be one site (many are; they share its template).
    rows = [row for row in rows if row["site"]]
    if sites is not None:
        wanted_sites = set(sites)
        rows = [r for r in rows if r["site"] in wanted_sites]
    rows.sort(key=lambda r: r["page"])
    random.Random(seed).shuffle(rows)
    rows = rows[:limit] if limit else rows
    by_page = {f"dragnet/input/{r['page']}": r for r in rows}
    by_gold = {f"dragnet/GoldStandard/{r['gold']}": r for r in rows}
    html: dict[str, bytes] = {}
    gold: dict[str, str] = {}
    with tarfile.open(folder / "pages.tar.xz", "r:xz") as tar:
        for member in tar:
            row = by_page.get(member.name) or by_gold.get(member.name)
            if row is None or not member.isfile():
                continue
            data = tar.extractfile(member).read()
            if member.name in by_page:
                html[row["page"]] = data
            else:
                gold[row["page"]] = data.decode("utf-8", "replace")
    pages = []
    for row in rows:
        if row["page"] not in html or row["page"] not in gold:
            continue
        try:
            text, _features, _title = parse_html(decode_html(html[row["page"]], Path(row["page"])))
        except Exception:  # noqa: BLE001 - an unreadable page is simply not used
            continue
        page = _split_page(row["page"], row["site"], text, gold[row["page"]])
        if page is not None:
            pages.append(page)
    return pages


def _split_page(name: str, site: str, text: str, gold: str) -> Page | None:
    norm_gold = _WS.sub(" ", gold)
    lines = [line for line in text.split("\n") if line.strip()]
    inside = [len(line.split()) >= 3 and _WS.sub(" ", line).strip() in norm_gold
              for line in lines]
    if sum(inside) < 2:
        return None
    first = inside.index(True)
    last = len(inside) - 1 - inside[::-1].index(True)
    article = [line for line, ok in zip(lines[first:last + 1], inside[first:last + 1],
                                        strict=True) if ok]
    return Page(name, site, lines[:first], article, lines[last + 1:])


def edit_article(article: list[str], rng: random.Random, vocabulary: list[str],
                 site: str) -> list[str]:
    """A syndicated copy of an article (see the module docstring)."""
    lines = list(article)
    if rng.random() < 0.5:
        lines[0] = _replace_words(lines[0], rng, vocabulary, 0.3)
    body = lines[1:]
    if len(body) >= 3 and rng.random() < 0.6:
        cut = rng.randint(1, max(1, int(len(body) * 0.4)))
        body = body[:len(body) - cut]
    if len(body) >= 4 and rng.random() < 0.3:
        del body[rng.randrange(1, len(body) - 1)]
    body = [_replace_words(line, rng, vocabulary, 0.03) for line in body]
    lines = lines[:1] + body
    if rng.random() < 0.5:
        lines.insert(1, rng.choice(WIRE_LINES).format(site=site))
    return lines


def _replace_words(line: str, rng: random.Random, vocabulary: list[str], rate: float) -> str:
    words = line.split(" ")
    for i in range(len(words)):
        if rng.random() < rate:
            words[i] = rng.choice(vocabulary)
    return " ".join(words)


def _vocabulary(pages: list[Page]) -> list[str]:
    words = {w for p in pages for line in p.article for w in line.split() if w.isalpha()}
    return sorted(words)


def _other_site(pages: list[Page], site: str, rng: random.Random) -> Page:
    while True:
        page = rng.choice(pages)
        if page.site != site:
            return page


def _unused_host(hosts: list[Page], used: set[str], site: str, rng: random.Random) -> Page:
    """A host page of another site, each used once while there are unused ones."""
    for page in reversed(hosts):
        if page.site != site and page.name not in used:
            used.add(page.name)
            return page
    return _other_site(hosts, site, rng)


def make_corpus(pages: list[Page], reprinted: float = 0.3, max_copies: int = 4,
                seed: int = 0, hosts: float = 0.5) -> Corpus:
    """Pages as original documents, and for ``reprinted`` of them (articles of 3+ lines) 1 to
    ``max_copies`` reprints on other sites; documents are shuffled.

    A reprint takes the boilerplate of a host page: ``hosts`` of the pages are set aside as
    hosts and are not documents themselves, and each hosts one reprint while there are enough,
    because a Dragnet page's "boilerplate" includes its own readers' comments and teasers, which
    two pages of a site do not share (the site's template lines a reprint does share with the
    site's other pages among the originals)."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(pages)
    # Dragnet itself holds some stories more than once (one wire story on two sites, a blog's
    # recurring feature): only the first page of each such story is used.
    same = _same_articles(pages, 0.3)
    order = [page for i, page in enumerate(pages) if i not in same]
    rng.shuffle(order)
    n_hosts = int(len(order) * hosts)
    host_pages, originals = order[:n_hosts], order[n_hosts:]
    items: list[tuple[str, str, int]] = []  # text, source, group (-1: none)
    used: set[str] = set()
    group = 0
    for page in originals:
        copies = []
        if len(page.article) >= 3 and rng.random() < reprinted:
            for n in range(rng.randint(1, max_copies)):
                host = _unused_host(host_pages, used, page.site, rng)
                lines = host.top + edit_article(page.article, rng, vocabulary, host.site) \
                    + host.bottom
                copies.append(("\n".join(lines), f"{host.site}/reprint-{page.name}-{n}"))
        gid = group if copies else -1
        items.append((page.text, f"{page.site}/{page.name}", gid))
        items += [(text, source, gid) for text, source in copies]
        group += bool(copies)
    return _shuffled(items, rng)


def _same_articles(pages: list[Page], threshold: float = 0.5) -> dict[int, int]:
    """Page index -> index of the first page whose article holds the same story: exact word
    5-gram sets, the smaller at least ``threshold`` inside the larger."""
    sets = []
    for page in pages:
        words = re.findall(r"\w+", " ".join(page.article).lower())
        sets.append({tuple(words[i:i + 5]) for i in range(len(words) - 4)})
    index: dict[tuple, list[int]] = {}
    for i, grams in enumerate(sets):
        for g in grams:
            index.setdefault(g, []).append(i)
    parent = list(range(len(pages)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, grams in enumerate(sets):
        shared: dict[int, int] = {}
        for g in grams:
            for j in index[g]:
                if j < i:
                    shared[j] = shared.get(j, 0) + 1
        for j, n in shared.items():
            if n >= threshold * max(1, min(len(grams), len(sets[j]))):
                parent[root(i)] = root(j)
    return {i: root(i) for i in range(len(pages)) if root(i) != i}


def synthetic_corpus(pages: list[Page], n_docs: int, reprinted: float = 0.1,
                     max_copies: int = 4, seed: int = 0) -> Corpus:
    """``n_docs`` documents: new articles of 6-30 sentences drawn from the pages' articles
    (seeded), each inside a real page's boilerplate; ``reprinted`` of the originals get 1 to
    ``max_copies`` reprints as in :func:`make_corpus`."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(pages)
    sentences = [s for p in pages for line in p.article[1:] for s in _SENTENCE.split(line)
                 if len(s.split()) >= 6]
    headlines = [p.article[0] for p in pages]
    items: list[tuple[str, str, int]] = []
    group = 0
    while len(items) < n_docs:
        host = rng.choice(pages)
        paragraphs = [" ".join(rng.choices(sentences, k=rng.randint(1, 4)))
                      for _ in range(rng.randint(3, 10))]
        article = [_replace_words(rng.choice(headlines), rng, vocabulary, 0.5)] + paragraphs
        copies = []
        if rng.random() < reprinted:
            for n in range(rng.randint(1, max_copies)):
                other = _other_site(pages, host.site, rng)
                lines = other.top + edit_article(article, rng, vocabulary, other.site) \
                    + other.bottom
                copies.append(("\n".join(lines), f"{other.site}/reprint-{len(items)}-{n}"))
        gid = group if copies else -1
        items.append(("\n".join(host.top + article + host.bottom),
                      f"{host.site}/story-{len(items)}", gid))
        items += [(text, source, gid) for text, source in copies]
        group += bool(copies)
    return _shuffled(items[:n_docs], rng)


def _shuffled(items: list[tuple[str, str, int]], rng: random.Random) -> Corpus:
    rng.shuffle(items)
    corpus = Corpus()
    members: dict[int, list[int]] = {}
    for i, (text, source, gid) in enumerate(items):
        corpus.docs.append((text, source))
        if gid >= 0:
            members.setdefault(gid, []).append(i)
    corpus.groups = [m for m in members.values() if len(m) > 1]
    return corpus


def pair_scores(found: Iterable[Iterable[int]], truth: Iterable[Iterable[int]]
                ) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of ``found`` groups against ``truth`` groups (both lists
    of document indices): ``(precision, recall, found pairs, true pairs)``."""
    def pairs(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
        out = set()
        for g in groups:
            m = sorted(g)
            out.update((a, b) for i, a in enumerate(m) for b in m[i + 1:])
        return out

    f, t = pairs(found), pairs(truth)
    hit = len(f & t)
    return (hit / len(f) if f else 1.0), (hit / len(t) if t else 1.0), len(f), len(t)
