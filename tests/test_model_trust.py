"""A model folder named by a project file that someone else made is loaded only once the person
confirms it, or when it lies inside the project's own folder."""

from __future__ import annotations

import pytest
import spacy
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import NewDocument
from annotator.services.preannotation import UntrustedModel, model_to_confirm, preannotate
from annotator.store import open_store


def _ner_pipeline(folder):
    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("ORG")
    nlp.initialize()
    nlp.to_disk(folder)


def _project(path, model: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_store(path) as store:
        store.documents.add([NewDocument(text="Lumen Ltd hired staff in Porto.", source="a")])
        store.settings.set("model", model)


def test_a_folder_outside_the_project_is_refused_before_anything_loads(tmp_path):
    outside = tmp_path / "elsewhere" / "model"  # need not even exist: nothing is read
    _project(tmp_path / "proj" / "p.db", str(outside))
    with open_store(tmp_path / "proj" / "p.db") as store:
        assert model_to_confirm(store) == outside.resolve()
        with pytest.raises(UntrustedModel, match="outside") as refused:
            preannotate(store)
        assert refused.value.path == outside.resolve()


def test_a_folder_inside_the_project_or_a_confirmed_one_loads(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    _ner_pipeline(project / "model")
    _project(project / "p.db", "./model")
    with open_store(project / "p.db") as store:
        assert model_to_confirm(store) is None  # relative to the project's own folder
        assert preannotate(store).documents == 1
    outside = tmp_path / "shared-model"
    _ner_pipeline(outside)
    _project(tmp_path / "other" / "p.db", str(outside))
    with open_store(tmp_path / "other" / "p.db") as store:
        assert preannotate(store, trust_model=True).documents == 1


def test_package_names_need_no_confirmation(tmp_path):
    _project(tmp_path / "p.db", "en_core_web_sm")
    with open_store(tmp_path / "p.db") as store:
        assert model_to_confirm(store) is None


def test_the_cli_refuses_an_untrusted_folder_and_says_how_to_allow_it(tmp_path):
    outside = tmp_path / "shared-model"
    _ner_pipeline(outside)
    db = tmp_path / "proj" / "p.db"
    _project(db, str(outside))
    refused = CliRunner().invoke(main, ["preannotate", "--db", str(db)])
    assert refused.exit_code == 1 and "--trust-model" in refused.output
    allowed = CliRunner().invoke(main, ["preannotate", "--db", str(db), "--trust-model"])
    assert allowed.exit_code == 0, allowed.output
