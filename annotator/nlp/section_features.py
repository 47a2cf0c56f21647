"""What the section classifier sees of each block: the rules' votes, the block's shape and place,
its neighbours, its HTML, and what the site's other pages say about the same line.

Plain data in, plain data out (no Qt, no SQLite): a :class:`SectionPage` (text, optional HTML and
per-block HTML features, optional site) and a :class:`SiteEvidence` built from the texts of the
*other* documents of the same site (and the labels a person confirmed on some of them) give one
``{feature name: value}`` dict per block. :mod:`annotator.nlp.section_model` turns the names into
columns with the list it was trained with, so a feature it never saw is ignored, never an error.

The rules (:mod:`annotator.nlp.sections`) are features here: each rule that fires adds
``rule:NAME:LABEL`` = 1. Their hand-set weights are not used; the classifier learns its own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.domain import blocks
from annotator.nlp.section_base import BODY, BOILERPLATE, BYLINE, RELATED
from annotator.nlp.sections import analyse

LABELS: tuple[str, ...] = (BODY, BYLINE, RELATED, BOILERPLATE)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "td", "span", "a", "dd", "dt",
         "blockquote", "figcaption", "time", "title", "pre", "section", "article", "form")
_LANDMARKS = ("nav", "header", "footer", "aside", "article", "main", "form", "figure")


# The import's flag for a block the page hides in its markup
# (:func:`annotator.io.html.hidden_inline`), the row feature, and the site-wide template key it is
# counted under (see :data:`annotator.nlp.section_model.HIDDEN_BODY`).
HIDDEN = "hidden"


def normalise_line(text: str) -> str:
    """A line as template evidence compares it: case-folded, words only, digits as 0 (so "Page 2
    of 9" on one page and "Page 3 of 7" on another are the same template line)."""
    return _DIGIT.sub("0", " ".join(_NOT_WORD.sub(" ", text.casefold()).split()))


@dataclass
class SectionPage:
    """One document as the classifier reads it.

    ``text``: the document text (one block per non-blank line, see :func:`annotator.domain.blocks`);
    ``html``: the page, for trafilatura's opinion (optional); ``features``: the per-block HTML
    features stored at import (``tag``, ``landmarks``, ``classes``, ``link_density``), ignored when
    their count differs from the blocks'; ``site``: the page's site (host), or None."""

    text: str
    html: str | None = None
    features: list[dict[str, Any]] | None = None
    site: str | None = None

    def block_texts(self) -> list[str]:
        return [self.text[b.start:b.end].strip() for b in blocks(self.text)]

    def block_features(self) -> list[dict[str, Any]]:
        texts = self.block_texts()
        feats = list(self.features or [])
        return feats if len(feats) == len(texts) else [{} for _ in texts]


def shape_key(feature: dict[str, Any]) -> str | None:
    """A block's place in the site's template: its tag path (the enclosing block elements with
    their first class, recorded at import since issue 14), classes and landmarks (HTML only).
    Digits are 0 (``comment_113162416`` and ``comment_113159626`` are one template slot)."""
    if not feature or not feature.get("tag"):
        return None
    marks = ",".join(feature.get("landmarks") or [])
    where = feature.get("path") or feature.get("tag")
    return _DIGITS.sub("0", f"{where}|{feature.get('classes') or ''}|{marks}")


def template_keys(feature: dict[str, Any]) -> list[tuple[str, str]]:
    """``(kind, key)`` of a block's template slot from specific to general: ``shape``
    (:func:`shape_key`), ``path`` (the tag path alone, without the block's own classes and
    landmarks), ``anchor`` (the nearest enclosing element with a class or id, and the block's
    tag: the path keeps three elements, so a paragraph in an unclassed wrapper loses its
    ``div.article-content`` from the path but not from its anchor) and ``parent`` (the path
    less its last element: the block's container). A site's confirmed labels are counted under
    each, so a slot never seen exactly still has its container's evidence. A block the page
    hides in its markup also has ``hidden``, one key for the whole site: whether its person
    tags hidden text as body (:data:`annotator.nlp.section_model.HIDDEN_BODY`). Empty without HTML;
    pages imported before the anchor was recorded have no ``anchor`` key."""
    key = shape_key(feature)
    if key is None:
        return []
    path = _DIGITS.sub("0", feature.get("path") or feature.get("tag") or "")
    keys = [("shape", key), ("path", f"path={path}")]
    anchor = feature.get("anchor")
    if anchor:
        tag = feature.get("tag") or ""
        keys.append(("anchor", _DIGITS.sub("0", f"anchor={anchor}>{tag}")))
    if ">" in path:
        keys.append(("parent", f"parent={path.rsplit('>', 1)[0]}"))
    if feature.get(HIDDEN):
        keys.append((HIDDEN, HIDDEN))
    return keys


@dataclass
class SiteEvidence:
    """What the other documents of one site say, as plain counts.

    - ``documents``: how many other documents were counted; ``lines``: normalised line -> in how
      many of them it occurs (once per document) - a line on most of a site's pages is template;
    - ``confirmed``: how many pages a person confirmed; ``line_labels``: normalised line -> label
      counts on those pages; ``shape_labels``: each of :func:`template_keys`' keys -> label
      counts on those pages.

    Build it from the *other* documents of the page's site (:meth:`from_texts`,
    :meth:`add_confirmed`); when a site's counts include the page itself use :meth:`without`.
    Serialisable with :meth:`to_dict` / :meth:`from_dict` (plain JSON types)."""

    documents: int = 0
    lines: Counter[str] = field(default_factory=Counter)
    confirmed: int = 0
    line_labels: dict[str, Counter[str]] = field(default_factory=dict)
    shape_labels: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> SiteEvidence:
        """Template counts from the texts of a site's other documents."""
        evidence = cls()
        for text in texts:
            evidence.add_text(text)
        return evidence

    def add_text(self, text: str) -> None:
        self.documents += 1
        self.lines.update(_line_set(text))

    def add_confirmed(self, page: SectionPage, labels: Sequence[str | None]) -> None:
        """Count the labels a person confirmed on ``page`` (one per block, None = unlabelled)."""
        self.confirmed += 1
        for text, feat, label in zip(page.block_texts(), page.block_features(), labels,
                                     strict=False):
            if label is None:
                continue
            self.line_labels.setdefault(normalise_line(text), Counter())[label] += 1
            for _kind, key in template_keys(feat):
                self.shape_labels.setdefault(key, Counter())[label] += 1

    def without(self, text: str) -> SiteEvidence:
        """These counts less one document's lines (when the site's counts included it)."""
        lines = self.lines.copy()
        lines.subtract(_line_set(text))
        return SiteEvidence(max(0, self.documents - 1), +lines, self.confirmed,
                            self.line_labels, self.shape_labels)

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "lines": dict(self.lines),
                "confirmed": self.confirmed,
                "line_labels": {k: dict(v) for k, v in self.line_labels.items()},
                "shape_labels": {k: dict(v) for k, v in self.shape_labels.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteEvidence:
        return cls(int(data.get("documents", 0)), Counter(data.get("lines", {})),
                   int(data.get("confirmed", 0)),
                   {k: Counter(v) for k, v in data.get("line_labels", {}).items()},
                   {k: Counter(v) for k, v in data.get("shape_labels", {}).items()})


def _line_set(text: str) -> set[str]:
    return {normalise_line(text[b.start:b.end]) for b in blocks(text)} - {""}


# ASCII bytes by class, for counting a block's characters with bytes.translate (in C): a
# class's count is how many bytes deleting it removes. The classes are the str predicates'
# own (isalpha, isupper, isdigit, neither isalnum nor isspace), so the counts are the same.
_ASCII = [chr(b) for b in range(128)]
_ASCII_ALPHA = bytes(b for b, c in enumerate(_ASCII) if c.isalpha())
_ASCII_UPPER = bytes(b for b, c in enumerate(_ASCII) if c.isupper())
_ASCII_DIGIT = bytes(b for b, c in enumerate(_ASCII) if c.isdigit())
_ASCII_PUNCT = bytes(b for b, c in enumerate(_ASCII) if not c.isalnum() and not c.isspace())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The first character of every run _WORD finds (one not preceded by a character of its class).
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]", re.UNICODE)


def _is_punct(c: str) -> bool:
    return not c.isalnum() and not c.isspace()


def _class_counts(text: str) -> tuple[int, int, int, int]:
    """``(letters, capitals, digits, punctuation)`` in ``text`` by the str predicates: the ASCII
    characters counted with bytes.translate, the few others one by one (a per-character Python
    loop over a paragraph was most of :func:`_shape`'s time, issue 12)."""
    raw = text.encode("ascii", "ignore")
    n = len(raw)
    counts = [n - len(raw.translate(None, table))
              for table in (_ASCII_ALPHA, _ASCII_UPPER, _ASCII_DIGIT, _ASCII_PUNCT)]
    if n != len(text):
        other = _NON_ASCII.findall(text)
        for k, test in enumerate((str.isalpha, str.isupper, str.isdigit, _is_punct)):
            counts[k] += sum(map(test, other))
    return counts[0], counts[1], counts[2], counts[3]


def _shape(text: str) -> dict[str, float]:
    chars = max(1, len(text))
    words = _WORD.findall(text)
    n = len(words)
    alpha, upper, digits, punct = _class_counts(text)
    letters = alpha or 1
    stripped = text.rstrip("\"'”’)] ")
    return {
        "words_log": math.log1p(n),
        "words_1": float(n <= 1), "words_2_4": float(2 <= n <= 4), "words_5_9": float(5 <= n <= 9),
        "words_10_19": float(10 <= n <= 19), "words_20+": float(n >= 20),
        "punct": punct / chars,
        "capitals": upper / letters,
        # a word's first character is upper case: counted over the runs' first characters
        "title_case": sum(map(str.isupper, _WORD_START.findall(text))) / n if n else 0.0,
        "digits": digits / chars,
        "ends_sentence": float(stripped.endswith((".", "!", "?", "…"))),
        "ends_colon": float(stripped.endswith(":")),
        "sentences": math.log1p(text.count(". ")),
        "has_pipe": float("|" in text or "•" in text or "·" in text),
        "has_at": float("@" in text),
        "has_copyright": float("©" in text or "(c)" in text.casefold()),
    }


def _runs(paragraph: list[bool]) -> tuple[int, int]:
    """``(first, last)`` block of the longest run of running text (gaps of one block allowed)."""
    best, start, gap, last = (0, -1), None, 0, -1
    for i, is_par in enumerate([*paragraph, False, False]):
        if is_par:
            start = i if start is None else start
            gap, last = 0, i
        elif start is not None:
            gap += 1
            if gap > 1:
                if last - start > best[1] - best[0]:
                    best = (start, last)
                start, gap = None, 0
    return best


def _fractions(counts: Counter[str] | None, prefix: str) -> dict[str, float]:
    if not counts:
        return {}
    total = sum(counts.values())
    out = {f"{prefix}:{label}": counts.get(label, 0) / total for label in LABELS}
    out[f"{prefix}:seen"] = 1.0
    out[f"{prefix}:log"] = math.log1p(total)
    return out


# The per-block features copied to the neighbours' window (the most telling, to keep it small).
WINDOW = _WINDOW = ("words_log", "ends_sentence", "link_density", "kept", "template", "in_run",
           "main_container", "thread_class", "thread_meta",
           *(f"votes:{label}" for label in LABELS), *(f"line:{label}" for label in LABELS),
           *(f"shape:{label}" for label in LABELS), *(f"path:{label}" for label in LABELS))
# Trafilatura's decision crossed with where the block sits (``kept&in_run``, ``dropped&tag:li``):
# its word counts more in some places than others (a kept paragraph inside the run of running
# text, a dropped list item), which one weight per feature cannot say. Measured on the
# development split and on a second quarter of the training sites left out of training:
# zero-shot body F1 0.913 -> 0.916 and 0.938 -> 0.942.
_CROSSED = ("in_run", "main_container", "words_20+", "ends_sentence", "landmark:none", "tag:p",
            "tag:div", "tag:li", "tag:h1")
_CROSS_NAMES = {kind: {k: f"{kind}&{k}" for k in (*_CROSSED, "links")}
                for kind in ("kept", "dropped")}
# The rules' own body / boilerplate decision crossed the same way, and with trafilatura's
# (``rules:body&links``, ``rules:boilerplate&kept``): when the rules' page-level context misfires
# (a heading read as the start of the comments, a row of teaser headlines read as inside the
# article) the block's place and trafilatura still disagree with them, and one weight for the
# decision cannot let them. Measured with models trained without the scored sites (two quarters
# of the training sites): zero-shot body F1 0.922 -> 0.925 and 0.943 -> 0.948.
_RULES_CROSSED = (*_CROSSED, "kept", "dropped")
_RULES_CROSS_NAMES = {label: {k: f"rules:{label}&{k}" for k in (*_RULES_CROSSED, "links")}
                      for label in (BODY, BOILERPLATE)}
# Their names as a neighbour's ("n-1:words_log"), made once rather than per block and feature.
NEIGHBOUR_NAMES = _NEIGHBOUR_NAMES = {offset: {k: f"n{offset:+d}:{k}" for k in (*_WINDOW, "edge")}
                    for offset in (-2, -1, 1, 2)}


@dataclass
class PreparedPage:
    """The part of a page's features that does not depend on site evidence (the rules' votes,
    shape, HTML, trafilatura): the slow part, computed once per page and reusable with any
    evidence (plain JSON types, so a caller may cache it)."""

    texts: list[str]
    features: list[dict[str, Any]]
    rows: list[dict[str, float]]
    rules: list[str | None] = field(default_factory=list)  # the rules' own labels, for reference


def _running(row: dict[str, float]) -> bool:
    """A paragraph of running text a reader sees: 20+ words, ends a sentence, not hidden by the
    page's markup (a slideshow's other slides would otherwise make the article's run)."""
    return bool(row.get("words_20+", 0.0) > 0 and row["ends_sentence"] > 0
                and not row.get(HIDDEN))


def prepare_page(page: SectionPage) -> PreparedPage:
    texts = page.block_texts()
    feats = page.block_features()
    analysed = analyse(page.text, page.features, page.html)
    kept = _kept(page, texts) if page.html else None
    n = len(texts)
    rows: list[dict[str, float]] = []
    for i, ((text, _, votes), feat) in enumerate(zip(analysed, feats, strict=True)):
        row = _shape(text)
        for label, named in votes.items():
            row[f"votes:{label}"] = float(len(named))
            for name, _weight in named:
                row[f"rule:{name}:{label}"] = 1.0
        row["index_log"] = math.log1p(i)
        row["from_end_log"] = math.log1p(n - 1 - i)
        row["position"] = i / max(1, n - 1)
        _html(row, feat, kept[i] if kept is not None else None)
        rows.append(row)
    first, last = _runs([_running(r) for r in rows])
    for i, row in enumerate(rows):
        row["in_run"] = float(first <= i <= last)
        row["before_run_log"] = math.log1p(max(0, first - i))
        row["after_run_log"] = math.log1p(max(0, i - last)) if last >= 0 else 0.0
    return PreparedPage(texts, feats, rows, [label for _, label, _ in analysed])


def page_features(page: SectionPage | PreparedPage, evidence: SiteEvidence | None = None
                  ) -> list[dict[str, float]]:
    """One ``{name: value}`` dict per block of ``page`` (see the module docstring); ``page`` may
    be a :class:`PreparedPage` made earlier (:func:`prepare_page`)."""
    out = block_rows(page, evidence)
    n = len(out)
    core = [{k: row[k] for k in _WINDOW if k in row} for row in out]
    for i, row in enumerate(out):
        for offset, names in _NEIGHBOUR_NAMES.items():
            j = i + offset
            if 0 <= j < n:
                row.update({names[k]: v for k, v in core[j].items()})
            else:
                row[names["edge"]] = 1.0
        row["bias"] = 1.0
        _crossed(row)
    return out


def block_rows(page: SectionPage | PreparedPage, evidence: SiteEvidence | None = None
               ) -> list[dict[str, float]]:
    """:func:`page_features` without the neighbours' window (``n-1:words_log``, ``n+2:edge``),
    ``bias`` and the crossed features: what :meth:`SectionModel.window_matrix
    <annotator.nlp.section_model.SectionModel.window_matrix>` turns into the same matrix
    without making the window's dicts."""
    prepared = page if isinstance(page, PreparedPage) else prepare_page(page)
    out = [dict(row) for row in prepared.rows]
    if len(prepared.rules) == len(out):  # the rules' own decision, beside their single votes
        for row, label in zip(out, prepared.rules, strict=True):
            if label:
                row[f"rules:{label}"] = 1.0
    _containers(out, prepared.features)
    _repeats(out, prepared.texts)
    _threads(out, prepared.texts, prepared.features)
    if evidence is not None:
        for row, text, feat in zip(out, prepared.texts, prepared.features, strict=True):
            _site(row, text, feat, evidence)
    return out


def unwindowed_rows(page: SectionPage | PreparedPage, evidence: SiteEvidence | None = None
                    ) -> list[dict[str, float]]:
    """:func:`page_features`' rows without the neighbours' window: :func:`block_rows` with
    ``bias`` and the crossed features (neither reads the window)."""
    out = block_rows(page, evidence)
    for row in out:
        row["bias"] = 1.0
        _crossed(row)
    return out


def _crossed(row: dict[str, float]) -> None:
    """Add trafilatura's keep/drop decision crossed with the block's place (see _CROSSED), and
    the rules' body/boilerplate decision crossed with the place and trafilatura's decision (see
    _RULES_CROSSED)."""
    kind = "kept" if row.get("kept") else "dropped" if row.get("dropped") else None
    if kind is not None:
        _cross(row, _CROSS_NAMES[kind], _CROSSED)
    label = BODY if row.get(f"rules:{BODY}") else BOILERPLATE if row.get(f"rules:{BOILERPLATE}") \
        else None
    if label is not None:
        _cross(row, _RULES_CROSS_NAMES[label], _RULES_CROSSED)


def _cross(row: dict[str, float], names: dict[str, str], keys: tuple[str, ...]) -> None:
    for key in keys:
        if row.get(key):
            row[names[key]] = 1.0
    if row.get("link_density", 0.0) >= 0.5:
        row[names["links"]] = 1.0


def _containers(rows: list[dict[str, float]], feats: list[dict[str, Any]]) -> None:
    """The page's main container: the parent of its tag path (:func:`template_keys`' ``parent``)
    that holds the most words of running text (blocks of 20+ words ending a sentence). Each
    block gets ``container_share`` (the share of those words in its own container) and
    ``main_container`` (1 in the main one): the article's paragraphs share a container, the
    teasers, captions and comments around them mostly do not. Nothing without HTML."""
    parents = [dict(template_keys(feat)).get("parent") for feat in feats]
    words: Counter[str] = Counter()
    for row, parent in zip(rows, parents, strict=True):
        if parent and _running(row):
            words[parent] += math.expm1(row["words_log"])
    total = sum(words.values())
    if not total:
        return
    main = words.most_common(1)[0][0]
    for row, parent in zip(rows, parents, strict=True):
        if parent:
            row["container_share"] = words.get(parent, 0.0) / total
            row["main_container"] = float(parent == main)


def word_grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """The distinct word ``n``-grams of ``text`` (case-folded words), the unit the field scores
    article text in; empty for a line of fewer than ``n`` words."""
    words = _NOT_WORD.sub(" ", text.casefold()).split()
    return set(zip(*(words[i:] for i in range(n)), strict=False))


def drop_repeated_body(labels: Sequence[str], texts: Sequence[str],
                       other: str = BOILERPLATE) -> list[str]:
    """``labels`` with every body block that repeats text earlier body blocks of the page already
    gave (all its word 4-grams, or the same normalised line for a line under four words) set to
    ``other``, when it sits in a run of repeats (a block beside it also repeats earlier text): a
    page that shows its article twice (a hidden copy, a print variant) is read once. A lone
    repeated line is a pull quote, which a person keeps as body, and stays."""
    grams = [word_grams(text) for text in texts]
    lines = [normalise_line(text) if not g else "" for text, g in zip(texts, grams, strict=True)]
    repeats = _repeated(grams, lines, range(len(texts)))
    body = [i for i, label in enumerate(labels) if label == BODY]
    again = _repeated(grams, lines, body)
    out = list(labels)
    for i in body:
        if again[i] and ((i > 0 and repeats[i - 1]) or (i + 1 < len(texts) and repeats[i + 1])):
            out[i] = other
    return out


def _repeated(grams: list[set[tuple[str, ...]]], lines: list[str],
              order: Iterable[int]) -> dict[int, bool]:
    """For each block of ``order`` (indices, in page order), whether the blocks before it in
    ``order`` already hold its text (its 4-grams, or its line when it has none)."""
    seen: set[tuple[str, ...]] = set()
    seen_lines: set[str] = set()
    out: dict[int, bool] = {}
    for i in order:
        if grams[i]:
            out[i] = grams[i] <= seen
            seen |= grams[i]
        else:
            out[i] = lines[i] in seen_lines
            seen_lines.add(lines[i])
    return out


def _repeats(rows: list[dict[str, float]], texts: list[str]) -> None:
    """Text the page has already shown: ``repeat_share`` is the share of a block's word 4-grams
    that an earlier block of the page holds, ``repeat_line`` is 1 when an earlier block is the
    same normalised line. A page that shows its article twice (a hidden copy, a teaser of the
    first paragraph, a print variant) is read once: the later copy is not more body text."""
    seen: set[tuple[str, ...]] = set()
    lines: set[str] = set()
    for row, text in zip(rows, texts, strict=True):
        # the words of word_grams and normalise_line (the runs of word characters between
        # _NOT_WORD's runs), found directly rather than by replacing those runs and splitting
        words = _WORD.findall(text.casefold())
        grams = set(zip(words, words[1:], words[2:], words[3:], strict=False))
        if grams:
            share = len(grams & seen) / len(grams)
            if share:
                row["repeat_share"] = share
            seen |= grams
        line = _DIGIT.sub("0", " ".join(words))
        if line in lines:
            row["repeat_line"] = 1.0
        lines.add(line)


# Reader comments (issue 14): a thread is a run of short header lines (a name with "says:", a
# date or time of day, "Reply" / "Report abuse" / vote counts) each followed by a few paragraphs,
# often in elements whose class or id names a comment system. These are general signals of the
# genre, not any one site's wording; the classifier learns their weights.
_THREAD_CLASS = re.compile(r"comment(?!ary|ator)|repl(?:y|ies)|respon(?:d|se)|disqus|dsq-|"
                           r"discussion|talkback|guestbook", re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_THREAD_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\b\.?)?|\b(?:a|an|\d+)\s+"
                          r"(?:second|minute|hour|day|week|month|year)s?\s+ago\b", re.IGNORECASE)
