"""Agreement figures checked against reference implementations: scikit-learn's
``cohen_kappa_score`` and ``f1_score``, statsmodels' ``fleiss_kappa`` and the ``krippendorff``
package, on random ratings and on three real project files."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from click.testing import CliRunner
from team_projects import ARTICLES, team

from annotator.cli import main
from annotator.core.agreement import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    span_f1,
)
from annotator.services.agreement import agreement_of_files

CATEGORIES = ["body", "byline", "boilerplate", "related_links"]


# The reference implementations are imported by the tests that use them (scipy, pandas and
# scikit-learn take seconds to import), so a run of other tests does not pay for them.
def cohen_kappa_score(a, b):
    from sklearn.metrics import cohen_kappa_score as reference

    return reference(a, b)


def f1_score(y_true, y_pred):
    from sklearn.metrics import f1_score as reference

    return reference(y_true, y_pred)


def sm_fleiss(codes):
    """statsmodels' Fleiss' kappa of an items x raters array of category codes."""
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    return fleiss_kappa(aggregate_raters(codes)[0])


def alpha_nominal(reliability_data):
    import krippendorff

    return krippendorff.alpha(reliability_data=reliability_data,
                              level_of_measurement="nominal")


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_equals_scikit_learn(seed):
    rng = random.Random(seed)
    a = [rng.choice(CATEGORIES) for _ in range(60)]
    b = [x if rng.random() < 0.7 else rng.choice(CATEGORIES) for x in a]
    assert cohen_kappa(list(zip(a, b, strict=True))) == pytest.approx(cohen_kappa_score(a, b))


def noisy_ratings(seed: int, raters: int, agree: float, gaps: float = 0.0) -> list[list]:
    """40 items, each rater giving the item's true category with probability ``agree`` (else a
    random one), or nothing (``None``) with probability ``gaps``."""
    rng = random.Random(seed)
    items = []
    for _ in range(40):
        truth = rng.choice(CATEGORIES)
        items.append([None if rng.random() < gaps else truth if rng.random() < agree
                      else rng.choice(CATEGORIES) for _ in range(raters)])
    return items


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_kappa_equals_statsmodels(seed):
    items = noisy_ratings(seed, raters=3, agree=0.75)
    codes = np.array([[CATEGORIES.index(c) for c in item] for item in items])
    assert fleiss_kappa(items) == pytest.approx(sm_fleiss(codes))


@pytest.mark.parametrize("seed", range(5))
def test_krippendorff_alpha_with_gaps_equals_the_krippendorff_package(seed):
    units = noisy_ratings(seed, raters=4, agree=0.7, gaps=0.2)
    matrix = np.array([[np.nan if c is None else CATEGORIES.index(c) for c in unit]
                       for unit in units]).T  # raters x units
    want = alpha_nominal(matrix)
    got = krippendorff_alpha([[c for c in unit if c is not None] for unit in units])
    assert got == pytest.approx(want)


def test_undefined_figures_are_none_not_a_number():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("body", "body")] * 5) is None  # one category: chance agreement is 1
    assert fleiss_kappa([]) is None and krippendorff_alpha([["body"]]) is None


def test_exact_span_f1_equals_scikit_learn_over_the_union_and_overlap_counts_partial_spans():
    a = {(0, 13, "PERSON"), (18, 33, "PERSON"), (37, 43, "GPE")}
    b = {(0, 13, "PERSON"), (27, 33, "PERSON"), (37, 43, "LOC")}
    union = sorted(a | b)
    want = f1_score([s in b for s in union], [s in a for s in union])
    assert span_f1(a, b).f1 == pytest.approx(want) == pytest.approx(1 / 3)
    overlap = span_f1(a, b, overlap=True)  # Macron inside Emmanuel Macron agrees; GPE/LOC not
    assert (overlap.agree_a, overlap.agree_b) == (2, 2) and overlap.f1 == pytest.approx(2 / 3)


def test_three_project_files_give_the_reference_figures(tmp_path):
    """maria, bob and carol labelled the same three articles; every figure is recomputed here
    from the labels with the reference implementations."""
    from team_projects import LABELS

    report = agreement_of_files(team(tmp_path))
    assert report.annotators == ["bob", "carol", "maria"] and report.shared_documents == 3
    sections = {n: [s for _words, secs in LABELS[n] for s in secs] for n in LABELS}
    rows = {(k.first, k.second, k.label): k for k in report.sections}
    for a, b in (("bob", "carol"), ("bob", "maria"), ("carol", "maria")):
        assert rows[(a, b, "")].kappa == pytest.approx(cohen_kappa_score(sections[a],
                                                                         sections[b]))
        assert rows[(a, b, "")].items == 9
        binary = [[x == "byline" for x in sections[n]] for n in (a, b)]
        assert rows[(a, b, "byline")].kappa == pytest.approx(cohen_kappa_score(*binary))
    names = ["bob", "carol", "maria"]
    codes = np.array([[CATEGORIES.index(sections[n][i]) for n in names] for i in range(9)])
    overall = report.group[0]
    assert overall.label == "" and overall.complete == overall.pairable == 9
    assert overall.fleiss == pytest.approx(sm_fleiss(codes))
    assert overall.alpha == pytest.approx(alpha_nominal(codes.T.astype(float)))

    def spans(name):
        out = set()
        for i, (words, _secs) in enumerate(LABELS[name]):
            for word, label in words.items():
                start = ARTICLES[i].index(word)
                out.add((i, start, start + len(word), label))
        return out

    entities = {(r.first, r.second, r.label): r for r in report.entities}
    for a, b in (("bob", "carol"), ("carol", "maria")):
        union = sorted(spans(a) | spans(b))
        want = f1_score([s in spans(b) for s in union], [s in spans(a) for s in union])
        assert entities[(a, b, "")].exact.f1 == pytest.approx(want)
    # carol's "Macron" overlaps maria's "Emmanuel Macron": a miss exactly, a match by overlap
    assert entities[("carol", "maria", "PERSON")].exact.f1 == pytest.approx(0.5)
    assert entities[("carol", "maria", "PERSON")].overlap.f1 == pytest.approx(1.0)
    where = {(d.what, d.choices) for d in report.differences}
    assert ("entity 24-29 'Japan'", (("GPE 'Japan'", ("bob", "maria")),
                                     ("LOC 'Japan'", ("carol",)))) in where
    assert ("block 1 'By Tom Ray'", (("body", ("bob",)), ("byline", ("carol", "maria")))) \
        in where


def test_agreement_command_prints_the_tables_and_json(tmp_path):
    paths = [str(p) for p in team(tmp_path)]
    result = CliRunner().invoke(main, ["agreement", *paths])
    assert result.exit_code == 0, result.output
    assert "carol ~ maria            PERSON" in result.output
    assert "Where they differ (6):" in result.output
    assert "GPE 'Japan' (bob, maria) | LOC 'Japan' (carol)" in result.output
    data = json.loads(CliRunner().invoke(main, ["agreement", "--json", *paths]).output)
    assert data["annotators"] == ["bob", "carol", "maria"]
    assert data["all_annotators"][0]["fleiss_blocks"] == 9
    one = CliRunner().invoke(main, ["agreement", paths[0]])
    assert one.exit_code == 1 and "at least two project files" in one.output


def test_a_merged_project_gives_the_same_figures_as_the_files(tmp_path):
    from annotator.services.agreement import agreement_of_project, report_lines
    from annotator.services.merging import merge
    from annotator.store import open_store

    paths = team(tmp_path)
    with open_store(tmp_path / "gold.db") as store:
        merge(store, paths)
        merged = agreement_of_project(store)
    assert report_lines(merged) == report_lines(agreement_of_files(paths))
