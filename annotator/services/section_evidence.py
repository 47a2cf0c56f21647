"""Pages and site evidence for a project's section model, read from the store.

A section model reads each page with what the *other* documents of its site say: how often each
of its lines recurs there (a line on most of a site's pages is its template) and, from the pages
a person confirmed, which label those lines and block shapes had. This module builds those
inputs (the classifier's :class:`~annotator.nlp.section_features.SectionPage` and
:class:`~annotator.nlp.section_features.SiteEvidence`) from a project: a document's site is its
meta's or its HTML head's host (:func:`annotator.io.site.document_site`); a document with no
site is read with no evidence, which is what the base model expects of a plain text or a JSONL
task without a URL.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from annotator.io.site import HEAD_CHARS, document_site
from annotator.nlp.section_features import SectionPage, SiteEvidence
from annotator.nlp.section_model import SectionModel
from annotator.services.section_retrain import section_versions
from annotator.store import Store
from annotator.store.section_pages import PageRecord

log = logging.getLogger(__name__)


@dataclass
class Confirmed:
    """A page a person confirmed sections on: ``labels`` has one entry per block, ``None`` for a
    block nobody confirmed (not learned from, but still read as its neighbours' context)."""

    doc_id: int
    page: SectionPage
    labels: list[str | None]

    @property
    def labelled(self) -> int:
        return sum(label is not None for label in self.labels)


def as_page(record: PageRecord, site: str | None) -> SectionPage:
    return SectionPage(record.text, record.html, record.features, site)


def as_confirmed(record: PageRecord, site: str | None) -> Confirmed:
    page = as_page(record, site)
    decided = record.confirmed_labels()
    n_blocks = len(page.block_texts())
    return Confirmed(record.doc_id, page, [decided.get(i) for i in range(n_blocks)])


def document_sites(store: Store) -> dict[int, str | None]:
    """``doc_id -> site`` (``None``: no site) of every document of the project."""
    return {doc_id: document_site(meta, head)
            for doc_id, meta, head in store.section_pages.site_sources(HEAD_CHARS)}


@dataclass
class SiteIndex:
    """The project's documents grouped by site, with each site's line counts (over all its
    documents) computed once. ``sites``: ``doc_id -> site``."""

    sites: dict[int, str | None]
    counts: dict[str, SiteEvidence] = field(default_factory=dict)
    members: dict[str, list[int]] = field(default_factory=dict)
    groups: dict[int, int] = field(default_factory=dict)  # near-duplicate group per document
    _cache: dict[tuple, SiteEvidence] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, store: Store) -> SiteIndex:
        """Read every document's site, and the texts of the sites with two documents or more
        (a site's only document has no other pages to compare with)."""
        index = cls(document_sites(store), groups=store.near_dups.groups_of())
        members: dict[str, list[int]] = defaultdict(list)
        for doc_id, site in index.sites.items():
            if site is not None:
                members[site].append(doc_id)
        index.members = dict(members)
        shared = [i for ids in members.values() if len(ids) > 1 for i in ids]
        for start in range(0, len(shared), 500):
            for doc_id, text in store.section_pages.texts(shared[start:start + 500]).items():
                site = index.sites[doc_id]
                index.counts.setdefault(site, SiteEvidence()).add_text(text)
        return index

    def site(self, doc_id: int) -> str | None:
        return self.sites.get(doc_id)

    def evidence(self, doc_id: int, text: str,
                 confirmed: Sequence[Confirmed] = ()) -> SiteEvidence | None:
        """What the other documents of ``doc_id``'s site say: their line counts, and the labels
        of the ``confirmed`` pages of the same site other than ``doc_id`` itself. ``None`` for a
        document with no site."""
        site = self.sites.get(doc_id)
        if site is None:
            return None
        counts = self.counts.get(site)
        base = counts.without(text) if counts is not None else SiteEvidence()
        others = tuple(p for p in confirmed
                       if p.doc_id != doc_id and self.sites.get(p.doc_id) == site)
        labels = self._labels(site, others)
        return SiteEvidence(base.documents, base.lines, labels.confirmed, labels.line_labels,
                            labels.shape_labels)

    def _labels(self, site: str, pages: tuple[Confirmed, ...]) -> SiteEvidence:
        """The label counts of ``pages`` (of one site), computed once per set of pages: every
        unfinished page of a site is read with the same ones. Read-only once made."""
        key = (site, tuple(p.doc_id for p in pages))
        found = self._cache.get(key)
        if found is None:
            found = SiteEvidence()
            for page in pages:
                found.add_confirmed(page.page, page.labels)
            self._cache[key] = found
        return found


