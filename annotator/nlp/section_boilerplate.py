"""Stage-1 boilerplate rules: the phrases sites repeat on every page (copyright, cookie banners,
sign-in and newsletter prompts, share buttons, adverts, tags, comment forms, menus).

Most are one :func:`_phrase_rule` call each: a named pattern, a weight and the longest line it may
fire on, so that an article sentence which happens to mention cookies or subscriptions is left
alone. Kept apart from :mod:`annotator.nlp.section_rules` only to keep modules small.
"""

from __future__ import annotations

import re

from annotator.nlp.section_base import BOILERPLATE, BlockView, Vote, rule
from annotator.nlp.section_rules import _rx, is_date_line, is_name_line

# Rules made by _phrase_rule (they have no module-level name of their own).
MADE_RULES: list = []


def _phrase_rule(name: str, pattern: str, weight: float, max_words: int, doc: str) -> None:
    """Make a boilerplate rule that fires when ``pattern`` occurs in a line of at most
    ``max_words`` words; one call per habit keeps each rule named and testable."""
    regex = _rx(pattern)

    def check(view: BlockView) -> Vote | None:
        if view.words <= max_words and regex.search(view.text):
            return BOILERPLATE, weight
        return None

    check.__name__ = name
    check.__doc__ = doc
    MADE_RULES.append(rule(text_only=True)(check))


_WHOLE = r"(?:\s*[|:\-–—]?\s*)[\W_]*$"
_phrase_rule("copyright", r"^[\W_]*©|©\s*(?:19|20)\d\d|(?:19|20)\d\d\s*©|\(c\)\s*(?:19|20)\d\d|"
             r"\bcopyright\b|all rights reserved|riproduzione riservata|tous droits r[ée]serv[ée]s|"
             r"todos los derechos reservados|alle rechte vorbehalten|wszelkie prawa zastrze[żz]one|"
             r"todos os direitos reservados", 4.0, 40,
             "Copyright and rights lines close every page.")
_phrase_rule("cookie_notice", r"\b(?:we|this (?:web)?site|our (?:web)?site|site) uses? cookies\b|"
             r"\bcookie (?:settings|policy|preferences|notice|consent|banner)\b|accept (?:all )?"
             r"cookies|cookies to (?:improve|personali[sz]e|analy[sz]e|give|provide|enhance)|"
             r"\buse of cookies\b|^[\W_]*cookies" + _WHOLE
             + r"|\bcookies\b.{0,80}\b(?:accept|reject|"
             r"essential|additional|analytics|manage|preferences|browsing|this (?:web)?site)\b|"
             r"\b(?:accept|reject|view|manage|essential|additional|analytics) (?:\w+ )?cookies\b|"
             r"\bcookies on\b|"
             # the same banners in other languages: "Wir verwenden Cookies", "Questo sito utilizza
             # cookie", "Nous utilisons des cookies", "Usamos cookies", "Wij gebruiken cookies"
             r"\b(?:verwenden|nutzen|utilizza|utilizziamo|usiamo|utilise|utilisons|usamos|"
             r"utilizamos|utiliza|usa|gebruikt|gebruiken|använder|bruger|bruker)\b.{0,60}"
             r"\bcook(?:ies?|ie-?\w*)\b|^[\W_]*(?:alle akzeptieren|alles akzeptieren|accetta tutti|"
             r"rifiuta(?: tutti)?|tout accepter|tout refuser|aceptar todo|rechazar todo|"
             r"aceitar todos|rejeitar todos|alles accepteren|alles weigeren|acceptera alla|"
             r"godkänn alla|neka alla)" + _WHOLE, 4.0, 60,
             "Cookie banners and cookie settings.")
_phrase_rule("legal_links", r"privacy (?:policy|notice|settings|centre|center|statement)|terms "
             r"(?:of (?:use|service|sale)|and conditions|& conditions)|do not sell my|"
             r"^[\W_]*(?:privacy|terms|legal|imprint|impressum|disclaimer)" + _WHOLE
             + r"|^[\W_]*disclaimer\s*:|\bnot (?:financial|investment|legal) advice\b", 3.5, 40,
             "Privacy, terms and legal links.")
