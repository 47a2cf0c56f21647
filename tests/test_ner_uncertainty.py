"""The beam-parse uncertainty score of :mod:`annotator.nlp.ner_uncertainty` on the real model."""

from __future__ import annotations

import pytest

from annotator.nlp.ner_uncertainty import uncertainties
from annotator.nlp.pipeline import load_model

LABELS = frozenset({"PERSON", "ORG", "GPE", "DATE", "MONEY"})


def test_scores_are_per_document_bounded_and_follow_the_project_labels():
    nlp = load_model(None)
    texts = ["Maria Santos said on Monday that the weather was fine.",
             "Glencore agreed to buy a copper mine in Chile for $4.2 billion.",
             "the cat sat on the mat and nothing else happened at all"]
    scores = uncertainties(nlp, texts, LABELS)
    assert len(scores) == 3 and all(0.0 <= s <= 100.0 for s in scores)
    assert scores[1] > scores[2]  # "Glencore ... Chile" splits the beam; the cat does not
    assert uncertainties(nlp, texts, frozenset({"COMMODITY"})) == [0.0, 0.0, 0.0]
    assert uncertainties(nlp, [], LABELS) == []


def test_a_pipeline_without_ner_is_refused():
    import spacy

    with pytest.raises(ValueError):
        uncertainties(spacy.blank("en"), ["text"], LABELS)
