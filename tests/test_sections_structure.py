"""Where the article sits on the page decides the label of lines without a cue of their own.

Each test is a small page in a habit the rules must handle wherever it occurs: a cookie banner
above the menu bar, a paywall prompt inside the text, a summary box under the byline, a bare author
name over the date, a "Topics" header over one-word tags. The pages are made up for these tests.
"""

from __future__ import annotations

from annotator.nlp.sections import suggest_sections

P1 = ("Les habitants du quartier de la Croix-Rousse ont manifesté samedi contre la fermeture "
      "annoncée de leur bureau de poste, le dernier du plateau.")
P2 = ("Selon la direction régionale, la fréquentation a baissé de moitié en cinq ans et les "
      "services seront transférés dans un commerce partenaire à partir de juin.")
P3 = ("Les élus de l'opposition demandent un moratoire et ont déposé une motion qui sera "
      "examinée lors du prochain conseil municipal, le 14 avril.")


def labels(lines: list[str]) -> list[str | None]:
    return suggest_sections("\n".join(lines))


def test_cookie_banner_paragraph_above_the_menu_bar_is_not_the_article():
    """A consent banner is running text, but the menu bar below it shows the page has not begun:
    the banner, its buttons, the site name and the kicker are boilerplate; the article starts at
    the headline."""
    banner = ("Nous utilisons des cookies et des technologies similaires pour mesurer l'audience "
              "et vous proposer des contenus adaptés à vos centres d'intérêt.")
    page = [banner, "Tout accepter", "Paramétrer", "Le Courrier du Rhône",
            "Actualité | Lyon | Région | Sports | Culture", "Société",
            "Croix-Rousse : la poste du plateau va fermer", "Par Claire Dubois", P1, P2, P3]
    got = labels(page)
    assert got[:6] == ["boilerplate"] * 6
    assert got[6] == "body" and got[7] == "byline" and got[8:] == ["body"] * 3


def test_paywall_prompt_inside_the_article_does_not_move_its_start():
    """"Subscribe now" between two paragraphs is a prompt, not the top menu: the headline and
    standfirst above it stay body."""
    page = ["Harbour Post", "News | Sport | Business", "Ferry operator cuts winter timetable",
            "Islanders say the new timetable leaves them without a morning crossing.",
            "By Ana Ruiz", P1, "Subscribe now", "Already have an account? Sign in", P2, P3]
    got = labels(page)
    assert got[2:4] == ["body", "body"]
    assert got[6:8] == ["boilerplate", "boilerplate"]


def test_summary_box_and_lead_in_question_under_the_byline_stay_in_the_article():
    """A summary heading ("In short:"), its points and a lead-in question between the byline and
    the first paragraph do not cut the headline off from the article."""
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            "By Ana Ruiz", "In short:", "The line will run every six minutes at peak times.",
            "Construction starts next spring after a decade of planning.", "Who pays?",
            P1, P2, P3]
    got = labels(page)
    assert got[2] == "body" and got[3] == "byline"
    assert got[4:8] == ["body"] * 4


def test_date_right_under_a_bare_author_name_is_byline():
    """The date belongs to the author line even when a standfirst paragraph sits above it."""
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            P1, "Ana Ruiz", "Updated 9 Apr 2026, 7:05 PM CEST", P2, P3]
    got = labels(page)
    assert got[4:6] == ["byline", "byline"]


def test_one_word_tags_under_a_bare_topics_header_are_boilerplate():
    """A "Topics" header without a colon, its one-word tags below it, then a related list."""
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            "By Ana Ruiz", P1, P2, P3, "Topics", "Transport", "Lyon", "Infrastructure",
            "Top Regional Stories", "Storm closes the ring road for a second night",
            "Museum reopens after a two-year refit"]
    got = labels(page)
    assert got[7:11] == ["boilerplate"] * 4
    assert got[11:] == ["related_links"] * 3


def test_posted_and_updated_times_with_am_pm_make_one_date_line():
    """"Posted Thu 9 Apr 2026 at 6:10am, updated ... at 8:45pm" is a date line next to the
    byline."""
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            "By Ana Ruiz", "Posted Thu 9 Apr 2026 at 6:10am, updated Thu 9 Apr 2026 at 8:45pm",
            P1, P2, P3]
    assert labels(page)[4] == "byline"


def test_lone_paragraph_below_the_link_and_tag_lists_is_footer_text():
    """A disclaimer paragraph under "More stories" and a tag list is the site's, not the
    article's last paragraph."""
    disclaimer = ("The Harbour Post is published by Harbour Media, which is regulated by the "
                  "independent press standards body and follows its editors' code of practice.")
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            "By Ana Ruiz", P1, P2, P3, "More stories", "Storm closes the ring road again",
            "Museum reopens after a two-year refit", "Tags", "Transport", "Lyon", disclaimer]
    got = labels(page)
    assert got[6] == "body"
    assert got[-1] == "boilerplate"


def test_last_paragraph_after_an_inline_read_more_list_stays_body():
    """One "Read more" list inside the text does not end the article: the paragraph after it is
    still the article's."""
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            "By Ana Ruiz", P1, P2, "Read more:", "Storm closes the ring road again", P3,
            "© 2026 Harbour Media"]
    got = labels(page)
    assert got[7] == "related_links" and got[8] == "body"


def test_date_in_the_footer_next_to_a_tag_is_not_a_byline():
    """A two-word tag looks like a name; a footer date beside a tag list stays boilerplate."""
    page = ["Harbour Post", "News | Sport | Business", "Tram line to reach the airport by 2029",
            "By Ana Ruiz", P1, P2, P3, "Topics", "Public Transport", "Last modified 9 Apr 2026",
            "© 2026 Harbour Media"]
    got = labels(page)
    assert got[9] == "boilerplate"


def test_live_blog_controls_under_the_byline_do_not_cut_off_the_headline():
    """"Key events" and "Show key events only" sit between a live blog's header and its posts,
    like a share bar: the headline and standfirst above them are still the article."""
    page = ["Harbour Post", "News | Sport | Business",
            "Flood warnings live: river expected to peak",
            "Follow the latest as the river rises through the town centre.", "By Ana Ruiz",
            "Key events", "Show key events only", P1, P2, P3]
    got = labels(page)
    assert got[2:4] == ["body", "body"]
    assert got[5:7] == ["boilerplate", "boilerplate"]
