"""The export formats, in one place for the CLI and the app: name -> factory(store) -> record
writer for :func:`annotator.io.export.write_jsonl`. Add a format here and both offer it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _prodigy(store: Any) -> Callable:
    from annotator.io.formats import prodigy_writer
    from annotator.nlp.tokens import make_tokenizer

    return prodigy_writer(make_tokenizer(store.setting("lang", "en") or "en"))


def _doccano(store: Any) -> Callable:
    from annotator.io.formats import doccano_record

    return doccano_record


# JSONL formats: name -> factory(store) -> record writer.
JSONL_FORMATS: dict[str, Callable[[Any], Callable]] = {"prodigy": _prodigy, "doccano": _doccano}

DESCRIPTIONS: dict[str, str] = {
    "prodigy": "Prodigy ner_manual tasks (JSONL, with tokens and sections)",
    "doccano": "doccano sequence labelling (JSONL)",
}