_THREAD_DATE = re.compile(r"\b" + _MONTH + r"\s+\d{1,2}\b|\b\d{1,2}\s+" + _MONTH
                          + r"(?:\s|$)|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b", re.IGNORECASE)
_THREAD_SAYS = re.compile(r"\b(?:says|said|wrote|writes|replied|sagt|schreibt|dice|dit|écrit)"
                          r"\s*:?\s*$", re.IGNORECASE)
_THREAD_CONTROLS = re.compile(
    r"^[\W\d_]*(?:(?:reply|replies|report|abuse|flag|like|likes|dislike|permalink|quote|"
    r"recommend|vote|votes|points?|up|down|share)\b[\W\d_]*)+$", re.IGNORECASE)
THREAD_HEADER_WORDS = 15  # a comment's header line (name, date, controls) is at most this long


def _threads(rows: list[dict[str, float]], texts: list[str], feats: list[dict[str, Any]]) -> None:
    """Reader-comment signals. Per block: ``thread_class`` (its class/id or tag path names a
    comment system: ``li.comment>div.comment-body>p``, ``dsq-comment-message``), ``thread_meta``
    (a short line shaped like a comment's header: a date or time of day, "NAME says:", or only
    controls such as "Reply | Report abuse" or a vote count), ``thread_says`` (the "says:" kind).
    Per page, for the blocks after the start of the longest run of running text (the article's
    first paragraph): ``thread_seen_log`` (how many header lines - ``thread_meta``, or a short
    ``thread_class`` line - came before the block since that start) and ``thread_seen_2`` (two
    or more): an article paragraph has at most a dateline above it, a reader's comment sits
    under a row of them. The byline above the article's first paragraph is not counted. A date
    alone is ``thread_date``, not a header: on the training quarters a short date line is the
    article's own dateline far more often than a time of day is."""
    start = next((i for i, row in enumerate(rows) if row.get("in_run")), len(rows))
    seen = 0
    for i, (row, text, feat) in enumerate(zip(rows, texts, feats, strict=True)):
        if feat:
            where = f"{feat.get('path') or ''} {feat.get('classes') or ''}"
            if _THREAD_CLASS.search(where):
                row["thread_class"] = 1.0
        short = row.get("words_log", 0.0) <= math.log1p(THREAD_HEADER_WORDS)
        if short and text:
            if _THREAD_SAYS.search(text):
                row["thread_says"] = row["thread_meta"] = 1.0
            elif _THREAD_TIME.search(text) or _THREAD_CONTROLS.match(text):
                row["thread_meta"] = 1.0
            elif _THREAD_DATE.search(text):
                row["thread_date"] = 1.0
        if i > start and seen:
            row["thread_seen_log"] = math.log1p(seen)
            if seen >= 2:
                row["thread_seen_2"] = 1.0
        if i > start and short and (row.get("thread_meta") or row.get("thread_class")):
            seen += 1


