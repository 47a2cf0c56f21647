"""Stage-1 section rules: what a block's own text says.

Each rule is a small named function returning ``(label, weight)`` or ``None``. Weights: about 1 for
a shape hint (few words, no full stop), 2 for running text, 3-4 for an explicit cue ("By ...",
"Read more:", "©"). The cues are the habits of news sites, blogs and press pages in general (wire
credits, WordPress comment forms, cookie banners), not the lines of any one page.
"""

from __future__ import annotations

import re

from annotator.nlp.section_base import BODY, BYLINE, RELATED, BlockView, Vote, rule


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.UNICODE)


# Leading emoji, bullets and punctuation do not change what a line is ("🔥 Trending").
_LEAD = r"^[\W_]*"
MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
          # the same in the other languages news pages most often use (es, pt, fr, de, it, nl)
          r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|noviembre|"
          r"diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|"
          r"dezembro|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
          r"novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|gennaio|febbraio|"
          r"aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|"
          r"augustus|"
          # short forms and Nordic names: "4 mrt. 2026", "12 set 2025", "3 maj 2026", "mrz"
          r"mrt|mrz|mär|okt|dez|dic|ene|fev|abr|ago|set|out|gen|giu|lug|ott|maj|augusti)\.?")
DATE = _rx(
    rf"\b\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?{MONTHS}(?:\s+(?:de\s+)?\d{{4}})?(?!\w)|"
    rf"\b{MONTHS}\s+\d{{1,2}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?)?"
    r"|\b(?:\d+|an?|one)\s+(?:minute|min|hour|hr|day|week)s?\s+ago\b|\b(?:today|yesterday)\b"
    r"|\b\d+\s*[hmd]\s+ago\b"
)
DATE_WORDS = _rx(
    rf"^(?:{MONTHS}|\d+(?:st|nd|rd|th)?|\d{{1,2}}[:.]\d{{2}}|[ap]\.?m\.?|gmt|bst|utc|cet|cest|"
    r"[ecmp][sd]t|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|updated|published|posted|last|modified|on|at|ago|hours?|minutes?|"
    r"\d+[hmd]|ist|aest|aedt|acst|awst|nzst|nzdt|jst|kst|sgt|hkt|wet|west|eet|eest|akst|hst|"
    r"mins?|days?|an?|one|today|yesterday|gmt[+-]\d+|utc[+-]\d+|\d{4}-\d{2}-\d{2}|"
    r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|[+-]\d+|de|del|um|à|h|uhr|am|le|il|op|em|"
    r"\d{1,2}[:.]\d{2}[ap]\.?m\.?|\d{2}[ap]\.?m\.?|\d{1,2}h\d{2}|publi[ée]e?|mis|jour|publicado|actualizado|veröffentlicht|aktualisiert|"
    r"pubblicato|aggiornato|atualizado|el|la|las|a|et|y|e|und|om|kl|klo|às|em|"
    r"publicerad|uppdaterad|gepubliceerd|bijgewerkt|geplaatst|publisert|oppdatert|"
    r"udgivet|opdateret)$"
)


def is_date_line(view: BlockView) -> bool:
    """A short line that is (almost) only a date or time: "3 June 2025, 14:02 BST",
    "Updated 2 hours ago", "Published: 2025-06-03"."""
    return view.memo("date_line", _is_date_line)


def _is_date_line(view: BlockView) -> bool:
    text = view.text
    if view.words > 20 or not DATE.search(text):
        return False
    tokens = [t for t in re.split(r"[\s,|·•:()]+", text) if any(c.isalnum() for c in t)]
    dated = sum(1 for t in tokens if DATE_WORDS.match(t.strip(".")))
    return dated >= max(2, len(tokens) - 1)


# -- body ----------------------------------------------------------------------------------------

@rule(text_only=True)
def running_text(view: BlockView) -> Vote | None:
    """A paragraph of 20+ words with sentence punctuation: article text in any language."""
    return (BODY, 2.0) if view.is_paragraph else None


@rule(text_only=True)
def sentence(view: BlockView) -> Vote | None:
    """A shorter full sentence (standfirst, caption, one-line paragraph)."""
    if 6 <= view.words < 20 and view.is_sentence:
        return BODY, 1.5
    return None


