"""The window's adapter over the Qt-free session: what the session says becomes Qt signals,
emitted only after the edit is committed."""

from __future__ import annotations

from annotator.domain import NewDocument, Status
from annotator.ui.controller import Controller

TEXT = "Iron ore miner Serra Verde halts Minas Gerais pit.\n\nBy Marina Costa in Rio"


def test_signals_follow_each_edit_after_its_commit(store, qapp):
    """The spans_changed handler reads the store through another connection and already sees
    the new span; status and undo-state signals follow, and a refused edit posts a message."""
    from annotator.store import open_store

    store.documents.add([NewDocument(text=TEXT, source="a.txt")])
    c = Controller(store, annotator="tester")
    seen, statuses, messages, undo_states = [], [], [], []

    def check(doc_id, removed, added):
        with open_store(store.path) as other:
            seen.append(([x.label for x in other.spans.of(doc_id)], [x.label for x in added]))

    c.spans_changed.connect(check)
    c.status_changed.connect(lambda d, s: statuses.append((d, s)))
    c.message_posted.connect(messages.append)
    c.undo_state_changed.connect(lambda: undo_states.append(c.undo_stack.can_undo))
    c.open_document(1)
    s = TEXT.index("Rio")
    c.label_range(s, s + 3, "GPE")
    assert seen == [(["GPE"], ["GPE"])]
    assert statuses == [(1, Status.IN_PROGRESS)] and undo_states == [True]
    c.label_range(0, 4, "NO_SUCH_LABEL")
    assert "unknown entity label" in messages[-1]
    c.undo()
    assert seen[-1] == ([], []) and store.spans.of(1) == []
