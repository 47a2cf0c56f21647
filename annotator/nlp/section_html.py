"""Stage-1 section rules for HTML pages: the block's tag, landmark, classes and link density
(jusText-style signals), and whether trafilatura's main-content extraction keeps its text.

These are language-independent, so they carry pages whose words the text rules do not know
(government pages, blogs in other languages). Trafilatura is one vote among many: it keeps some
boilerplate (a promo inside the article) and drops some body (the headline), so its weight is below
an explicit cue's.
"""

from __future__ import annotations

import functools
import logging
import re
from types import ModuleType

from annotator.nlp.section_base import BODY, BOILERPLATE, BYLINE, RELATED, BlockView, Vote, rule

log = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", text.casefold())).strip()


@functools.cache
def _trafilatura() -> ModuleType | None:
    """trafilatura, or None when it or a library it needs cannot be imported (``lxml_html_clean``
    is the usual one: pip 23's resolver does not install it for justext). Warned once per
    process; the other HTML rules still vote, so a pre-annotation run goes on."""
    try:
        import trafilatura
    except ImportError as exc:
        log.warning("trafilatura cannot be imported (%s): section suggestions for HTML pages go "
                    "on without its article extraction; `pip install trafilatura "
                    "lxml_html_clean` brings it back", exc)
        return None
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    return trafilatura


def extract_main_text(html: str) -> str:
    """Trafilatura's article text for a page; '' when it finds none or is not installed (see
    :func:`_trafilatura`); comments excluded."""
    trafilatura = _trafilatura()
    if trafilatura is None:
        return ""
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True,
                                   output_format="txt", deduplicate=False, favor_recall=True)
    except Exception as exc:  # noqa: BLE001 - a third-party parser: one page must not stop a run
        log.warning("trafilatura could not extract the page: %s", exc)
        return ""
    return text or ""


def kept_by_extractor(html: str, texts: list[str]) -> list[bool]:
    """For each block, whether trafilatura's extraction contains its text."""
    extracted = extract_main_text(html)
    if not extracted:
        return [False] * len(texts)
    whole = f" {_norm(extracted)} "
    lines = {_norm(line) for line in extracted.splitlines()}
    out = []
    for text in texts:
        norm = _norm(text)
        if not norm:
            out.append(False)
        elif len(norm.split()) >= 4:
            out.append(f" {norm} " in whole)
        else:
            out.append(norm in lines)  # a short line must be a whole line, not any substring
    return out


@rule(html=True)
def extractor_keeps(view: BlockView) -> Vote | None:
    """Trafilatura keeps this block's text: likely article body."""
    kept = view.page.kept
    if kept is None or view.index >= len(kept):
        return None
    if not kept[view.index]:
        return None
    return (BODY, 2.5) if view.words >= 4 else (BODY, 1.0)  # it keeps some kickers and labels


@rule(html=True)
def extractor_drops(view: BlockView) -> Vote | None:
    """Running text that trafilatura leaves out of an article it found: a cookie notice in a
    language the text rules do not know, a reader comment, an about-the-site blurb."""
    kept = view.page.kept
    if not kept or not any(kept) or kept[view.index] or view.words < 10:
        return None
    return BOILERPLATE, 2.5


@rule(html=True)
def html_controls(view: BlockView) -> Vote | None:
    """Buttons, form labels and options are controls, never article text."""
    tag = view.feature("tag")
    return (BOILERPLATE, 3.0) if tag in ("button", "label", "option", "select") else None


_LANDMARK_WEIGHTS = {"nav": 3.0, "footer": 2.5, "form": 2.0, "header": 1.0, "aside": 1.0}


@rule(html=True)
def html_landmark(view: BlockView) -> Vote | None:
    """Blocks inside nav, footer, form, page header or aside elements are site furniture."""
    marks = view.feature("landmarks") or []
    if "article" in marks or "main" in marks:
        if "nav" in marks or "footer" in marks:
            return BOILERPLATE, 1.5
        return BODY, 0.5
    weight = max((_LANDMARK_WEIGHTS.get(m, 0.0) for m in marks), default=0.0)
    if view.feature("tag") == "h1":
        return None
    return (BOILERPLATE, weight) if weight else None


@rule(html=True)
def html_link_density(view: BlockView) -> Vote | None:
    """Mostly link text: a headline-shaped link is another story's title, a short one a menu
    item; running text with few links is body."""
    density = view.feature("link_density")
    if density is None:
        return None
    if density >= 0.5:
        return (RELATED, 1.5) if view.words >= 4 and view.is_title_like else (BOILERPLATE, 2.0)
    if density <= 0.2 and view.is_paragraph:
        return BODY, 1.0
    return None


@rule(html=True)
def html_heading(view: BlockView) -> Vote | None:
    """The page's ``h1`` is the headline; ``figcaption`` is a caption; ``time`` is the byline's
    date."""
    tag = view.feature("tag")
    if tag == "h1":
        return BODY, 2.5
    if tag == "figcaption":
        return BODY, 2.5
    if tag == "time" or tag == "address":
        return BYLINE, 2.0
    return None


_CLASS_CUES = (
    (re.compile(r"byline|author|dateline|timestamp|publish|posted-on|entry-meta|article-meta"),
     BYLINE, 2.0),
    (re.compile(r"related|recommend|more-stories|most-read|mostread|popular|trending|read-more|"
                r"readmore|further|also-read|teaser|promo-story"), RELATED, 2.0),
    (re.compile(r"caption|figcaption|article-body|story-body|entry-content|post-content|"
                r"article__body|articlebody|story-text"), BODY, 1.5),
    (re.compile(r"\bnav|menu|footer|cookie|consent|gdpr|share|social|breadcrumb|subscribe|"
                r"newsletter|paywall|advert|\bads?\b|sponsor|comment|sidebar|masthead|banner|"
                r"widget|toolbar|skip"), BOILERPLATE, 2.0),
)


@rule(html=True)
def html_class_names(view: BlockView) -> Vote | None:
    """Class, id and role names such as ``byline``, ``related``, ``cookie-banner``."""
    classes = (view.feature("classes") or "").lower()
    if not classes:
        return None
    for pattern, label, weight in _CLASS_CUES:
        if pattern.search(classes):
            return label, weight
    return None
