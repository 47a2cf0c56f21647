"""One JSON task (a JSONL line, or an item of a JSON array) into a document, whatever tool made it.

Read: Prodigy (``text``, ``spans``, ``answer``, ``_annotator_id``, ``meta``), doccano (``label`` /
``labels`` as ``[[start, end, LABEL]]``, ``entities`` with ``start_offset``/``end_offset``, meta
flattened to the top level), Label Studio (``data.text``, ``annotations[].result[]`` and
``predictions``; its JSON-MIN ``label`` regions) and our own exports (``sections``, a nested
``meta`` beside flattened keys). Every key not read becomes meta, except tools' bookkeeping
(Prodigy's hashes and tokens, Label Studio's counters); a key that looks like annotations we do
not read is kept as meta with a note naming the line, never stored silently.
"""

from __future__ import annotations

import json
from typing import Any

from annotator.domain import (
    IMPORTED,
    NewDocument,
    Status,
    has_visible_text,
    normalise_newlines,
)
from annotator.io.labelstudio import is_label_studio, label_studio_task
from annotator.io.problems import Notes, Problem
from annotator.io.task_spans import checked_sections, span_item, task_spans
from annotator.io.task_values import clean_meta, clean_str, lone_surrogate, short

ANSWER_STATUS = {"accept": Status.ACCEPTED, "reject": Status.REJECTED, "ignore": Status.SKIPPED}
STATUSES = {s.value for s in Status}
# Keys that describe a tool's copy of the task, not the document: dropped without a note.
BOOKKEEPING = {"_input_hash", "_task_hash", "_view_id", "_session_id", "_timestamp",
               "_annotator_id", "_is_binary", "tokens", "answer"}
ALWAYS_CONSUMED = frozenset({"text", "meta", "sections"} | BOOKKEEPING)
# Top-level keys that carry annotations in some tool, which we do not read.
ANNOTATION_KEYS = {"ents", "ner", "entity", "annotations", "annotation", "predictions",
                   "prediction", "tags", "cats", "accept", "relations", "result", "results",
                   "spans_ner", "entity_mentions", "mentions", "iob", "bio", "ner_tags"}


def task_records(task: Any, path: str, line: int | None) -> list[NewDocument | Problem]:
    """The document of one task and the notes about it, or the one problem that rejects it."""
    notes = Notes(path, line)
    if (isinstance(task, list) and len(task) == 2 and isinstance(task[0], str)
            and isinstance(task[1], dict)):
        task = {**task[1], "text": task[0]}  # spaCy v2 training data: [text, {"entities": ...}]
    if not isinstance(task, dict):
        return [notes.reject("not a JSON object")]
    data = task.get("data") if "text" not in task else None
    if is_label_studio(task):
        task = label_studio_task(task, notes)
    raw_text = task.get("text")
    reason = text_problem(task, raw_text)
    if reason and isinstance(data, dict):
        fields = ", ".join(f'"{k}"' for k in list(data)[:10]) or "none"
        reason = f'{reason} in Label Studio "data" (its fields: {fields})'
    if reason:
        return [notes.reject(reason)]
    consumed = set(ALWAYS_CONSUMED)
    status, annotator = _status(task, consumed)
    text = normalise_newlines(raw_text)
    spans = task_spans(task, raw_text, text, notes, consumed, annotator)
    sections = checked_sections(task, raw_text, text, notes)
    meta = _meta(task, consumed, notes)
    doc = NewDocument(text=text, source=path, meta=meta, spans=spans, sections=sections,
                      status=status, annotator=annotator, line=line)
    return [*notes.problems, doc]


def text_problem(task: dict[str, Any], text: Any) -> str | None:
    """Why a task's text cannot be a document, or ``None``."""
    if "text" not in task:
        return 'no "text" field'
    if not isinstance(text, str):
        return f'"text" is a {type(text).__name__}, not a string'
    at = lone_surrogate(text)
    if at is not None:
        return (f'"text" is not valid Unicode: a lone surrogate U+{ord(text[at]):04X} at '
                f"character {at}")
    if not has_visible_text(text):
        return '"text" is empty (nothing but whitespace or invisible characters)'
    at = text.find("\x00")
    if at >= 0:
        return f'"text" has a NUL character at character {at}'
    return None


