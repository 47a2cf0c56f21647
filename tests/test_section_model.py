"""The trained section classifier: a model file is data (JSON, checked, never code), training is
reproducible, a site's confirmed pages teach its template, plain text gets suggestions, and the
field's shingle score is computed as the Dragnet README defines it."""

from __future__ import annotations

import ast
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from annotator.domain import blocks
from annotator.nlp.evaluate import ShingleScore, gold_blocks
from annotator.nlp.section_features import PreparedPage, SectionPage, SiteEvidence, page_features
from annotator.nlp.section_model import ModelFormatError, SectionModel, load_base
from annotator.nlp.section_train import Example, train_sections

DATA = Path(__file__).resolve().parent / "data"
NLP = Path(__file__).resolve().parent.parent / "annotator" / "nlp"


def _dev_examples(n: int = 4) -> list[Example]:
    lines = (DATA / "sections_dev.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    records = [json.loads(line) for line in lines]
    return [Example(SectionPage(r["text"]), gold_blocks(r["text"], r["sections"]))
            for r in records]


def test_base_model_ships_as_package_data_and_lists_its_data():
    model = load_base()
    assert model.version == 0 and model.origin_id == "sections@0"
    assert set(model.labels) == {"body", "byline", "related_links", "boilerplate"}
    assert model.meta["data"]["dev_sets"]
    assert model.meta["seed"] == 0


def test_model_round_trips_through_json_with_the_same_predictions(tmp_path):
    model = load_base()
    page = SectionPage(json.loads((DATA / "sections_dev.jsonl").read_text(
        encoding="utf-8").splitlines()[0])["text"])
    model.save(tmp_path / "model.json")
    again = SectionModel.load(tmp_path)  # a folder holding model.json
    assert again.predict(page) == model.predict(page)
    assert again.to_json() == model.to_json()


@pytest.mark.parametrize("content", [
    pickle.dumps({"format": "annotator-sections/1"}),  # a pickle is not read as one
    b'{"format": "annotator-sections/1", "labels": ["body"], "features": ["bias"], '
    b'"weights": [["__import__(\'os\').system(\'touch /tmp/pwned\')"]], "bias": [0], '
    b'"scale": [1], "transitions": [[0], [0]]}',
    b'{"format": "annotator-sections/1", "labels": ["os.system"], "features": [], '
    b'"weights": [[]], "bias": [0], "scale": [], "transitions": [[0], [0]]}',
    b'{"format": "annotator-sections/1", "labels": ["body"], "features": ["bias"], '
    b'"weights": [[1, 2]], "bias": [0], "scale": [1], "transitions": [[0], [0]]}',
    b'{"py/object": "os.system", "format": "other"}',
    b"[" * 100000,
])
def test_a_crafted_model_file_is_refused_and_runs_nothing(tmp_path, content):
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with pytest.raises((ModelFormatError, UnicodeDecodeError)):
        SectionModel.load(path)
    assert not Path("/tmp/pwned").exists()


def test_no_section_model_module_can_unpickle():
    for name in ("section_model.py", "section_format.py", "section_train.py",
                 "section_features.py"):
        tree = ast.parse((NLP / name).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {"pickle", "dill", "joblib", "marshal", "shelve"} & imported, name


def test_training_from_a_handful_of_pages_is_reproducible():
    examples = _dev_examples(3)
    first = train_sections(examples, seed=0, steps=60)
    second = train_sections(examples, seed=0, steps=60)
    assert first.features == second.features
    assert np.array_equal(first.weights, second.weights)
    assert first.to_json() == second.to_json()
    right = sum(p == g for e in examples for p, g in zip(first.predict(e.page), e.labels,
                                                          strict=True))
    assert right / sum(len(e.labels) for e in examples) >= 0.9  # it learned its own pages


TEMPLATE = [
    "The Valley Courier is an independent newspaper founded in 1887 and read by families "
    "across the valley every single day of the week.",
    "Our journalism is supported by readers like you, and every subscription helps keep local "
    "reporting alive in the towns we serve.",
]


def _site_page(n: int) -> tuple[SectionPage, list[str]]:
    body = [f"Story {n}: the council met on Tuesday to discuss plan number {n} for the bridge, "
            f"and members said the cost of {n * 3} million would be reviewed next month.",
            f"Residents told the meeting that the works on road {n} had already caused long "
            "delays, and they asked for a timetable before any further decision was taken."]
    lines = [f"Council weighs bridge plan {n}", *body[:1], TEMPLATE[0], *body[1:], TEMPLATE[1]]
    labels = ["body", "body", "boilerplate", "body", "boilerplate"]
    return SectionPage("\n".join(lines), site="courier.example"), labels


def test_confirmed_pages_of_a_site_teach_its_template_lines():
    base = load_base()
    pages = [_site_page(n) for n in range(1, 6)]
    target, gold = pages[-1]
    template_rows = [i for i, label in enumerate(gold) if label == "boilerplate"]

    def template_errors(model: SectionModel, evidence: SiteEvidence | None) -> int:
        predicted = model.predict(target, evidence)
        return sum(predicted[i] != gold[i] for i in template_rows)

    evidence = SiteEvidence.from_texts(p.text for p, _ in pages[:-1])
    examples = []
    for page, labels in pages[:3]:
        evidence.add_confirmed(page, labels)
    for i, (page, labels) in enumerate(pages[:3]):
        own = SiteEvidence.from_texts(p.text for j, (p, _) in enumerate(pages[:-1]) if j != i)
        for j, (other, other_labels) in enumerate(pages[:3]):
            if j != i:
                own.add_confirmed(other, other_labels)
        examples.append(Example(page, labels, own))
    adapted = train_sections(examples, base=base, seed=0)
    before = template_errors(base, None)
    assert before > 0  # running text the base model takes for body
    assert template_errors(adapted, evidence) == 0
    assert adapted.version == base.version + 1


def test_plain_text_without_html_or_site_gets_a_label_for_every_block():
    text = "Home\nBy Ana Lima\n" + TEMPLATE[0] + "\n\n© 2025 Courier Media"
    labels = load_base().predict(SectionPage(text))
    assert len(labels) == len(blocks(text))
    assert all(label in {"body", "byline", "related_links", "boilerplate"} for label in labels)


def test_site_evidence_counts_other_documents_and_survives_json():
    evidence = SiteEvidence.from_texts(["Menu\nStory one", "Menu\nStory two\nMenu"])
    assert evidence.documents == 2 and evidence.lines["menu"] == 2
    less = evidence.without("Menu\nStory one")
    assert less.documents == 1 and less.lines["menu"] == 1 and "story one" not in less.lines
    again = SiteEvidence.from_dict(json.loads(json.dumps(evidence.to_dict())))
    assert again == evidence


def test_shingle_score_matches_a_hand_computed_example():
    score = ShingleScore("x")
    # gold: a b c d e -> shingles abcd, bcde; predicted: a b c d x -> abcd, bcdx
    score.add("A b, c d x", "a b c d e")
    # second page: predicted nothing -> precision 0, recall 0
    score.add("", "one two three four")
    # a page with no gold shingles is skipped
    score.add("w x y z", "too short")
    assert score.pages == 2
    assert score.precision == pytest.approx((1 / 2 + 0) / 2)
    assert score.recall == pytest.approx((1 / 2 + 0) / 2)
    assert score.f1 == pytest.approx(0.25)


def test_template_keys_match_a_slot_whose_classes_differ_only_by_numbers():
    from annotator.nlp.section_features import shape_key, template_keys

    one = {"tag": "p", "path": "li.comment-113162416>div.comment-body>p", "classes": "c-1",
           "landmarks": []}
    two = {"tag": "p", "path": "li.comment-113159626>div.comment-body>p", "classes": "c-22",
           "landmarks": []}
    assert shape_key(one) == shape_key(two)
    kinds = dict(template_keys(one))
    assert kinds["path"] == "path=li.comment-0>div.comment-body>p"
    assert kinds["parent"] == "parent=li.comment-0>div.comment-body"
    assert template_keys({}) == []  # plain text: no template slot
    # a confirmed label on one page is evidence for the same container on another page
    page = SectionPage("A comment by a reader about the story.", features=[one])
    evidence = SiteEvidence()
    evidence.add_confirmed(page, ["boilerplate"])
    other = SectionPage("Another reader writes something else entirely.",
                        features=[{**two, "classes": "other"}])
    from annotator.nlp.section_features import page_features

    row = page_features(other, evidence)[0]
    assert row["shape:unseen"] == 1.0  # its own classes differ ...
    assert row["path:boilerplate"] == 1.0 and row["parent:boilerplate"] == 1.0  # ... its slot not


def test_rule_labels_are_decided_by_the_rules_until_a_site_has_confirmed_pages(tmp_path):
    model = load_base()
    model.rule_labels = ["byline"]
    text = "Bridge plan approved\nBy Ana Lima, Staff Writer\n" + TEMPLATE[0]
    page = SectionPage(text)
    from annotator.nlp.section_features import page_features, prepare_page

    prepared = prepare_page(page)
    rows = page_features(prepared)
    predicted = model.predict_rows(rows)
    for label, rule in zip(predicted, prepared.rules, strict=True):
        assert (label == "byline") == (rule == "byline")
    # crafted rows: the rules say byline on running text / on nothing at all; once the site has
    # confirmed pages the classifier alone decides, as a model without rule_labels does
    plain = load_base()
    plain.rule_labels = []
    forced = {**rows[2], "rules:byline": 1.0}
    assert model.predict_rows([forced]) == ["byline"]
    byline_row = next(r for r, rule in zip(rows, prepared.rules, strict=True) if rule == "byline")
    unsaid = {k: v for k, v in byline_row.items() if k != "rules:byline"}
    assert model.predict_rows([unsaid]) != ["byline"]
    for row in (forced, unsaid):
        confirmed = {**row, "site_confirmed_log": 1.0}
        assert model.predict_rows([confirmed]) == plain.predict_rows([confirmed])
    model.save(tmp_path / "model.json")
    assert SectionModel.load(tmp_path / "model.json").rule_labels == ["byline"]
    bad = json.loads(model.to_json())
    bad["rule_labels"] = ["os.system"]
    with pytest.raises(ModelFormatError):
        SectionModel.from_dict(bad)


def test_the_main_container_is_where_the_running_text_is():
    from annotator.nlp.section_features import page_features

    story = ("The council met on Tuesday and agreed, after a long debate about costs and "
             "delays, to build the new bridge over the river by the end of next year.")
    teaser = ("Another story about something else entirely that readers may also like to read "
              "when they have finished this one, with many more words in it.")
    feats = [{"tag": "p", "path": "div.story>div.body>p", "classes": "", "landmarks": []},
             {"tag": "p", "path": "div.story>div.body>p", "classes": "", "landmarks": []},
             {"tag": "p", "path": "div.side>div.promo>p", "classes": "", "landmarks": []}]
    rows = page_features(SectionPage("\n".join([story, story, teaser]), features=feats))
    assert [r["main_container"] for r in rows] == [1.0, 1.0, 0.0]
    # shares of the running text's words: two stories in one container, one teaser in another
    assert 0.5 < rows[0]["container_share"] == rows[1]["container_share"] < 1.0
    assert rows[2]["container_share"] == pytest.approx(1 - rows[0]["container_share"])
    assert "main_container" not in page_features(SectionPage(story))[0]  # no HTML: nothing


def test_development_sites_are_never_held_out_sites():
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from tools.sections_data import dev_site, held_out

    sites = [f"site{n}.example" for n in range(400)]
    dev = [s for s in sites if dev_site(s, "x.html")]
    assert dev and not any(held_out(s, "x.html") for s in dev)
    assert 0.1 < len(dev) / len(sites) < 0.3  # about a quarter of the four fifths
    assert not dev_site(None, "1.html") and not dev_site("", "1.html")


def test_the_four_quarters_and_the_held_out_fifth_put_each_site_in_exactly_one_place():
    """Cross-validation by site: every site is scored by exactly one model that never saw it
    (the shipped one for the held-out fifth, a ``--dev-split Q`` one for quarter Q)."""
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from tools.sections_data import dev_site, held_out

    sites = [f"site{n}.example" for n in range(400)]
    for site in sites:
        places = [held_out(site, "x.html"), *(dev_site(site, "x.html", q) for q in range(4))]
        assert places.count(True) == 1, site
    assert [s for s in sites if dev_site(s, "x.html")] == [
        s for s in sites if dev_site(s, "x.html", 0)]
    assert all(sum(dev_site(s, "x.html", q) for s in sites) > 50 for q in range(4))


def test_the_page_cache_is_named_by_the_code_that_made_it(tmp_path):
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from tools.sections_data import code_stamp

    (tmp_path / "annotator").mkdir()
    html = tmp_path / "annotator" / "html.py"
    html.write_text("PARSE = 1\n", encoding="utf-8")
    (tmp_path / "annotator" / "unrelated.py").write_text("X = 1\n", encoding="utf-8")
    patterns = ("annotator/html.py",)
    before = code_stamp(tmp_path, patterns)
    assert len(before) == 12 and code_stamp(tmp_path, patterns) == before
    code_stamp.cache_clear()
    (tmp_path / "annotator" / "unrelated.py").write_text("X = 2\n", encoding="utf-8")
    assert code_stamp(tmp_path, patterns) == before  # only the listed code counts
    code_stamp.cache_clear()
    html.write_text("PARSE = 2  # e.g. textarea contents dropped\n", encoding="utf-8")
    assert code_stamp(tmp_path, patterns) != before  # an older parse is not read back


@pytest.mark.slow
def test_the_labels_the_rules_decide_are_chosen_on_left_out_dev_sets():
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from tools.sections_data import dev_pages
    from tools.train_base_sections import choose_rule_labels, training_features

    dev = dev_pages()
    data = training_features(dev, [], seed=0)
    weights = list(data.weights)
    chosen, figures = choose_rule_labels(data, dev, seed=0, smoothing=0.3, steps=40)
    assert data.weights == weights  # the left-out sets count again afterwards
    assert set(figures) == {"byline", "related_links"}
    # on a tie the rules keep the label
    assert chosen == [label for label, f1 in figures.items() if f1["rules"] >= f1["model"]]
    assert all(0.0 <= f1[who] <= 1.0 for f1 in figures.values() for who in ("model", "rules"))


def test_a_page_that_shows_its_article_twice_has_one_body_copy():
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from tools.sections_data import dragnet_labels

    para = "Home prices in the second quarter rose from the year-ago period for the first time."
    texts = ["Home Prices Rise", para, "Share this", "Home Prices Rise", para, "By A Writer"]
    prepared = PreparedPage(texts, [{} for _ in texts], [{} for _ in texts],
                            [None, None, None, None, None, "byline"])
    labels = dragnet_labels(prepared, "Home Prices Rise\n\n" + para)
    # the gold holds the article once: the second copy is not body (the score counts repeats)
    assert labels == ["body", "body", "boilerplate", "boilerplate", "boilerplate", "byline"]


def test_text_the_page_already_showed_is_marked_as_a_repeat():
    para = "Home prices in the second quarter rose from the year-ago period for the first time."
    teaser = "Home prices in the second quarter rose from the year-ago period ..."
    rows = page_features(SectionPage("\n".join(["Menu", para, "Menu", teaser, para])))
    assert "repeat_share" not in rows[1] and "repeat_line" not in rows[1]
    assert rows[2]["repeat_line"] == 1.0 and "repeat_share" not in rows[2]  # no 4-gram
    assert 0.5 < rows[3]["repeat_share"] == 1.0 and "repeat_line" not in rows[3]
    assert rows[4]["repeat_share"] == 1.0 and rows[4]["repeat_line"] == 1.0


def test_body_text_the_page_already_gave_is_not_body_again():
    from annotator.nlp.section_features import drop_repeated_body

    para = "Home prices in the second quarter rose from the year-ago period for the first time."
    texts = ["Home Prices Rise", para, "Home Prices Rise", para, para[:38], "Menu"]
    labels = ["body", "body", "body", "body", "body", "boilerplate"]
    assert drop_repeated_body(labels, texts) == [
        "body", "body", "boilerplate", "boilerplate", "boilerplate", "boilerplate"]
    # a copy the first time round (the earlier one not body) stays body
    assert drop_repeated_body(["boilerplate", "body"], [para, para]) == ["boilerplate", "body"]
    # a lone repeated line between new paragraphs is a pull quote: it stays body
    quote = "That's eighteen months of nothing while they start again."
    pull = [para, quote, "Builders said the delay would cost them dearly this year.", quote,
            "The council will meet again in the spring to decide what to do."]
    assert drop_repeated_body(["body"] * 5, pull) == ["body"] * 5
    # through the model: an article shown twice (a print copy below it) is read once
    other = "Builders said the delay would cost them dearly, and buyers waited for spring."
    labels = load_base().predict(SectionPage("\n".join([para, other, para, other])))
    assert labels[:2] == ["body", "body"] and "body" not in labels[2:]


def test_dragnet_gold_is_the_article_before_the_comments(tmp_path):
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from tools.sections_data import read_gold

    article = "Home Prices Rise\n\nHome prices rose for the first time since 2007.\n\n"
    comments = "Jane said:\nGreat news, thanks!\n"
    (tmp_path / "a.txt").write_text(article + "!@#$%^&*()  COMMENTS\n\n" + comments, "utf-8")
    (tmp_path / "b.txt").write_bytes((article + "!@ $%^&*()  COMMNENTS\n" + comments)
                                     .encode("utf-16"))  # with a byte-order mark
    (tmp_path / "c.txt").write_text(article, "utf-8")
    assert [read_gold(tmp_path / f"{n}.txt") for n in "abc"] == [article] * 3


def test_a_page_the_classifier_gives_no_body_gets_its_likeliest_body_blocks():
    model = load_base()
    body = model.labels.index("body")
    probs = np.full((3, len(model.labels)), 0.1)
    probs[:, body] = [0.2, 0.35, 0.05]  # each block more likely something else
    labels = ["boilerplate", "related_links", "boilerplate"]
    out = model.never_empty(labels, np.log(probs))
    assert out == ["body", "body", "boilerplate"]  # 0.2 >= half of the best 0.35; 0.05 is not
    assert model.never_empty(["body", "boilerplate"], np.log(probs[:2])) == ["body", "boilerplate"]


def test_some_pages_of_many_page_sites_are_trained_without_site_evidence():
    """The base model also sees pages of big sites as a project with one page of the site would
    show them (no template counts): the zero-shot case is then not only one-page sites."""
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from annotator.nlp.section_features import prepare_page
    from tools.sections_data import LabelledPage
    from tools.train_base_sections import NO_EVIDENCE_SHARE, training_features

    pages = []
    for n in range(40):
        text = f"Home | News | Sport\nStory {n} happened today in the town.\nAbout us"
        page = SectionPage(text, site="news.example")
        pages.append(LabelledPage(f"{n}.html", "news.example", page, prepare_page(page),
                                  ["boilerplate", "body", "boilerplate"]))
    data = training_features([], pages, seed=0)
    column = data.vocabulary["site_documents_log"]
    without = sum(not any(column in cols for cols in page) for page in data.columns)
    assert 0 < without < data.pages
    assert abs(without / data.pages - NO_EVIDENCE_SHARE) < 0.2
    again = training_features([], pages, seed=0)  # the draw is seeded
    assert [len(c) for p in again.columns for c in p] == [len(c) for p in data.columns for c in p]


def test_each_page_is_seen_with_several_draws_of_its_site_evidence():
    """One draw of evidence per page ties the base's evidence weights to whichever pages the
    seed confirmed; each page is seen EVIDENCE_DRAWS times, each with a draw of its own, and the
    dev sets (no site, one reading) keep their share of the data by weight."""
    import sys

    sys.path.insert(0, str(NLP.parent.parent))
    from annotator.nlp.section_features import prepare_page
    from tools.sections_data import LabelledPage
    from tools.train_base_sections import DEV_WEIGHT, EVIDENCE_DRAWS, training_features

    assert EVIDENCE_DRAWS > 1
    labels = ["boilerplate", "body", "boilerplate"]
    pages = []
    for n in range(12):
        text = f"Home | News | Sport\nStory {n} happened today in the town.\nAbout us"
        page = SectionPage(text, site="news.example")
        pages.append(LabelledPage(f"{n}.html", "news.example", page, prepare_page(page), labels))
    dev_page = SectionPage("A plain text story.\nBy A Writer")
    dev = [LabelledPage("sections_dev.jsonl:0", None, dev_page, prepare_page(dev_page),
                        ["body", "byline"])]
    data = training_features(dev, pages, seed=0)
    assert data.pages == 1 + EVIDENCE_DRAWS * len(pages)
    assert data.weights[0] == DEV_WEIGHT * EVIDENCE_DRAWS
    assert data.weights[1:] == [1.0] * (data.pages - 1)
    confirmed = data.vocabulary["site_confirmed_log"]
    readings = {}  # a page's readings differ: the number of confirmed pages is drawn each time
    for i in range(1, data.pages):
        value = [float(v[list(c).index(confirmed)]) if confirmed in c else 0.0
                 for c, v in zip(data.columns[i], data.values[i], strict=True)][0]
        readings.setdefault((i - 1) % len(pages), set()).add(value)
    assert any(len(seen) > 1 for seen in readings.values())
    one = training_features(dev, pages, seed=0, draws=1)
    assert one.pages == 1 + len(pages) and one.weights[0] == DEV_WEIGHT
    with pytest.raises(ValueError, match="draws"):
        training_features(dev, pages, seed=0, draws=0)


def test_smoothing_decides_short_blocks_but_a_long_block_keeps_its_own_label():
    """Viterbi's transitions may turn a short block between two menu lines into a menu line,
    never a paragraph of 20+ words the classifier reads as body."""
    labels = ["body", "byline", "related_links", "boilerplate"]
    k = len(labels)
    weights = np.zeros((k, 4))  # lean, menu, text, words_20+ (no weight of its own)
    weights[0, 0], weights[3, 0] = 1.0, 0.2  # "lean": a little more likely body than boilerplate
    weights[3, 1] = 5.0  # "menu": boilerplate
    weights[0, 2] = 10.0  # "text": body (the page has body elsewhere: never_empty stays out)
    bias = np.array([0.0, -5.0, -5.0, 0.0])
    transitions = np.log(np.full((k + 1, k), 0.01))
    transitions[:, 3] = np.log(0.97)  # boilerplate is almost always followed by boilerplate
    model = SectionModel(labels, ["lean", "menu", "text", "words_20+"], weights, bias,
                         np.ones(4), transitions, smoothing=1.0)
    menu, lean, text = {"menu": 1.0}, {"lean": 1.0}, {"text": 1.0}
    short = model.predict_rows([text, menu, lean, menu])
    long = model.predict_rows([text, menu, {**lean, "words_20+": 1.0}, menu])
    assert short == ["body", "boilerplate", "boilerplate", "boilerplate"]
    assert long == ["body", "boilerplate", "body", "boilerplate"]
    x = model.matrix([menu, {**lean, "words_20+": 1.0}])
    assert model.own_label_blocks(x).tolist() == [False, True]


def test_a_page_read_with_confirmed_site_evidence_is_not_smoothed():
    """Once a person confirmed pages of the site, a model without ``site_transitions`` (not
    adapted on those pages) lets every block keep the classifier's own label: the same short
    block between menus that Viterbi turns into furniture stays body."""
    labels = ["body", "byline", "related_links", "boilerplate"]
    k = len(labels)
    weights = np.zeros((k, 4))  # lean, menu, text, site_confirmed_log (no weight of its own)
    weights[0, 0], weights[3, 0] = 1.0, 0.2
    weights[3, 1] = 5.0
    weights[0, 2] = 10.0  # the page has body elsewhere: never_empty stays out
    transitions = np.log(np.full((k + 1, k), 0.01))
    transitions[:, 3] = np.log(0.97)
    model = SectionModel(labels, ["lean", "menu", "text", "site_confirmed_log"], weights,
                         np.array([0.0, -5.0, -5.0, 0.0]), np.ones(4), transitions,
                         smoothing=1.0)
    seen = {"site_confirmed_log": math.log1p(3)}  # every row of such a page has it
    page = [{"text": 1.0}, {"menu": 1.0}, {"lean": 1.0}, {"menu": 1.0}]
    assert model.predict_rows(page) == ["body", "boilerplate", "boilerplate", "boilerplate"]
    confirmed = model.predict_rows([{**row, **seen} for row in page])
    assert confirmed == ["body", "boilerplate", "body", "boilerplate"]
    x = model.matrix([{"menu": 1.0, **seen}, {"lean": 1.0}])
    assert model.own_label_blocks(x).tolist() == [True, False]


def test_an_adapted_model_smooths_confirmed_pages_with_its_own_pages_transitions(tmp_path):
    """A model adapted on confirmed pages learns their label bigrams (``site_transitions``, with
    the base's as a weak prior) and smooths the pages read with confirmed evidence by them,
    weakly: a short block whose own label is a near tie follows the site's order, a long block
    keeps its own label. The transitions survive the JSON file; a model without them (the base)
    leaves such a page unsmoothed."""
    from annotator.nlp.section_model import SITE_SMOOTHING

    base = load_base()
    pages = [_site_page(n) for n in range(1, 4)]
    adapted = train_sections([Example(page, labels) for page, labels in pages], base=base,
                             seed=0, steps=5)
    assert base.site_transitions is None and adapted.site_transitions is not None
    body, boiler = adapted.labels.index("body"), adapted.labels.index("boilerplate")
    rows = adapted.site_transitions  # row 0: page start; row i + 1: after label i
    # these pages go boilerplate -> body, never boilerplate -> boilerplate: the site's
    # transitions say so more than the base's (every site's) do
    prior = np.exp(base.transitions[boiler + 1])
    prior /= prior.sum()
    assert math.exp(rows[boiler + 1, body]) > prior[body] + 0.2
    assert math.exp(rows[boiler + 1, boiler]) < prior[boiler] - 0.2
    again = SectionModel.from_json(adapted.to_json())
    assert np.allclose(again.site_transitions, adapted.site_transitions, atol=1e-6)
    assert "site_transitions" not in json.loads(base.to_json())

    labels = ["body", "byline", "related_links", "boilerplate"]
    k = len(labels)
    tie = np.log(np.array([[0.49, 0.005, 0.005, 0.5]] * 3))  # boilerplate by a hair
    site = np.log(np.full((k + 1, k), 0.01))
    site[:, 0] = np.log(0.97)  # this site's pages: body follows anything
    model = SectionModel(labels, ["bias"], np.zeros((k, 1)), np.zeros(k), np.ones(1),
                         np.log(np.full((k + 1, k), 0.25)), site_transitions=site)
    assert SITE_SMOOTHING > 0
    assert model.path(tie, [False] * 3, [True] * 3) == [0, 0, 0]
    assert model.path(tie, [False, True, False], [True] * 3) == [0, 3, 0]
    unsmoothed = SectionModel(labels, ["bias"], np.zeros((k, 1)), np.zeros(k), np.ones(1),
                              np.log(np.full((k + 1, k), 0.25)))
    assert unsmoothed.path(tie, [False] * 3, [True] * 3) == [3, 3, 3]


def test_trafilaturas_decision_is_crossed_with_the_blocks_place():
    from annotator.nlp.section_features import _crossed

    kept = {"kept": 1.0, "dropped": 0.0, "in_run": 1.0, "tag:p": 1.0, "main_container": 0.0}
    _crossed(kept)
    assert kept["kept&in_run"] == kept["kept&tag:p"] == 1.0
    assert "kept&main_container" not in kept and not any(k.startswith("dropped&") for k in kept)
    dropped = {"kept": 0.0, "dropped": 1.0, "tag:li": 1.0, "link_density": 0.8}
    _crossed(dropped)
    assert dropped["dropped&tag:li"] == dropped["dropped&links"] == 1.0
    plain = page_features(SectionPage("Headline\nA paragraph of text that runs on and on."))
    assert not any(name.startswith(("kept&", "dropped&"))  # no HTML: no decision
                   for row in plain for name in row)


def test_the_rules_decision_is_crossed_with_the_blocks_place_and_trafilaturas():
    from annotator.nlp.section_features import _crossed

    teaser = {"rules:body": 1.0, "kept": 0.0, "dropped": 1.0, "tag:p": 1.0, "link_density": 1.0,
              "main_container": 0.0}
    _crossed(teaser)
    assert teaser["rules:body&dropped"] == teaser["rules:body&links"] == 1.0
    assert teaser["rules:body&tag:p"] == 1.0
    assert "rules:body&main_container" not in teaser and "rules:body&kept" not in teaser
    assert not any(name.startswith("rules:boilerplate&") for name in teaser)
    misread = {"rules:boilerplate": 1.0, "kept": 1.0, "in_run": 1.0, "main_container": 1.0}
    _crossed(misread)
    assert misread["rules:boilerplate&kept"] == misread["rules:boilerplate&in_run"] == 1.0
    assert misread["rules:boilerplate&main_container"] == misread["kept&in_run"] == 1.0
    byline = {"rules:byline": 1.0}
    _crossed(byline)
    assert byline == {"rules:byline": 1.0}  # byline and related_links: the rules decide them


def test_a_run_of_reader_comments_is_told_from_the_article_above_it():
    story = ("The council met on Tuesday and agreed, after a long debate about costs and "
             "delays, to build the new bridge over the river by the end of next year.")
    comment = ("I have lived by that river for thirty years and never thought I would see a "
               "bridge there, so this is very welcome news for all of us.")
    lines = ["By Jane Doe, 10:30 am", story, story, "Posted November 6, 2012",
             "steve says:", "November 6, 2012 at 3:45 pm", comment, "Reply | Report abuse",
             "anna says:", comment, "12 points"]
    rows = page_features(SectionPage("\n".join(lines)))
    flags = [(r.get("thread_says", 0.0), r.get("thread_meta", 0.0), r.get("thread_date", 0.0))
             for r in rows]
    assert flags[0] == (0.0, 1.0, 0.0)  # a time of day: shaped like a header ...
    assert "thread_seen_log" not in rows[1] and "thread_seen_log" not in rows[2]
    assert flags[3] == (0.0, 0.0, 1.0)  # a date alone is a dateline as often as a header
    assert flags[4] == (1.0, 1.0, 0.0) and flags[5][1] == flags[7][1] == flags[10][1] == 1.0
    # ... but the byline above the article's first paragraph starts no thread: the first
    # comment sits under two header lines, the second under four
    assert rows[6]["thread_seen_2"] == 1.0 and rows[6]["thread_seen_log"] == pytest.approx(
        math.log1p(2))
    assert rows[9]["thread_seen_log"] == pytest.approx(math.log1p(4))
    assert rows[6]["n-1:thread_meta"] == 1.0 and rows[6]["n-2:thread_meta"] == 1.0
    assert not any(name.startswith("thread_class") for row in rows for name in row)  # no HTML


def test_a_comment_systems_class_names_mark_its_blocks_but_commentary_does_not():
    story = ("The council met on Tuesday and agreed, after a long debate about costs and "
             "delays, to build the new bridge over the river by the end of next year.")
    feats = [{"tag": "p", "path": "div.commentary>div.body>p", "classes": "", "landmarks": []},
             {"tag": "p", "path": "ol.commentlist>li.comment>p", "classes": "", "landmarks": []},
             {"tag": "div", "path": "li>div.dsq-comment-header", "classes": "dsq-comment-header",
              "landmarks": []}]
    rows = page_features(SectionPage("\n".join([story, story, "artsyphotos"]), features=feats))
    assert [r.get("thread_class", 0.0) for r in rows] == [0.0, 1.0, 1.0]


def test_an_unclassed_wrapper_keeps_the_article_container_as_the_blocks_anchor():
    """The tag path keeps three elements, so a paragraph inside an unclassed wrapper
    (``div.article-content>div>p``) loses its container from the path; the anchor (the nearest
    enclosing element with a class or id) keeps it, and a site's confirmed body paragraphs are
    evidence for it."""
    from annotator.io.html import parse_html
    from annotator.nlp.section_features import page_features, template_keys

    html = ("<html><body><div class='articles'><div class='article-content'>"
            "<p>The first paragraph of the story is here.</p>"
            "<div><div><p>A paragraph inside two wrappers without classes.</p></div></div>"
            "<blockquote class='twitter-tweet'><p>A tweet quoted in 2012.</p></blockquote>"
            "</div></div><div id='footer-77'><p>Contact us</p></div></body></html>")
    text, feats, _ = parse_html(html)
    by_text = dict(zip(text.split("\n"), feats, strict=True))
    plain = by_text["The first paragraph of the story is here."]
    nested = by_text["A paragraph inside two wrappers without classes."]
    assert nested["path"] == "div>div>p"  # the container fell out of the path
    assert plain["anchor"] == nested["anchor"] == "div.article-content"
    assert by_text["A tweet quoted in 2012."]["anchor"] == "blockquote.twitter-tweet"
    assert by_text["Contact us"]["anchor"] == "div#footer-77"
    assert dict(template_keys(by_text["Contact us"]))["anchor"] == "anchor=div#footer-0>p"
    evidence = SiteEvidence()
    evidence.add_confirmed(SectionPage("The first paragraph of the story is here.",
                                       features=[plain]), ["body"])
    row = page_features(SectionPage("A paragraph inside two wrappers without classes.",
                                    features=[nested]), evidence)[0]
    assert row["path:unseen"] == 1.0 and row["anchor:body"] == 1.0
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_feature_matrix_holds_each_known_feature_in_its_column(dtype):
    """``matrix`` sets every feature in one assignment (issue 12): the same matrix, bit for bit,
    as setting them one at a time; unknown features are left out, and a page of no blocks
    gives no rows."""
    model = load_base()
    rows = page_features(SectionPage("Menu | Home\nBy Zoë Müller, 3 June\n" + "Word " * 40
                                     + "ends.\n© 2024 Ltd"))
    rows[0]["not a feature of the model"] = 7.0
    known = model.features[:3]
    rows.append({known[0]: 2.5, known[2]: -1.0, "nor this": 1.0})
    expected = np.zeros((len(rows), len(model.features)), dtype=dtype)
    for i, row in enumerate(rows):
        for name, value in row.items():
            if name in model.features:
                expected[i, model.features.index(name)] = value
    expected /= model.scale.astype(dtype)
    got = model.matrix(rows, dtype)
    assert got.dtype == dtype and got.tobytes() == expected.tobytes()
    assert model.matrix([], dtype).shape == (0, len(model.features))


def test_repeats_read_the_words_word_grams_and_normalise_line_read():
    """``_repeats`` finds a block's words directly (issue 12); its shares and line matches are
    those of :func:`word_grams` and :func:`normalise_line` on odd text (underscores, digits in
    other scripts, a casefold that grows a word)."""
    from annotator.nlp.section_features import _repeats, normalise_line, word_grams

    texts = ["Straße_nr 12 — ǅemal ½ is here today", "STRASSE nr 12 ǅemal is here, today!",
             "١٢٣ page", "٤٥٦ Page", "a__b c d e", "A b C d e", "", "  "]
    rows = [{} for _ in texts]
    _repeats(rows, texts)
    seen, lines = set(), set()
    for row, text in zip(rows, texts, strict=True):
        grams = word_grams(text)
        assert row.get("repeat_share") == (len(grams & seen) / len(grams) if grams and
                                           grams & seen else None)
        assert row.get("repeat_line") == (1.0 if normalise_line(text) in lines else None)
        seen |= grams
        lines.add(normalise_line(text))
    assert 0 < rows[1]["repeat_share"] < 1 and rows[3]["repeat_line"] == 1.0
    assert rows[5]["repeat_share"] == rows[5]["repeat_line"] == 1.0  # "a__b" is "a b"


@pytest.mark.parametrize("hiding", [
    "style='display:none'", "style='color: red; DISPLAY : none !important'",
    "style='visibility:hidden'", "hidden"])
def test_a_block_the_page_hides_in_its_markup_is_marked_hidden(hiding):
    """A slideshow's other slides and similar copies sit in the page under an inline
    ``display:none``: a reader never sees them, and Dragnet's gold leaves them out (15,631
    hidden blocks on its 1,381 pages, 56 of them article text). Hiding is inherited through
    inline elements too; a ``display`` that is not ``none`` is not hiding, nor is
    ``aria-hidden`` (hidden from screen readers only, the text is on the screen)."""
    from annotator.io.html import parse_html

    html = (f"<html><body><div class='intro'><p>The slideshow's introduction.</p></div>"
            f"<div class='slides'><span {hiding}><div><p>The second slide's text.</p></div>"
            f"</span></div><p style='display:block'>Shown in a block.</p>"
            f"<p style='x-display:none-like'>Not a display rule.</p>"
            f"<p aria-hidden='true'>Seen, not read aloud.</p></body></html>")
    text, feats, _ = parse_html(html)
    hidden = {line: bool(f.get("hidden")) for line, f in zip(text.split("\n"), feats, strict=True)}
    assert hidden == {"The slideshow's introduction.": False, "The second slide's text.": True,
                      "Shown in a block.": False, "Not a display rule.": False,
                      "Seen, not read aloud.": False}
    assert "hidden" not in feats[0]  # stored only when set: older imports read as not hidden


def test_hidden_blocks_are_a_feature_and_never_the_run_of_running_text():
    """Hidden slides of 20+ words would otherwise be the page's run and its main container, and
    pull the visible introduction out of both."""
    from annotator.nlp.section_features import page_features

    intro = ("The council met on Tuesday and agreed, after a long debate about costs and "
             "delays, to build the new bridge over the river by the end of next year.")
    slide = ("Another slide of the gallery, with a long caption that a reader only sees after "
             "pressing next, and which the page keeps hidden until then in its markup.")
    shown = {"tag": "p", "path": "div.story>div.intro>p", "classes": "", "landmarks": []}
    hid = {"tag": "p", "path": "div.story>div.slides>p", "classes": "", "landmarks": [],
           "hidden": True}
    rows = page_features(SectionPage("\n".join([intro, slide, slide, slide]),
                                     features=[shown, hid, hid, hid]))
    assert [r.get("hidden", 0.0) for r in rows] == [0.0, 1.0, 1.0, 1.0]
    assert [r["in_run"] for r in rows] == [1.0, 0.0, 0.0, 0.0]
    assert [r["main_container"] for r in rows] == [1.0, 0.0, 0.0, 0.0]


def test_a_hidden_block_is_never_body_until_the_sites_person_tags_one_body():
    """Hidden text is furniture (a slideshow's other slides) however body-like it reads; a site
    whose confirmed pages have a hidden block tagged body lifts the rule for its pages and the
    classifier decides them."""
    from annotator.nlp.section_features import page_features

    story = ("The council met on Tuesday and agreed, after a long debate about costs and "
             "delays, to build the new bridge over the river by the end of next year.")
    shown = {"tag": "p", "path": "div.story>div.intro>p", "classes": "", "landmarks": []}
    hid = dict(shown, path="div.story>div.slides>p", hidden=True)
    nav = {"tag": "li", "path": "nav>ul>li", "classes": "", "landmarks": ["nav"]}
    examples = [Example(SectionPage(f"Home | News | Sport\n{story} {i}\n{story} {i}.", features=[
        nav, shown, dict(shown, path="div.story>div.slides>p")]),
        ["boilerplate", "body", "body"]) for i in range(6)]
    model = train_sections(examples, seed=0)
    page = SectionPage(f"Home | News | Sport\n{story} A.\n{story} B.", features=[nav, shown, hid])
    assert model.predict(page) == ["boilerplate", "body", "boilerplate"]
    assert model.predict(SectionPage(page.text, features=[nav, shown, shown]))[2] == "body"
    told = SiteEvidence()
    told.add_confirmed(SectionPage(f"{story} C.", features=[hid]), ["body"])
    assert page_features(page, told)[2]["hidden:body"] == 1.0
    assert model.predict(page, told)[2] == "body"
    # a site whose confirmed hidden blocks were all furniture keeps the rule
    furniture = SiteEvidence()
    furniture.add_confirmed(SectionPage(f"{story} C.", features=[hid]), ["boilerplate"])
    assert model.predict(page, furniture)[2] == "boilerplate"
