"""spaCy's tokenizer, a whitespace-delimited piece at a time, each distinct piece tokenized once:
the same tokens as tokenizing the whole text, in a fraction of the time.

Why: a first (cold) token export spends most of its time in ``Tokenizer.__call__`` (5.8 us a
token measured on bench/corpus.py articles, although spaCy's own cache already knows every
word: the cost is making the Doc, a lexeme lookup and a struct a token). Texts repeat their
pieces ("the", "said.", "(AP)"): looking each piece's tokens up in a dict costs ~0.7 us a token.

Why it is exact. ``Tokenizer.__call__`` (spaCy 3, ``tokenizer.pyx``) does two things:

1. ``_tokenize_affixes`` cuts the text into runs of whitespace and of non-whitespace
   (``str.isspace``). A ``" "`` that starts a whitespace run after a non-whitespace one is not a
   token: it sets the trailing-space flag of the token before it. Every other run (what is left
   of a whitespace run, each non-whitespace run) is tokenized on its own, by its text alone
   (special cases, then prefixes, suffixes, infixes, ``token_match``, ``url_match``; cached by
   the run's hash): the tokens of a piece do not depend on what is around it. Every token is
   pushed with no trailing space; only step 1's ``" "`` sets one.
2. ``_apply_special_cases`` runs a ``PhraseMatcher`` of the special cases' affix tokenizations
   over the whole Doc. Only this step could look across pieces, and only through a match that
   spans two neighbouring tokens of different pieces (even one that changes nothing itself:
   a longer match there wins over an overlapping one inside a piece, which is then not
   applied). Such a match needs the last token of one piece and the first of the next to be
   neighbours in some pattern. :class:`PieceTokenizer` knows every pattern's neighbouring
   pairs (it tokenizes each special case with the same rules minus the special cases, which
   is how spaCy makes the patterns) and tokenizes the whole text with spaCy whenever a piece
   ends with the first word of such a pair and the next piece begins with the second.
   Otherwise the Doc's tokens are the pieces' tokens, end to end.

tests/test_piece_tokens.py checks this against ``Tokenizer.__call__`` on real pages (their
HTML too), every special case in every context, and every whitespace character.

Memory: at most :data:`MAX_PIECES` pieces are kept (about 250 bytes each, 25 MB); past that the
dict is emptied and refilled (real text repeats its common pieces within a few hundred
documents). One :class:`PieceTokenizer` a pipeline and process (:func:`pieces_of`); forked
export workers inherit the parent's.
"""

from __future__ import annotations

import re
from typing import Any

# A run of whitespace or of non-whitespace: `\s` is `str.isspace` (both are
# Py_UNICODE_ISSPACE), what spaCy's tokenizer splits on.
_PIECES = re.compile(r"\s+|\S+").findall
MAX_PIECES = 100_000

# What the dict holds for a piece: its codes (``length << 1``, no trailing space: see the module
# docstring), the norms spaCy's special cases gave its tokens ``((index in the piece, norm), ...)``,
# and the words of special cases' patterns that the matcher may see as the piece's first token
# (the second of a pair) and as its last (the first of a pair): the piece's own edge token, or
# when a special case made that token (the matcher saw the tokens before it: ":" "1" of ":1"),
# every pattern word the piece begins (ends) with.
_Entry = tuple[tuple[int, ...], tuple[tuple[int, str], ...], tuple[str, ...], tuple[str, ...]]


