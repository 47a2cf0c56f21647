"""Build ``tests/data/sections_dev.jsonl`` from the tagged article sources in this folder.

Each source ``NN-name.txt`` has one block per line, prefixed by its gold section label and a tab
(``body\\t...``); blank lines are kept as they are. The output has one JSON object per article:
the text without tags, and the gold ``sections`` as maximal runs of consecutive blocks (blank
lines do not break a run) with one label, offsets in code points, ``end`` exclusive.

Run from anywhere: ``python tests/data/sections_dev/build_gold.py``. The script checks its own
output (every non-blank line covered by exactly one section) and stops on any problem.
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

LABELS = ("boilerplate", "body", "byline", "related_links")
HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parent / "sections_dev.jsonl"


class SourceError(ValueError):
    """A tagged source line that cannot be read."""


def parse_source(path: Path) -> tuple[list[str], list[str | None]]:
    """Return the untagged lines and, per line, its label (``None`` for a blank line)."""
    lines: list[str] = []
    labels: list[str | None] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        raw = raw.rstrip("\r")
        if not raw.strip():
            lines.append("")
            labels.append(None)
            continue
        label, tab, text = raw.partition("\t")
        if not tab:
            raise SourceError(f"{path.name}:{number}: no tab after the label")
        if label not in LABELS:
            raise SourceError(f"{path.name}:{number}: unknown label {label!r}")
        if not text.strip():
            raise SourceError(f"{path.name}:{number}: label {label!r} on an empty block")
        if text != text.strip():
            raise SourceError(f"{path.name}:{number}: block has leading or trailing whitespace")
        lines.append(text)
        labels.append(label)
    while lines and labels[-1] is None:  # trailing blank lines (the final newline)
        lines.pop()
        labels.pop()
    while lines and labels[0] is None:
        lines.pop(0)
        labels.pop(0)
    return lines, labels


def build_sections(lines: list[str], labels: list[str | None]) -> list[dict[str, object]]:
    """Merge consecutive blocks with one label into ``{"start", "end", "label"}`` ranges."""
    sections: list[dict[str, object]] = []
    offset = 0
    for line, label in zip(lines, labels, strict=True):
        start, end = offset, offset + len(line)
        offset = end + 1  # the "\n" joining this line to the next
        if label is None:
            continue
        if sections and sections[-1]["label"] == label:
            sections[-1]["end"] = end
        else:
            sections.append({"start": start, "end": end, "label": label})
    return sections


def check(text: str, sections: list[dict[str, object]], labels: list[str | None]) -> None:
    """Every non-blank line lies in exactly one section and gets its gold label."""
    offset = 0
    block_labels = [label for label in labels if label is not None]
    seen = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        hits = [s for s in sections if s["start"] <= start and end <= s["end"]]
        if len(hits) != 1:
            raise AssertionError(f"block {line[:40]!r} is in {len(hits)} sections")
        if hits[0]["label"] != block_labels[seen]:
            raise AssertionError(f"block {line[:40]!r} has the wrong label")
        seen += 1
    if seen != len(block_labels):
        raise AssertionError("block count changed")
    for a, b in pairwise(sections):
        if not a["end"] < b["start"] or a["label"] == b["label"]:
            raise AssertionError(f"sections {a} and {b} overlap or should be merged")
    for s in sections:
        piece = text[s["start"] : s["end"]]
        if piece != piece.strip():
            raise AssertionError(f"section {s} starts or ends with whitespace")


def build(sources: list[Path]) -> list[dict[str, object]]:
    records = []
    for path in sources:
        lines, labels = parse_source(path)
        text = "\n".join(lines)
        sections = build_sections(lines, labels)
        check(text, sections, labels)
        records.append(
            {
                "text": text,
                "sections": sections,
                "meta": {"source": f"{HERE.name}/{path.name}"},
            }
        )
    return records


def main() -> int:
    sources = sorted(HERE.glob("[0-9][0-9]-*.txt"))
    if not sources:
        sys.stderr.write(f"no tagged sources in {HERE}\n")
        return 1
    try:
        records = build(sources)
    except (SourceError, AssertionError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    with OUTPUT.open("w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    blocks = sum(1 for r in records for line in str(r["text"]).split("\n") if line.strip())
    sys.stdout.write(f"wrote {len(records)} articles, {blocks} blocks to {OUTPUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
