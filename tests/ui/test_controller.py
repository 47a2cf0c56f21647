"""The controller: intents become one store transaction each, on the undo stack, and views hear
of them only after the commit."""

from __future__ import annotations

import pytest

from annotator.domain import HUMAN, NewDocument, Span, Status
from annotator.ui.controller import Controller

TEXT = "Iron ore miner Serra Verde halts Minas Gerais pit.\n\nBy Marina Costa in Rio"


@pytest.fixture
def controller(store, qapp):
    """A controller on a project with one article carrying a model suggestion and a section
    suggestion, and a second plain article."""
    start = TEXT.index("Minas Gerais")
    store.add_documents([
        NewDocument(text=TEXT, source="a.txt",
                    spans=[Span(start, start + 12, "GPE", "model:m@1", None)],
                    sections=[(0, TEXT.index("\n"), "body")]),
        NewDocument(text="Another article about Rio Tinto.", source="b.txt"),
    ])
    c = Controller(store, annotator="tester")
    c.open_document(1)
    return c


def test_a_selection_snaps_to_whole_tokens_and_trims_whitespace(controller):
    s = TEXT.index("Serra")
    assert controller.snap(s + 2, s + 8) == (s, s + len("Serra Verde"))
    assert controller.snap(s - 1, s + 3) == (s, s + 5)  # leading space dropped


def test_a_selection_of_only_spaces_makes_no_span(controller, store):
    s = TEXT.index("halts") - 1
    assert controller.label_range(s, s + 1, "ORG") == []
    assert controller.undo_stack.count() == 0


def test_a_label_key_with_a_bare_cursor_labels_the_token_there(controller):
    s = TEXT.index("Marina")
    [span] = controller.label_range(s + 2, s + 2, "PERSON")
    assert (span.start, span.end, span.label, span.source, span.annotator) == (
        s, s + 6, "PERSON", HUMAN, "tester")


def test_a_new_span_replaces_the_ones_it_overlaps_and_undo_puts_them_back(controller, store):
    s = TEXT.index("Minas")
    controller.label_range(s, s + 5, "LOC")
    assert [(x.start, x.end, x.label) for x in store.spans(1)] == [(s, s + 5, "LOC")]
    controller.undo_stack.undo()
    [back] = store.spans(1)
    assert (back.start, back.end, back.label, back.source, back.annotator) == (
        s, s + 12, "GPE", "model:m@1", None)
    controller.undo_stack.redo()
    assert [x.label for x in store.spans(1)] == ["LOC"]


def test_its_own_label_on_a_suggestion_confirms_it_keeping_the_source(controller, store):
    s = TEXT.index("Minas")
    controller.label_range(s + 1, s + 1, "GPE")
    [span] = store.spans(1)
    assert (span.label, span.source, span.annotator) == ("GPE", "model:m@1", "tester")
    assert span.confirmed


def test_shift_arrows_grow_and_shrink_a_span_by_a_token(controller, store):
    s = TEXT.index("Serra")
    [span] = controller.label_range(s, s + 5, "ORG")
    [grown] = controller.resize_span(span.id, "end", +1)
    assert TEXT[grown.start:grown.end] == "Serra Verde"
    [shrunk] = controller.resize_span(grown.id, "end", -1)
    assert TEXT[shrunk.start:shrunk.end] == "Serra"
    [left] = controller.resize_span(shrunk.id, "start", +1)
    assert TEXT[left.start:left.end] == "miner Serra"
    assert len(store.spans(1)) == 2  # the GPE suggestion is untouched


def test_an_edit_the_store_refuses_is_reported_and_not_put_on_the_undo_stack(controller):
    messages = []
    controller.message_posted.connect(messages.append)
    controller.label_range(0, 4, "NO_SUCH_LABEL")
    assert controller.undo_stack.count() == 0
    assert "unknown entity label" in messages[0]


def test_a_section_key_tags_the_blocks_touched_and_the_same_key_clears(controller, store):
    by = TEXT.index("By")
    controller.tag_sections(0, by + 2, "byline")  # a selection over both blocks
    assert [(s.block, s.label, s.annotator) for s in store.sections(1)] == [
        (0, "byline", "tester"), (1, "byline", "tester")]
    controller.tag_sections(by, by, "byline")
    assert [(s.block, s.label) for s in store.sections(1)] == [(0, "byline")]
    controller.undo_stack.undo()
    assert len(store.sections(1)) == 2
    controller.undo_stack.undo()
    [suggested] = store.sections(1)
    assert (suggested.label, suggested.annotator) == ("body", None)


def test_apply_suggestions_confirms_everything_in_one_step_and_undoes(controller, store):
    controller.apply_suggestions()
    assert all(s.confirmed for s in store.spans(1)) and all(
        s.confirmed for s in store.sections(1))
    controller.undo_stack.undo()
    assert not any(s.confirmed for s in store.spans(1))
    assert not any(s.confirmed for s in store.sections(1))


def test_accepting_confirms_suggestions_and_undo_restores_status_and_suggestions(
        controller, store):
    changed = []
    controller.status_changed.connect(lambda d, s: changed.append((d, s)))
    controller.set_status(Status.ACCEPTED)
    assert store.document(1).status == Status.ACCEPTED
    assert [s.annotator for s in store.spans(1)] == ["tester"]
    assert changed == [(1, Status.ACCEPTED)]
    controller.undo_stack.undo()
    assert store.document(1).status == Status.NEW
    assert [s.annotator for s in store.spans(1)] == [None]


def test_undo_of_an_edit_on_another_document_reopens_that_document(controller, store):
    s = TEXT.index("Marina")
    controller.label_range(s, s + 6, "PERSON")
    controller.open_document(2)
    opened = []
    controller.document_opened.connect(opened.append)
    controller.undo_stack.undo()
    assert opened == [1] and controller.doc.id == 1
    assert all(x.label != "PERSON" for x in store.spans(1))


def test_views_hear_of_an_edit_only_after_it_is_committed(controller, store):
    """The spans_changed handler reads the store through another connection and already sees
    the new span: the transaction was committed before the signal."""
    from annotator.store import open_store

    seen = []

    def check(doc_id, removed, added):
        with open_store(store.path) as other:
            seen.append([x.label for x in other.spans(doc_id)])

    controller.spans_changed.connect(check)
    s = TEXT.index("Rio")
    controller.label_range(s, s + 3, "GPE")
    assert seen == [["GPE", "GPE"]]
