"""What the window's spawned process runs to train the project's section model.

A module of its own, imported by the window and by nothing the training imports: the window
names :func:`train_in_child` to :func:`annotator.core.child.run_in_child` without loading the
training libraries (numpy, trafilatura, the classifier), which the child imports itself.
"""

from __future__ import annotations

import os

from annotator.core.tasks import Progress, ShouldStop, never, no_progress
from annotator.services.section_retrain import CHILD_NICENESS, SectionTrainReport


def train_in_child(db_path: str, seed: int = 0, *, progress: Progress = no_progress,
                   should_stop: ShouldStop = never) -> SectionTrainReport:
    """What the window's child process runs (:func:`annotator.core.child.run_in_child`): the
    training libraries are imported there, never in the window's process."""
    from annotator.services.section_learning import train_sections_file

    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)  # the window's process comes first on a busy machine
    return train_sections_file(db_path, seed, progress=progress, should_stop=should_stop)
