"""Entity training on documents longer than spaCy takes at once (``nlp.max_length``, error
E088 at 1,000,000 characters): such a document trains and is scored as pieces cut between
paragraphs, never inside a gold span; one that cannot be cut (a gold span longer than a piece)
is left out and named in the report, and the rest of the project still trains. Real SQLite
projects, real spaCy (a blank pipeline for the rules, the tiny blank candidate for training).

The long documents are made of long filler words so that a million characters are a few
thousand tokens: the training stays a few seconds while spaCy still sees more than
``nlp.max_length`` characters."""

from __future__ import annotations

import random
import shutil

import pytest
import spacy
from click.testing import CliRunner

from annotator.cli import main
from annotator.domain import HUMAN, NewDocument, Span, Status
from annotator.nlp.ner_train import TrainDoc, _predict, _rehearsal_examples, split_doc
from annotator.nlp.pieces import PIECE_CHARS, Unsplittable, cut_points, text_pieces
from annotator.services import ner_models
from annotator.services.ner_split import split_by_site
from annotator.services.ner_training import TrainOptions, cut_documents, train
from annotator.store import open_store
from tests.ner_articles import articles, fill_project

LONG = 1_050_000  # characters: more than spaCy's default nlp.max_length
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def _filler(rng: random.Random, chars: int) -> str:
    """Paragraphs of long made-up words (few tokens for many characters; few distinct ones,
    which spaCy's tokenizer caches), ``chars`` long."""
    vocabulary = [rng.getrandbits(360).to_bytes(45).hex().translate(_LETTERS) for _ in range(64)]
    out, size = [], 0
    while size < chars:
        words = [rng.choice(vocabulary) for _ in range(20)]
        paragraph = " ".join(words) + ".\n\n"
        out.append(paragraph)
        size += len(paragraph)
    return "".join(out)[:chars]


def long_document(seed: int = 0, chars: int = LONG) -> tuple[str, list[tuple[int, int, str]]]:
    """A text over ``chars`` characters with labelled names near its start, middle and end."""
    rng = random.Random(seed)
    news = [("Maria Santos of Glencore met traders in Chile.\n\n",
             [(0, 12, "PERSON"), (16, 24, "ORG"), (39, 44, "GPE")]),
            ("Cargill bought copper from Peru in March.\n\n",
             [(0, 7, "ORG"), (15, 21, "COMMODITY"), (27, 31, "GPE"), (35, 40, "DATE")])]
    text, spans = "", []
    for where in (0.0, 0.5, 1.0):
        text += _filler(rng, int(where * chars) - len(text)) if where else ""
        for sentence, found in news:
            spans += [(s + len(text), e + len(text), lab) for s, e, lab in found]
            text += sentence
    return text + _filler(rng, 1000), spans


def _add_long(store, text, spans, site, status=Status.ACCEPTED) -> int:
    added = store.documents.add([NewDocument(
        text, f"{site}/long.txt", {"site": site},
        spans=[Span(s, e, lab, HUMAN, "ann") for s, e, lab in spans], status=status,
        annotator="ann")])
    assert not added.refused and len(store.spans.of(added.added[0])) == len(spans)
    return added.added[0]


# -- the cutting rules (pure Python) --------------------------------------------------------------


def test_cuts_go_between_paragraphs_and_never_inside_a_kept_span():
    text = "alpha beta\ngamma delta\nepsilon zeta\n"
    assert cut_points(text, 20) == [0, 11, 23]  # after each line break
    # a kept span over the first line break: the cut goes after a space outside it instead
    assert cut_points(text, 20, keep=[(6, 14)]) == [0, 17]
    assert cut_points(text, 20, keep=[(6, 14), (15, 19)]) == [0, 6, 23]
    pieces = text_pieces(text, 20, keep=[(6, 14)])
    assert "".join(p for _, p in pieces) == text and all(len(p) <= 20 for _, p in pieces)


def test_one_long_line_is_cut_after_a_sentence_then_a_space_then_anywhere():
    text = "Tim Cook spoke. Jane Doe listened to him "
    assert cut_points(text, 30) == [0, 16]  # after "spoke. ", not after the last space
    assert cut_points("Tim Cook met Jane Doe today", 20) == [0, 18]
    assert cut_points("x" * 50, 20) == [0, 20, 40]
    assert cut_points("x" * 50, 20, keep=[(15, 25)]) == [0, 15, 35]


