"""The light half of :mod:`annotator.services.section_learning`: when a project's section model
is retrained by itself, and the report a training run returns (what a spawned process runs is
:mod:`annotator.services.section_child`). Nothing here imports the training libraries (numpy,
trafilatura, the classifier), so the window can ask after every accepted document, start a run
in a child process and read its report without loading them: an import in the window's process
would hold the interpreter for hundreds of milliseconds and freeze the window for as long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.changes import Changes
from annotator.domain import count
from annotator.services.model_versions import ModelVersions
from annotator.store import Store

KIND = "sections"  # <project>.models/sections-N/, settings sections_model, model:sections@N
RETRAIN_KEY = "sections_retrain_every"  # a project setting: retrain after this many accepts
RETRAIN_EVERY = 3
CHILD_NICENESS = 10  # how much lower the training process's CPU priority is than the window's


@dataclass
class SectionTrainReport:
    """What a run did. ``score`` and ``base_score`` are body F1 on the held-back pages' confirmed
    blocks (``None`` when no site had two confirmed pages); ``documents`` the unfinished
    documents re-suggested, ``sections`` the suggestions written."""

    version: int = 0
    pages: int = 0
    blocks: int = 0
    sites: int = 0
    held_back: int = 0
    score: float | None = None
    base_score: float | None = None
    accuracy: float | None = None
    documents: int = 0
    sections: int = 0
    seconds: float = 0.0
    folder: str = ""  # where version ``version`` was saved
    doc_ids: list[int] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        ids = frozenset(self.doc_ids)
        return Changes(sections=ids, origin="train-sections")

    @property
    def origin(self) -> str:
        return ModelVersions.origin_of(KIND, self.version) if self.version else ""

    def score_text(self, short: bool = False) -> str:
        if self.score is None:
            return "not scored yet" if short else \
                "not scored (no site has two confirmed pages yet)"
        base = f" (base {self.base_score:.3f})" if self.base_score is not None else ""
        if short:
            return f"held-back body F1 {self.score:.3f}{base}"
        return (f"body F1 {self.score:.3f}{base.replace('base', 'base model')} on "
                f"{count(self.held_back, 'held-back page')}")

    def text(self) -> str:
        """One line for the status bar."""
        if not self.version:
            return "Section training cancelled; nothing changed."
        return (f"Section model {self.version}: {self.score_text(short=True)}; re-suggested "
                f"{count(self.documents, 'document')}.")

    def details(self) -> str:
        return (f"Learned from {count(self.pages, 'confirmed page')} ({self.blocks} blocks) of "
                f"{count(self.sites, 'site')}: {self.score_text()}. Re-suggested "
                f"{count(self.documents, 'unfinished document')} ({self.sections} sections).")

    def record(self, accepted: int) -> dict[str, Any]:
        """What the project keeps about this version (settings ``sections_model@N``)."""
        return {"score": self.score, "base_score": self.base_score, "accuracy": self.accuracy,
                "held_back": self.held_back, "pages": self.pages, "blocks": self.blocks,
                "sites": self.sites, "accepted": accepted, "seconds": round(self.seconds, 2)}


def section_versions(store: Store) -> ModelVersions:
    return ModelVersions(store, KIND)


def retrain_every(store: Store) -> int:
    """The project's ``sections_retrain_every`` setting (0: never by itself; anything that is
    not a whole number: the default, 3)."""
    value = (store.settings.get(RETRAIN_KEY, str(RETRAIN_EVERY)) or "").strip()
    return int(value) if value.isdigit() else RETRAIN_EVERY


def retrain_due(store: Store) -> bool:
    """Whether at least :func:`retrain_every` documents were accepted since the active version
    was trained (with none yet: since the project began)."""
    every = retrain_every(store)
    if every <= 0:
        return False
    record = section_versions(store).active_record() or {}
    seen = record.get("accepted")
    seen = seen if isinstance(seen, int) else 0
    return store.section_pages.count_accepted() - seen >= every

