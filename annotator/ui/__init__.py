"""The desktop app: the only package that imports PySide6.

Imported before any window paints, so it sets what Qt reads once per process:

- ``QT_NO_GUI_THREADPOOL``: Qt's raster engine hands every fill of 96 or more spans (a page of
  the document list is a dozen) to a pool of threads and waits for them. On a busy machine each
  hand-off waits for a core: scrolling the 100,000-document list made 1.37 million context
  switches (about 200 a page step) and steps of 10 ms of work took 60-200 ms; with the fills
  kept on the GUI thread, 32,000 (``bench/gui_project.py --scroll-only``, README "Scrolling the
  document list"). Qt only asks whether it is set, so ``ANNOTATOR_QT_GUI_THREADPOOL=1`` is the
  way to keep Qt's pool (to compare).
"""

import os

if os.environ.get("ANNOTATOR_QT_GUI_THREADPOOL") != "1":
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
