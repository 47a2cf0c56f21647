"""Two windows on one project file (two sessions, two connections): each notices what the other
saved, an edit made on a view the other changed is refused with a message and the view reloads,
and undo never brings back what the other window settled."""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotator.core.session import Session
from annotator.domain import NewDocument, Span, Status
from annotator.store import open_store
from annotator.store.presence import Presence

TEXT = "Lumen Ltd hired Marina Costa in Porto on Monday."


class Messages:
    def __init__(self):
        self.said = []

    def show_message(self, text):
        self.said.append(text)

    def __getattr__(self, name):
        return lambda *args: None


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "p.db"
    porto = TEXT.index("Porto")
    with open_store(path) as store:
        store.documents.add([NewDocument(text=TEXT, source="a.txt", spans=[
            Span(porto, porto + 5, "GPE", "model:m@1", None)])])
    first, second = open_store(path), open_store(path)
    a = Session(first, annotator="ana", view=Messages())
    b = Session(second, annotator="bruno", view=Messages())
    a.open_document(1)
    b.open_document(1)
    yield a, b
    first.close()
    second.close()


def test_a_span_the_other_window_deleted_cannot_be_relabelled_back(two):
    a, b = two
    [stale] = b.spans
    a.delete_span(a.spans[0])
    assert b.relabel(stale, "LOC") == []
    assert a.store.spans.of(1) == [] and b.spans == []  # refused, and b's view reloaded
    assert "changed in another window" in b.view.said[-1]


def test_the_other_window_notices_a_save_and_refreshes(two):
    a, b = two
    assert not b.check_external()
    lumen = TEXT.index("Lumen")
    a.label_range(lumen, lumen + 9, "ORG", snap=False)
    assert b.check_external()
    assert [s.label for s in b.spans] == ["ORG", "GPE"]
    marina = TEXT.index("Marina")
    assert b.label_range(marina, marina + 12, "PERSON", snap=False)  # a fresh view edits fine
    assert len(a.store.spans.of(1)) == 3


def test_what_the_other_window_saved_comes_marked_as_written_elsewhere(two):
    """Views re-read such changes off the GUI thread (DocumentListModel.apply_changes); the
    window's own edits are not marked."""
    from annotator.core.changes import Changes

    a, b = two
    seen = []
    b.bus.subscribe(seen.append)
    own = []
    a.bus.subscribe(own.append)
    lumen = TEXT.index("Lumen")
    a.label_range(lumen, lumen + 9, "ORG", snap=False)
    assert own and not any(c.elsewhere for c in own)
    assert b.check_external()
    assert seen[-1].elsewhere and seen[-1].everything
    assert (Changes.of(1, spans=True) | seen[-1]).elsewhere


def test_undo_does_not_re_add_a_suggestion_to_a_document_the_other_accepted(two):
    a, b = two
    b.delete_span(b.spans[0])  # the GPE suggestion
    a.check_external()
    a.set_status(Status.ACCEPTED)
    b.undo()
    assert a.store.spans.of(1) == [] and a.store.documents.get(1).status == Status.ACCEPTED
    assert not b.undo_stack.can_undo  # its history of that document no longer applies
    assert "Undo not possible" in b.view.said[-1]


def test_a_second_process_on_the_project_is_seen(tmp_path):
    path = tmp_path / "p.db"
    mine = Presence(path)
    assert not mine.others
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from annotator.store.presence import Presence\n"
         f"p = Presence({str(path)!r}); print(p.others, flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"  # it saw us
        assert mine.others_now()  # and we see it
    finally:
        holder.kill()
        holder.wait()
    assert not mine.others_now()  # a process that dies holds nothing
    mine.release()


def test_a_job_that_changed_the_open_document_ends_its_history_but_not_the_next_edit(two):
    """When the window's own job announces that it changed the open document, the view shows
    the new state, the next edit is saved at once, and undo no longer reaches behind the job."""
    from annotator.core.changes import Changes
    from annotator.store.suggestions import DocSuggestions

    a, b = two
    lumen = TEXT.index("Lumen")
    a.label_range(lumen, lumen + 5, "ORG", snap=False)
    marina = TEXT.index("Marina")
    b.store.suggestions.add("job", [DocSuggestions(1, [Span(marina, marina + 6, "PERSON",
                                                            "model:m@1")])])
    a.bus.emit(Changes(spans=frozenset([1]), origin="preannotate"))
    assert "PERSON" in [s.label for s in a.spans]
    assert not a.undo_stack.can_undo
    costa = TEXT.index("Costa")
    assert a.label_range(costa, costa + 5, "PERSON", snap=False)
    assert a.undo_stack.can_undo
