"""The export formats, in one place for the CLI and the app: name -> factory(lang, on_misaligned)
-> record writer for :func:`annotator.io.export.write_jsonl`. Add a format here and both offer it.

``on_misaligned`` receives every span a format cannot represent (see
:mod:`annotator.io.alignment`); the caller reports them and decides whether the export stands.
Formats without tokens never call it."""

from __future__ import annotations

from collections.abc import Callable

from annotator.domain import Misaligned

OnMisaligned = Callable[[Misaligned], None]


def _prodigy(lang: str, on_misaligned: OnMisaligned) -> Callable:
    from annotator.io.formats import prodigy_lines
    from annotator.nlp.tokens import make_tokenizer

    return prodigy_lines(make_tokenizer(lang), on_misaligned)


def _doccano(lang: str, on_misaligned: OnMisaligned) -> Callable:
    from annotator.io.formats import doccano_record

    return doccano_record  # character offsets only: every span can be written


def _blocks(lang: str, on_misaligned: OnMisaligned) -> Callable:
    from annotator.io.training_formats import blocks_record

    return blocks_record  # a block's own text: nothing to align


# JSONL formats: name -> factory(project language, on_misaligned) -> record writer.
JSONL_FORMATS: dict[str, Callable[[str, OnMisaligned], Callable]] = {
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
