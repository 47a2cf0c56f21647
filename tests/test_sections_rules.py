"""Each section rule on its own: the lines it should fire on, and look-alikes it must leave alone.

Every registered rule has a case here (checked by ``test_every_rule_has_a_case``), so adding a rule
without a test fails the suite.
"""

from __future__ import annotations

from typing import Any

import pytest

from annotator.nlp.sections import RULES, Page, analyse, suggest_sections
from annotator.nlp.sections import _stage_one as stage_one

analyse("load the rule modules")


def label_of(vote: Any) -> str | None:
    """The label a vote is for: the tests state which label a rule votes for, not its weight
    (weights are tuning; copying them here would only repeat the code)."""
    return vote[0] if vote else None


def fire(name: str, lines: list[str], index: int = -1, features: list[dict] | None = None,
         kept: list[bool] | None = None) -> Any:
    """The vote of rule ``name`` for block ``index`` of a page made of ``lines``."""
    page = Page(lines, features or [], kept)
    stage_one(page)
    return RULES[name].fn(page.view(index % len(lines)))


# rule -> (label, lines it fires on, lines it must not fire on); the last line is the one tested.
TEXT_CASES: dict[str, tuple[str, list[str], list[str]]] = {
    "running_text": ("body", [
        "The council said on Monday that the new bridge would open in the spring of next year, "
        "two years later than planned, because of problems with the foundations."],
        ["Home", "Share on Facebook"]),
    "sentence": ("body", ["Trains were cancelled across the region on Tuesday."],
                 ["Breaking news", "Read more:"]),
    "headline_shape": ("body", ["Storm closes ports along the northern coast"],
                       ["Sport", "The storm closed every port."]),
    "caption_credit": ("body", ["Fans outside the stadium. Photograph: Ana Ruiz/Reuters",
                                "The harbour at dawn (Photo: Jo Lee)",
                                "Shoppers in Leeds on Saturday. © Daily Example/Sam Roe",
                                "Photo by Hannah Brooks", "Image caption, The ferry in 2023",
                                "Snow blocks the pass above Alvesta. (Supplied: Mia Berg)"],
                       ["© 2025 Example Media Ltd", "A photograph of the harbour was sold.",
                        "Copyright © Harbour Post Media Ltd. All rights reserved."]),
    "editorial_note": ("body", ["Correction: an earlier version misspelt the mayor's name.",
                                "Key points", "Editor's note: this story has been updated.",
                                "In short:", "En bref", "Das Wichtigste in Kürze"],
                       ["The key points were agreed.", "Updated 2 hours ago",
                        "Summary of the council's budget plans for next year"]),
    "author_credit": ("byline", ["By Jane Doe and Ali Khan", "BY JOHN ROE, Associated Press",
                                 "Reporting by Jane Doe; Editing by Tom Hale",
                                 "Written by Rachel Booth, sports reporter", "From:",
                                 "Posted on 12 March 2025 by Priya Raman",
                                 "Additional reporting by Ana Vieira in Porto",
                                 "Von Anna Becker", "Par Claire Dubois",
                                 "AP writers Kevin Tran and Ana Ruiz contributed to this report.",
                                 "With files from Reuters"],
                      ["By continuing to browse you accept cookies.",
                       "By Monday evening the river had burst its banks and flooded the town.",
                       "Photographs by Jo Lee. Photograph: Jo Lee"]),
    "wire_credit": ("byline", ["TT", "Com Lusa", "AFP/Reuters", "(dpa)", "Med NTB",
                               "With agencies", "- RNZ", "— Staff and agencies"],
                    ["AP style guide", "Reuters reported that talks had stalled."]),
    "author_bio": ("byline", ["Jane Doe is a senior reporter covering energy.",
                              "Mele Tupou covers the Pacific's oceans from Brisbane.",
                              "About the author: Priya Raman runs Byte Harbour.",
                              "Follow her on X @janedoe",
                              "Ola Svensson edits the paper's climate desk from Malmö."],
                   ["The minister is a former teacher from Leeds.",
                    "Sleet covers the runway at Kiruna on Friday morning.",
                    "Prices rose 4% in May, the statistics office said."]),
    "related_header": ("related_links", ["Read more:", "Related coverage", "Most read",
                                         "🔥 Trending", "More from Business",
                                         "Lesen Sie auch:", "Więcej / More:",
                                         "Noticias relacionadas", "Recent Posts",
                                         "Top Regional Stories", "More Sports News",
                                         "Latest Business Headlines", "Mest lästa",
                                         "More on the tram strike", "Latest from Sport"],
                       ["Read more about our cookies policy here and manage your settings.",
                        "Related: Copper hits a two-year high"]),
    "related_promo": ("related_links", ["Also on Example News: Copper hits a two-year high",
                                        "Related: Why tea prices fell",
                                        "See also: The long road to compensation",
                                        "Czytaj także / Read also: Start-up funding doubles",
                                        "Also Read | Tram fares to rise in June"],
                      ["Related coverage", "He said: we will see also what happens.",
                       "Latest news | NZ | World | Sport | Business"]),
    "copyright": ("boilerplate", ["© 2025 Example News Ltd. All rights reserved.",
                                  "Riproduzione riservata",
                                  "Copyright 2024 Example Media", "Touchline Ltd © 2025"],
                  ["Shoppers outside a store in Leeds. © Example/Sam Roe"]),
    "cookie_notice": ("boilerplate", [
        "We use cookies to improve your experience. Accept all",
        "This website uses cookies. Manage preferences", "Accept analytics cookies",
        "Cookie policy", "Nous utilisons des cookies pour mesurer l'audience du site.",
        "Wij gebruiken cookies om de site te verbeteren.", "Tout accepter", "Acceptera alla"],
        ["The bakery sells cookies and bread from six in the morning.",
         "Die Bäckerei verkauft Kekse und Brot."]),
    "legal_links": ("boilerplate", ["Privacy policy", "Terms and conditions", "Impressum"],
                    ["The privacy of patients was at stake, the court heard."]),
    "account_prompt": ("boilerplate", ["Subscribe", "Sign in", "Subscribe from £1 a week",
                                       "Sign up to our free newsletter",
                                       "Newsletter: The Morning Brief — sign up",
                                       "Already a subscriber? Sign in",
                                       "Download the Example News app",
                                       "Already have an account? Log in",
                                       "Join our WhatsApp channel for breaking news",
                                       "The 7am briefing, delivered to your inbox",
                                       "Enter your email address",
                                       "Get breaking alerts first. Download the Harbour Post app "
                                       "for iOS and Android."],
                       ["Subscriptions to the service rose by a third in the year to May, "
                        "the company said."]),
    "share_buttons": ("boilerplate", ["Share on Facebook", "Share this with", "Copy link",
                                      "Tweet", "Share on Facebook Share on X Email",
                                      "Share this story on your social networks",
                                      "Artikel teilen", "Condividi l'articolo",
                                      "Republish this story"],
                      ["Share prices fell 11% in São Paulo.", "Save the children"]),
    "no_words": ("boilerplate", ["###", "* * *"], ["Ends"]),
    "end_marker": ("boilerplate", ["-ENDS-", "- End -"], ["The end of an era for the town"]),
    "share_bar": ("boilerplate", ["Share: f | X | P | ✉", "Compartir en Facebook | X | Correo"],
                  ["Share prices fell | analysts were surprised by the scale of the fall"]),
    "market_ticker": ("boilerplate", ["HALV.OL +11.40%    KSTM.AS -3.20%    SOX +0.85%"],
                      ["Shares rose 11% and the index gained 3% on Monday."]),
    "advertising": ("boilerplate", ["Advertisement", "Story continues below advertisement",
                                    "Advertisement - Scroll to continue", "Publicité",
                                    "Publicidad"],
                    ["Advertising revenue fell by a fifth last year."]),
    "paid_promotion": ("boilerplate", ["Sponsored", "Promoted stories", "From our partners",
                                       "Sponsored by Example Bank"],
                       ["The sponsored walk raised £4,000 for the hospice."]),
    "tag_header": ("boilerplate", ["Topics", "Tags", "Themen", "Onderwerpen"],
                   ["Topics for the next council meeting"]),
    "comment_count": ("boilerplate", ["8 Comments / 2 New", "31 comentarios"],
                      ["12 comments from residents were read out at the hearing."]),
    "tags_topics": ("boilerplate", ["Topics: Mining, Brazil", "Tags: laptops, reviews",
                                    "Related topics"], ["The topics discussed included tax."]),
    "comments": ("boilerplate", ["Comments (48)", "12 Comments", "Leave a reply", "Kommentare",
                                 "4 thoughts on “Growing tomatoes”", "Join the conversation"],
                 ["Comments made by the minister caused anger in the chamber."]),
    "reading_time": ("boilerplate", ["4 min read", "Listen to this article",
                                     "Temps de lecture : 2 min", "Écouter l'article",
                                     "Artikel anhören", "Leestijd: 4 minuten", "3 mins to read",
                                     "Lecture : 2 min", "Lectura: 4 minutos"],
                     ["The race took 4 minutes to complete."]),
    "site_chrome": ("boilerplate", ["Skip to main content", "Menu", "Back to top",
                                    "Is this page useful?"],
                    ["More than 200 people were evacuated.", "Home Office says no"]),
    "live_controls": ("boilerplate", ["Key events", "Show key events only", "Pinned post",
                                      "Auto-update on", "3 new updates"],
                      ["Key events in the trial were reported by the court clerk."]),
    "press_contact": ("boilerplate", ["Press office", "Media enquiries: 020 7946 0000",
                                      "Got a story? Email tips@example.com"],
                      ["The office was closed on Monday."]),
    "site_about": ("boilerplate", ["Byte Harbour is reader-supported.",
                                   "Powered by WordPress", "Follow Meridian on social media",
                                   "Ansvarig utgivare: Per Holm"],
                   ["Follow her on X @janedoe"]),
    "menu_separators": ("boilerplate", ["Home | News | Sport", "Sport > Football > Vale FC",
                                        "Privacy · Cookies · Terms"],
                        ["Lisbon / Porto", "Málaga | 2 June 2025"]),
    "menu_word": ("boilerplate", ["Business", "What's On"],
                  ["Storm closes ports along the coast", "3 June 2025"]),
}


