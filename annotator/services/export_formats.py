"""The export formats, in one place for the CLI and the app: name -> factory(lang) -> record
writer for :func:`annotator.io.export.write_jsonl`. Add a format here and both offer it."""

from __future__ import annotations

from collections.abc import Callable


def _prodigy(lang: str) -> Callable:
    from annotator.io.formats import prodigy_writer
    from annotator.nlp.tokens import make_tokenizer

    return prodigy_writer(make_tokenizer(lang))


def _doccano(lang: str) -> Callable:
    from annotator.io.formats import doccano_record

    return doccano_record


def _blocks(lang: str) -> Callable:
    from annotator.io.training_formats import blocks_record

    return blocks_record


# JSONL formats: name -> factory(project language) -> record writer.
JSONL_FORMATS: dict[str, Callable[[str], Callable]] = {
    "prodigy": _prodigy, "doccano": _doccano, "blocks": _blocks,
}
# Not one JSON line per document: written by annotator.services.exporting.write_spacy (a folder
# of DocBins) and annotator.io.training_formats.write_conll (IOB2 text), not by write_jsonl.
FILE_FORMATS = ("spacy", "conll")
EXPORT_FORMATS = [*JSONL_FORMATS, *FILE_FORMATS]

DESCRIPTIONS: dict[str, str] = {
    "prodigy": "Prodigy ner_manual tasks (JSONL, with tokens and sections)",
    "doccano": "doccano sequence labelling (JSONL)",
    "blocks": "One line per tagged block, for section classifiers (JSONL)",
    "spacy": "spaCy DocBin files for spacy train (a folder)",
    "conll": "IOB2 entity tags, one token per line (CoNLL-2003 text)",
}