def _status(task: dict[str, Any], consumed: set[str]) -> tuple[Status, str | None]:
    """The workflow status a task brings, and who decided when it is finished (its labels were
    then a person's, not suggestions): Prodigy's ``answer``, else a ``status`` that is one of
    ours (top level or in ``meta``). A ``status`` that is not ours stays as meta."""
    answer = task.get("answer")
    status = ANSWER_STATUS.get(answer) if type(answer) is str else None
    if _ours(task.get("status")):
        consumed.add("status")
        status = status or Status(task["status"])
    inner = task.get("meta")
    if (status is None and isinstance(inner, dict) and _ours(inner.get("status"))
            and not _is_our_doccano_record(task)):
        status = Status(inner["status"])
    status = status or Status.NEW
    if not status.finished:
        return status, None
    who = task.get("_annotator_id") or task.get("_session_id")
    return status, clean_str(str(who)) if who else IMPORTED


def _meta(task: dict[str, Any], consumed: set[str], notes: Notes) -> dict[str, Any]:
    """The nested ``meta`` object, then every top-level key not read (doccano flattens meta to
    the top level). A key in both with different values keeps the nested one, with a note."""
    meta: dict[str, Any] = {}
    nested = task.get("meta")
    if isinstance(nested, dict):
        meta.update(_own_meta(task, nested))
    elif nested is not None:
        notes.drop(f'"meta" {short(nested)} is not an object; ignored')
    ours = _is_our_doccano_record(task)  # then every other top-level key is flattened meta
    if ours:
        consumed.add("id")
    for key, value in task.items():
        if key in consumed:
            continue
        if not ours and key in ("Comments", "relations") and value == []:
            continue  # doccano writes these empty lists on every line
        if not ours and (key in ANNOTATION_KEYS and value or _looks_like_spans(value)):
            notes.change(f'"{clean_str(key)}" looks like annotations, which annotator does not '
                         'read (it reads "spans", "label", "labels", "entities", "sections" and '
                         "Label Studio's \"annotations\"); kept as meta")
        if key in meta and meta[key] != value:
            notes.drop(f'meta key "{clean_str(key)}" is both at the top level ({short(value)}) '
                       f'and in "meta" ({short(meta[key])}); kept the one in "meta"')
            continue
        meta[key] = value
    meta = clean_meta(meta, lambda reason, dropped: (notes.drop if dropped else notes.change)(
        reason))
    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        notes.change(f'meta "title" {short(title)} is not a string; stored as its JSON text')
        meta["title"] = json.dumps(title, ensure_ascii=False)[:500]
    return meta


def _own_meta(task: dict[str, Any], nested: dict[str, Any]) -> dict[str, Any]:
    """The document's own keys of a nested ``meta``. Our doccano export puts only those there
    (the keys that clash with its fields); our Prodigy export adds the project's ``doc_id`` and
    ``status`` and moves the document's own keys of those names, and ``meta``, one level down
    (under ``meta.meta``); elsewhere a ``status`` of ours in meta is the task's status."""
    if _is_our_doccano_record(task):
        return nested
    meta = dict(nested)
    if _is_our_prodigy_meta(nested):
        del meta["doc_id"], meta["status"]
        inner = meta.pop("meta", None)
        if isinstance(inner, dict):
            meta.update(inner)
        elif inner is not None:
            meta["meta"] = inner
    elif _ours(nested.get("status")):
        del meta["status"]
    return meta


def _is_our_prodigy_meta(meta: dict[str, Any]) -> bool:
    """Our Prodigy export adds the project's ``doc_id`` and ``status`` to meta: they describe
    that project, not the document."""
    return isinstance(meta.get("doc_id"), int) and _ours(meta.get("status"))


def _is_our_doccano_record(task: dict[str, Any]) -> bool:
    """Our doccano export: ``id`` is the exporting project's document id (with ``sections`` and
    a ``status`` of ours beside it). doccano's own ``id`` is kept as meta."""
    return isinstance(task.get("id"), int) and "sections" in task and _ours(task.get("status"))


def _ours(status: Any) -> bool:
    """One of our statuses (any JSON value may stand where a status is expected)."""
    return isinstance(status, str) and status in STATUSES


def _looks_like_spans(value: Any) -> bool:
    """A non-empty list whose first items are span-shaped: ``[start, end, label]`` or a dict
    with offsets."""
    if not isinstance(value, list) or not value:
        return False
    first = value[0]
    if isinstance(first, dict):
        return bool({"start", "end", "start_offset", "end_offset", "begin", "offset"}
                    & first.keys())
    return span_item(first) is not None and all(type(v) is int for v in first[:2])
