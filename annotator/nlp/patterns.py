"""Match patterns (spaCy ``EntityRuler`` / Prodigy ``--patterns`` files) as a source of candidates.

One JSON object per line: ``{"label": "ORG", "pattern": [{"lower": "rio"}, {"lower": "tinto"}]}``
(token pattern) or ``{"label": "ORG", "pattern": "Rio Tinto"}`` (exact phrase). A bad line is
reported as ``path:line: reason`` and skipped; the good ones are used.

Matches are put in ``doc.ents`` before ``ner`` runs (a ``span_ruler`` placed first), so the model
predicts around them, and are also kept in ``doc.spans["patterns"]`` so that each entity can be
credited to its source: ``pattern`` or ``model:NAME@VERSION``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPANS_KEY = "patterns"
RULER_NAME = "annotator_patterns"


@dataclass(frozen=True)
class PatternProblem:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


def read_patterns(
    path: Path, labels: set[str] | None = None
) -> tuple[list[dict[str, Any]], list[PatternProblem]]:
    """Read a patterns file. Returns ``(patterns, problems)``; ``labels`` (the project's entity
    labels) rejects patterns whose label the project does not have, since their matches would never
    be stored."""
    patterns: list[dict[str, Any]] = []
    problems: list[PatternProblem] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [PatternProblem(str(path), None, f"cannot read patterns: {exc}")]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        reason = _check_line(line, labels)
        if isinstance(reason, str):
            problems.append(PatternProblem(str(path), number, reason))
        else:
            patterns.append(reason)
    return patterns, problems


def _check_line(line: str, labels: set[str] | None) -> dict[str, Any] | str:
    """The pattern of one line, or the reason it cannot be used."""
    from spacy.schemas import validate_token_pattern

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return "a pattern line must be a JSON object with 'label' and 'pattern'"
    label, pattern = obj.get("label"), obj.get("pattern")
    if not isinstance(label, str) or not label.strip():
        return "missing 'label' (a non-empty string)"
    if labels is not None and label not in labels:
        return f"label {label!r} is not one of the project's entity labels"
    if isinstance(pattern, str):
        if not pattern.strip():
            return "'pattern' is an empty string"
    elif isinstance(pattern, list) and pattern:
        if not all(isinstance(t, dict) for t in pattern):
            return "a token pattern must be a list of objects, one per token"
        errors = validate_token_pattern(pattern)
        if errors:
            return "invalid token pattern: " + "; ".join(errors)
    else:
        return "'pattern' must be a string or a non-empty list of token objects"
    out: dict[str, Any] = {"label": label, "pattern": pattern}
    if isinstance(obj.get("id"), str):
        out["id"] = obj["id"]
    return out


def patterns_key(patterns: list[dict[str, Any]]) -> str:
    """A short stable digest of a pattern set: a changed file means a new pre-annotation pass."""
    blob = json.dumps(patterns, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:12]


def add_pattern_ruler(nlp: Any, patterns: list[dict[str, Any]]) -> None:
    """Put a ruler with ``patterns`` first in ``nlp``: its matches become entities that ``ner``
    respects, and are recorded in ``doc.spans["patterns"]``."""
    ruler = nlp.add_pipe(
        "span_ruler", name=RULER_NAME, first=True,
        config={"spans_key": SPANS_KEY, "annotate_ents": True, "overwrite": False,
                "phrase_matcher_attr": "ORTH", "validate": True},
    )
    ruler.add_patterns(patterns)
