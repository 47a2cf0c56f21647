"""The piece-at-a-time tokenizer (annotator/nlp/piece_tokens.py) against spaCy's own, whole-text
tokenizer: the same codes, the same norms, the same DocBin bytes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from spacy.attrs import LENGTH, SPACY
from spacy.tokenizer import Tokenizer
from spacy.tokens import DocBin

from annotator.domain import unpack_token_runs
from annotator.nlp import piece_tokens
from annotator.nlp.docbin import DOC_ATTRS, new_doc
from annotator.nlp.piece_tokens import PieceTokenizer, pieces_of
from annotator.nlp.tokens import blank_pipeline, make_tokenizer, normed_words, runs_of_doc

DRAGNET = Path(__file__).resolve().parents[2] / "shared" / "data" / "dragnet"
WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


@pytest.fixture(scope="module")
def nlp():
    return blank_pipeline("en")


def spacy_runs(nlp, text: str) -> tuple[list[int], list[tuple[int, str]]]:
    """What the whole-text tokenizer gives: codes and the special cases' norms."""
    blob = runs_of_doc(nlp.tokenizer(text), text, normed_words(nlp))
    codes, norms = unpack_token_runs(blob)
    return list(codes), list(norms)


def texts_with_special_cases(nlp) -> list[str]:
    """Every special case alone, inside brackets, its pattern's words apart, and next to the
    following special case: where the matcher could look across pieces."""
    t = nlp.tokenizer
    bare = Tokenizer(nlp.vocab, rules={}, prefix_search=t.prefix_search,
                     suffix_search=t.suffix_search, infix_finditer=t.infix_finditer,
                     token_match=t.token_match, url_match=t.url_match)
    rules = sorted(t.rules)
    texts = []
    for rule, following in zip(rules, rules[1:] + rules[:1], strict=True):
        words = [w.text for w in bare(rule)]
        texts += [rule, f"x {rule} y", f"({rule})", " ".join(words), f"({' '.join(words)})",
                  f"{rule} {following}", f"{rule}{following}", f"{rule}\n{following}"]
    return texts


def random_texts(nlp, n: int) -> list[str]:
    rng = random.Random(12)
    words = sorted(nlp.tokenizer.rules) + ["word", "U.S.", "it's", "1.5", "http://x.org/a?b=c",
                                            "e-mail", "O", "D", "s", "Obama", "(AP)"]
    glue = ["", "(", ")", ".", ",", '"', "'", "-", ":", ";", "!", "...", "'s", "$"]
    spaces = [" ", " ", " ", "  ", "\n", " \n", "\t", "\u00a0", "\u3000", "\r\n"]
    return ["".join(rng.choice(glue) + rng.choice(words) + rng.choice(glue) + rng.choice(spaces)
                    for _ in range(rng.randint(1, 10))) for _ in range(n)]


def test_same_tokens_and_norms_as_spacy(nlp):
    pieces = PieceTokenizer(nlp)
    texts = ["", " ", "  ", "\n", "a", " a", "a ", "a  b", "  a  b  ", "Im here, y'all 'cause",
             "( :1p.m.(",  # a special case's pattern across a space: whole text tokenized
             ": )", "(: x", ":-) :)", "O.O", ". O", "I'm ( :"]
    texts += [f"a{ws}b {ws}c{ws}{ws} d{ws}" for ws in WHITESPACE]
    texts += texts_with_special_cases(nlp) + random_texts(nlp, 300)
    for text in texts:
        assert pieces.runs(text) == spacy_runs(nlp, text), repr(text)
        assert pieces.runs(text) == spacy_runs(nlp, text), repr(text)  # from the memo
    assert pieces.whole > 0  # boundaries with a pattern's pair were met and tokenized whole


@pytest.mark.slow  # unpacking the archive: ~15 s
@pytest.mark.skipif(not (DRAGNET / "pages.tar.xz").exists(), reason="needs shared/data/dragnet")
def test_real_pages(nlp, tmp_path):
    import tarfile

    with tarfile.open(DRAGNET / "pages.tar.xz") as tar:
        texts = []
        for member in tar:
            if member.isfile() and member.name.endswith(".txt") and len(texts) < 150:
                texts.append(tar.extractfile(member).read().decode("utf-8", errors="replace"))
    pieces = PieceTokenizer(nlp)
    for text in texts:
        assert pieces.codes(text) == spacy_runs(nlp, text)[0]


def test_tokenizer_codes_and_memo_bound(nlp, monkeypatch):
    monkeypatch.setattr(piece_tokens, "MAX_PIECES", 50)
    pieces = PieceTokenizer(nlp)
    tokenize = make_tokenizer("en")
    for text in random_texts(nlp, 100):
        doc = nlp.tokenizer(text)
        want = ((doc.to_array([LENGTH, SPACY]) * [2, 1]).sum(axis=1).tolist() if len(doc)
                else [])
        assert pieces.codes(text) == want
        assert tokenize.codes(text) == want
        assert len(pieces.memo) <= 50
    assert pieces_of(nlp) is pieces_of(nlp)


def test_docbin_bytes_as_make_doc(nlp):
    texts = ["Im gonna go, y'all 'cause it's 3p.m. :)", "", " ", "a\n\nb  c ", "( :1p.m.(",
             *random_texts(nlp, 50)]
    made, whole = DocBin(attrs=DOC_ATTRS), DocBin(attrs=DOC_ATTRS)
    for text in texts:
        doc, ref = new_doc(nlp, text), nlp.make_doc(text)
        assert [t.norm_ for t in doc] == [t.norm_ for t in ref]
        made.add(doc)
        whole.add(ref)
    assert made.to_bytes() == whole.to_bytes()
    assert len(made) == len(texts)


def test_add_doc_as_docbin_add(nlp):
    from annotator.domain import Section, Span
    from annotator.nlp.docbin import BLOCK_ATTRS, add_doc, block_docs, make_doc

    text = "Im in Perth, y'all 'cause it's 3p.m. :)\n\nSecond block here."
    spans = [Span(6, 11, "LOC", "", None, None), Span(0, 2, "PER", "", None, None),
             Span(1, 3, "BAD", "", None, None)]
    sections = [Section(0, 0, 39, "body"), Section(1, 41, 59, "boiler")]
    doc, bad = make_doc(nlp, 1, text, spans, sections)
    assert doc.ents and list(doc.spans["sections"]) and bad
    doc.user_data["meta"] = {"source": "x", "n": 1}
    docs = [(DOC_ATTRS, doc), (DOC_ATTRS, new_doc(nlp, "")), (DOC_ATTRS, new_doc(nlp, " a  b"))]
    docs += [(BLOCK_ATTRS, d) for d in block_docs(nlp, 1, text, sections, ["body", "boiler"],
                                                  "x")]
    for attrs, made in docs:
        ours, theirs = DocBin(attrs=attrs, store_user_data=True), DocBin(attrs=attrs,
                                                                         store_user_data=True)
        add_doc(ours, made)
        theirs.add(made)
        assert ours.strings == theirs.strings
        assert ours.to_bytes() == theirs.to_bytes()


def test_cache_fill_runs_as_spacy_docs(nlp):
    from annotator.nlp.tokens import runs_of_texts

    texts = ["Im gonna go, y'all 'cause", "", "  a\n", "( :1p.m.(", *random_texts(nlp, 40)]
    normed = normed_words(nlp)
    assert runs_of_texts(texts) == [runs_of_doc(nlp.tokenizer(t), t, normed) for t in texts]