@rule(text_only=True)
def headline_shape(view: BlockView) -> Vote | None:
    """Four or more words without a closing full stop: headline, standfirst or crosshead (or a
    link title; the context rules tell these apart)."""
    text = view.text.rstrip()
    if view.words >= 4 and not text.endswith((".", ":")) and (view.is_title_like or
                                                            view.words <= 60):
        return BODY, 1.0  # a long standfirst without a full stop counts too
    return None


CAPTION = _rx(
    r"\b(?:photograph|photo(?:graph)?s?|picture|pic|image|illustration|video|graphic|credit|"
    r"foto|bild)\s*(?:credit\s*)?:|\((?:photo|picture|image|credit)s?\b|getty images|"
    # "(Supplied: Jo Hart)", "(Harbour News: Ana Ruiz)": an outlet or source and a name in brackets
    r"\bshutterstock\b|\((?:[A-Z][\w.&'-]*\s?){1,4}:\s*[A-Z][^():]{1,40}\)\s*$|"
    r"\bAP photo\b|\b(?:reuters|afp|ap|epa|pa)/[A-Z]|/(?:AFP|AP|EPA|Reuters)\b|"
    r"\S\s+©\s*[^\W\d][^\d]*$|^[\W_]*(?:photo(?:graph)?|picture|image)s?\s+(?:by|courtesy of)\s|"
    r"\bimage (?:caption|source)\b"
)


# Cheap substring tests first: most lines contain none of these, and the regex is the costliest.
_CAPTION_HINTS = (")", "photo", "pic", "image", "illustration", "video", "graphic", "credit",
                  "foto", "bild", "getty", "shutterstock", "/", "©")


_RIGHTS = re.compile(r"^[\W_]*copyright\b|rights reserved", re.IGNORECASE)


def is_caption(view: BlockView) -> bool:
    """A photo caption or credit; a site's "Copyright © Site Ltd" line is not one."""
    def compute(v: BlockView) -> bool:
        lower = v.text.lower()
        return (any(h in lower for h in _CAPTION_HINTS) and bool(CAPTION.search(v.text))
                and not _RIGHTS.search(v.text))

    return view.memo("caption", compute)


@rule(text_only=True)
def caption_credit(view: BlockView) -> Vote | None:
    """A photo caption or its credit ("Photograph: Ana Ruiz", "(Photo: ...)") is article body."""
    return (BODY, 4.0) if is_caption(view) else None


EDITORIAL = _rx(_LEAD + r"(?:correction|clarification|editor['’]?s note|update|key points|"
                r"at a glance|in brief|what we know)\b\s*:?"
                # a summary box's heading, alone on its line, in the languages sites often use
                r"|" + _LEAD + r"(?:in short|summary|the short version|in kürze|das wichtigste in "
                r"kürze|en bref|l'essentiel|en resumen|in sintesi|em resumo|in het kort|i korthet)"
                r"\s*:?\s*$")


@rule(text_only=True)
def editorial_note(view: BlockView) -> Vote | None:
    """"Correction:", "Editor's note:", "Key points" belong to the article."""
    return (BODY, 3.5) if EDITORIAL.match(view.text) else None


# -- byline --------------------------------------------------------------------------------------

# "By" in the languages news sites most often use (von, par, por, door, av, przez, di ...).
BY = re.compile(r"^[\W_]*(?:by|BY|By|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor|[Aa]v|[Pp]rzez|[Dd]i)\s+"
                r"(?:[^\W\d_a-z]|the\s+[A-Z]|staff\b|our\b)", re.UNICODE)
# A credit label on its own line ("Posted on", "From:", "By"), its value on the next line.
CREDIT_LABEL = _rx(r"^[\W_]*(?:by|von|par|por|from|author|authors|written by|posted(?: on| by)?|"
                   r"published(?: on| by)?|updated(?: on)?|issued by|autor(?:in)?|auteur)\s*:?\s*$")