def _kept(page: SectionPage, texts: list[str]) -> list[bool]:
    from annotator.nlp.section_html import kept_by_extractor

    return kept_by_extractor(page.html or "", texts)


def _html(row: dict[str, float], feat: dict[str, Any], kept: bool | None) -> None:
    if not feat:
        row["no_html"] = 1.0
        return
    tag = feat.get("tag") or ""
    row[f"tag:{tag if tag in _TAGS else 'other'}"] = 1.0
    for mark in feat.get("landmarks") or []:
        if mark in _LANDMARKS:
            row[f"landmark:{mark}"] = 1.0
    if not feat.get("landmarks"):
        row["landmark:none"] = 1.0
    row["link_density"] = float(feat.get("link_density") or 0.0)
    row["has_classes"] = float(bool(feat.get("classes")))
    if feat.get(HIDDEN):
        row[HIDDEN] = 1.0
    if kept is not None:
        row["kept"] = float(kept)
        row["dropped"] = float(not kept)


def _site(row: dict[str, float], text: str, feat: dict[str, Any],
          evidence: SiteEvidence) -> None:
    line = normalise_line(text)
    if evidence.documents:
        share = evidence.lines.get(line, 0) / evidence.documents
        row["template"] = share
        row["template_any"] = float(share > 0)
        row["template_half"] = float(share >= 0.5)
        row["site_documents_log"] = math.log1p(evidence.documents)
    if evidence.confirmed:
        row["site_confirmed_log"] = math.log1p(evidence.confirmed)
        row.update(_fractions(evidence.line_labels.get(line), "line"))
        for kind, key in template_keys(feat):
            row.update(_fractions(evidence.shape_labels.get(key), kind))
            if key not in evidence.shape_labels:
                row[f"{kind}:unseen"] = 1.0
        if line not in evidence.line_labels:
            row["line:unseen"] = 1.0
