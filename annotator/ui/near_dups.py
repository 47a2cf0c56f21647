"""The window's near-duplicate commands: show the open document's group in the list, and copy
an accepted document's labels onto its near duplicates (one undoable step per target).

Kept apart from ``main_window`` so the window only names two slots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.domain import count
from annotator.services.copy_labels import plan_copy

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def toggle_group(window: MainWindow) -> None:
    """Show only the open document's near-duplicate group in the list; again: show all."""
    model = window.list_model
    if model.group is not None:
        model.set_group(None)
        window.show_message("Showing every document")
        return
    doc = window.controller.session.doc
    group = window.store.near_dups.group_of(doc.id) if doc is not None else None
    if group is None:
        window.show_message("This document has no near duplicates")
        return
    model.set_group(group)
    window.show_message(f"Showing the {model.rowCount()} near duplicates of #{doc.id} "
                        "(Ctrl+Shift+N again shows all)")


def copy_to_near_duplicates(window: MainWindow) -> None:
    """Copy the open (accepted) document's labels onto the unfinished documents of its group,
    each target one transaction and one step on the undo stack; say what could not be copied."""
    doc = window.controller.session.doc
    if doc is None:
        return
    try:
        plan = plan_copy(window.store, doc.id)
    except (KeyError, ValueError) as exc:
        window.show_message(f"Not copied: {str(exc).strip(chr(39))}")
        return
    done = [c for c in plan.commands if window.controller.session.run(c)]
    window.controller.session.open_document(doc.id)  # running a command may have opened a target
    spans = sum(len(c.spans) for c in done)
    lost = [u for u in plan.unmapped if u.kind == "entity"]
    text = (f"Copied {count(spans, 'span')} onto {count(len(done), 'near duplicate')} of "
            f"#{doc.id} as suggestions (Ctrl+Z undoes one document at a time)")
    if lost:
        text += f"; {count(len(lost), 'span')} could not be copied: " + "; ".join(
            f"#{u.target} {u.label} {u.text!r} {u.reason}" for u in lost[:3])
        text += " …" if len(lost) > 3 else ""
    window.show_message(text)
