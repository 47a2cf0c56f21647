"""Stage-2 section rules: where a block sits on the page.

After stage 1 each block has a provisional label and a strength (its heaviest vote). From these we
locate the article: it starts at the headline, the first body block of the run of header-ish blocks
(headline, standfirst, caption, byline, date) just above the first paragraph, and ends at the last
body paragraph before the page's closing cues (copyright, comments). We also find lists: the
title-like lines that follow a header such as "Read more:" or "Most read" belong to it, until a line
with a cue of its own or a paragraph ends the list. Blocks with no explicit cue then lean towards
boilerplate outside the article and body inside it.
"""

from __future__ import annotations

import re

from annotator.nlp.section_base import (
    BODY,
    BOILERPLATE,
    BYLINE,
    RELATED,
    STRONG,
    BlockView,
    Page,
    Vote,
    rule,
)
from annotator.nlp.section_rules import (
    follows_author,
    has_email,
    is_bio,
    is_date_line,
    is_name_line,
    is_role_line,
)

MAX_LIST = 25
# Rules whose cue marks the page's top navigation: the headline is below them.
TOP_CHROME = ("menu_separators", "account_prompt", "site_chrome")
# Rules whose cue may sit between the headline and the text: the walk up passes over them.
IN_HEADER = ("share_buttons", "share_bar", "reading_time", "advertising", "comments",
             "caption_credit", "live_controls")
# After the last paragraph, these cues mean the article is over (a link list, tags, share bar).
AFTER_ARTICLE = ("related_header", "tags_topics", "tag_header", "share_buttons", "share_bar",
                 "paid_promotion", "author_credit", "author_bio")
# Rules whose cue marks the end of the article: copyright and comment prompts.
CLOSING = ("copyright", "comments")
# List headers: the label their items take, and whether any line (reader comments) or only
# title-like lines (link titles) continue the list.
LIST_HEADERS = {"related_header": (RELATED, False), "paid_promotion": (BOILERPLATE, False),
                "tag_header": (BOILERPLATE, False), "comments": (BOILERPLATE, True)}


def _fires(name: str, view: BlockView) -> bool:
    return view.page.fired(name, view.index) is not None


def _header_ish(view: BlockView) -> bool:
    """Lines that sit between a headline and the first paragraph: author, role, date."""
    return is_date_line(view) or is_name_line(view) or is_role_line(view)


def locate_article(page: Page) -> None:
    """Set ``page.start`` (headline) and ``page.end`` (last body block); -1 when the page has no
    block that looks like article text."""
    views = [page.view(i) for i in range(len(page.texts))]
    body = [v for v in views
            if page.provisional[v.index] == BODY and page.list_label[v.index] is None]
    if page.kept and any(page.kept[v.index] for v in body):
        body = [v for v in body if page.kept[v.index]]  # trafilatura found the article: trust it
    paragraphs = [v.index for v in body if v.is_paragraph] or [v.index for v in body
                                                                if v.words >= 4]
    if not paragraphs:
        page.start = page.end = -1
        return
    first = _past_top_chrome(page, paragraphs)
    closing = next((v.index for v in views[first:] if any(_fires(n, v) for n in CLOSING)),
                   len(views))
    inside = [p for p in paragraphs if first <= p < closing] or [first]
    page.end = _extend_end(page, _before_footer_text(page, inside), closing)
    page.start = _headline(page, views, first)


def _past_top_chrome(page: Page, paragraphs: list[int]) -> int:
    """The article's first paragraph. A paragraph above the site's menu bar (a cookie banner in
    any language, a site's mission line) is page furniture: the article starts at the first
    paragraph below the last such menu, as long as most paragraphs are below it. (A paywall's
    "Subscribe now" prompt inside the article is not a menu bar: it does not move the start.)"""
    first = paragraphs[0]
    for k, nxt in enumerate(paragraphs[1:], start=1):
        if k > len(paragraphs) // 2:
            break
        between = range(paragraphs[k - 1] + 1, nxt)
        if any(_fires("menu_separators", page.view(i)) for i in between):
            first = nxt
    return first


# Cues that only come after an article: once two of them (or a tag list) lie between two
# paragraphs, the text below them is the site's footer (a disclaimer, an acknowledgement).
_TRAILING = ("related_header", "tag_header", "tags_topics", "paid_promotion")


