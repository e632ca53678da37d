"""Background lanes. Engine work never runs on the GUI thread:

- `JobLane`: one thread running jobs in order (the render lane: planning, rendering, export;
  the file lane: saves and autosaves).
- `QuickPool`: a few threads for short independent work (waveform peaks, the playback mix).

Results come back as queued signals; the receiver decides whether a result still applies.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from engine.errors import Cancelled, StudioError
from engine.progress import CancelToken

log = logging.getLogger(__name__)
JobFunction = Callable[[Callable[[float, str], None], CancelToken], Any]
_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    """Work for a lane: `run(progress, cancel)` returns the result, raises to fail."""

    run: JobFunction
    label: str
    tag: Any = None  # whatever the submitter needs to apply the result (event id, version, ...)
    cancel: CancelToken = field(default_factory=CancelToken)
    id: int = field(default_factory=lambda: next(_ids))


class JobLane(QObject):
    started = Signal(object)                 # Job
    progressed = Signal(object, float, str)  # Job, fraction, message
    finished = Signal(object, object)        # Job, result
    failed = Signal(object, str)             # Job, one-line reason
    cancelled = Signal(object)               # Job
    idle = Signal()

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._current: Job | None = None
        self._pending: list[Job] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> Job:
        with self._lock:
            self._pending.append(job)
        self._queue.put(job)
        return job

    def busy(self) -> bool:
        with self._lock:
            return self._current is not None or bool(self._pending)

    def cancel_all(self) -> None:
        """Cancel the running job and everything queued behind it."""
        with self._lock:
            jobs = [*self._pending, *([self._current] if self._current else [])]
        for job in jobs:
            job.cancel.cancel()

    def shutdown(self, timeout_s: float = 5.0) -> None:
        self.cancel_all()
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                self._pending.remove(job)
                self._current = job
            self._run(job)
            with self._lock:
                self._current = None
                empty = not self._pending
            if empty:
                self.idle.emit()

    def _run(self, job: Job) -> None:
        if job.cancel.cancelled:
            self.cancelled.emit(job)
            return
        self.started.emit(job)
        try:
            result = job.run(lambda f, m: self.progressed.emit(job, f, m), job.cancel)
        except Cancelled:
            self.cancelled.emit(job)
        except StudioError as exc:
            self.failed.emit(job, str(exc))
        except MemoryError:
            self.failed.emit(job, "out of memory")
        except Exception as exc:  # a bug in a backend must not take the window down
            log.exception("job %r failed", job.label)
            self.failed.emit(job, f"{type(exc).__name__}: {exc}")
        else:
            if job.cancel.cancelled:
                self.cancelled.emit(job)
            else:
                self.finished.emit(job, result)


class QuickPool(QObject):
    """Short jobs keyed by what they compute; a key already in flight is not started twice."""

    done = Signal(object, object)  # key, result
    error = Signal(object, str)

    def __init__(self, threads: int = 2, parent=None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="quick")
        self._in_flight: dict[Any, Future] = {}
        self._lock = threading.Lock()

    def submit(self, key: Any, function: Callable[[], Any]) -> None:
        with self._lock:
            if key in self._in_flight:
                return
            self._in_flight[key] = self._executor.submit(self._run, key, function)

    def _run(self, key: Any, function: Callable[[], Any]) -> None:
        try:
            result = function()
        except Exception as exc:  # reported, never raised into Qt
            log.warning("quick job %r failed: %s", key, exc)
            with self._lock:
                self._in_flight.pop(key, None)
            self.error.emit(key, f"{type(exc).__name__}: {exc}")
            return
        with self._lock:
            self._in_flight.pop(key, None)
        self.done.emit(key, result)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the jobs now in flight finish (tests, shutdown)."""
        with self._lock:
            futures = list(self._in_flight.values())
        finished, pending = futures_wait(futures, timeout=timeout_ms / 1000)
        return not pending
