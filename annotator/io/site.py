"""Which site a document comes from: the key that groups a site's pages, so that a section
model can learn a site's template from a few of its pages and count how often a line recurs
across them.

News corpora come from a handful of sites, each with a fixed template. A document's site is, in
this order: the ``site`` a JSONL task states in its meta (``meta.site``, or ``meta.domain``);
the host of its ``meta.url``; the host of its HTML page's ``<link rel="canonical">`` or
``<meta property="og:url">``. A host is lower-cased, without its port and a leading ``www.``
(``https://www.BBC.co.uk:443/news/1`` gives ``bbc.co.uk``). A document with none of these has no
site (``None``): plain text, a JSONL task without a URL. Nothing here reads files or the store;
the functions are pure and never raise on odd input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

# A page's <head> comes first; canonical and og:url live there. Reading more of a big page
# would cost time for nothing (a page without a head declares nothing).
HEAD_CHARS = 65_536
_TAG = re.compile(r"<(link|meta)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
_SITE_KEYS = ("site", "domain")
_URL_KEYS = ("url", "canonical_url", "source_url")
_MAX_SITE = 200  # characters: a "site" longer than this is not a name


def host_of(url: object) -> str | None:
    """The host of an absolute ``http(s)`` URL (or a scheme-less ``//host/path``), normalised;
    ``None`` for anything else (a relative path, a file name, not text)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 literal
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return _normalise_host(host)


def _normalise_host(host: str) -> str | None:
    host = host.strip().strip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    return host or None


def site_from_meta(meta: Mapping[str, Any] | None) -> str | None:
    """The site a document's meta states: ``site`` or ``domain`` (a host such as
    ``www.bbc.co.uk``, a URL, or a name such as ``BBC News``, compared case-insensitively),
    else the host of ``url``."""
    if not isinstance(meta, Mapping):
        return None
    for key in _SITE_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            return host_of(value) or _normalise_host(" ".join(value.split())[:_MAX_SITE])
    for key in _URL_KEYS:
        if host := host_of(meta.get(key)):
            return host
    return None


def _attributes(raw: str) -> dict[str, str]:
    out = {}
    for name, value in _ATTR.findall(raw):
        out[name.lower()] = value[1:-1] if value[:1] in "\"'" else value
    return out


def site_from_html(html: str | None) -> str | None:
    """The host of a page's canonical URL, else of its ``og:url``; ``None`` when its head
    declares neither (only the first :data:`HEAD_CHARS` characters, up to ``</head>``, are
    read)."""
    if not html:
        return None
    head = html[:HEAD_CHARS]
    end = _HEAD_END.search(head)
    if end is not None:
        head = head[:end.start()]
    canonical = og_url = None
    for tag, raw in _TAG.findall(head):
        attrs = _attributes(raw)
        if tag.lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            canonical = canonical or host_of(attrs.get("href"))
        elif tag.lower() == "meta" and (attrs.get("property") or attrs.get("name", "")).lower() \
                == "og:url":
            og_url = og_url or host_of(attrs.get("content"))
    return canonical or og_url


def document_site(meta: Mapping[str, Any] | None, html: str | None = None) -> str | None:
    """A document's site (see the module docstring): its meta first, then its HTML's head."""
    return site_from_meta(meta) or site_from_html(html)