def by_site(pages: Sequence[Confirmed], index: SiteIndex) -> dict[str | None, list[Confirmed]]:
    """Confirmed pages grouped by site (``None``: no site), each group in id order."""
    out: dict[str | None, list[Confirmed]] = defaultdict(list)
    for page in sorted(pages, key=lambda p: p.doc_id):
        out[index.site(page.doc_id)].append(page)
    return dict(out)


def held_back_split(pages: Sequence[Confirmed], index: SiteIndex, every: int = 4,
                    groups: Mapping[int, int] | None = None
                    ) -> tuple[list[Confirmed], list[Confirmed]]:
    """``(train, held back)``: within each site (pages with no site form one group), in id
    order, the 2nd, 6th, 10th ... page is held back, so every site with two confirmed pages or
    more is scored on a page the scoring model never saw, while its first page still teaches
    it. Deterministic: the same pages give the same split. ``groups`` (``doc_id -> near-duplicate
    group``): a held-back page with a wire copy among the training pages is trained on instead,
    since scoring it would measure the copy."""
    train: list[Confirmed] = []
    held: list[Confirmed] = []
    for group in by_site(pages, index).values():
        for position, page in enumerate(group):
            (held if position % every == 1 else train).append(page)
    groups = groups or {}
    trained = {groups[p.doc_id] for p in train if p.doc_id in groups}
    leaks = [p for p in held if groups.get(p.doc_id, -1) in trained]
    return train + leaks, [p for p in held if p not in leaks]


@dataclass
class ProjectSections:
    """What pre-annotation reads sections with: the project's active section model (``None``:
    the shipped base model) and each page's site evidence, including the labels of the pages a
    person confirmed on the same site."""

    model: SectionModel | None
    index: SiteIndex
    confirmed: list[Confirmed]

    def evidence(self, doc_id: int, text: str) -> SiteEvidence | None:
        return self.index.evidence(doc_id, text, self.confirmed)


def confirmed_pages(store: Store, index: SiteIndex) -> list[Confirmed]:
    """Every page with a confirmed section, with its confirmed labels (see
    :class:`annotator.store.section_pages.PageRecord`)."""
    ids = store.section_pages.confirmed_ids()
    pages = [as_confirmed(r, index.site(r.doc_id)) for r in store.section_pages.pages(ids)]
    return [p for p in pages if p.labelled]


def project_sections(store: Store) -> ProjectSections:
    """The active section model (see :func:`active_section_model`), the site index and the
    confirmed pages, read once per pre-annotation run."""
    index = SiteIndex.build(store)
    active = active_section_model(store)
    return ProjectSections(active[1] if active else None, index, confirmed_pages(store, index))


def active_section_model(store: Store) -> tuple[int, SectionModel] | None:
    """The project's active section model and its number, or ``None`` (none trained, its
    folder gone or unreadable: then the base model serves)."""
    versions = section_versions(store)
    number = versions.active()
    if number is None:
        return None
    try:
        return number, SectionModel.load(versions.folder(number))
    except (OSError, ValueError) as exc:
        log.warning("section model %d cannot be read (%s); using the base model", number, exc)
        return None