def _before_footer_text(page: Page, paragraphs: list[int]) -> int:
    """The last paragraph of the article. A lone paragraph below the article's link and tag
    lists is the site's footer text, not the article's last paragraph; an inline "Read more"
    list in the middle of the text is one header, so it does not cut the article."""
    if len(paragraphs) < 2:
        return paragraphs[-1]
    last, before = paragraphs[-1], paragraphs[-2]
    between = [page.view(i) for i in range(before + 1, last)]
    headers = [v for v in between if any(_fires(n, v) for n in _TRAILING)]
    tags = any(_fires(n, v) for v in headers for n in ("tag_header", "tags_topics"))
    if not (tags or len(headers) >= 2):
        return last
    tail = range(headers[-1].index + 1, last)
    lone = not any(page.provisional[i] == BODY and page.list_label[i] is None
                   and page.view(i).is_sentence for i in tail)
    return before if lone else last


def _headline(page: Page, views: list[BlockView], first: int) -> int:
    """Walk up from the first paragraph over the article's header (standfirst, caption, author,
    date, share buttons) to the headline; two cue-less short lines in a row, or the site's
    navigation, end the walk."""
    start, gap = first, 0
    for i in range(first - 1, -1, -1):
        view, label = views[i], page.provisional[i]
        if _header_ish(view) or label == BYLINE:
            gap = 0
        elif any(_fires(n, view) for n in IN_HEADER):
            continue  # share bar, reading time, an advert between headline and text
        elif any(_fires(n, view) for n in TOP_CHROME):
            break
        elif label == BODY and view.words >= 3:
            if gap:
                break  # a kicker or menu word lies between: this is site furniture, not headline
            start = i
        elif page.strongest[i] >= STRONG:
            continue
        elif view.text.rstrip().endswith(("?", ":")):
            continue  # a crosshead or lead-in ("What's next?") inside the header, not a kicker
        elif start == first and gap == 0 and view.words >= 3:
            start = i  # a short headline right above the text: "The last keepers"
        else:
            gap += 1
            if gap >= 2:
                break
    return start


def _extend_end(page: Page, end: int, closing: int) -> int:
    """Short paragraphs after the last long one still belong to the article (tabloid one-line
    paragraphs, match facts), also past an advert or a promo between them, until a cue that the
    article is over: a list of links, tags, a share bar, the author's credit or bio."""
    for j in range(end + 1, closing):
        view = page.view(j)
        if any(_fires(n, view) for n in AFTER_ARTICLE) or page.list_label[j] is not None:
            break
        if page.provisional[j] == BODY and view.is_sentence and view.words >= 3:
            end = j
    return end


def locate_lists(page: Page) -> None:
    """``page.list_label[i]``: the label of the list header that block ``i`` belongs under.

    Lists of titles (related, sponsored) are found first, before the article is located. Comment
    threads, whose items are running text, only after it and only below its first paragraph: a
    comment count under the headline ("5 Comments") is a link, not the start of a thread."""
    if not page.list_label:
        page.list_label = [None] * len(page.texts)
        after = None
    else:
        after = _first_paragraph(page) if page.start >= 0 else len(page.texts)
    for i in range(len(page.texts)):
        view = page.view(i)
        if view.words > 8:
            continue
        header = next((LIST_HEADERS[n] for n in LIST_HEADERS if _fires(n, view)), None)
        if header is None or header[1] != (after is not None) or (after and i <= after):
            continue
        label, any_line = header
        is_item = _tag_item if _fires("tag_header", view) else _list_item
        for j in range(i + 1, min(len(page.texts), i + 1 + MAX_LIST)):
            item = page.view(j)
            own_cue = page.strongest[j] >= STRONG and page.provisional[j] != label
            new_list = any(_fires(n, item) for n in LIST_HEADERS if LIST_HEADERS[n][0] != label)
            if own_cue or new_list or not (any_line or is_item(item)):
                break
            page.list_label[j] = label


def _list_item(view: BlockView) -> bool:
    """A link title: headline-shaped, or a question; not running text, not a contact line."""
    if view.is_paragraph or has_email(view.text) or _PHONE.search(view.text):
        return False
    return view.is_title_like or view.text.rstrip().endswith("?")


def _tag_item(view: BlockView) -> bool:
    """A tag: one to four words, no sentence ("Floods", "Tamil Nadu")."""
    return 1 <= view.words <= 4 and not view.is_sentence and not view.text.rstrip().endswith(":")


_PHONE = re.compile(r"\d{3,5}[ -]\d{3}[ -]?\d{3,4}")