@pytest.mark.parametrize("name", sorted(TEXT_CASES))
def test_text_rule_fires_on_its_cue_and_not_on_look_alikes(name: str):
    label, positives, negatives = TEXT_CASES[name]
    for line in positives:
        vote = fire(name, [line])
        assert vote is not None and vote[0] == label, f"{name} should fire on {line!r}"
    for line in negatives:
        vote = fire(name, [line])
        assert vote is None or vote[0] != label, f"{name} should not fire on {line!r}"


def test_credit_value_is_the_line_after_a_bare_credit_label():
    assert label_of(fire("credit_value", ["From:", "Department for Transport"])) == "byline"
    assert fire("credit_value", ["Trains", "Department for Transport"]) is None


def test_bio_continuation_follows_a_bio():
    bio = "Isobel Grant is a writer and former radio producer from Lewis."
    assert fire("bio_continuation", [bio, "Her first book will be published in May."])[0] == \
        "byline"
    assert fire("bio_continuation", ["The ferry left at six.", "Her crew were tired."]) is None


# -- HTML rules ---------------------------------------------------------------------------------

def _feat(tag: str = "p", landmarks: list[str] | None = None, density: float = 0.0,
          classes: str = "") -> dict:
    return {"tag": tag, "landmarks": landmarks or [], "link_density": density, "classes": classes}


