"""When a charset detector's guess on a file that is not UTF-8 cannot be trusted, and what to
tell the person about any guess.

charset-normalizer judges an encoding by the language its decoded text looks like. On a short
sample, or a sample whose language it cannot place (``coherence`` 0), that judgement has next to
nothing to go on, and it ranks encodings almost at random: "São Paulo" in Latin-1 came out as
Big5 (``S緌 Paulo``), "Ça va?" as UTF-16, "L'été à Nîmes" as cp866. Scraped Western news is by
far the most common legacy-encoded input, so when the detector is unsure and the bytes read as
plausible Western text in cp1252, cp1252 is the better guess; text that reads as Cyrillic,
Greek, Polish or Japanese in its own encoding does not read as plausible cp1252
(:func:`plausible_western`) and keeps the detector's answer.
"""

from __future__ import annotations

import re
import unicodedata

from annotator.io.problems import Kind, Problem

# Below this many bytes a sample is too short for the detector's language model (the tester's
# 40-byte "Café crème à la gare" file). The encodings tests' 150-300 byte paragraphs in Polish,
# Russian, Greek and Japanese are short too: they keep the detector's answer because they do
# not read as Western text in cp1252.
SHORT_SAMPLE = 1024
# charset-normalizer's coherence: how well the decoded text matches a language's letter
# frequencies (0: no language recognised). Below this the detector is guessing.
UNSURE_COHERENCE = 0.2
# In Western European text an accented letter sits in a word with plain ones ("été", "Nîmes",
# "façade"); a word of two or more letters none of them ASCII is rare. Cyrillic, Greek, Hebrew
# or Arabic read as cp1252 are nearly all such words ("Ïðèâåò"). Share of them allowed among
# the words that have a non-ASCII letter:
MAX_FOREIGN_WORDS = 0.25
# Accents stand alone, or beside a quote ("l’été", "Müßig"); three non-ASCII characters in a row
# are rare in Western text, and are most of what Shift-JIS or GBK make of cp1252 ("“Œ‹ž“s"). Share
# of non-ASCII characters allowed in such runs:
MAX_IN_RUNS = 0.25

# Non-letters that Western news text has: typographic quotes and dashes, degrees, fractions, a
# no-break space. Not the superscripts, ¤, ¦ or ¸ that Polish or Lithuanian letters become in
# cp1252 (ą is ¹, ł is ³).
_WESTERN_MARKS = frozenset("’‘‚“”„–—…«»‹›°•·×÷½¼¾©®™§¶†‰\xa0\xad")
# next to a number: "£5", "5 €", "1º", "2ª" (Polish Ł is £, Ą is ¥; Romanian Ş, ş are ª, º)
_BY_NUMBERS = frozenset("£€¥¢ªº")
_OPENING = frozenset("¿¡")  # Spanish: a word's start, before a capital (Polish ż is ¿)
_NON_ASCII = re.compile("[^\x00-\x7f]")
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{3,}")
_WORDS = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")
_DIGIT_NEXT = re.compile(r" ?\d")
_DIGIT_BEFORE = re.compile(r"\d ?$")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NAMES = {
    "cp1252": "cp1252 (Windows Western European)", "latin_1": "Latin-1 (ISO-8859-1)",
    "iso8859_15": "ISO-8859-15 (Latin-9)", "cp1250": "cp1250 (Windows Central European)",
    "cp1251": "cp1251 (Windows Cyrillic)", "cp1253": "cp1253 (Windows Greek)",
    "cp1257": "cp1257 (Windows Baltic)", "koi8_r": "KOI8-R (Russian)",
    "shift_jis": "Shift-JIS (Japanese)", "cp932": "cp932 (Japanese Shift-JIS)",
}


def unsure(matches: list, sample: bytes) -> bool:
    """Whether charset-normalizer's best match (first) is a guess: the sample is short, the
    detector recognised no language in it, or it found nothing at all."""
    return (not matches or len(sample) < SHORT_SAMPLE
            or matches[0].coherence < UNSURE_COHERENCE)


def plausible_western(sample: bytes) -> bool:
    """Whether ``sample`` reads as Western European text in cp1252: it decodes, every non-ASCII
    character is a Latin letter or a mark such text has (quotes, dashes, currency next to a
    number), the words with accented letters have plain ones too (see
    :data:`MAX_FOREIGN_WORDS`) and few non-ASCII characters come three or more in a row
    (:data:`MAX_IN_RUNS`)."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: not cp1252
        return False
    non_ascii = len(sample) - len(sample.translate(None, _HIGH_BYTES))  # a byte a character
    if sum(map(len, _NON_ASCII_RUN.findall(text))) > MAX_IN_RUNS * non_ascii:
        return False
    for match in _NON_ASCII.finditer(text):
        char, at = match.group(), match.start()
        if char in _WESTERN_MARKS:
            continue
        if char in _BY_NUMBERS:
            if not _beside_number(text, at):
                return False
        elif char in _OPENING:
            if text[at - 1:at].isalpha() or not text[at + 1:at + 2].isupper():
                return False
        elif not (char.isalpha() and unicodedata.name(char, "").startswith("LATIN")):
            return False
    accented = [w for w in _WORDS.findall(text) if not w.isascii()]
    foreign = sum(1 for w in accented if len(w) > 1 and not _ASCII_LETTER.search(w))
    return foreign <= MAX_FOREIGN_WORDS * len(accented)


def _beside_number(text: str, at: int) -> bool:
    """A sign next to a digit, or a space then a digit: "£5", "5 €", "€ 5", "1º"."""
    before, after = text[max(0, at - 2):at], text[at + 1:at + 3]
    return bool(_DIGIT_NEXT.match(after) or _DIGIT_BEFORE.search(before))


def encoding_note(shown: str, encoding: str) -> Problem:
    """The note an import report carries for a file whose encoding was guessed (not UTF-8, no
    BOM): which encoding its letters were read in, so a person can check them. A note
    (``Kind.CHANGED``): the file went in."""
    name = _NAMES.get(encoding.replace("-", "_").lower(), encoding)
    return Problem(shown, None, f"not UTF-8: read as {name}, an encoding guessed from its bytes; "
                                "check its accented letters (save the file as UTF-8 to be sure)",
                   kind=Kind.CHANGED)
