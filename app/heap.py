"""Keeping Python's garbage collector out of the way of the event loop.

An open story of a thousand clips is a few hundred thousand long-lived objects (events,
takes, clip items, undo commands). Each full collection walks all of them: 60-90 ms with
the GIL held, a visible freeze in the middle of a render. After a story is opened or planned
(and once the engine has loaded), `settle_heap` collects once and then freezes what is alive,
so later collections only walk what was made since. Unfreezing first lets a replaced story's
objects be freed rather than kept for good.
"""
from __future__ import annotations

import gc


def settle_heap() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()