LONG = ("The regional government has declared a drought emergency in the province, allowing "
        "towns to cut water pressure at night and ban the filling of private pools.")


def test_extractor_keeps_votes_body_more_for_longer_blocks():
    long_vote = fire("extractor_keeps", [LONG], kept=[True])
    short_vote = fire("extractor_keeps", ["Wirtschaft"], kept=[True])
    assert label_of(long_vote) == label_of(short_vote) == "body"
    assert long_vote[1] > short_vote[1]  # a long kept paragraph is stronger evidence
    assert fire("extractor_keeps", [LONG], kept=[False]) is None
    assert fire("extractor_keeps", [LONG]) is None  # plain text: no opinion


def test_extractor_drops_running_text_it_leaves_out_of_the_article():
    assert label_of(fire("extractor_drops", [LONG, LONG], 0, kept=[False, True])) == "boilerplate"
    assert fire("extractor_drops", [LONG, LONG], 0, kept=[False, False]) is None
    assert fire("extractor_drops", ["Accept all", LONG], 0, kept=[False, True]) is None


def test_html_controls_are_boilerplate():
    assert fire("html_controls", ["Alle akzeptieren"], features=[_feat("button")])[0] == \
        "boilerplate"
    assert fire("html_controls", ["Alle akzeptieren"], features=[_feat("p")]) is None


