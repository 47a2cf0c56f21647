"""Label Studio tasks turned into the plain task shape the rest of the reader knows.

Label Studio's JSON export: ``{"id", "data": {"text", ...}, "annotations": [{"result": [{"type":
"labels", "value": {"start", "end", "text", "labels": [...]}}], "was_cancelled",
"completed_by"}], "predictions": [{"result": [...]}]}``; its JSON-MIN export: ``{"text",
"label": [{"start", "end", "text", "labels"}], "annotator", "annotation_id", ...}``.

A submitted annotation is a person's decision: the document is accepted and its labels are
confirmed by ``completed_by``. A task whose every annotation was cancelled (skipped) is skipped.
With no annotation, the first prediction's regions become suggestions. Only one set of labels is
kept per document; other annotations, predictions and results of other types (choices,
relations, text areas) are named in a note.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from annotator.io.problems import Notes
from annotator.io.task_values import short

# Label Studio's counters and timestamps about its copy of the task: dropped without a note.
BOOKKEEPING = {
    "created_at", "updated_at", "inner_id", "total_annotations", "cancelled_annotations",
    "total_predictions", "comment_count", "unresolved_comment_count", "last_comment_updated_at",
    "project", "updated_by", "file_upload", "comment_authors", "drafts", "annotators",
    "is_labeled", "overlap", "allow_skip", "draft_exists", "ground_truth", "storage_filename",
    "lead_time", "annotation_id",
}


def is_label_studio(task: dict[str, Any]) -> bool:
    """A Label Studio task: its text sits in ``data``, it carries ``annotations`` or
    ``predictions`` with ``result`` lists (JSON export), or an ``annotation_id`` (JSON-MIN)."""
    if "text" not in task and isinstance(task.get("data"), dict):
        return True
    if "annotation_id" in task and "text" in task:
        return True
    if "annotations" not in task and "predictions" not in task:
        return False
    return any(isinstance(task.get(key), list) and task[key]
               and all(isinstance(a, dict) and "result" in a for a in task[key])
               for key in ("annotations", "predictions"))


def label_studio_task(task: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """The task as Prodigy-style keys: ``text``, ``spans``, ``answer``, ``_annotator_id`` and
    the rest as meta (``data``'s other fields flattened to the top level)."""
    if "annotations" not in task and "predictions" not in task and "data" not in task:
        out = {k: v for k, v in task.items() if k not in BOOKKEEPING and k != "annotator"}
        out["answer"] = "accept"  # JSON-MIN: one submitted annotation, already flat
        out["_annotator_id"] = _who(task.get("annotator"))
        return out
    out = {k: v for k, v in task.items()
           if k not in BOOKKEEPING and k not in ("data", "annotations", "predictions")}
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    for key, value in data.items():
        if key == "text":
            out.setdefault("text", value)
        elif key in out and out[key] != value:
            notes.drop(f'Label Studio data "{key}" {short(value)} clashes with the task\'s '
                       f"{short(out[key])}; kept the task's")
        else:
            out[key] = value
    results, answer, who = _chosen(task, notes)
    out["spans"] = _regions(results, notes)
    if answer:
        out["answer"] = answer
        out["_annotator_id"] = who
    return out


def _chosen(task: dict[str, Any], notes: Notes) -> tuple[list[Any], str | None, str | None]:
    """``(results, answer, annotator)`` of the annotation we keep, else of the first
    prediction (suggestions: no answer)."""
    annotations = _list(task, "annotations", notes)
    done = [a for a in annotations if not a.get("was_cancelled")]
    if done:
        if len(done) > 1:
            notes.change(f"{len(done)} Label Studio annotations; kept the first (by "
                         f"{_who(done[0].get('completed_by'))}), the others are not read")
        return _list(done[0], "result", notes), "accept", _who(done[0].get("completed_by"))
    if annotations:
        return [], "ignore", _who(annotations[0].get("completed_by"))
    predictions = _list(task, "predictions", notes)
    if len(predictions) > 1:
        notes.change(f"{len(predictions)} Label Studio predictions; kept the first as "
                     "suggestions, the others are not read")
    return (_list(predictions[0], "result", notes) if predictions else []), None, None


def _list(holder: dict[str, Any], key: str, notes: Notes) -> list[Any]:
    value = holder.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        notes.drop(f'Label Studio "{key}" is not a list; ignored')
        return []
    if key == "result":
        return value
    good = [v for v in value if isinstance(v, dict)]
    if len(good) != len(value):
        notes.drop(f'Label Studio "{key}": {len(value) - len(good)} items are not objects; '
                   "ignored")
    return good


def _regions(results: list[Any], notes: Notes) -> list[Any]:
    """Text label regions as span items; every other kind of result is counted in a note."""
    spans: list[Any] = []
    skipped: Counter[str] = Counter()
    for result in results:
        value = result.get("value") if isinstance(result, dict) else None
        kind = result.get("type") if isinstance(result, dict) else None
        if isinstance(value, dict) and kind in (None, "labels") and "start" in value:
            spans.append(value)
        else:
            skipped[str(kind or "unknown shape")] += 1
    if skipped:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        notes.change(f"Label Studio results not read (annotator reads text \"labels\" "
                     f"regions): {counts}")
    return spans


def _who(completed_by: Any) -> str | None:
    """Label Studio's ``completed_by``: a user id, or ``{"id", "email"}``."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        return None
    return f"label-studio:{completed_by}"