CREDIT = _rx(
    r"^[\W_]*(?:additional\s+)?(?:written|posted|reported|reporting|words|story|text|compiled|"
    r"edited|editing|produced|writing|contributed|with\s+reporting)\b[^.]{0,60}?\bby\b|"
    r"\b(?:additional|contributed|contributing)\s+reporting\b|\breporting\s+by\b.*\bediting\s+by\b|"
    r"^[\W_]*(?:author|authors|from|issued by)\s*:|^[\W_]*issued\s+by\b|"
    r"^[\W_]*published\b.{0,40}\bby\b|produced with (?:help|support) from|"
    r"\bcontributed to this (?:report|story|article)\b|^[\W_]*with (?:files|reporting) from\b|"
    r"^[\W_]*(?:con informaci[oó]n de|con "
    r"agencias|avec (?:l'|les )?(?:afp|agences|reuters)|mit material von|com informa[cç][oõ]es "
    r"d[aoe]s?|con fonti)\b"
)


@rule(text_only=True)
def author_credit(view: BlockView) -> Vote | None:
    """"By Jane Doe", "Written by", "Reporting by ...; Editing by ...", "Posted on ... by"."""
    if view.words > 40 or is_caption(view):
        return None
    if CREDIT_LABEL.match(view.text):
        return BYLINE, 3.5
    if BY.match(view.text) and (view.words <= 6 or (view.words <= 15 and not view.is_sentence)):
        return BYLINE, 4.0
    if CREDIT.search(view.text) and (view.words <= 25 or not view.is_sentence):
        return BYLINE, 4.0
    return None


# News agencies credited by name alone at the end of a story ("TT", "Com Lusa", "(dpa)").
AGENCY = (r"(?:AP|AFP|Reuters|REUTERS|dpa|DPA|ANP|TT|NTB|Ritzau|Lusa|LUSA|EFE|ANSA|PA|Belga|"
          r"BELGA|APA|SDA|Keystone-SDA|Europa Press|PAP|ČTK|CTK|KNA|epd|AAP|Kyodo|Yonhap|Xinhua|"
          r"Bernama|CP|The Canadian Press|Canadian Press|Associated Press|Press Association|"
          r"Agence France-Presse|Agencia EFE|Agência Lusa|agencies|agences|Agenturen|agenzie|"
          r"agencias|agências|agentschappen)")
WIRE = re.compile(
    r"^[\W_]*(?:(?i:with|com|con|mit|avec|met|med|via|source|fuente|fonte|quelle|bron|källa|"
    r"kilde)\s*:?\s+)?" + AGENCY + r"(?:\s*(?:[,/&+]|and|och|og|en|und|et|e|y)\s*" + AGENCY
    + r")*[\W_]*$")
# a sign-off credit after a dash: "- RNZ", "— Staff and agencies"
DASH_CREDIT = re.compile(r"^\s*[-–—]\s*[A-Z][\w&.'-]*(?:\s+(?:and\s+)?[A-Za-z][\w&.'-]*){0,3}\s*$")
_DASHED = ("-", "–", "—")


@rule()
def wire_credit(view: BlockView) -> Vote | None:
    """A news agency credited by name alone ("TT", "Com Lusa", "AFP/Reuters", "(dpa)"), or a
    sign-off credit after a dash ("- RNZ")."""
    if view.words > 8:
        return None
    if WIRE.match(view.text):
        return BYLINE, 4.0
    if not DASH_CREDIT.match(view.text):
        return None
    near = [view.neighbour(k) for k in (-1, 1)]
    if any(n is not None and n.text.lstrip().startswith(_DASHED) for n in near):
        return None  # "- Station Road" in a list of dashed items is a list item
    return BYLINE, 3.5


@rule()
def credit_value(view: BlockView) -> Vote | None:
    """The line after a bare "From:" or "Posted by" label is the credited name."""
    prev = view.neighbour(-1)
    if prev is None or view.words > 12 or not CREDIT_LABEL.match(prev.text):
        return None
    return BYLINE, 3.5


ABOUT_AUTHOR = _rx(r"^[\W_]*about the authors?\b")
ABOUT_NAME = re.compile(r"^[\W_]*About\s+[^\W\d_]", re.UNICODE)
BIO_VERB = re.compile(r"^((?:\S+\s+){0,3}?\S+)\s+(is|was|has been|writes|covers|reports|joined|"
                      r"edits|oversees|has covered|has reported|has written|ist|est|es|è|é|jest|"
                      r"är|er)\b(.*)$",
                      re.UNICODE | re.DOTALL)