def test_html_landmark_nav_and_footer_are_boilerplate_article_is_body():
    assert label_of(fire("html_landmark", ["Politik"], features=[_feat("li", ["nav"])])) == \
        "boilerplate"
    assert fire("html_landmark", ["Impressum"], features=[_feat("li", ["footer"])])[0] == \
        "boilerplate"
    assert fire("html_landmark", [LONG], features=[_feat("p", ["main", "article"])])[0] == "body"
    assert fire("html_landmark", ["Headline here"], features=[_feat("h1", ["header"])]) is None


def test_html_link_density_separates_link_titles_menus_and_text():
    assert label_of(fire("html_link_density", ["Lough Corrib ferry returns for summer"],
                features=[_feat("li", density=1.0)])) == "related_links"
    assert fire("html_link_density", ["Sport"], features=[_feat("li", density=1.0)])[0] == \
        "boilerplate"
    assert label_of(fire("html_link_density", [LONG], features=[_feat(density=0.05)])) == "body"


def test_html_heading_caption_and_time_tags():
    assert fire("html_heading", ["Storm closes ports"], features=[_feat("h1")])[0] == "body"
    assert fire("html_heading", ["A ferry at dawn"], features=[_feat("figcaption")])[0] == "body"
    assert fire("html_heading", ["3 June 2025"], features=[_feat("time")])[0] == "byline"
    assert fire("html_heading", ["Storm"], features=[_feat("h2")]) is None


def test_html_class_names_are_read_as_cues():
    assert fire("html_class_names", ["Jane Doe"], features=[_feat(classes="byline")])[0] == \
        "byline"
    assert fire("html_class_names", ["x y z w"], features=[_feat(classes="related-inline")])[0] \
        == "related_links"
    assert fire("html_class_names", ["OK"], features=[_feat(classes="cookie-banner")])[0] == \
        "boilerplate"
    assert fire("html_class_names", ["OK"], features=[_feat(classes="")]) is None


# -- context rules (stage 2) --------------------------------------------------------------------

PAGE = [
    "Example Post",                                   # 0 above the article
    "News",                                           # 1
    "Sign in",                                        # 2
    "Storm closes every port along the northern coast",  # 3 headline
    "Laura Pemberton in Aberdeen",                    # 4 bare author name
    "3 June 2025, 14:02 BST",                         # 5 date next to the author
    LONG,                                             # 6 first paragraph
    "What happens next",                              # 7 crosshead
    LONG.replace("regional", "national"),             # 8 last paragraph
    "Read more:",                                     # 9 related header
    "Ferries return to the islands",                  # 10 link title
    "Why the harbour wall failed",                    # 11 link title
    "Example Post is owned by Example Media Group.",  # 12 footer sentence without a cue
    "Last modified 4 June 2025",                      # 13 footer date
    "© 2025 Example Media",                           # 14
]


def test_under_list_header_makes_link_titles_related():
    assert label_of(fire("under_list_header", PAGE, 10)) == "related_links"
    assert fire("under_list_header", PAGE, 7) is None


