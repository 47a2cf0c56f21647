"""What the window loads (Qt's wrappers, the modules, spaCy's tokenizer) is left out of later
full cycle collections once it is loaded, so a collection started by a job's worker thread
walks only what was made since (it held the GIL 85-97 ms while the window waited), and goes
back to the collector when the window closes."""

from __future__ import annotations

import gc
import time


def test_the_loaded_window_is_frozen_and_a_full_collection_is_short(window):
    window.load_tokenizer().join(120)
    assert gc.get_freeze_count() > 10_000  # the modules, Qt and the tokenizer
    started = time.perf_counter()
    gc.collect()
    walked = time.perf_counter() - started
    gc.unfreeze()
    started = time.perf_counter()
    gc.collect()
    everything = time.perf_counter() - started
    gc.freeze()
    assert walked < everything


def test_closing_the_window_unfreezes_what_it_loaded(window):
    window.load_tokenizer().join(120)
    assert gc.get_freeze_count() > 0
    window.close()
    assert window.closed
    assert gc.get_freeze_count() == 0
