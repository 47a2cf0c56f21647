"""Learning curves: how suggestions improve as a person confirms documents.

Usage: ``python bench/learning.py [sections|entities|all] [--quick | --smoke] [options of the chosen
curve]``

A thin dispatcher: each curve is a script module of its own (``bench/learning_NAME.py`` with a
``main(argv)``); ``all`` runs every curve in turn, passing on only ``--quick`` and ``--smoke``
(each curve has options of its own).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CURVES = {"sections": "learning_sections", "entities": "learning_entities"}


def main(argv: list[str]) -> int:
    name = argv[0] if argv and not argv[0].startswith("-") else "all"
    rest = argv[1:] if argv and not argv[0].startswith("-") else argv
    if name != "all" and name not in CURVES:
        print(f"unknown curve {name!r}: choose from {', '.join([*CURVES, 'all'])}",
              file=sys.stderr)
        return 2
    status = 0
    if name == "all":
        rest = [a for a in rest if a in ("--quick", "--smoke")]
    for curve in (CURVES if name == "all" else [name]):
        print(f"== {curve} ==", flush=True)
        status |= importlib.import_module(CURVES[curve]).main(rest) or 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
