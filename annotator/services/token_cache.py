"""Fill the token cache: tokenize every document whose tokens by the exports' tokenizer are not
cached yet, and store them (``annotator cache-tokens``), so later prodigy, spacy and conll
exports read tokens instead of making them (see :mod:`annotator.store.token_cache`).

Pre-annotation fills the cache as it goes (its model's Docs already hold the tokens, when its
tokenizer is the exports' one); this job is for the documents it did not see, or a project that
is exported again and again without pre-annotation. It costs what one tokenizing pass costs
(spaCy's tokenizer over every text) and about a byte of project file per token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from annotator.core.changes import Changes
from annotator.core.tasks import Cancelled, Progress, ShouldStop, never, no_progress
from annotator.domain import count
from annotator.nlp.tokens import runs_of_texts, tokenizer_id
from annotator.store import Store

log = logging.getLogger(__name__)

BATCH_DOCS = 500  # documents tokenized and written per transaction (a few ms of lock each)


@dataclass
class TokenCacheReport:
    """``cached``: documents whose tokens this run stored; ``tokenizer``: under which key."""

    tokenizer: str
    cached: int = 0
    skipped: int = 0  # documents the cache cannot hold (a token of no length): tokenized later

    @property
    def changes(self) -> Changes:
        return Changes(origin="token-cache")  # derived data: no label, status or text changed

    def text(self) -> str:
        return f"Cached the tokens of {count(self.cached, 'document')} ({self.tokenizer})"


def cache_tokens(store: Store, progress: Progress = no_progress,
                 should_stop: ShouldStop = never) -> TokenCacheReport:
    """Tokenize and cache every document not cached yet, a batch at a time, each batch one
    transaction. ``progress(done, total)`` counts documents; a stop raises :class:`Cancelled`
    with the report of what was committed."""
    lang = store.settings.get("lang", "en") or "en"
    key = tokenizer_id(lang)
    report = TokenCacheReport(key)
    total = len(store.documents.ids()) - store.tokens.count(key)
    seen = 0
    for batch in store.tokens.missing(key, BATCH_DOCS):
        runs = runs_of_texts([text for _, text in batch], lang)
        rows = [(doc_id, blob) for (doc_id, _), blob in zip(batch, runs, strict=True)
                if blob is not None]
        report.cached += store.tokens.put_many(key, rows)
        report.skipped += len(batch) - len(rows)
        seen += len(batch)
        progress(seen, total, f"Cached tokens of {seen} of {count(total, 'document')}")
        if should_stop():
            raise Cancelled(report)
    log.info("cached the tokens of %d documents (%s)", report.cached, key)
    return report
