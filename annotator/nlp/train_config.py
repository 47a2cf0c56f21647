"""``spacy train`` configs for what ``annotator export --format spacy`` writes.

Built with spaCy's own ``init config`` (the quickstart template, CPU, efficiency), so the config is
exactly what ``python -m spacy init config`` would give; we only point its corpora at our files:

- ``ner``: a ``tok2vec`` + ``ner`` pipeline trained on ``train.spacy`` / ``dev.spacy`` (the entities
  in ``doc.ents``).
- ``sections``: a ``textcat`` (exclusive classes) trained on ``blocks-train.spacy`` /
  ``blocks-dev.spacy``: one Doc per tagged block with one-hot ``cats``. Sections are whole lines,
  often hundreds of tokens long; a ``spancat`` would need a suggester that proposes every run of
  lines, while classifying each block is how boilerplate detectors work (and what the ``blocks``
  JSONL export feeds to other tools). The merged ranges stay in ``doc.spans["sections"]`` of the
  document corpus for anyone who wants them.

Paths are written relative to the folder given (or left for ``--paths.train`` / ``--paths.dev`` on
the ``spacy train`` command line when no folder is given).
"""

from __future__ import annotations

from pathlib import Path

TASKS = {
    "ner": {"pipeline": ["ner"], "train": "train.spacy", "dev": "dev.spacy"},
    "sections": {"pipeline": ["textcat"], "train": "blocks-train.spacy",
                 "dev": "blocks-dev.spacy"},
}


def make_config(task: str = "ner", lang: str = "en", data_dir: Path | None = None) -> str:
    """The config text for ``task`` (``ner`` or ``sections``)."""
    from spacy.cli.init_config import init_config

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    spec = TASKS[task]
    config = init_config(lang=lang, pipeline=list(spec["pipeline"]), optimize="efficiency",
                         gpu=False, pretraining=False, silent=True)
    if data_dir is not None:
        config["paths"]["train"] = str(Path(data_dir) / str(spec["train"]))
        config["paths"]["dev"] = str(Path(data_dir) / str(spec["dev"]))
    return config.to_str()
