"""When a project's section model is retrained by itself, and which version is active: the
light half of :mod:`annotator.services.section_learning` (no training libraries), which the
window asks after every accepted document."""

from __future__ import annotations

from annotator.services.model_versions import ModelVersions
from annotator.store import Store

KIND = "sections"  # <project>.models/sections-N/, settings sections_model, model:sections@N
RETRAIN_KEY = "sections_retrain_every"  # a project setting: retrain after this many accepts
RETRAIN_EVERY = 3


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