@rule(stage=2)
def under_list_header(view: BlockView) -> Vote | None:
    """Titles under "Read more:" are related links; items under "Sponsored" or a comments header
    are boilerplate."""
    label = view.page.list_label[view.index] if view.page.list_label else None
    return (label, 3.5) if label else None


@rule(stage=2)
def above_article(view: BlockView) -> Vote | None:
    """Blocks above the headline without a cue of their own: site name, menus, kickers."""
    if view.page.start >= 0 and view.index < view.page.start and view.strength < STRONG:
        return BOILERPLATE, 2.0
    return None


@rule(stage=2)
def inside_article(view: BlockView) -> Vote | None:
    """Short lines between the headline and the last paragraph without a cue: crossheads,
    captions, one-line paragraphs."""
    page = view.page
    if page.start <= view.index <= page.end and view.strength < STRONG:
        return BODY, 1.5
    return None


@rule(stage=2)
def below_article(view: BlockView) -> Vote | None:
    """Blocks after the last paragraph without a cue: footer text, about-the-site lines. Below the
    article's link lists even running text is the site's (a disclaimer, an acknowledgement), so
    the vote then outweighs a paragraph's."""
    page = view.page
    if page.start < 0 or view.index <= page.end or view.strength >= STRONG:
        return None
    past_lists = any(page.list_label[i] is not None for i in range(page.end + 1, view.index))
    return BOILERPLATE, 2.5 if past_lists else 2.0


@rule(stage=2)
def date_line(view: BlockView) -> Vote | None:
    """A bare date/time is part of the byline next to the author or the headline; elsewhere
    (a footer's "Last modified") it is boilerplate."""
    if not is_date_line(view):
        return None
    page = view.page
    near_author = (any(view.provisional(k) == BYLINE for k in (-2, -1, 1, 2))
                   or any(_is_name(view.neighbour(k)) for k in (-1, 1)))
    in_header = page.start >= 0 and page.start <= view.index <= _first_paragraph(page)
    return (BYLINE, 3.5) if near_author or in_header else (BOILERPLATE, 3.5)


def _first_paragraph(page: Page) -> int:
    return next((i for i in range(max(page.start, 0), len(page.texts))
                 if page.provisional[i] == BODY and page.view(i).is_paragraph), page.end)


@rule(stage=2)
def author_contact(view: BlockView) -> Vote | None:
    """A bio or "follow her" line next to the byline or outside the article belongs to the author
    (inside the article a sentence about a person is body); an e-mail line only next to the
    author, since elsewhere it is the newsroom's or press office's contact."""
    text = view.text
    near_author = any(view.provisional(k) == BYLINE for k in (-1, 1))
    if view.words <= 12 and has_email(text):
        return (BYLINE, 3.5) if near_author else None
    if not (is_bio(text) or follows_author(text)):
        return None
    page = view.page
    outside = page.start >= 0 and not page.start <= view.index <= page.end
    return (BYLINE, 1.5) if near_author or outside else None


@rule(stage=2)
def author_name(view: BlockView) -> Vote | None:
    """A bare name ("Agnieszka Łęcka", "Laura Pemberton and Oliver Nkemelu in London") or role
    ("Paris correspondent") under the headline or next to the date or byline is the byline."""
    if not (is_name_line(view) or is_role_line(view)):
        return None
    page = view.page
    in_header = page.start < view.index < _first_paragraph(page)
    near = any(view.provisional(k) == BYLINE or _is_date(view.neighbour(k)) for k in (-1, 1))
    signs_off = page.end >= 0 and view.index == page.end + 1 and "," in view.text
    return (BYLINE, 3.5) if in_header or near or signs_off else None


def _is_name(view: BlockView | None) -> bool:
    """A bare author name ("Ritika Sharma") is the byline even before the context rules say so."""
    return (view is not None and view.page.list_label[view.index] is None
            and is_name_line(view))


def _is_date(view: BlockView | None) -> bool:
    return view is not None and is_date_line(view)


@rule(stage=2)
def header_without_items(view: BlockView) -> Vote | None:
    """"Latest" or "Popular" above the article with no story titles under it is a menu item."""
    page = view.page
    if page.start < 0 or view.index >= page.start or not _fires("related_header", view):
        return None
    following = page.list_label[view.index + 1] if view.index + 1 < len(page.texts) else None
    return (BOILERPLATE, 4.5) if following != RELATED else None
