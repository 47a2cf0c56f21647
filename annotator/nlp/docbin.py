"""spaCy DocBin export: the one place that makes Docs from stored labels for training.

Per document, one Doc with entities in ``doc.ents``, sections (merged ranges of consecutive blocks
with one label, stripped of surrounding whitespace) in ``doc.spans["sections"]`` and the document's
meta in ``doc.user_data["meta"]``. Per tagged block, one small Doc with ``doc.cats`` (one-hot over
the project's section labels): the corpus of a block classifier (boilerplate detection), trained
by the ``sections`` config of :mod:`annotator.nlp.train_config`.

Alignment is ``Doc.char_span(..., alignment_mode="strict")``; a span that does not fall on token
boundaries is returned as :class:`Misaligned` and left out of the Doc; the caller decides whether
that stops the export.

Memory: Docs are dropped as soon as they are added; a DocBin keeps only four integer columns per
token (ORTH, SPACY, ENT_IOB, ENT_TYPE) plus the strings. With ``shard_size`` the DocBins are
written out every ``shard_size`` documents into ``train/part-0000.spacy`` ... (``spacy train``
reads a folder of ``.spacy`` files as one corpus), so memory stays bounded however large the
project is. All files go to a staging folder the caller provides (``OUT/annotator-export.part/``
from :func:`annotator.io.atomic.staging_folder`, locked while the export runs, removed by the next
export when a killed one left it) and move into place only when the whole export succeeded.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain import Misaligned, Section, Span, section_ranges, strip_range
from annotator.nlp.tokens import blank_pipeline

log = logging.getLogger(__name__)

SECTIONS_KEY = "sections"
DOC_ATTRS = ["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"]
BLOCK_ATTRS = ["ORTH", "SPACY"]
BLOCKS_PREFIX = "blocks-"
SIDES = ("corpus", "train", "dev")
OUTPUT_NAMES = (*SIDES, *(BLOCKS_PREFIX + side for side in SIDES))


@dataclass
class _Shards:
    """DocBins of one output (e.g. ``train``), flushed to the staging folder when full."""

    name: str
    attrs: list[str]
    docbin: Any = None
    written: list[Path] = field(default_factory=list)
    count: int = 0


class DocBinExport:
    """Collect Docs into DocBins named by side (``train``/``dev``, or ``corpus`` without a split)
    and write them atomically into ``out_dir``."""

    def __init__(self, out_dir: Path, lang: str, section_labels: Sequence[str],
                 shard_size: int = 0, *, staging: Path):
        """``staging`` is an empty folder in ``out_dir`` that this export alone writes to."""
        self.out_dir = Path(out_dir)
        self.lang = lang
        self.nlp = blank_pipeline(lang)
        self.section_labels = list(section_labels)
        self.shard_size = shard_size
        self.staging = Path(staging)
        self.outputs: dict[str, _Shards] = {}

    def add(self, side: str, doc_id: int, text: str, spans: Iterable[Span],
            sections: Sequence[Section], meta: dict[str, Any],
            runs: bytes | None = None) -> list[Misaligned]:
        """Add one document (and its tagged blocks); returns the spans that could not be aligned.
        ``runs``: its tokens from the token cache, if there (see :func:`new_doc`)."""
        docs, bad = docs_of(self.nlp, side, doc_id, text, spans, sections, meta,
                            self.section_labels, runs)
        for name, attrs, doc in docs:
            out = self._open(name, attrs)
            add_doc(out.docbin, doc)
            self._added(out)
        return bad

    def add_entries(self, columns: list[Entries]) -> None:
        """Add the documents that :func:`pack_chunk` made (in a worker process): the same bytes
        as :meth:`add` of each of them, in the same order within each output."""
        for col in columns:
            tokens, spaces = col.arrays()
            at = 0
            for i, length in enumerate(col.lengths):
                out = self._open(col.name, col.attrs)
                _append(out.docbin, (tokens[at:at + length], spaces[at:at + length],
                                     col.strings[i], col.cats[i], col.unknown_spaces[i],
                                     col.user_data[i], col.span_groups[i]))
                at += length
                self._added(out)

    def _open(self, name: str, attrs: list[str]) -> _Shards:
        """The output ``name``, with a DocBin open for its next document."""
        from spacy.tokens import DocBin

        out = self.outputs.get(name)
        if out is None:
            out = self.outputs[name] = _Shards(name, attrs)
        if out.docbin is None:
            out.docbin = DocBin(attrs=attrs, store_user_data=True)
        return out

    def _added(self, out: _Shards) -> None:
        """Count a document just added to ``out``; write the shard out when it is full."""
        out.count += 1
        if self.shard_size and len(out.docbin) >= self.shard_size:
            self._flush(out)

    def _flush(self, out: _Shards) -> None:
        if out.docbin is None or (len(out.docbin) == 0 and out.written):
            return
        if self.shard_size:
            path = self.staging / out.name / f"part-{len(out.written):04d}.spacy"
        else:
            path = self.staging / f"{out.name}.spacy"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(out.docbin.to_bytes())
        out.written.append(path)
        out.docbin = None

    def commit(self) -> dict[str, int]:
        """Write what is left and move every output into ``out_dir``; returns documents per
        output path (relative to ``out_dir``)."""
        counts: dict[str, int] = {}
        for out in self.outputs.values():
            self._flush(out)
        for old in _earlier_outputs(self.out_dir):  # they must not pass for this export's
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        for out in self.outputs.values():
            final = self.out_dir / (out.name if self.shard_size else f"{out.name}.spacy")
            os.replace(self.staging / final.name, final)
            counts[final.name] = out.count
        self.abort()
        return counts

    def abort(self) -> None:
        """Empty the staging folder (nothing half-written stays behind; the caller removes the
        folder itself)."""
        for path in list(self.staging.iterdir()) if self.staging.is_dir() else []:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _earlier_outputs(out_dir: Path) -> list[Path]:
    """Files and shard folders an earlier export wrote into ``out_dir``. Refuses (before anything
    is removed) when a folder of one of our names holds files we did not write."""
    found = []
    for name in OUTPUT_NAMES:
        single, folder = out_dir / f"{name}.spacy", out_dir / name
        if single.is_file():
            found.append(single)
        if folder.is_dir():
            foreign = sorted(p.name for p in folder.iterdir() if not (
                p.is_file() and p.name.startswith("part-") and p.suffix == ".spacy"))
            if foreign:
                raise FileExistsError(f"{folder} holds files an export did not write "
                                      f"({', '.join(foreign[:3])}); choose another --out")
            found.append(folder)
    return found


@contextmanager
def cached_msgpack_codecs() -> Iterator[None]:
    """Build srsly's msgpack encoder and decoder lists once for the duration of an export.

    srsly rebuilds them on every ``msgpack_dumps`` by filtering spaCy's whole function registry and
    every installed entry point (about 1 ms a call), and ``DocBin.add`` makes one or two such calls
    per Doc: 40% of an export's time. Nothing registers codecs while an export runs, so the lists
    are computed once (entry points included, so nothing changes) and the instance attribute that
    shadows ``get_all`` is removed again afterwards.
    """
    installed = keep_msgpack_codecs()
    try:
        yield
    finally:
        for registry in installed:
            del registry.get_all


def keep_msgpack_codecs() -> list[Any]:
    """Build srsly's msgpack codec lists once (see :func:`cached_msgpack_codecs`) and keep them
    until the registries it returns (those it changed) lose the ``get_all`` it gave them: for
    the life of a worker process."""
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    installed = []
    for registry in (msgpack_encoders, msgpack_decoders):
        if "get_all" not in vars(registry):
            codecs = registry.get_all()
            registry.get_all = lambda codecs=codecs: dict(codecs)
            installed.append(registry)
    return installed


def docs_of(nlp: Any, side: str, doc_id: int, text: str, spans: Iterable[Span],
            sections: Sequence[Section], meta: dict[str, Any], section_labels: Sequence[str],
            runs: bytes | None = None
            ) -> tuple[list[tuple[str, list[str], Any]], list[Misaligned]]:
    """The Docs one document adds, ``(output name, attrs, Doc)``: the document's own Doc for
    ``side`` and one Doc per tagged block for ``blocks-<side>``; and its spans that did not
    align."""
    doc, bad = make_doc(nlp, doc_id, text, spans, sections, runs)
    doc.user_data["meta"] = meta
    docs = [(side, DOC_ATTRS, doc)]
    source = str(meta.get("source", ""))
    docs += [(BLOCKS_PREFIX + side, BLOCK_ATTRS, block_doc)
             for block_doc in block_docs(nlp, doc_id, text, sections, section_labels, source)]
    return docs, bad


# What ``DocBin.add`` stores of one Doc, an item for each of its lists: (token attributes
# array, spaces array, strings, cats, has_unknown_spaces, user data bytes, span groups bytes).
Entry = tuple[Any, Any, list[str], dict[str, float], bool, bytes, bytes]


@dataclass
class Entries:
    """Documents of one output (e.g. ``corpus``) as ``DocBin.add`` stores them, a column per
    DocBin list: what a worker process sends of a chunk (:func:`pack_chunk`), for
    :meth:`DocBinExport.add_entries` to append a document at a time.

    Why columns: the token and space arrays of all the chunk's documents travel as two byte
    strings (the exporting process cuts them back into per-document views), and nothing else
    is an object per document but the strings and the bytes spaCy keeps. Sending a one-document
    DocBin's state per document (two numpy arrays, a set, dicts) cost as much CPU to pickle and
    unpickle, and to make, as a quarter of the DocBin work itself (bench/export.py, issue 12)."""

    name: str
    attrs: list[str]
    tokens: bytes = b""
    spaces: bytes = b""
    lengths: list[int] = field(default_factory=list)
    strings: list[list[str]] = field(default_factory=list)
    cats: list[dict[str, float]] = field(default_factory=list)
    unknown_spaces: list[bool] = field(default_factory=list)
    user_data: list[bytes] = field(default_factory=list)
    span_groups: list[bytes] = field(default_factory=list)

    def arrays(self) -> tuple[Any, Any]:
        """The token attributes (uint64, a column per stored attribute) and spaces (bool, one
        column) of all the documents, one row per token."""
        import numpy

        columns = len(docbin_attrs(self.attrs))
        tokens = numpy.frombuffer(self.tokens, dtype=numpy.uint64).reshape((-1, columns))
        spaces = numpy.frombuffer(self.spaces, dtype=bool).reshape((-1, 1))
        return tokens, spaces


def pack_chunk(nlp: Any, items: Sequence[tuple], section_labels: Sequence[str]
               ) -> tuple[list[Entries], list[list[Misaligned]]]:
    """:func:`docs_of` of each ``(side, doc_id, text, spans, sections, meta, runs)`` item, as
    :class:`Entries` per output (in the order the outputs first appear), and each item's spans
    that did not align: what a worker process makes of a chunk, plain picklable data. (Not
    DocBins: spaCy pickles a DocBin through ``to_bytes``, zlib, and loses ``store_user_data``
    on the way.)"""
    import numpy

    columns: dict[str, tuple[Entries, list[Any], list[Any]]] = {}
    bad_per_item = []
    for side, doc_id, text, spans, sections, meta, runs in items:
        docs, bad = docs_of(nlp, side, doc_id, text, spans, sections, meta, section_labels, runs)
        for name, attrs, doc in docs:
            if name not in columns:
                columns[name] = (Entries(name, attrs), [], [])
            col, tokens, spaces = columns[name]
            tok, space, strings, cats, unknown, user_data, groups = entry(
                doc, docbin_attrs(attrs), True)
            tokens.append(tok)
            spaces.append(space)
            col.lengths.append(len(tok))
            col.strings.append(strings)
            col.cats.append(cats)
            col.unknown_spaces.append(unknown)
            col.user_data.append(user_data)
            col.span_groups.append(groups)
        bad_per_item.append(bad)
    for col, tokens, spaces in columns.values():
        col.tokens = numpy.concatenate(tokens).tobytes() if tokens else b""
        col.spaces = numpy.concatenate(spaces).tobytes() if spaces else b""
    return [col for col, _, _ in columns.values()], bad_per_item


_ATTRS: dict[tuple[str, ...], list[int]] = {}


def docbin_attrs(attrs: Sequence[str]) -> list[int]:
    """The attribute ids a ``DocBin(attrs=attrs)`` stores a column of, in its order (ORTH
    first, SPACY apart)."""
    key = tuple(attrs)
    if key not in _ATTRS:
        from spacy.tokens import DocBin

        _ATTRS[key] = list(DocBin(attrs=list(attrs)).attrs)
    return _ATTRS[key]


def add_doc(docbin: Any, doc: Any) -> None:
    """``docbin.add(doc)`` for a Doc made here (tokens, norms, entities, span groups, cats,
    user data; no tags, lemmas, morphology, dependencies, knowledge-base or entity ids): the
    same entries appended to the same lists (spaCy 3's ``DocBin.add``), so the same bytes
    (tests/test_piece_tokens.py). See :func:`entry`."""
    _append(docbin, entry(doc, docbin.attrs, docbin.store_user_data))


def _append(docbin: Any, item: Entry) -> None:
    """Append one document's entry to ``docbin``'s lists, as ``DocBin.add`` does."""
    tokens, spaces, strings, cats, unknown_spaces, user_data, span_groups = item
    docbin.tokens.append(tokens)
    docbin.spaces.append(spaces)
    docbin.flags.append({"has_unknown_spaces": unknown_spaces})
    docbin.strings.update(strings)
    docbin.cats.append(cats)
    if docbin.store_user_data:
        docbin.user_data.append(user_data)
    docbin.span_groups.append(span_groups)


def entry(doc: Any, attrs: list[int], with_user_data: bool) -> Entry:
    """What ``DocBin.add`` stores of ``doc`` in a DocBin whose columns are ``attrs`` (its
    ``.attrs``). The token columns, spaces and the hashes of the token strings come from one
    ``Doc.to_array`` (three calls before: ~18 us each), and the strings from the tokens' ORTH,
    NORM and ENT_TYPE hashes, where ``DocBin.add`` reads nine properties of every token
    (``tag_``, ``lemma_``, ``morph``, ``dep_``, ``ent_kb_id_``, ``ent_id_`` are all "" on such a
    Doc): the largest part of a spaCy export once tokenizing is cheap (~1.5 us a token)."""
    import numpy
    import srsly
    from spacy.attrs import ENT_TYPE, NORM, ORTH, SPACY

    wanted = list(attrs) + [a for a in (SPACY, NORM, ENT_TYPE) if a not in attrs]
    array = doc.to_array(wanted)
    width = len(attrs)
    tokens = numpy.ascontiguousarray(array[:, :width])
    spaces = numpy.asarray(array[:, wanted.index(SPACY)].reshape((-1, 1)), dtype=bool)
    strings: list[str] = []
    if len(doc):
        text_of = doc.vocab.strings
        hashes = set(array[:, [wanted.index(a) for a in (ORTH, NORM, ENT_TYPE)]]
                     .ravel().tolist())
        hashes.discard(0)
        strings = [text_of[h] for h in hashes]
        strings.append("")
    user_data = srsly.msgpack_dumps(doc.user_data) if with_user_data else b""
    for group in doc.spans.values():
        for span in group:
            strings.append(span.label_)
            if span.kb_id in span.doc.vocab.strings:
                strings.append(span.kb_id_)
            if span.id in span.doc.vocab.strings:
                strings.append(span.id_)
    return (tokens, spaces, strings, doc.cats, doc.has_unknown_spaces, user_data,
            doc.spans.to_bytes())


def make_doc(nlp: Any, doc_id: int, text: str, spans: Iterable[Span | tuple[int, int, str]],
             sections: Sequence[Section], runs: bytes | None = None
             ) -> tuple[Any, list[Misaligned]]:
    """A Doc with aligned entities and section spans, and the spans that did not align."""
    from spacy.tokens import Span as SpacySpan

    doc = new_doc(nlp, text, runs)
    bad: list[Misaligned] = []
    ents = []
    for span in spans:  # a Span, or a (start, end, label) tuple (from a worker's chunk)
        start, end, label = span[:3]
        ent = doc.char_span(start, end, label=label, alignment_mode="strict")
        if ent is None or _whitespace_edge(text, start, end):
            bad.append(Misaligned(doc_id, start, end, label, text[start:end]))
        else:
            ents.append(ent)
    doc.ents = ents
    parts: list[SpacySpan] = []
    for start, end, label in section_ranges(sections):
        lo, hi = strip_range(text, start, end)
        part = doc.char_span(lo, hi, label=label, alignment_mode="strict") if hi > lo else None
        if part is None:
            bad.append(Misaligned(doc_id, start, end, label, text[start:end], kind="section"))
        else:
            parts.append(part)
    doc.spans[SECTIONS_KEY] = parts
    return doc, bad


def new_doc(nlp: Any, text: str, runs: bytes | None = None) -> Any:
    """``nlp.make_doc(text)``: the same Doc made from words, spaces and the norms the
    tokenizer's special cases gave (``DocBin`` stores the same bytes, tests/test_token_cache.py
    and tests/test_piece_tokens.py). They come from the token cache's ``runs`` when those cut
    exactly ``text``, else from the tokenizer a piece at a time
    (:mod:`annotator.nlp.piece_tokens`: several times faster than ``make_doc``)."""
    made = _words(text, runs) if runs is not None else None
    if made is None:
        from annotator.domain import cut_by_runs
        from annotator.nlp.piece_tokens import pieces_of

        codes, norms = pieces_of(nlp).runs(text)
        starts, ends, spaces = cut_by_runs(text, codes) or ([], [], [])
        made = [text[s:e] for s, e in zip(starts, ends, strict=True)], spaces, norms
        if not made[0] and text:
            return nlp.make_doc(text)
    from spacy.tokens import Doc

    words, spaces, norms = made
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    for i, norm in norms:
        doc[i].norm_ = norm
    return doc


def _words(text: str, runs: bytes
           ) -> tuple[list[str], list[bool], list[tuple[int, str]]] | None:
    """Words, spaces and norms that ``runs`` cut ``text`` into; ``None`` when they do not cut
    exactly this text."""
    from annotator.domain import cut_by_runs, unpack_token_runs

    try:
        codes, norms = unpack_token_runs(runs)
    except ValueError:
        return None
    cut = cut_by_runs(text, codes)
    if cut is None or any(not 0 <= i < len(cut[0]) for i, _ in norms):
        return None
    starts, ends, spaces = cut
    return [text[s:e] for s, e in zip(starts, ends, strict=True)], spaces, norms


def _whitespace_edge(text: str, start: int, end: int) -> bool:
    """spaCy aligns a span that ends on a whitespace token ("Perth  " before a double space) but
    refuses to train on it (E024), so such a span counts as misaligned."""
    return text[start].isspace() or text[end - 1].isspace()


def block_docs(nlp: Any, doc_id: int, text: str, sections: Sequence[Section],
               labels: Sequence[str], source: str) -> Iterable[Any]:
    """One Doc per tagged block with one-hot ``cats``: exclusive classes for ``textcat``."""
    for sec in sections:
        lo, hi = strip_range(text, sec.start, sec.end)
        if hi <= lo:
            continue
        doc = nlp.make_doc(text[lo:hi])
        doc.cats = {label: float(label == sec.label) for label in labels}
        doc.user_data.update({"doc_id": doc_id, "block": sec.block, "source": source})
        yield doc


def read_docbin(path: Path, lang: str = "en") -> list[Any]:
    """Docs of a ``.spacy`` file or a folder of them (for tests and checks; loads them all)."""
    from spacy.tokens import DocBin

    paths = sorted(Path(path).rglob("*.spacy")) if Path(path).is_dir() else [Path(path)]
    vocab = blank_pipeline(lang).vocab
    return [doc for p in paths for doc in DocBin().from_disk(p).get_docs(vocab)]