def test_a_kept_span_longer_than_a_piece_cannot_be_cut():
    with pytest.raises(Unsplittable) as caught:
        cut_points("ab " * 40, 20, keep=[(30, 60)])
    assert (caught.value.start, caught.value.end, caught.value.limit) == (30, 60, 20)
    assert "30-60" in str(caught.value)


def test_a_long_documents_pieces_carry_its_spans_onto_the_same_text():
    text, spans = long_document()
    doc = TrainDoc(7, text, spans, rejected=[(spans[0][0], spans[0][1], "ORG")])
    pieces = split_doc(doc)
    assert len(pieces) > len(text) // PIECE_CHARS and all(len(p.text) <= PIECE_CHARS
                                                          for p in pieces)
    assert "".join(p.text for p in pieces) == text and {p.doc_id for p in pieces} == {7}
    moved = [(p.offset + s, p.offset + e, lab) for p in pieces for s, e, lab in p.spans]
    assert moved == spans  # every span, in order, none lost at a cut
    for piece in pieces:
        for s, e, _ in piece.spans:
            assert piece.text[s:e] == text[piece.offset + s:piece.offset + e]
    assert [r for p in pieces for r in p.rejected] == [(spans[0][0], spans[0][1], "ORG")]
    assert split_doc(TrainDoc(1, "short", [])) == [TrainDoc(1, "short", [])]


def _ruler_pipeline():
    """A real spaCy pipeline that finds "Glencore" (ORG) and "Peru" (GPE)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Glencore"},
                                               {"label": "GPE", "pattern": "Peru"}])
    return nlp


def test_prediction_on_a_text_over_max_length_finds_entities_at_their_offsets():
    """``_predict`` (scoring, the forgetting check) runs spaCy piece by piece on a text spaCy
    would refuse whole, and gives the entities in the whole text's offsets."""
    nlp = _ruler_pipeline()
    text, spans = long_document(1)
    assert len(text) > nlp.max_length
    [found] = _predict(nlp, [text], frozenset({"ORG", "GPE"}))
    assert found == [s for s in spans if text[s[0]:s[1]] in ("Glencore", "Peru")]
    assert len(found) == 6


def test_a_long_unlabelled_text_rehearses_as_one_example_a_piece():
    """Rehearsal labels unlabelled project text with the base model: a text over
    ``nlp.max_length`` becomes one Example a piece, each with the model's entities on it."""
    nlp = _ruler_pipeline()
    text, _spans = long_document(2)
    examples = _rehearsal_examples(nlp, [text, "Glencore left Peru."],
                                   frozenset({"ORG", "GPE"}), knows_all=True)
    assert len(examples) == len(text_pieces(text)) + 1
    assert "".join(ex.reference.text for ex in examples[:-1]) == text
    found = [(e.text, e.label_) for ex in examples for e in ex.reference.ents]
    assert found == [("Glencore", "ORG"), ("Peru", "GPE")] * 4


# -- training a project (real SQLite, real spaCy) ---------------------------------------------


@pytest.fixture(scope="module")
def long_project(tmp_path_factory):
    """Six accepted articles; two accepted documents over 1,000,000 characters with spans near
    their start, middle and end, from sites that send one to training and the other to the
    held-back part; and one whose gold span is longer than a piece."""
    db = tmp_path_factory.mktemp("long") / "news.db"
    with open_store(db) as store:
        fill_project(store, articles(6, "train", 60), [], "later.example", "ann")
        text, spans = long_document()
        long_id = _add_long(store, text, spans, "long.example")
        text, spans = long_document(3)
        held_id = _add_long(store, text, spans, "long-e.example")  # first in the held-back order
        head = "Copper Prices Climb Again In Chile\n"  # its title in the document list
        huge = head + "w" * (PIECE_CHARS + 10) + "\n" + _filler(random.Random(2), LONG)
        stuck_id = _add_long(store, huge, [(len(head), len(head) + PIECE_CHARS + 10, "ORG")],
                             "stuck.example")
    return db, long_id, held_id, stuck_id