def test_a_comment_count_under_the_headline_does_not_start_a_thread():
    lines = ["Five dinners from one roast chicken", "Posted by Hannah Brooks", "5 Comments",
             LONG, "Day two: stock and soup", LONG]
    assert fire("under_list_header", lines, 3) is None
    assert suggest_sections("\n".join(lines))[3:] == ["body", "body", "body"]


def test_comment_list_items_are_boilerplate_until_a_new_header():
    lines = [LONG, "Comments (2)", "Great article, thank you for writing it.", "Most read",
             "Ferries return to the islands"]
    assert label_of(fire("under_list_header", lines, 2)) == "boilerplate"
    assert label_of(fire("under_list_header", lines, 4)) == "related_links"


def test_above_inside_and_below_the_article():
    assert label_of(fire("above_article", PAGE, 1)) == "boilerplate"
    assert fire("above_article", PAGE, 3) is None
    assert label_of(fire("inside_article", PAGE, 7)) == "body"
    assert fire("inside_article", PAGE, 12) is None
    assert label_of(fire("below_article", PAGE, 12)) == "boilerplate"  # below the link list
    no_list = [*PAGE[:9], "Example Post, part of Example Media Group", *PAGE[13:]]
    assert label_of(fire("below_article", no_list, 9)) == "boilerplate"  # right after the text


def test_date_line_is_byline_near_the_author_and_boilerplate_in_the_footer():
    assert label_of(fire("date_line", PAGE, 5)) == "byline"
    assert label_of(fire("date_line", PAGE, 13)) == "boilerplate"
    assert fire("date_line", PAGE, 6) is None
    assert label_of(fire("date_line", ["Por Lucía Fernández", "Málaga, 3 de junio de 2025"])) \
        == "byline"


def test_author_name_under_the_headline_is_byline():
    assert label_of(fire("author_name", PAGE, 4)) == "byline"
    assert fire("author_name", ["Breaking Views", LONG], 0) is None


def test_author_contact_email_only_next_to_the_author():
    lines = [LONG, "By Jane Doe", "Email: jane.doe@example.com", LONG, "Press office",
             "Email: press@example.gov"]
    assert label_of(fire("author_contact", lines, 2)) == "byline"
    assert fire("author_contact", lines, 5) is None


def test_dashed_sign_off_is_a_credit_but_dashed_list_items_are_not():
    assert label_of(fire("wire_credit", [LONG, "- RNZ", "© 2026 Example"], 1)) == "byline"
    items = [LONG, "- Harbour Road", "- Mill Lane", "- Church Walk"]
    assert fire("wire_credit", items, 2) is None


def test_repeated_short_line_is_a_widget_label_but_a_repeated_name_is_not():
    lines = ["Story continues", LONG, "Story continues", LONG, "Jo Hart", LONG, "Jo Hart"]
    assert label_of(fire("repeated_line", lines, 0)) == "boilerplate"
    assert fire("repeated_line", lines, 4) is None
    assert fire("repeated_line", ["Flood defences", LONG], 0) is None


def test_header_without_items_above_the_article_is_a_menu_word():
    lines = ["Latest", "Sport", LONG]
    assert label_of(fire("header_without_items", lines, 0)) == "boilerplate"
    assert fire("header_without_items", PAGE, 9) is None


def test_whole_page_gets_the_labels_a_person_would_give():
    expected = ["boilerplate"] * 3 + ["body", "byline", "byline", "body", "body", "body",
                                      "related_links", "related_links", "related_links",
                                      "boilerplate", "boilerplate", "boilerplate"]
    assert suggest_sections("\n".join(PAGE)) == expected


def test_every_rule_has_a_case():
    tested = set(TEXT_CASES) | {
        "credit_value", "bio_continuation", "extractor_keeps", "extractor_drops",
        "html_controls", "html_landmark", "html_link_density", "html_heading",
        "html_class_names", "under_list_header", "above_article", "inside_article",
        "below_article", "date_line", "author_name", "author_contact", "header_without_items",
        "repeated_line",
    }
    assert set(RULES) == tested