_phrase_rule("account_prompt", r"^[\W_]*(?:subscribe|sign ?in|sign ?up|log ?in|log ?out|register|"
             r"my account|create (?:an |your )?account|become a (?:member|subscriber)|support us|"
             r"donate|get the app|download (?:the |our )?[\w ]{0,30}\bapp|open in app|"
             r"upgrade now|already (?:a )?(?:subscriber|member)|already have an account|"
             r"support (?:our|independent|local) "
             r"(?:work|journalism))\b|\bsubscribers? only\b|\bunlimited (?:online |digital )?"
             r"access\b|"
             r"\b(?:our|free|daily|weekly|morning|evening) newsletters?\b|"
             r"\bsubscribe (?:now|today|for|from)\b|\b(?:in|to) your inbox\b|"
             r"^[\W_]*enter your e-?mail(?: address)?\b|\bjoin (?:our|the|[\w.]+['’]s) "
             r"(?:whatsapp|telegram|signal) channel\b|\bdownload (?:the |our )?[\w ]{0,30}\bapp\b|"
             r"\bsign up\W*$|^[\W_]*newsletters?\s*:|"
             # the same prompts in the other languages news sites most often use
             r"^[\W_]*(?:suscr[ií]bete|iniciar sesi[oó]n|ap[uú]ntate|abonnez-vous|s'abonner|"
             r"se connecter|inscrivez-vous|abonnieren|anmelden|iscriviti|abbonati|accedi|"
             r"assine|entrar|zaloguj|subskrybuj)\b|\b(?:bolet[ií]n|newsletter|lettre d'information)"
             r"\b.{0,80}\b(?:ap[uú]ntate|suscr[ií]bete|inscri|abonn|anmelden|iscriviti|assine)",
             3.0, 25,
             "Subscribe, sign-in and newsletter prompts.")
_SHARE_START = (r"share|tweet|print|e-?mail|copy link|copy url|pin it|whatsapp|facebook|twitter|"
                r"linkedin|reddit|bluesky|threads|x|send|save|bookmark|gift (?:this )?article|"
                r"compartir|comparte|partager|partagez|teilen|condividi|compartilhar|"
                r"udost[eę]pnij|dela|delen|deel|partilhar|partilhe|del|republish")
_SHARE_WORD = (r"share|tweet|print|e-?mail|copy|url|pin|it|whatsapp|facebook|twitter|linkedin|"
               r"reddit|bluesky|threads|mastodon|telegram|pinterest|messenger|x|send|save|"
               r"bookmark|gift|on|via|to|by|this|the|article|story|page|link|with|for|later|a|"
               r"friend|en|sur|auf|su|no|correo|courriel|dit|deze|"
               r"in|your|social|network|networks|media|l'articolo|l'article|"
               r"artikel|articolo|artículo|artigo|beitrag|el|o|den")
# "Artikel teilen", "Condividi l'articolo": the object may come first or second.
_SHARE_OBJECT = r"(?:artikel|article|l'article|articolo|l'articolo|artículo|artigo|story|beitrag)"
_SHARE_BAR = re.compile(rf"^[\W_]*(?:{_SHARE_START})\b", re.IGNORECASE)
_phrase_rule("share_buttons", rf"^[\W_]*(?:{_SHARE_START})(?:[\s|·•,/]+(?:{_SHARE_WORD}))*"
             + _WHOLE + rf"|^[\W_]*{_SHARE_OBJECT}\s+(?:{_SHARE_START})" + _WHOLE, 3.0, 14,
             "Share and save buttons, a share bar flattened into one line.")


@rule(text_only=True)
def no_words(view: BlockView) -> Vote | None:
    """A line with no letters or digits ("###", "* * *", "—"): a separator, never article text."""
    return (BOILERPLATE, 2.0) if view.words == 0 else None


_END_MARK = re.compile(r"^[\W_]*(?:ends|end|fin|ende)[\W_]*$", re.IGNORECASE)


@rule(text_only=True)
def end_marker(view: BlockView) -> Vote | None:
    """Press-release end markers ("-ENDS-", "###")."""
    return (BOILERPLATE, 3.5) if _END_MARK.match(view.text) and "-" in view.text else None


@rule(text_only=True)
def share_bar(view: BlockView) -> Vote | None:
    """"Share: f | X | P | ✉": a share word, then short items between separators."""
    text = view.text
    if view.words > 14 or not _SHARE_BAR.match(text) or not any(c in text for c in "|·•"):
        return None
    items = [p for p in re.split(r"[|·•:]", text)[1:] if p.strip()]
    return (BOILERPLATE, 3.0) if items and all(len(p.split()) <= 3 for p in items) else None


_TICKER = re.compile(r"[+\-−]\d+(?:[.,]\d+)?\s*%")


