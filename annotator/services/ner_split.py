"""Which confirmed documents are held back to measure a model, split by source site.

A site goes wholly to one side: a page of a site the model trained on says little about how it
does on sites it never saw. The site of a document is, first found: ``meta.site``; the host of
``meta.url``; the host of the page's canonical (or ``og:url``) link when it came from HTML; the
host of its ``source`` when that is a URL; else the folder its ``source`` file was in.

The split is deterministic: sites are taken in the order of a hash of their name until about
``share`` of the complete (accepted) documents are held back (a site that would overshoot it by
half is passed over), keeping at least one site for
training; a site's place in that order never changes, so a growing project mostly keeps its
held-back sites. Only sites with accepted documents can be held back (the others cannot be
scored). With a single site the split falls back on documents (and says so).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

from annotator.store.confirmed import ConfirmedDoc

_CANONICAL = re.compile(
    r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty=[\"']?og:url[^>]*>",
    re.IGNORECASE)
_HREF = re.compile(r"\b(?:href|content)=[\"']?([^\"'\s>]+)", re.IGNORECASE)


def host_of(url: str) -> str:
    """The lower-case host of a URL without ``www.``; "" when it has none."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def site_of(doc: ConfirmedDoc) -> str:
    """The source site of a document (see the module docstring)."""
    meta = doc.meta or {}
    if isinstance(meta.get("site"), str) and meta["site"].strip():
        return meta["site"].strip().lower().removeprefix("www.")
    if isinstance(meta.get("url"), str) and (host := host_of(meta["url"])):
        return host
    if doc.html_head:
        for tag in _CANONICAL.findall(doc.html_head):
            found = _HREF.search(tag)
            if found and (host := host_of(found.group(1))):
                return host
    source = doc.source or ""
    if "://" in source and (host := host_of(source)):
        return host
    parent = str(PurePath(source.split("#", 1)[0]).parent) if source else ""
    return parent if parent not in ("", ".") else source or f"document {doc.doc_id}"


@dataclass
class Split:
    """``train`` and ``held`` documents; ``held_sites`` the sites held back; ``note`` says how
    the split was made when it is not the plain site split."""

    train: list[ConfirmedDoc] = field(default_factory=list)
    held: list[ConfirmedDoc] = field(default_factory=list)
    held_sites: list[str] = field(default_factory=list)
    dropped: int = 0  # partly labelled documents of held-back sites (neither trained nor scored)
    note: str = ""


def _rank(name: str, salt: str) -> float:
    digest = hashlib.sha1(f"{salt}:{name}".encode()).hexdigest()
    return int(digest[:12], 16) / float(1 << 48)


def _units(docs: Sequence[ConfirmedDoc], groups: Mapping[int, int]) -> dict[int, str]:
    """``doc_id -> unit``: a unit is a site, joined with every site that holds a near-duplicate
    (a wire copy) of one of its documents, so no reprint lands on the other side of the split."""
    parent: dict[str, str] = {}

    def find(site: str) -> str:
        while parent.setdefault(site, site) != site:
            parent[site] = parent[parent[site]]
            site = parent[site]
        return site

    sites = {doc.doc_id: site_of(doc) for doc in docs}
    first_site: dict[int, str] = {}
    for doc_id, site in sites.items():
        group = groups.get(doc_id)
        if group is None:
            find(site)
        elif group in first_site:
            parent[find(site)] = find(first_site[group])
        else:
            first_site[group] = site
    return {doc_id: find(site) for doc_id, site in sites.items()}


def split_by_site(docs: Sequence[ConfirmedDoc], share: float = 0.2,
                  salt: str = "held-back", groups: Mapping[int, int] | None = None) -> Split:
    """Split ``docs``; only complete documents are scored, so partly labelled documents of a
    held-back site are left out of both sides (counted in ``dropped``). ``groups`` maps a
    document to its near-duplicate group (``store.near_dups.groups_of``): a group's documents
    always land on one side, with the sites they come from."""
    groups = groups or {}
    unit_of = _units(docs, groups)
    by_site: dict[str, list[ConfirmedDoc]] = {}
    for doc in docs:
        by_site.setdefault(unit_of[doc.doc_id], []).append(doc)
    complete = sum(d.complete for d in docs)
    if complete < 2:
        return Split(train=list(docs), note="too few accepted documents to hold any back")
    if len(by_site) == 1:
        return _split_documents(docs, share, salt, groups)
    # only a site with accepted documents can be scored: one without stays for training
    scorable = [s for s, site_docs in by_site.items() if any(d.complete for d in site_docs)]
    held_sites: set[str] = set()
    n_held = 0
    target = max(1, round(share * complete))
    for site in sorted(scorable, key=lambda s: _rank(s, salt))[:-1]:
        size = sum(d.complete for d in by_site[site])
        if n_held and n_held + size > 1.5 * target:
            continue  # a big site would hold back far more than the share: try the next
        held_sites.add(site)
        n_held += size
        if n_held >= target:
            break
    out = Split(held_sites=sorted(held_sites))
    for site, site_docs in by_site.items():
        for doc in site_docs:
            if site not in held_sites:
                out.train.append(doc)
            elif doc.complete:
                out.held.append(doc)
            else:
                out.dropped += 1
    if not out.held:
        return _split_documents(docs, share, salt, groups)
    return out


def _split_documents(docs: Sequence[ConfirmedDoc], share: float, salt: str,
                     groups: Mapping[int, int]) -> Split:
    """Hold back documents (whole near-duplicate groups at a time) when there is one source."""
    def key(doc: ConfirmedDoc) -> str:
        group = groups.get(doc.doc_id)
        return f"dup:{group}" if group is not None else str(doc.doc_id) + doc.text[:200]

    complete = sorted((d for d in docs if d.complete), key=lambda d: _rank(key(d), salt))
    n_held = max(1, round(share * len(complete))) if len(complete) >= 2 else 0
    held_keys = {key(d) for d in complete[:n_held]}
    if held_keys and all(key(d) in held_keys for d in complete):
        held_keys = set()  # one near-duplicate group holds everything: nothing left to train
    return Split(train=[d for d in docs if key(d) not in held_keys],
                 held=[d for d in docs if d.complete and key(d) in held_keys],
                 dropped=sum(not d.complete and key(d) in held_keys for d in docs),
                 note="all documents come from one source, so documents (not sites) are "
                      "held back")
