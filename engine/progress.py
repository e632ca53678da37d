"""Progress reporting and cancellation for long work (planning, rendering, mixing, export).

Long engine calls take a `progress(fraction, message)` callback and a `CancelToken`; they never
touch the GUI. The GUI's worker threads and the CLI's stderr printer both plug in here.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from engine.errors import Cancelled

Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    """A progress callback that ignores everything."""


class CancelToken:
    """A flag another thread sets to stop long work at its next check."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled")


def sub_progress(progress: Progress, start: float, end: float) -> Progress:
    """Map a step's own 0..1 progress onto the [start, end] part of the whole job."""

    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), message)

    return report