# Role words, with stems for the main European languages (Redakteurin, rédactrice, periodista).
ROLE = _rx(r"\b(?:correspondent|reporter|editor|writer|journalist|columnist|contributor|author|"
           r"founder|critic|freelancer?|freelance|producer|photographer|presenter|host|"
           r"staff writer)s?\b|\b\w{0,20}(?:redakteur|korrespondent|journalist|reporter|autor|"
           r"rédact|journaliste|periodista|corresponsal|giornalist|dziennikar|redaktor)\w*")
WRITES = _rx(r"\b(?:writes|wrote|blogs|reports) (?:about|on|for|from)\b")
PARTICLES = {"de", "da", "van", "von", "der", "del", "di", "le", "la", "bin", "al", "dos", "du"}


def _is_name(words: list[str]) -> bool:
    """One to four words, each capitalised (any script) or a name particle: a person's name."""
    return 1 <= len(words) <= 4 and words[0][:1].isupper() and all(
        w[:1].isupper() or w in PARTICLES for w in words)


_ARTICLES = {"the", "this", "our", "a", "an", "le", "la", "les", "el", "il", "der", "die", "das",
             "de", "het", "o", "os", "en", "ett"}


def is_bio(text: str) -> bool:
    """"Jane Doe is a senior reporter ...", "Mele Tupou covers the Pacific ..."."""
    found = BIO_VERB.match(text)
    name = found.group(1).split() if found else []
    if found is None or not 2 <= len(name) <= 4 or not _is_name(name) \
            or name[0].lower() in _ARTICLES:
        return False  # "The Harbour Post is published by ..." is the site, not a person
    verb, rest = found.group(2), found.group(3)[:200]
    if verb not in ("is", "was", "has been", "joined"):
        return True
    return bool(ROLE.search(rest) or WRITES.search(rest))


FOLLOW_ME = _rx(r"\bfollow\s+(?:him|her|them|me)\b|(?:^|\s)@\w{3,}\b")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def follows_author(text: str) -> bool:
    """"Follow her on X", "@handle"."""
    return ("@" in text or "ollow" in text) and bool(FOLLOW_ME.search(text))


def has_email(text: str) -> bool:
    return "@" in text and bool(EMAIL.search(text))


@rule()
def author_bio(view: BlockView) -> Vote | None:
    """An author's bio or contact line ("Jane Doe is a senior reporter...", "Follow her on X").
    Weak on its own: a sentence about a person inside the article looks the same, so the context
    rules decide by position."""
    if view.words > 80:
        return None
    if ABOUT_AUTHOR.match(view.text):
        return BYLINE, 4.0
    after = view.neighbour(1)
    if view.words <= 3 and ABOUT_NAME.match(view.text) and after and is_bio(after.text):
        return BYLINE, 3.5  # "About Hannah" over her bio
    if is_bio(view.text):
        return BYLINE, 2.5
    return (BYLINE, 2.5) if follows_author(view.text) else None


_PRONOUN_START = re.compile(r"^(?:she|he|they|her|his|their)\b", re.IGNORECASE)


@rule()
def bio_continuation(view: BlockView) -> Vote | None:
    """"Her first book ..." right after an author's bio continues the bio."""
    prev = view.neighbour(-1)
    if prev is None or not _PRONOUN_START.match(view.text):
        return None
    if is_bio(prev.text) or ABOUT_AUTHOR.match(prev.text):
        return BYLINE, 2.5
    return None


_ROLE_TAIL = re.compile(r"\s*(?:[,|–—]|\s-)\s*")


def is_name_line(view: BlockView) -> bool:
    """A line that is only a person's name (or names), maybe with a place or role:
    "Agnieszka Łęcka", "Laura Pemberton and Oliver Nkemelu in London", "Jo Hart, Reporter"."""
    if not 2 <= view.words <= 14 or len(view.text) > 200 or view.is_sentence:
        return False
    head, *tail = _ROLE_TAIL.split(view.text.strip(), maxsplit=1)
    if tail and len(tail[0].split()) > 6:
        return False
    words = head.split()
    place_word = next((w for w in ("in", "at", "from") if w in words), None)
    if place_word:  # "Nick Ashdown in Madrid", "Ruth Calloway at the Quayside Stadium"
        at = words.index(place_word)
        words, place = words[:at], [w for w in words[at + 1:] if w != "the"]
        if not _is_name(place):
            return False
    names: list[list[str]] = [[]]
    for word in words:
        if word in ("and", "&"):
            names.append([])
        else:
            names[-1].append(word)
    return all(len(n) >= 2 and _is_name(n) for n in names)


