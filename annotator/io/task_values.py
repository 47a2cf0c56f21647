"""Values read from JSON made safe to store: valid Unicode, finite numbers, bounded nesting.

``json.loads`` accepts things SQLite and strict JSON do not: a lone surrogate (``"\\ud800"``)
cannot be encoded as UTF-8 (the insert fails and takes its whole batch with it), ``NaN`` and
``Infinity`` are not JSON, and a value nested hundreds deep overflows ``json.dumps`` later. Each
is found here and repaired or dropped with a note, so one odd value never costs a document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

MAX_META_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


def short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value cut to ``limit`` characters, for a problem's reason."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def lone_surrogate(text: str) -> int | None:
    """The offset of the first lone surrogate in ``text`` (not valid Unicode), or ``None``."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def clean_str(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (one code point for one)."""
    return _SURROGATE.sub("\ufffd", text)


def clean_meta(meta: dict[str, Any], note: Callable[[str, bool], None]) -> dict[str, Any]:
    """Meta that can be stored and exported as JSON. ``note(reason, dropped)`` hears of each
    repair: lone surrogates become U+FFFD, NaN and infinities ``null`` (the value is kept); a
    value nested deeper than :data:`MAX_META_DEPTH` is dropped with its key."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        depth, surrogates, non_finite = _scan(value)
        shown = clean_str(key)
        if depth > MAX_META_DEPTH:
            note(f'meta key "{shown}" is nested more than {MAX_META_DEPTH} levels deep; dropped',
                 True)
            continue
        if surrogates or shown != key:
            note(f'meta key "{shown}": lone surrogates (not valid Unicode) replaced with U+FFFD',
                 False)
        if non_finite:
            note(f'meta key "{shown}": NaN or Infinity (not JSON) replaced with null', False)
        if surrogates or non_finite:
            value = _cleaned(value)
        out[shown] = value
    return out


def _scan(value: Any) -> tuple[int, bool, bool]:
    """``(nesting depth, has lone surrogates, has NaN or infinities)``, without recursion; the
    walk stops once the depth passes :data:`MAX_META_DEPTH`."""
    deepest, surrogates, non_finite = 0, False, False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            surrogates = surrogates or lone_surrogate(item) is not None
        elif isinstance(item, float):
            non_finite = non_finite or not math.isfinite(item)
        elif isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_META_DEPTH:
                break
            if isinstance(item, dict):
                stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict)
                                                  else item))
    return deepest, surrogates, non_finite


def _cleaned(value: Any) -> Any:
    """A repaired copy; recursion is bounded by :data:`MAX_META_DEPTH` (checked before)."""
    if isinstance(value, str):
        return clean_str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {clean_str(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value
