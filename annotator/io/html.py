"""HTML pages in: every visible text block becomes one line, navigation and footers included.

Parsed with lxml's HTML parser (tolerant of the broken markup scraped pages have). ``script``,
``style`` and comments are dropped, never run. For each block we keep the tag that holds it, the
landmark it sits in (nav, header, footer, aside, article, ...) and its link density, the signals
jusText-style boilerplate rules use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from annotator.domain import NewDocument
from annotator.io.problems import ImportProblem, Problem
from annotator.io.text import decode_bytes

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul", "button", "label", "option", "select", "time", "title",
}
LANDMARKS = {"nav", "header", "footer", "aside", "article", "main", "form", "figure"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas"}
_WS = re.compile(r"\s+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class _Block:
    tag: str
    landmarks: list[str]
    classes: str
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    def text(self) -> str:
        return _WS.sub(" ", "".join(self.parts)).strip()


def decode_html(data: bytes, path: Path) -> str:
    """A declared ``<meta charset>`` wins when it decodes cleanly; otherwise UTF-8 or detection."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = declared.group(1).decode("ascii", "replace")
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, path)[0]


class _Walker:
    """Walks the tree once, opening a new block at each block-level element or ``<br>``."""

    def __init__(self) -> None:
        self.blocks: list[_Block] = []
        self.stack: list[_Block] = []

    def start(self, tag: str, el: Any, landmarks: list[str]) -> None:
        names = [el.get("class", ""), el.get("id", ""), el.get("role", "")]
        classes = " ".join(filter(None, names))
        self.stack.append(_Block(tag, landmarks, classes))

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
        self.stack[-1] = _Block(cur.tag, cur.landmarks, cur.classes)

    def walk(self, el: Any, landmarks: list[str], in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            self.add(el.tail, in_link)  # comments and skipped elements: keep only their tail
            return
        is_block = tag in BLOCK_TAGS
        if tag == "br":
            self.flush()
        elif is_block:
            self.flush()
            self.start(tag, el, landmarks + [tag] if tag in LANDMARKS else landmarks)
        inner_marks = self.stack[-1].landmarks if self.stack else landmarks
        link = in_link or tag == "a"
        self.add(el.text, link)
        for child in el:
            self.walk(child, inner_marks, link)
        if is_block:
            self.flush()
            self.stack.pop()
        self.add(el.tail, in_link)


def parse_html(html: str) -> tuple[str, list[dict[str, Any]], str]:
    """Return ``(text, per-block features, title)`` for an HTML page."""
    html = _XML_DECL.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"cannot parse HTML: {exc}") from exc
    title = (root.findtext(".//title") or "").strip()
    body = root.find("body")
    walker = _Walker()
    walker.walk(body if body is not None else root, [], False)
    lines, features = [], []
    for block in walker.blocks:
        line = block.text()
        lines.append(line)
        features.append({
            "tag": block.tag,
            "landmarks": block.landmarks,
            "classes": block.classes[:200],
            "link_density": round(min(1.0, block.link_chars / max(1, len(line))), 3),
        })
    return "\n".join(lines), features, _WS.sub(" ", title)


def read_html(path: Path) -> list[NewDocument | Problem]:
    try:
        html = decode_html(path.read_bytes(), path)
        text, features, title = parse_html(html)
    except ImportProblem as exc:
        return [exc.problem]
    except ValueError as exc:
        return [Problem(str(path), None, str(exc))]
    if not text.strip():
        return [Problem(str(path), None, "no visible text in the HTML page")]
    meta: dict[str, Any] = {"source": str(path)}
    if title:
        meta["title"] = title
    return [NewDocument(text=text, source=str(path), meta=meta, html=html,
                        block_features=features)]
