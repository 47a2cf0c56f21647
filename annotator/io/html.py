"""HTML pages in: every visible text block becomes one line, navigation and footers included.

Parsed with lxml's HTML parser (tolerant of the broken markup scraped pages have). ``script``,
``style`` and comments are dropped, never run. For each block we keep the tag that holds it, the
landmark it sits in (nav, header, footer, aside, article, ...) and its link density, the signals
jusText-style boilerplate rules use, and whether the page hides it in its markup (``hidden``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from annotator.domain import NewDocument, has_visible_text
from annotator.io.problems import ImportProblem, Problem, display_path
from annotator.io.text import Decoded, decode_bytes, read_limited
from annotator.io.western import encoding_note

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul", "button", "label", "option", "select", "time", "title",
}
LANDMARKS = {"nav", "header", "footer", "aside", "article", "main", "form", "figure"}
# textarea: a form field's value, never the page's text (pages hide HTML templates in them:
# WSJ pages carried 1,400 characters of markup each as two "lines" of the article)
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas",
             "textarea"}
_WS = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_MAX_DEPTH = 2048  # libxml2's limit with huge_tree
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class _Block:
    tag: str
    landmarks: list[str]
    classes: str
    path: str = ""  # the block's enclosing block elements, e.g. "div.entry>div>p"
    anchor: str = ""  # the nearest of them (or itself) with a class or id, e.g. "div.entry"
    hidden: bool = False  # inside an element the page hides in its markup (hidden_inline)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    def text(self) -> str:
        return _WS.sub(" ", "".join(self.parts)).strip()


def decode_html(data: bytes, path: Path) -> str:
    """A declared ``<meta charset>`` wins when it decodes cleanly; otherwise UTF-8 or detection."""
    return _decode_html(data, path).text


def _decode_html(data: bytes, path: Path | str) -> Decoded:
    """:func:`decode_html`, saying whether the encoding was guessed (not declared, not UTF-8)."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = declared.group(1).decode("ascii", "replace")
        # A page read as bytes that declares UTF-16/32 is not (browsers treat it as UTF-8).
        if not encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32", "ucs")):
            try:
                # a codec that is not a text encoding: LookupError
                return Decoded(data.decode(encoding), encoding)
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_bytes(data, path)


_HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)


def hidden_inline(el: Any) -> bool:
    """Whether the element hides itself in its own markup: an inline ``display: none`` or
    ``visibility: hidden``, or the ``hidden`` attribute.

    What a reader of the page never sees: a slideshow's other slides, a print copy. Hiding by a
    class needs the style sheets and is not seen here; ``aria-hidden`` hides from screen
    readers only, its text is on the screen."""
    style = el.get("style")
    return bool((style and _HIDING_STYLE.search(style)) or el.get("hidden") is not None)


class _Walker:
    """Walks the tree once, opening a new block at each block-level element or ``<br>``."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.stack: list[_Block] = []

    def start(self, tag: str, el: Any, landmarks: list[str], hidden: bool) -> None:
        names = [el.get("class", ""), el.get("id", ""), el.get("role", "")]
        classes = " ".join(filter(None, names))
        first = (el.get("class") or "").split()[:1]
        step = f"{tag}.{first[0]}" if first else tag
        parent = self.stack[-1].path.split(">")[-2:] if self.stack else []
        ident = (el.get("id") or "").split()[:1]
        anchor = step if first else f"{tag}#{ident[0]}" if ident else (
            self.stack[-1].anchor if self.stack else "")
        self.stack.append(_Block(tag, landmarks, classes, ">".join([*parent, step])[:200],
                                 anchor[:100], hidden))

    def add(self, text: str | None, in_link: bool) -> None:
        if text and self.stack:
            self.stack[-1].parts.append(text)
            if in_link:
                self.stack[-1].link_chars += len(_WS.sub(" ", text).strip())

    def flush(self) -> None:
        """Close the current run of inline text as a block and continue with an empty one."""
        if not self.stack:
            return
        cur = self.stack[-1]
        if cur.text():
            self.blocks.append(cur)
        self.stack[-1] = _Block(cur.tag, cur.landmarks, cur.classes, cur.path, cur.anchor,
                                cur.hidden)

    def walk(self, root: Any, landmarks: list[str], in_link: bool) -> None:
        """Depth first with an explicit stack: a page may nest deeper than Python's stack."""
        todo: list[tuple[Any, list[str], bool, bool, bool]] = [
            (root, landmarks, in_link, False, False)]
        while todo:
            el, marks, link_in, hid, closing = todo.pop()
            tag = el.tag if isinstance(el.tag, str) else ""
            if closing:
                if tag in BLOCK_TAGS:
                    self.flush()
                    self.stack.pop()
                self.add(el.tail, link_in)
                continue
            if not tag or tag in SKIP_TAGS:
                self.add(el.tail, link_in)  # comments and skipped elements: only their tail
                continue
            hid = hid or hidden_inline(el)
            if tag == "br":
                self.flush()
            elif tag in BLOCK_TAGS:
                self.flush()
                self.start(tag, el, marks + [tag] if tag in LANDMARKS else marks, hid)
            inner_marks = self.stack[-1].landmarks if self.stack else marks
            link = link_in or tag == "a"
            self.add(el.text, link)
            todo.append((el, marks, link_in, hid, True))
            todo.extend((child, inner_marks, link, hid, False) for child in reversed(el))


def parse_html(html: str) -> tuple[str, list[dict[str, Any]], str]:
    """Return ``(text, per-block features, title)`` for an HTML page."""
    html = _XML_DECL.sub("", html, count=1)
    parser = lxml.html.HTMLParser(huge_tree=True)  # else libxml2 stops at 256 levels, silently
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"cannot parse HTML: {exc}") from exc
    if any("Excessive depth" in str(e.message) for e in parser.error_log):
        raise ValueError(f"HTML nested more than {_MAX_DEPTH:,} elements deep: the parser "
                         "stops there and would lose the rest of the page")
    title = (root.findtext(".//title") or "").strip()
    body = root.find("body")
    walker = _Walker()
    walker.walk(body if body is not None else root, [], False)
    lines, features = [], []
    for block in walker.blocks:
        line = block.text()
        lines.append(line)
        feature = {
            "tag": block.tag,
            "landmarks": block.landmarks,
            "classes": block.classes[:200],
            "link_density": round(min(1.0, block.link_chars / max(1, len(line))), 3),
            "path": block.path,
            "anchor": block.anchor,
        }
        if block.hidden:
            feature["hidden"] = True
        features.append(feature)
    return "\n".join(lines), features, _WS.sub(" ", title)


def read_html(path: Path | str) -> list[NewDocument | Problem]:
    """One document per page; a page that cannot be decoded or parsed, or has no visible text,
    is reported by path. ``OSError`` is the caller's to report."""
    shown = display_path(path)
    try:
        html, encoding, guessed = _decode_html(read_limited(path), path)
        text, features, title = parse_html(html)
    except ImportProblem as exc:
        return [exc.problem]
    except RecursionError:
        return [Problem(shown, None, "HTML nested too deeply to read")]
    except ValueError as exc:
        return [Problem(shown, None, str(exc))]
    if not has_visible_text(text):
        return [Problem(shown, None, "no visible text in the HTML page")]
    meta: dict[str, Any] = {"source": shown}
    if title:
        meta["title"] = title
    doc = NewDocument(text=text, source=shown, meta=meta, html=html, block_features=features)
    return [encoding_note(shown, encoding), doc] if guessed else [doc]
