"""The trained section classifier: a multinomial logistic regression over the features of
:mod:`annotator.nlp.section_features`, smoothed across a page's blocks by Viterbi over learned
label-transition scores.

A model is data: feature names, a weight matrix, biases, per-feature scales, a transition matrix
and a little metadata, stored as one JSON object (:meth:`SectionModel.to_json`). Loading checks
every field's type and shape and never runs code (no pickle, no imports named by the file), so a
model from a colleague's project is safe to open. The shipped base model is package data
(``annotator/nlp/data/sections-base.json``, made by ``tools/train_base_sections.py``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from annotator.nlp.section_base import BODY
from annotator.nlp.section_features import (
    HIDDEN,
    LABELS,
    NEIGHBOUR_NAMES,
    WINDOW,
    PreparedPage,
    SectionPage,
    SiteEvidence,
    drop_repeated_body,
    unwindowed_rows,
)
from annotator.nlp.section_format import (
    ModelFormatError,
    SiteWeights,
    flag,
    integer,
    number,
    numbers,
    rounded,
    sites_from_dict,
    sites_to_dict,
    strings,
)

FORMAT = "annotator-sections/1"
BASE_RESOURCE = "sections-base.json"
MAX_FILE = 64 * 1024 * 1024  # a model file larger than this is not one of ours
# A page the classifier gives no body: blocks at least this share of its best body probability
# become body (chosen on the development split of Dragnet sites from 1, 0.5 and 0.25).
EMPTY_BODY_SHARE = 0.5
# Blocks with at least this many words keep the classifier's own label: Viterbi's label
# transitions smooth the short blocks (a date, a caption between paragraphs), but a paragraph of
# running text between a byline and a menu is not turned into furniture by its neighbours
# (development split: zero-shot body F1 0.909 -> 0.913; sites of another quarter of the training
# sites, left out of training: 0.936 -> 0.938). The row feature ``words_20+`` marks them.
LONG_BLOCK = "words_20+"
# A page read with the labels a person confirmed on its site's pages (its rows have this feature,
# see :func:`annotator.nlp.section_features.page_features`) is not smoothed at all: every block
# keeps the classifier's own label. The confirmed pages already say, slot by slot, what the
# site's template holds; the transitions, learned over every site, pulled for example a site's
# metadata line (boilerplate on every confirmed page, body probability 0.17) between its headline
# and first paragraph into the body. Learning curve after 1 / 3 / 5 confirmed pages, development
# split of the training sites: 0.950 / 0.958 / 0.962 -> 0.951 / 0.961 / 0.964; another quarter
# of the training sites left out of training: 0.933 / 0.970 / 0.974 -> 0.960 / 0.982 / 0.984;
# the held-out sites moved by 0.002 at most (README "Section suggestions").
CONFIRMED_ROW = "site_confirmed_log"
# ... unless the model was adapted on confirmed pages and so has ``site_transitions``: the label
# bigrams of those pages (with the base's transition probabilities as SITE_PRIOR pseudo-counts
# per row, :func:`annotator.nlp.section_train.train_sections`). Those pages are then smoothed
# with them, weakly (SITE_SMOOTHING), long blocks still keeping their own label: a site's fact
# box or fixture list (short lines in a slot never confirmed) follows its own template's order,
# not the order of every site's. Development split, mean of 6 page orders, k = 1 / 3 / 5:
# 0.944 / 0.966 / 0.967 -> 0.945 / 0.969 / 0.971 (smoothing 0.1 / 0.25 / 0.5 / 1 with prior 5:
# k=3 0.967 / 0.969 / 0.968 / 0.960; prior 2 / 5 at 0.25 the same).
SITE_SMOOTHING = 0.25
# A block in a template slot no confirmed page of its site had (its tag path and its line both
# unseen, :func:`annotator.nlp.section_features.page_features`) is read with the weights the
# adaptation started from when the adaptation never saw such a block: a site with one confirmed
# page (its leave-one-out evidence holds no confirmed labels, so every row it learned from lacks
# the site-evidence features). Adapting on one page shifts the shared weights towards "this
# page's lines are what they are", which says nothing of the site's other boxes. Dragnet sites
# with 6+ pages, each scored by a model that never saw it (README, fourteenth round), k=1:
# 0.9657 -> 0.9705 over 50 sites, higher on every group of sites; k >= 2 unchanged (there the
# adaptation learns a site's unseen slots, rightly on some sites and wrongly on others: reading
# them with the base too gave k=3 0.9771 against 0.9776).
UNSEEN = ("path:unseen", "line:unseen")
# ... and read as the base reads a page of a site with no confirmed page: without the confirmed
# pages' evidence (the labels per line and per template slot, its own and its neighbours', and
# how many pages were confirmed), and with the rules deciding :attr:`SectionModel.rule_labels`.
_CONFIRMED_EVIDENCE = re.compile(rf"(?:n[+-]\d+:)?(?:line|shape|path|anchor|parent|{HIDDEN}):|"
                                 + re.escape(CONFIRMED_ROW) + "$")

# A block the page hides in its own markup (an inline ``display:none`` on it or an ancestor,
# :func:`annotator.io.html.hidden_inline`) is never suggested as body: a reader never sees it.
# Dragnet's gold keeps 56 of its 15,631 hidden blocks as article text (0.4%); a slideshow page
# that holds every slide's text, one shown, otherwise reads as a 14-slide article. A weight for
# the feature alone stays small (most hidden blocks are menus that other features already call
# furniture), so it is a rule. It yields to the person: once a confirmed page of the site has a
# hidden block tagged body (``hidden:body`` in the row), the classifier decides those blocks.
HIDDEN_BODY = f"{HIDDEN}:{BODY}"


@dataclass
class SectionModel:
    """Weights of a trained classifier (see the module docstring).

    ``weights``: labels x features; ``bias``: per label; ``scale``: the divisor applied to each
    feature before the dot product; ``transitions``: (labels + 1) x labels log-scores of a label
    following another (row 0 = page start); ``smoothing``: how much the transitions count beside
    the classifier's own log-probabilities (0 = none; pages read with confirmed site evidence
    are never smoothed, see :data:`CONFIRMED_ROW`). ``name``/``version`` name the model in
    suggestion origins (``model:sections@N``); ``meta`` holds plain facts (data seen, scores).

    ``rule_labels``: labels the hand-written rules decide instead of the classifier, on pages of a
    site with no confirmed page (rows without ``site_confirmed_log``): such a block gets the label
    exactly when the rules give it (the row's ``rules:LABEL``), and no other block gets it. Chosen
    when the base model is trained, per label, where the rules' F1 on held-out dev data beats the
    classifier's (``tools/train_base_sections.py``). Once a person confirmed pages of the site,
    the classifier (adapted on them, with their evidence) decides every label.

    ``site_transitions``: like ``transitions``, from the confirmed pages an adapted model learned
    from (None for a base model; optional in the file): they smooth the pages read with
    confirmed site evidence (:data:`SITE_SMOOTHING`).

    ``sites``: a project model's per-site weights (site name -> :class:`SiteWeights`, empty for
    a base model; optional in the file): :meth:`predict` reads a page of such a site with them
    (:meth:`for_site`), every other page with the model's own.

    ``start``: the weights and biases an adapted model started from (the base's), kept when
    ``unseen_to_start`` is set on the model or one of its sites; ``unseen_to_start``: blocks of
    template slots no confirmed page had are read with ``start`` (see :data:`UNSEEN`). Both
    optional in the file."""

    labels: list[str]
    features: list[str]
    weights: np.ndarray
    bias: np.ndarray
    scale: np.ndarray
    transitions: np.ndarray
    smoothing: float = 1.0
    name: str = "sections-base"
    version: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    rule_labels: list[str] = field(default_factory=list)
    site_transitions: np.ndarray | None = None
    sites: dict[str, SiteWeights] = field(default_factory=dict)
    start: SiteWeights | None = None
    unseen_to_start: bool = False

    def __post_init__(self) -> None:
        self._column = {name: i for i, name in enumerate(self.features)}
        self._evidence = np.array([i for i, name in enumerate(self.features)
                                   if _CONFIRMED_EVIDENCE.match(name)], dtype=np.int64)

    def for_site(self, site: str | None) -> SectionModel:
        """The model a page of ``site`` is read with: this one with the site's own weights,
        biases and ``site_transitions`` when :attr:`sites` has them (made once per site, then
        a dict lookup), else this one."""
        own = self.sites.get(site) if site is not None and self.sites else None
        if own is None:
            return self
        views = self.__dict__.setdefault("_views", {})
        made = views.get(site)
        if made is None or made[0] is not own:  # (the weights it was made from, the view)
            made = own, dataclasses.replace(self, weights=own.weights, bias=own.bias,
                                            site_transitions=own.site_transitions, sites={},
                                            unseen_to_start=own.unseen_to_start)
            views[site] = made
        return made[1]

    # -- prediction ------------------------------------------------------------------------------

    def matrix(self, rows: list[dict[str, float]], dtype: type = np.float64) -> np.ndarray:
        """Feature dicts as a (blocks x features) matrix in this model's columns, scaled."""
        x = self._unscaled(rows, dtype)
        x /= self.scale.astype(dtype)
        return x

    def _unscaled(self, rows: list[dict[str, float]], dtype: type = np.float64) -> np.ndarray:
        x = np.zeros((len(rows), len(self.features)), dtype=dtype)
        get = self._column.get
        # (row, column, value) of every known feature, set in one assignment: a numpy item
        # assignment per feature was a third of the classifier's time after the rules (issue 12)
        at_rows: list[int] = []
        at_columns: list[int] = []
        values: list[float] = []
        for i, row in enumerate(rows):
            for name, value in row.items():
                j = get(name)
                if j is not None:
                    at_rows.append(i)
                    at_columns.append(j)
                    values.append(value)
        x[at_rows, at_columns] = values
        return x

    def window_matrix(self, rows: list[dict[str, float]]) -> np.ndarray:
        """:meth:`matrix` of a page's :func:`page_features` rows, the same numbers, made from
        the page's :func:`annotator.nlp.section_features.unwindowed_rows` (the rows without
        the neighbours' window): the window's columns (``n-1:words_log``, ``n+2:edge``) are
        the neighbouring rows' values, copied here with numpy, not made as dicts per block
        (issue 12: the window was half of every row's features)."""
        x = self._unscaled(rows)
        n = len(rows)
        for offset, dst, src, loose, edge in self._window_plan():
            # rows inside: i with 0 <= i + offset < n; the others are at the page's edge
            inside = slice(max(0, -offset), max(0, min(n, n - offset)))
            source = slice(max(0, offset), max(0, min(n, n + offset)))
            if len(dst):
                x[inside, dst] = x[source][:, src]
            for column, key in loose:  # a window feature whose own column the model lacks
                for i in range(inside.start, inside.stop):
                    if key in rows[i + offset]:
                        x[i, column] = rows[i + offset][key]
            if edge is not None:
                x[[i for i in range(n) if not inside.start <= i < inside.stop], edge] = 1.0
        x /= self.scale.astype(np.float64)
        return x

    def _window_plan(self) -> list[tuple[int, np.ndarray, np.ndarray, list[tuple[int, str]],
                                         int | None]]:
        """Per neighbour offset: the window's columns, the base columns they copy, the window
        features copied from the rows (no base column) and the edge column."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = []
            for offset, names in NEIGHBOUR_NAMES.items():
                pairs = [(self._column.get(names[k]), self._column.get(k), k) for k in WINDOW]
                dst = [d for d, s, _ in pairs if d is not None and s is not None]
                src = [s for d, s, _ in pairs if d is not None and s is not None]
                loose = [(d, k) for d, s, k in pairs if d is not None and s is None]
                plan.append((offset, np.array(dst, dtype=np.intp), np.array(src, dtype=np.intp),
                             loose, self._column.get(names["edge"])))
            self.__dict__["_plan"] = plan
        return plan

    def log_probabilities(self, x: np.ndarray, weights: SiteWeights | None = None) -> np.ndarray:
        """Per row of a scaled feature matrix, the log-probability of each label, with the
        model's own weights or ``weights``."""
        w, b = (self.weights, self.bias) if weights is None else (weights.weights, weights.bias)
        scores = x @ w.T + b
        scores -= scores.max(axis=1, keepdims=True)
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))

    def decode(self, logp: np.ndarray, transitions: np.ndarray | None = None,
               smoothing: float | None = None) -> list[int]:
        """The best label sequence (indices) under emissions + smoothing x transitions (the
        model's own unless given)."""
        n = len(logp)
        if n == 0:
            return []
        smoothing = self.smoothing if smoothing is None else smoothing
        if smoothing <= 0:
            return [int(i) for i in logp.argmax(axis=1)]
        trans = smoothing * (self.transitions if transitions is None else transitions)
        score = logp[0] + trans[0]
        back = np.zeros((n, len(self.labels)), dtype=np.int64)
        step = trans[1:]  # previous label x next label
        for t in range(1, n):
            cand = score[:, None] + step
            back[t] = cand.argmax(axis=0)
            score = cand.max(axis=0) + logp[t]
        path = [int(score.argmax())]
        for t in range(n - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        return path[::-1]

    def predict_rows(self, rows: list[dict[str, float]],
                     texts: list[str] | None = None) -> list[str]:
        """A label per row (:func:`page_features`' rows of one page); with the blocks' ``texts``,
        a body block repeating text the page already gave as body is not body
        (:func:`drop_repeated_body`)."""
        if not rows:
            return []
        return self._labels_of(self.matrix(rows), rows, texts)

    def _labels_of(self, x: np.ndarray, rows: list[dict[str, float]],
                   texts: list[str] | None) -> list[str]:
        """:meth:`predict_rows` from the rows' matrix ``x`` (the rows' own features are read
        too, never the neighbours' window)."""
        logp = self.log_probabilities(x)
        unseen = None
        if self.unseen_to_start and self.start is not None:
            unseen = np.array([all(row.get(name) for name in UNSEEN) for row in rows], dtype=bool)
            logp = self.read_unseen_with_start(x, logp, unseen)
        if self.rule_labels:
            logp = self.rules_decide(logp, rows, unseen)
        logp = self.hidden_not_body(logp, rows)
        long = [row.get(LONG_BLOCK, 0.0) > 0 for row in rows]
        confirmed = [row.get(CONFIRMED_ROW, 0.0) > 0 for row in rows]
        labels = [self.labels[i] for i in self.path(logp, long, confirmed)]
        if texts is not None and any(row.get("repeat_share", 0.0) >= 1.0 or row.get("repeat_line")
                                     for row in rows):  # else no block repeats earlier text
            labels = drop_repeated_body(labels, texts)
        return self.never_empty(labels, logp)

    def read_unseen_with_start(self, x: np.ndarray, logp: np.ndarray,
                               unseen: np.ndarray) -> np.ndarray:
        """``logp`` with the ``unseen`` rows (blocks of template slots no confirmed page had,
        :data:`UNSEEN`) scored by :attr:`start`'s weights without the confirmed pages'
        evidence; other rows unchanged. Needs :attr:`start`."""
        if not unseen.any():
            return logp
        plain = x[unseen].copy()
        plain[:, self._evidence] = 0.0
        logp = logp.copy()
        logp[unseen] = self.log_probabilities(plain, self.start)
        return logp

    def path(self, logp: np.ndarray, long: Sequence[bool], confirmed: Sequence[bool]
             ) -> list[int]:
        """The label indices of a page's blocks from their log-probabilities: Viterbi, with
        :meth:`keep_own` for the ``long`` blocks. A page read with confirmed site evidence
        (``confirmed``: every row of it) is smoothed with :attr:`site_transitions` at
        :data:`SITE_SMOOTHING` when the model has them, else not at all (see
        :data:`CONFIRMED_ROW`)."""
        if any(confirmed):
            if self.site_transitions is None:
                return self.keep_own(self.decode(logp), logp, [True] * len(logp))
            return self.keep_own(self.decode(logp, self.site_transitions, SITE_SMOOTHING),
                                 logp, long)
        return self.keep_own(self.decode(logp), logp, long)

    @staticmethod
    def keep_own(path: list[int], logp: np.ndarray, own: Sequence[bool]) -> list[int]:
        """``path`` (Viterbi's label indices) with every block that keeps its own label
        (``own``: per block, whether it is long, :data:`LONG_BLOCK`, or its page is read with
        confirmed site evidence, :data:`CONFIRMED_ROW`) given its own most likely label:
        smoothing decides the other blocks only."""
        best = logp.argmax(axis=1)
        return [int(best[i]) if keeps else label
                for i, (label, keeps) in enumerate(zip(path, own, strict=True))]

    def own_label_blocks(self, x: np.ndarray) -> np.ndarray:
        """Per row of a scaled feature matrix (:meth:`matrix`), whether the block keeps its own
        label: a long block, or any block of a page read with confirmed site evidence (when
        the model has no :attr:`site_transitions`)."""
        return self.row_flags(x, LONG_BLOCK) | (self.row_flags(x, CONFIRMED_ROW)
                                                & (self.site_transitions is None))

    def row_flags(self, x: np.ndarray, name: str) -> np.ndarray:
        """Per row of a scaled feature matrix, whether feature ``name`` is set (all False when
        the model lacks it)."""
        j = self._column.get(name)
        return x[:, j] > 0 if j is not None else np.zeros(len(x), dtype=bool)

    def never_empty(self, labels: list[str], logp: np.ndarray) -> list[str]:
        """``labels``, or when no block is body (a short article: a photo post, a two-line
        blurb, where every block looks like furniture), with the blocks whose body probability
        is at least :data:`EMPTY_BODY_SHARE` of the page's highest set to body: a document is
        an article, and an empty body gives nothing to accept."""
        if BODY not in self.labels or BODY in labels or not labels:
            return labels
        body = np.exp(logp[:, self.labels.index(BODY)])
        top = body.max()
        if top <= 0:
            return labels
        return [BODY if p >= EMPTY_BODY_SHARE * top else label
                for p, label in zip(body, labels, strict=True)]

    def hidden_not_body(self, logp: np.ndarray, rows: list[dict[str, float]]) -> np.ndarray:
        """``logp`` with body ruled out for the hidden blocks (see :data:`HIDDEN_BODY`) of a site
        whose confirmed pages never had a hidden block tagged body; other rows unchanged."""
        hidden = [i for i, row in enumerate(rows) if row.get(HIDDEN) and not row.get(HIDDEN_BODY)]
        if not hidden or BODY not in self.labels:
            return logp
        logp = logp.copy()
        logp[hidden, self.labels.index(BODY)] = -np.inf
        return logp

    def rules_decide(self, logp: np.ndarray, rows: list[dict[str, float]],
                     also: np.ndarray | None = None) -> np.ndarray:
        """``logp`` with the :attr:`rule_labels` decided by the rules (see the class docstring)
        on rows of pages without confirmed site evidence, and on the ``also`` rows; other rows
        unchanged."""
        logp = logp.copy()
        for label in self.rule_labels:
            j = self.labels.index(label)
            for i, row in enumerate(rows):
                if row.get(CONFIRMED_ROW) and not (also is not None and also[i]):
                    continue
                if row.get(f"rules:{label}"):
                    logp[i, :] = -np.inf
                    logp[i, j] = 0.0
                else:
                    logp[i, j] = -np.inf
        return logp

    def predict(self, page: SectionPage | PreparedPage,
                evidence: SiteEvidence | None = None) -> list[str | None]:
        """A label for every block of ``page`` (see :func:`annotator.domain.blocks`), read
        with the weights of the page's site when the model has them (:meth:`for_site`; a
        :class:`PreparedPage` has no site: the model's own).

        ``evidence``: counts from the *other* documents of the page's site, or None."""
        if isinstance(page, PreparedPage):
            model, texts = self, page.texts
        else:
            model, texts = self.for_site(page.site), page.block_texts()
        rows = unwindowed_rows(page, evidence)
        if not rows:
            return []
        return list(model._labels_of(model.window_matrix(rows), rows, texts))

    @property
    def origin_id(self) -> str:
        """``sections@N``: what suggestion origins call this model (``model:sections@N``)."""
        return f"sections@{self.version}"

    # -- files -----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "name": self.name, "version": self.version,
                "labels": list(self.labels), "features": list(self.features),
                "weights": rounded(self.weights), "bias": rounded(self.bias),
                "scale": rounded(self.scale), "transitions": rounded(self.transitions),
                "smoothing": self.smoothing, "rule_labels": list(self.rule_labels),
                **({"site_transitions": rounded(self.site_transitions)}
                   if self.site_transitions is not None else {}),
                **({"sites": sites_to_dict(self.sites)} if self.sites else {}),
                **({"start": self.start.to_dict()} if self.start is not None else {}),
                **({"unseen_to_start": True} if self.unseen_to_start else {}),
                "meta": self.meta}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SectionModel:
        """Read a model; raises :class:`ModelFormatError` for anything that is not one."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ModelFormatError(f"not JSON: {exc}") from exc
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> SectionModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelFormatError(f"not a section model (format must be {FORMAT!r})")
        labels = strings(data.get("labels"), "labels")
        features = strings(data.get("features"), "features")
        if not labels or not set(labels) <= set(LABELS) or len(set(labels)) != len(labels):
            raise ModelFormatError(f"labels must be distinct names from {LABELS}")
        k, d = len(labels), len(features)
        model = cls(labels, features,
                    numbers(data.get("weights"), (k, d), "weights"),
                    numbers(data.get("bias"), (k,), "bias"),
                    numbers(data.get("scale"), (d,), "scale"),
                    numbers(data.get("transitions"), (k + 1, k), "transitions"),
                    number(data.get("smoothing", 1.0), "smoothing"),
                    str(data.get("name", "sections")), integer(data.get("version", 0)),
                    data.get("meta") if isinstance(data.get("meta"), dict) else {})
        model.rule_labels = strings(data.get("rule_labels", []), "rule_labels")
        if data.get("site_transitions") is not None:
            model.site_transitions = numbers(data["site_transitions"], (k + 1, k),
                                             "site_transitions")
        if data.get("sites") is not None:
            model.sites = sites_from_dict(data["sites"], k, d)
        if data.get("start") is not None:
            model.start = SiteWeights.from_dict(data["start"], k, d, "start")
        model.unseen_to_start = flag(data.get("unseen_to_start", False), "unseen_to_start")
        if model.start is None and (model.unseen_to_start
                                    or any(w.unseen_to_start for w in model.sites.values())):
            raise ModelFormatError("unseen_to_start needs the start weights")
        if not set(model.rule_labels) <= set(labels):
            raise ModelFormatError("rule_labels must be names from labels")
        if (model.scale <= 0).any():
            raise ModelFormatError("scale must be positive")
        return model

    def save(self, path: Path) -> None:
        """Write the model as JSON (atomically: a temp file, then a rename)."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> SectionModel:
        """A model file, or a folder holding ``model.json``; raises :class:`ModelFormatError`
        (also for an oversized file) or ``OSError``."""
        path = Path(path)
        if path.is_dir():
            path = path / "model.json"
        if path.stat().st_size > MAX_FILE:
            raise ModelFormatError(f"{path} is larger than a section model can be")
        return cls.from_json(path.read_text(encoding="utf-8"))


def load_base() -> SectionModel:
    """The base model shipped with the package (trained on the data listed in its ``meta``)."""
    text = resources.files("annotator.nlp").joinpath("data", BASE_RESOURCE).read_text("utf-8")
    return SectionModel.from_json(text)