@pytest.fixture(scope="module")
def trained_long(long_project, tmp_path_factory):
    """``long_project`` trained (a copy: the command-line test trains the project afresh)."""
    db = tmp_path_factory.mktemp("trained") / "news.db"
    shutil.copy(long_project[0], db)
    with open_store(db) as store:
        report = train(store, TrainOptions(candidates=("blank",), max_epochs=1, seconds=1,
                                           rehearsal=0))
    return (db, *long_project[1:], report)


@pytest.mark.slow
def test_a_document_over_a_million_characters_trains_in_pieces(trained_long):
    db, long_id, held_id, stuck_id, report = trained_long
    assert report.version == "ner-1" and ner_models.version_folder(db, 1).is_dir()
    assert long_id in report.doc_ids and report.pieced_docs == 2
    assert report.train_docs + report.dev_docs + report.held_back_docs == 8  # all but stuck
    assert stuck_id not in report.doc_ids and held_id not in report.doc_ids


@pytest.mark.slow
def test_a_long_held_back_document_is_scored_on_its_pieces_with_every_span(trained_long):
    """Both models are scored on the held-back pieces: every gold span of the long held-back
    document counts (none lost at a cut), and the stock model finds names there."""
    db, _long_id, held_id, _stuck_id, report = trained_long
    with open_store(db) as store:
        docs = {d.doc_id: d for d in store.confirmed.documents()}
        split = split_by_site(list(docs.values()), 0.2,
                              groups=store.near_dups.groups_of(list(docs)))
    held = [d for d in split.held if d.doc_id in docs]
    assert held_id in {d.doc_id for d in held}
    assert report.held_back_docs == len(held)
    assert report.before["ALL"][3] == sum(len(d.spans) for d in held)
    assert report.before["ALL"][1] > 0.3  # the stock model's entities land on the gold ones


@pytest.mark.slow
def test_a_document_that_cannot_be_cut_is_left_out_and_named(trained_long):
    *_, stuck_id, report = trained_long
    [line] = report.left_out
    assert line.startswith(f"document {stuck_id} (Copper Prices Climb Again In Chile): ")
    assert f"35-{35 + PIECE_CHARS + 10:,}" in line and "longer than a piece" in line
    assert "Left out 1 document" in report.text()


def test_the_split_is_by_document_so_pieces_stay_on_one_side(long_project):
    """Held-back and dev parts are chosen from whole documents; cutting comes after, so a
    long document's pieces are all on the side its document went to."""
    db, long_id, held_id, stuck_id = long_project
    with open_store(db) as store:
        docs = store.confirmed.documents()
    split = split_by_site(docs, 0.5)
    sides = []
    for part in (split.train, split.held):
        left: list[str] = []
        kept, pieces = cut_documents(part, left)
        sides.append({p.doc_id for p in pieces})
        assert {d.doc_id for d in kept} == sides[-1]
        assert all(p.text[s:e] == d.text[p.offset + s:p.offset + e]
                   for d in kept for p in pieces if p.doc_id == d.doc_id
                   for s, e, _ in p.spans)
    assert not sides[0] & sides[1] and {long_id, held_id} <= sides[0] | sides[1]
    assert stuck_id not in sides[0] | sides[1]


@pytest.mark.slow
def test_the_train_command_trains_past_a_long_document_and_names_the_left_out_one(
        long_project, tmp_path):
    """``annotator train`` (the window's Train entities job runs the same ``train_file`` in
    a spawned child) exits 0 and says which document it left out and why."""
    db = tmp_path / "news.db"
    shutil.copy(long_project[0], db)
    stuck_id = long_project[3]
    result = CliRunner().invoke(main, ["train", "--db", str(db), "--only", "blank",
                                       "--seconds", "1", "--max-epochs", "1"])
    assert result.exit_code == 0, result.output
    assert "2 long documents went in pieces" in result.output
    assert f"left out: document {stuck_id} (Copper Prices Climb Again In Chile)" in result.output
    assert ner_models.version_folder(db, 1).is_dir()