@rule(text_only=True)
def market_ticker(view: BlockView) -> Vote | None:
    """A row of share prices ("HALV.OL +11.40%  SOX +0.85%"): site furniture, not the story."""
    if view.words > 16 or len(_TICKER.findall(view.text)) < 2 or view.is_sentence:
        return None
    return BOILERPLATE, 3.5
_phrase_rule("advertising", r"^[\W_]*(?:advertisement|advertising|ad|ads|skip (?:this )?ad|"
             r"publicit[ée]|publicidad|publicidade|werbung|anzeige|pubblicit[àa]|reklama|"
             r"advertentie|annonse|annons)"
             + _WHOLE
             + r"|(?:story|article) continues (?:below|after)|scroll to continue|"
             r"continue reading below", 4.0, 10, "Advertisement markers.")
_phrase_rule("paid_promotion", r"^[\W_]*(?:sponsored(?: content| stories| links)?|promoted(?: "
             r"stories| content| links)?|paid (?:content|post|partner(?: content)?)|"
             r"partner content|"
             r"from our partners|around the web|from the web)" + _WHOLE + r"|^[\W_]*(?:sponsored|"
             r"promoted|presented|brought to you) by\b|^[\W_]*in partnership with\b", 4.0, 10,
             "Paid promotion headers (advertising, not related journalism).")
_phrase_rule("tags_topics", r"^[\W_]*(?:topics?|tags|tagged|tagged with|filed under|categories|"
             r"category|subjects|keywords|more about|explore more on these topics|posted in)\s*:|"
             r"^[\W_]*(?:related|more|explore) topics" + _WHOLE + r"|^[\W_]*(?:temas|etiquetas|"
             r"mots[- ]cl[ée]s|th[èe]mes|schlagw[öo]rter|themen|argomenti|tematy|t[óo]picos|"
             r"assuntos)\s*:",
             3.5, 40, "Tag and topic lists.")
_phrase_rule("tag_header", r"^[\W_]*(?:topics|tags|related topics|more on these topics|themen|"
             r"schlagw[öo]rter|argomenti|temi|temas|sujets|th[èe]mes|onderwerpen|[äa]mnen|"
             r"tematy|t[óo]picos|assuntos|etiquetas)" + _WHOLE, 3.5, 4,
             "A bare \"Topics\" header over a list of one-word tags (the tags follow it).")
_phrase_rule("comment_count", r"^[\W_]*\d+\s+(?:comments?|kommentare?|commentaires?|"
             r"comentarios?|commenti|reacties|kommentarer|coment[áa]rios?)\b", 4.0, 6,
             "A comment count with its extras (\"14 Comments / 3 New\").")
_phrase_rule("comments", r"^[\W_]*(?:\d+\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|"
             r"commenti|komentarze?|coment[áa]rios?)\s*(?:\(\d+\))?" + _WHOLE + r"|"
             r"^[\W_]*(?:\d+|one|two|three) (?:thoughts|responses|replies|comments) (?:on|to)\b|"
             r"\bcomments?\s*\(\d+\)|join the (?:conversation|discussion|debate)|have your say|"
             r"be the first to comment|leave a (?:reply|comment)|post a comment|"
             r"email address will not be published|required fields are marked|house rules|"
             r"community (?:guidelines|standards)|(?:show|view|load|read|hide) (?:all )?"
             r"(?:\d+ )?comments|^[\W_]*(?:reply|report|like)" + _WHOLE
             + r"|\d+ (?:replies|likes)\b",
             4.0, 20, "Comment counts, prompts and forms.")
_phrase_rule("reading_time", r"^[\W_]*(?:ascolta|écouter|escuchar|ouvir|lyssna på|luister naar)"
             r"\b.{0,20}\b(?:articolo|article|artículo|artigo|notícia|artikeln|artikel)\b|"
             r"^[\W_]*artikel (?:anhören|vorlesen|beluisteren)\b|"
             r"^[\W_]*(?:lecture|lectura|leitura|lettura)\s*:?\s*\d+\s*(?:min|minut)|"
             r"\b\d+\s*(?:-\s*)?(?:min|mins|minute|minutes)\.?\s*(?:to\s+)?(?:read|listen|"
             r"watch|de lecture|de lectura|de leitura|di lettura|lesezeit|czytania)\b|"
             r"^[\W_]*(?:listen to (?:this )?(?:article|story)|reading time|temps de lecture|"
             r"leestijd|lästid|lesetid|læsetid|lukuaika|"
             r"tiempo de lectura|tempo de leitura|tempo di lettura|lesezeit|lesedauer|"
             r"czas czytania)\b", 4.0, 12,
             "Reading-time and listen lines.")
