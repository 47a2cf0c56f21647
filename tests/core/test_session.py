"""The editing session, without Qt: intents become one store transaction each, on the undo
stack, and the view hears of them only after the commit. No QApplication is created here."""

from __future__ import annotations

import pytest

from annotator.core.session import Session
from annotator.domain import HUMAN, NewDocument, Span, Status

TEXT = "Iron ore miner Serra Verde halts Minas Gerais pit.\n\nBy Marina Costa in Rio"


class Recorder:
    """A view that writes down what the session tells it."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))

    def said(self, name):
        return [c[1:] for c in self.calls if c[0] == name]


@pytest.fixture
def view():
    return Recorder()


@pytest.fixture
def controller(store, view):
    """A controller on a project with one article carrying a model suggestion and a section
    suggestion, and a second plain article."""
    start = TEXT.index("Minas Gerais")
    store.documents.add([
        NewDocument(text=TEXT, source="a.txt",
                    spans=[Span(start, start + 12, "GPE", "model:m@1", None)],
                    sections=[(0, TEXT.index("\n"), "body")]),
        NewDocument(text="Another article about Rio Tinto.", source="b.txt"),
    ])
    c = Session(store, annotator="tester", view=view)
    c.open_document(1)
    return c


def test_a_selection_snaps_to_whole_tokens_and_trims_whitespace(controller):
    s = TEXT.index("Serra")
    assert controller.snap(s + 2, s + 8) == (s, s + len("Serra Verde"))
    assert controller.snap(s - 1, s + 3) == (s, s + 5)  # leading space dropped


def test_a_selection_of_only_spaces_makes_no_span(controller, store):
    s = TEXT.index("halts") - 1
    assert controller.label_range(s, s + 1, "ORG") == []
    assert len(controller.undo_stack) == 0


def test_a_label_key_with_a_bare_cursor_labels_the_token_there(controller):
    s = TEXT.index("Marina")
    [span] = controller.label_range(s + 2, s + 2, "PERSON")
    assert (span.start, span.end, span.label, span.origin, span.annotator) == (
        s, s + 6, "PERSON", HUMAN, "tester")


def test_a_new_span_replaces_the_ones_it_overlaps_and_undo_puts_them_back(controller, store):
    s = TEXT.index("Minas")
    controller.label_range(s, s + 5, "LOC")
    assert [(x.start, x.end, x.label) for x in store.spans.of(1)] == [(s, s + 5, "LOC")]
    controller.undo()
    [back] = store.spans.of(1)
    assert (back.start, back.end, back.label, back.origin, back.annotator) == (
        s, s + 12, "GPE", "model:m@1", None)
    controller.redo()
    assert [x.label for x in store.spans.of(1)] == ["LOC"]


def test_its_own_label_on_a_suggestion_confirms_it_keeping_the_source(controller, store):
    s = TEXT.index("Minas")
    controller.label_range(s + 1, s + 1, "GPE")
    [span] = store.spans.of(1)
    assert (span.label, span.origin, span.annotator) == ("GPE", "model:m@1", "tester")
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
    assert len(store.spans.of(1)) == 2  # the GPE suggestion is untouched


def test_an_edit_the_store_refuses_is_reported_and_not_put_on_the_undo_stack(controller, view):
    controller.label_range(0, 4, "NO_SUCH_LABEL")
    assert len(controller.undo_stack) == 0
    assert "unknown entity label" in view.said("show_message")[0][0]


def test_a_section_key_tags_the_blocks_touched_and_the_same_key_clears(controller, store):
    by = TEXT.index("By")
    controller.tag_sections(0, by + 2, "byline")  # a selection over both blocks
    assert [(s.block, s.label, s.annotator) for s in store.sections.of(1)] == [
        (0, "byline", "tester"), (1, "byline", "tester")]
    controller.tag_sections(by, by, "byline")
    assert [(s.block, s.label) for s in store.sections.of(1)] == [(0, "byline")]
    controller.undo()
    assert len(store.sections.of(1)) == 2
    controller.undo()
    [suggested] = store.sections.of(1)
    assert (suggested.label, suggested.annotator) == ("body", None)


def test_apply_suggestions_confirms_everything_in_one_step_and_undoes(controller, store):
    controller.apply_suggestions()
    assert all(s.confirmed for s in store.spans.of(1)) and all(
        s.confirmed for s in store.sections.of(1))
    controller.undo()
    assert not any(s.confirmed for s in store.spans.of(1))
    assert not any(s.confirmed for s in store.sections.of(1))


def test_accepting_confirms_suggestions_and_undo_restores_status_and_suggestions(
        controller, store, view):
    controller.set_status(Status.ACCEPTED)
    assert store.documents.get(1).status == Status.ACCEPTED
    assert [s.annotator for s in store.spans.of(1)] == ["tester"]
    assert view.said("status_changed") == [(1, Status.ACCEPTED)]
    controller.undo()
    assert store.documents.get(1).status == Status.NEW
    assert [s.annotator for s in store.spans.of(1)] == [None]


def test_undo_of_an_edit_on_another_document_reopens_that_document(controller, store, view):
    s = TEXT.index("Marina")
    controller.label_range(s, s + 6, "PERSON")
    controller.open_document(2)
    view.calls.clear()
    controller.undo()
    assert view.said("document_opened") == [(1,)] and controller.doc.id == 1
    assert all(x.label != "PERSON" for x in store.spans.of(1))


def test_the_view_hears_of_an_edit_only_after_it_is_committed(store, controller, view):
    """The view's handler reads the store through another connection and already sees the new
    span: the transaction was committed before the session told the view."""
    from annotator.store import open_store

    seen = []

    def check(doc_id, removed, added):
        with open_store(store.path) as other:
            seen.append([x.label for x in other.spans.of(doc_id)])

    controller.view = type("V", (Recorder,), {"spans_changed": lambda self, *a: check(*a)})()
    s = TEXT.index("Rio")
    controller.label_range(s, s + 3, "GPE")
    assert seen == [["GPE", "GPE"]]


def test_a_refresh_between_an_edits_commit_and_its_announcement_lists_the_span_once(
        controller, store, view):
    """The window runs its event loop while an edit's commit syncs to disk; a poll that sees
    another writer's commit (an import's batch) then re-reads the open document's spans, the
    new one included, before the edit itself is announced. The announcement must not add it
    again: it did, and the spans panel showed one span more than the file held."""
    from collections import Counter

    from annotator.store import open_store

    other = open_store(store.path)  # the import's connection
    polled = []

    def poll_once() -> None:  # what the event loop ran after the commit, before the announcement
        if not polled:
            other.settings.set("import_batch", "1")
            polled.append(controller.check_external())

    controller.undo_stack.subscribe(poll_once)
    start = TEXT.index("Serra")
    try:
        stored = controller.label_range(start, start + len("Serra Verde"), "ORG")
    finally:
        other.close()
    assert polled == [True] and stored
    saved = store.spans.of(1)
    assert controller.spans == saved  # each span once
    shown: Counter = Counter()  # what the view was told, added minus removed
    for _doc, removed, added in view.said("spans_changed"):
        shown.update(s.id for s in added)
        shown.subtract(s.id for s in removed)
    assert +shown == Counter(s.id for s in stored)


def test_the_bus_names_a_documents_status_only_when_an_edit_moved_it(controller, store):
    """A first label moves a new document to in progress; later labels and their undo leave
    it there, and their changes say so (a status change makes the window count every
    document by status again); accepting moves it."""
    heard = []
    controller.bus.subscribe(heard.append)
    s, r = TEXT.index("Marina"), TEXT.index("Rio")
    controller.label_range(s, s + 6, "PERSON")
    controller.label_range(r, r + 3, "GPE")
    controller.undo()
    controller.set_status(Status.ACCEPTED)
    assert [(c.statuses, c.spans) for c in heard] == [
        ({1}, {1}), (set(), {1}), (set(), {1}), ({1}, {1})]
    assert store.documents.get(1).status == Status.ACCEPTED
