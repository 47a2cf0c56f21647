"""A suggestion a person deletes in the editor is kept as a rejection, so no model suggests it
again (the service's side, with the real model: tests/test_ner_training.py); undo takes the
rejection back with the span, redo makes it again."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.store import open_store


def rejected(project, doc_id: int) -> set[tuple[int, int, str]]:
    with open_store(project) as store:
        return store.suggestions.rejected([doc_id]).get(doc_id, set())


def delete_suggestion(window, qtbot):
    """Open the third article, put the cursor in its suggestion and press Delete."""
    window.go_row(2)
    [suggestion] = [s for s in window.controller.spans if not s.confirmed]
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts need it
    window.editor.select_range(suggestion.start + 1, suggestion.start + 1)
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)
    return suggestion


def test_delete_rejects_a_suggestion_and_undo_and_redo_follow(window, project, qtbot):
    suggestion = delete_suggestion(window, qtbot)
    key = (suggestion.start, suggestion.end, "GPE")
    assert suggestion not in window.controller.spans
    assert rejected(project, 3) == {key}
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s[:5] for s in window.controller.spans] == [suggestion[:5]]
    assert rejected(project, 3) == set()
    qtbot.keyClick(window.editor, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.controller.spans == []
    assert rejected(project, 3) == {key}


def test_a_person_s_own_span_deleted_is_no_rejection(window, project, qtbot):
    suggestion = delete_suggestion(window, qtbot)
    # GPE again, the person's own now (exact characters: no tokenizer to load for snapping)
    window.controller.label_range(suggestion.start, suggestion.end, "GPE", snap=False)
    assert [s.origin for s in window.controller.spans] == ["human"]
    assert rejected(project, 3) == set()  # the same span and label back: not rejected
    window.editor.select_range(suggestion.start + 1, suggestion.start + 1)
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)
    assert window.controller.spans == []
    assert rejected(project, 3) == set()