class PieceTokenizer:
    """``codes(text)`` and ``runs(text)``: what :func:`annotator.nlp.tokens.make_tokenizer`'s
    ``codes`` and :func:`annotator.nlp.tokens.runs_of_doc` give for ``nlp.tokenizer(text)``, from
    the tokens of the text's pieces. ``nlp``: a pipeline whose tokenizer is spaCy's
    ``Tokenizer`` (any other tokenizer is called on the whole text every time)."""

    def __init__(self, nlp: Any):
        self.tokenizer = nlp.tokenizer
        self.normed = normed_words(nlp)
        self.memo: dict[str, _Entry] = {}
        self.lefts, self.rights, self.pairs = _special_pairs(nlp)
        self.word_set = frozenset(self.lefts) | frozenset(self.rights)
        self.special_words = _special_words(nlp)
        # an unknown tokenizer class: no claim about how it cuts a text
        self.whole_only = type(self.tokenizer).__module__ != "spacy.tokenizer"
        self.whole = 0  # texts tokenized whole (a pair at a boundary, or whole_only)

    def codes(self, text: str) -> list[int]:
        """``length << 1 | trailing space`` a token, as ``nlp.tokenizer(text)`` cuts ``text``."""
        return self.runs(text)[0]

    def runs(self, text: str) -> tuple[list[int], list[tuple[int, str]]]:
        """The codes and the norms ``(token index, norm)`` the tokenizer's special cases gave
        (:func:`annotator.nlp.tokens.runs_of_doc`'s rule), for ``nlp.tokenizer(text)``."""
        if self.whole_only:
            self.whole += 1
            return self._whole(text)
        memo, pairs, codes, norms = self.memo, self.pairs, [], []
        after_word = False  # the piece before was not whitespace
        tails: tuple[str, ...] = ()  # pattern words the piece before ends with
        for piece in _PIECES(text):
            if after_word and piece[0] == " ":  # the trailing space of the token before
                codes[-1] |= 1
                piece = piece[1:]
                if not piece:  # a word follows: the two pieces are still neighbours
                    continue
            entry = memo.get(piece)
            if entry is None:
                entry = self._piece(piece)
            piece_codes, piece_norms, heads, ends = entry
            if tails and heads and any((a, b) in pairs for a in tails for b in heads):
                self.whole += 1
                return self._whole(text)
            if piece_norms:
                norms += [(len(codes) + i, norm) for i, norm in piece_norms]
            codes += piece_codes
            after_word = not piece[0].isspace()
            tails = ends
        return codes, norms

    def _piece(self, piece: str) -> _Entry:
        codes, norms = self._whole(piece)
        first, last = piece[:codes[0] >> 1], piece[len(piece) - (codes[-1] >> 1):]
        entry = (tuple(codes), tuple(norms), self._edge(first, piece, self.rights, str.startswith),
                 self._edge(last, piece, self.lefts, str.endswith))
        if len(self.memo) >= MAX_PIECES:
            self.memo.clear()
        self.memo[piece] = entry
        return entry

    def _edge(self, token: str, piece: str, words: tuple[str, ...], at_edge: Any
              ) -> tuple[str, ...]:
        """The words of ``words`` (one side of the special cases' pairs) that the matcher may
        see at this edge of ``piece``, whose token there is ``token``: that token, unless a
        special case may have made it; then every word the piece begins (ends) with."""
        if token not in self.special_words:
            return (token,) if token in self.word_set else ()
        return tuple(w for w in words if at_edge(piece, w))

    def _whole(self, text: str) -> tuple[list[int], list[tuple[int, str]]]:
        """spaCy's tokenizer on ``text`` itself."""
        from spacy.attrs import LENGTH, SPACY

        doc = self.tokenizer(text)
        if not len(doc):
            return [], []
        array = doc.to_array([LENGTH, SPACY])
        codes = ((array[:, 0] << 1) | array[:, 1]).tolist()
        norms = []
        if self.normed:
            pos = 0
            for i, code in enumerate(codes):
                n = code >> 1
                if text[pos:pos + n] in self.normed:
                    token = doc[i]
                    if token.norm_ != token.lex.norm_:
                        norms.append((i, token.norm_))
                pos += n + (code & 1)
        return codes, norms


# id(nlp) -> (nlp, kept so that its id is not reused; its PieceTokenizer)
_BY_NLP: dict[int, tuple[Any, PieceTokenizer]] = {}


def pieces_of(nlp: Any) -> PieceTokenizer:
    """The :class:`PieceTokenizer` of ``nlp`` in this process (made at the first call: ~0.1 s
    to tokenize the special cases for their patterns)."""
    if id(nlp) not in _BY_NLP:
        _BY_NLP[id(nlp)] = (nlp, PieceTokenizer(nlp))
    return _BY_NLP[id(nlp)][1]


def _special_pairs(nlp: Any) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[tuple[str, str]]]:
    """The pairs of neighbouring token texts in the patterns of ``nlp``'s tokenizer's special
    cases (each special case tokenized by the same rules without special cases, as spaCy does
    to make its ``PhraseMatcher``: ``Tokenizer.add_special_case``), and the texts that begin and
    end such a pair. All special cases are taken, also those spaCy's heuristics leave out."""
    from spacy.tokenizer import Tokenizer

    tok = nlp.tokenizer
    if not isinstance(tok, Tokenizer) or not tok.rules:
        return (), (), frozenset()
    bare = Tokenizer(nlp.vocab, rules={}, prefix_search=tok.prefix_search,
                     suffix_search=tok.suffix_search, infix_finditer=tok.infix_finditer,
                     token_match=tok.token_match, url_match=tok.url_match)
    pairs = set()
    for string in tok.rules:
        words = [t.text for t in bare(string)]
        pairs.update(zip(words, words[1:], strict=False))
    return (tuple(sorted({a for a, _ in pairs})), tuple(sorted({b for _, b in pairs})),
            frozenset(pairs))


def _special_words(nlp: Any) -> frozenset[str]:
    """Every token text a special case of ``nlp``'s tokenizer makes (where a piece's edge
    token is one of these, the matcher may have seen other tokens there)."""
    from spacy.attrs import ORTH

    return frozenset(sub.get(ORTH, sub.get("ORTH", "")) for subs in nlp.tokenizer.rules.values()
                     for sub in subs)


# id(tokenizer) -> (the tokenizer, kept so that its id is not reused; its normed words)
_NORMED: dict[int, tuple[Any, frozenset[str]]] = {}


def normed_words(nlp: Any) -> frozenset[str]:
    """The texts of tokens to which one of ``nlp``'s tokenizer special cases gives a ``NORM``
    ("m" of "Im" -> "am"): only such a token can have a norm other than its word's (per
    tokenizer, computed once)."""
    tokenizer = nlp.tokenizer
    if id(tokenizer) not in _NORMED:
        from spacy.attrs import NORM, ORTH

        _NORMED[id(tokenizer)] = (tokenizer, frozenset(
            piece.get(ORTH, piece.get("ORTH", ""))
            for pieces in tokenizer.rules.values() for piece in pieces
            if NORM in piece or "NORM" in piece))
    return _NORMED[id(tokenizer)][1]