_phrase_rule("site_chrome", r"^[\W_]*(?:skip to (?:main )?content|skip navigation|menu|main menu|"
             r"navigation|search|home(?:page)?|back to top|close|next|previous|load more|show more|"
             r"see all|view all|more|accessibility|contact(?: us)?|about(?: us)?|advertise(?: with "
             r"us)?|careers|jobs|sitemap|site map|rss|help|faq|follow us|licensing|our standards|"
             r"manage preferences|accept(?: all)?|reject all|toggle|loading|corrections policy|"
             r"editorial (?:policy|standards)|feedback|newsletters?|podcasts?|video|live|all "
             r"sections|is this page (?:useful|helpful)|was this (?:page|article) "
             r"(?:useful|helpful)|report a (?:problem|mistake) (?:with|on) this page|"
             r"print this page)" + _WHOLE, 3.0, 8,
             "Site chrome: menu words, buttons and footer links the site repeats on every page.")
_phrase_rule("live_controls", r"^[\W_]*(?:(?:show )?key events(?: only)?|pinned(?: post)?|"
             r"auto-?(?:update|refresh)(?: on| off)?|(?:\d+ )?new (?:posts?|updates?)|"
             r"newest first|oldest first|latest updates)" + _WHOLE, 3.5, 6,
             "A live blog's controls between its header and its posts.")
_phrase_rule("press_contact", r"press office|media (?:enquiries|inquiries|contacts?)|"
             r"press (?:contacts?|enquiries|inquiries)|contact (?:the|our) newsroom|"
             r"got a (?:story|tip)\b|send us (?:your |a )?(?:story|stories|tips?|news|photos?|"
             r"pictures?|videos?|views)\b|^[\W_]*get involved\b|submit a letter|"
             r"letters? (?:to|for) (?:the editor|publication)|"
             r"^[\W_]*(?:tel|phone|fax)\s*[:.]", 4.0, 45,
             "Newsroom and press-office contact lines (an author's own contact is byline).")
_phrase_rule("site_about", r"reader-supported|affiliate commissions?|earn (?:a|an) commission|"
             r"is the world['’]s largest|trust principles|powered by\b|theme by\b|all quotes "
             r"delayed|purchase licensing rights|"
             # the publisher named by press law: "Ansvarig utgivare", "V.i.S.d.P.",
             # "Directeur de la publication"
             r"^[\W_]*(?:ansvarig utgivare|ansvarlig redaktør|vastaava päätoimittaja|"
             r"v\.\s?i\.\s?s\.\s?d\.\s?p\.|verantwortlich für den inhalt|directeur de la "
             r"publication|director(?:a)? de la publicación)\b|"
             r"\bfollow (?!him\b|her\b|them\b|me\b)[\w ]{1,30} on (?:social|facebook|x|twitter|"
             r"instagram)\b", 3.0, 40,
             "About-the-site lines, generic contact and press-office blocks.")

_SEPARATOR = re.compile(r"\s+[|•·>»›/]\s+|\s*[|•·»›]\s*")


@rule(text_only=True)
def menu_separators(view: BlockView) -> Vote | None:
    """Short items joined by separators: "Home | News | Sport", "Sport > Football > Club"."""
    if is_date_line(view):
        return None  # "Málaga | 2 June 2025" is a dateline, not a menu
    if not any(c in view.text for c in "|•·>»›/"):
        return None
    parts = [p for p in _SEPARATOR.split(view.text) if p.strip()]
    if len(parts) < 2 or any(len(p.split()) > 6 for p in parts):
        return None
    if len(parts) == 2 and " / " in view.text:
        return None  # "Lisbon / Porto": one slash is not a menu
    return BOILERPLATE, 3.5


@rule()
def repeated_line(view: BlockView) -> Vote | None:
    """A short line the page repeats word for word ("Article content" between paragraphs, a
    "Share" button above and below the text) is a widget label; crossheads are never repeated.
    A repeated name or date is the byline at the top and bottom of the page, so not this."""
    if not 1 <= view.words <= 5 or view.page.count(view.text) < 2 or is_date_line(view):
        return None
    return None if is_name_line(view) else (BOILERPLATE, 3.0)


@rule(text_only=True)
def menu_word(view: BlockView) -> Vote | None:
    """One to three words with no sentence: a menu item, section kicker or button."""
    if 1 <= view.words <= 3 and not view.is_sentence and not is_date_line(view):
        return BOILERPLATE, 1.0
    return None