def is_role_line(view: BlockView) -> bool:
    """"Paris correspondent", "Senior reporter, Business"."""
    return (view.words <= 6 and len(view.text) <= 80 and not view.is_sentence
            and bool(ROLE.search(view.text)))


# -- related links -------------------------------------------------------------------------------

RELATED_WORDS = (
    r"read more|more to read|read next|read this next|up next|related(?: (?:coverage|stories|"
    r"articles|content|news|posts|reading|links))?|see also|more from [^:]{1,40}|"
    r"related (?!topics?\b)\w+|"
    r"more on (?:this|that) (?:story|topic)|"
    r"more on [^:]{1,40}|latest from [^:]{1,40}|more (?:stories|news|coverage)|"
    r"most (?:read|popular|"
    r"viewed|shared|watched)|trending(?: now| stories)?|popular(?: now| stories)?|recommended"
    r"(?: for you| stories)?|you (?:may|might) also (?:like|be interested in)|keep reading|"
    r"further reading|also read|read also|latest(?: news| stories)?|what to read next|top stories|"
    r"editor['’]?s (?:picks|choice)|don['’]?t miss|in other news|more in [^:]{1,30}|more(?=\s*:)|"
    r"recent (?:posts|articles|stories)|(?:popular|latest|more|similar) (?:posts|articles)|"
    # the same cues in other languages news sites often use
    r"lesen sie auch|mehr zum thema|weitere artikel|auch interessant|das könnte sie auch "
    r"interessieren|(?:à )?lire aussi|sur le même sujet|leia também|lee también|leer más|"
    r"leggi anche|czytaj (?:także|też|więcej)|zobacz (?:też|także)|läs också|lees ook|"
    r"meest gelezen|meistgelesen|les plus lus|(?:lo )?más leíd[oa]s?|i più letti|mais lid[oa]s|"
    r"najczęściej czytane|noticias relacionadas|"
    r"(?:artículos|notícias|articles|articoli) relacionad[oa]s|notizie correlate|articles liés|"
    r"te puede interesar|más noticias|mais notícias|leia (?:também|mais)|verwandte artikel|"
    r"ähnliche artikel|weitere nachrichten|relaterade artiklar|gerelateerde artikelen|"
    r"[àa] lire (?:aussi|également|egalement)|dans la même rubrique|a ler também|"
    r"powiązane artykuły|przeczytaj (?:też|także)|mest lästa?|mest lest|mest læste?|"
    r"fler nyheter|meer nieuws|lees meer|leia mais|"
    # a cue word with up to two modifiers before a plural of stories: "Top Trending Stories",
    # "Latest National Stories", "More Business News", "Popular Local Headlines"
    r"(?:top|latest|trending|popular|more|recent|related|recommended|must-read)(?:\s+[\w'-]+){0,2}"
    r"\s+(?:stories|news|headlines|articles|reads|posts)"
)
# A bilingual site may put its own language first: "Czytaj także / Read also:".
_OTHER_LANGUAGE = r"(?:[^:/|]{1,30}\s*/\s*)?"
RELATED_HEADER = _rx(_LEAD + _OTHER_LANGUAGE + rf"(?:{RELATED_WORDS})\s*[:.»›>\-–—]*\s*$")
RELATED_INLINE = _rx(
    _LEAD + _OTHER_LANGUAGE + rf"(?:{RELATED_WORDS}|also (?:on|in|from) [^:]{{1,40}}|watch|listen|"
    r"explainer|explained|pictured|in pictures|gallery|"
    r"opinion|analysis|more|previously|background|see|read)\s*[:|]\s*\S"
)


@rule(text_only=True)
def related_header(view: BlockView) -> Vote | None:
    """A header over links to other stories: "Read more:", "Related coverage", "Most read"."""
    return (RELATED, 4.0) if view.words <= 8 and RELATED_HEADER.match(view.text) else None


@rule(text_only=True)
def related_promo(view: BlockView) -> Vote | None:
    """A one-line promo for another story: "Also on Example News: ...", "Related: ..."."""
    if view.text.count("|") > 1:
        return None  # "Latest news | NZ | World": a menu bar, not "Also read | <title>"
    if view.words <= 30 and RELATED_INLINE.match(view.text):
        return RELATED, 4.0
    return None
