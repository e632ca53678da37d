"""Background lanes. Engine work never runs on the GUI thread:

- `JobLane`: one thread running jobs in order (the render lane: planning, rendering, export;
  the file lane: saves and autosaves).
- `QuickPool`: a few threads for short independent work (waveform peaks, the playback mix).

Each job carries its own continuation (`on_done`, `on_error`, ...); the lane calls it on the
GUI thread, through a queued signal, so the receiver never filters other jobs' results and
decides itself whether a result still applies.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from engine.errors import Cancelled, StudioError
from engine.progress import CancelToken

log = logging.getLogger(__name__)
JobFunction = Callable[[Callable[[float, str], None], CancelToken], Any]
_ids = itertools.count(1)


def _ignore(*args) -> None:
    return None


@dataclass(eq=False)
class Job:
    """Work for a lane: `run(progress, cancel)` returns the result, raises to fail.

    The callbacks run on the GUI thread: `on_done(result)`, `on_error(reason)` (one line),
    `on_progress(fraction, message)`, `on_cancelled()` and `on_started()`.
    """

    run: JobFunction
    label: str
    on_done: Callable[[Any], None] = _ignore
    on_error: Callable[[str], None] = _ignore
    on_progress: Callable[[float, str], None] = _ignore
    on_cancelled: Callable[[], None] = _ignore
    on_started: Callable[[], None] = _ignore
    cancel: CancelToken = field(default_factory=CancelToken)
    id: int = field(default_factory=lambda: next(_ids))


def describe_failure(exc: BaseException, label: str) -> str:
    """One line for the user; a traceback in the log for what was not their doing."""
    if isinstance(exc, StudioError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory"
    log.error("job %r failed", label, exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


class _GuiCall(QObject):
    """Runs callables on the thread this object lives on (the GUI thread)."""

    call = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, function: Callable[[], None]) -> None:
        try:
            function()
        except Exception:  # a bug in a continuation must not take the window down
            log.exception("a job's continuation failed")


class JobLane(QObject):
    started = Signal(object)  # Job: for busy indicators; results go to the job's callbacks
    idle = Signal()

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self._gui = _GuiCall(self)
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
        later = self._gui.call.emit
        if job.cancel.cancelled:
            later(job.on_cancelled)
            return
        self.started.emit(job)
        later(job.on_started)
        try:
            result = job.run(lambda f, m: later(lambda: job.on_progress(f, m)), job.cancel)
        except Cancelled:
            later(job.on_cancelled)
        except Exception as exc:  # MemoryError and backend bugs too: the window stays up
            reason = describe_failure(exc, job.label)
            later(lambda: job.on_error(reason))
        else:
            if job.cancel.cancelled:
                later(job.on_cancelled)
            else:
                later(lambda: job.on_done(result))


class QuickPool(QObject):
    """Short jobs keyed by what they compute; a key already in flight is not started twice.
    Each job's `on_done(result)` / `on_error(reason)` runs on the GUI thread."""

    def __init__(self, threads: int = 2, parent=None) -> None:
        super().__init__(parent)
        self._gui = _GuiCall(self)
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="quick")
        self._in_flight: dict[Any, Future] = {}
        self._lock = threading.Lock()

    def submit(self, key: Any, function: Callable[[], Any],
               on_done: Callable[[Any], None] = _ignore,
               on_error: Callable[[str], None] = _ignore) -> None:
        with self._lock:
            if key in self._in_flight:
                return
            self._in_flight[key] = self._executor.submit(self._run, key, function, on_done,
                                                         on_error)

    def _run(self, key: Any, function: Callable[[], Any], on_done, on_error) -> None:
        try:
            result = function()
        except Exception as exc:  # reported, never raised into Qt
            log.warning("quick job %r failed: %s", key, exc)
            reason = f"{type(exc).__name__}: {exc}"
            with self._lock:
                self._in_flight.pop(key, None)
            self._gui.call.emit(lambda: on_error(reason))
            return
        with self._lock:
            self._in_flight.pop(key, None)
        self._gui.call.emit(lambda: on_done(result))

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the jobs now in flight finish (tests, shutdown)."""
        with self._lock:
            futures = list(self._in_flight.values())
        finished, pending = futures_wait(futures, timeout=timeout_ms / 1000)
        return not pending


class ProcessLane(QObject):
    """Renders in worker processes (one per core), for backends that can run there
    (`engine.render.pool`): the GUI process keeps its GIL for drawing, and both cores work.
    Each job's `on_done(Take)` / `on_error(reason)` / `on_cancelled()` runs on the GUI
    thread. Workers are started fresh (never forked from a process with Qt threads) and
    kept for the window's life."""

    idle = Signal()

    def __init__(self, workers: int, warm: tuple[str, ...] = (), parent=None) -> None:
        super().__init__(parent)
        self.workers = workers
        self._warm = warm
        self._gui = _GuiCall(self)
        self._pool = None
        self._futures: dict[Future, Callable[[], None]] = {}  # future -> its on_cancelled
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers now (they load the engine), so the first render need not wait."""
        from engine.render.pool import RenderPool

        with self._lock:
            if self._pool is None:
                self._pool = RenderPool(self.workers, fork=False, warm=self._warm)
                self._pool.prime()

    def submit(self, folder, request, generator_name: str, on_done: Callable[[Any], None],
               on_error: Callable[[str], None], on_cancelled: Callable[[], None] = _ignore,
               label: str = "") -> Future:
        self.start()
        future = self._pool.submit(folder, request, generator_name)
        with self._lock:
            self._futures[future] = on_cancelled
        future.add_done_callback(lambda done: self._finished(done, on_done, on_error,
                                                             on_cancelled, label))
        return future

    def busy(self) -> bool:
        with self._lock:
            return bool(self._futures)

    def cancel_all(self) -> None:
        """Drop the renders not started yet; the running ones finish and are delivered."""
        with self._lock:
            futures = list(self._futures)
        for future in futures:
            future.cancel()

    def shutdown(self) -> None:
        self.cancel_all()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _finished(self, future: Future, on_done, on_error, on_cancelled, label: str) -> None:
        """On the pool's thread: hand the outcome to the GUI thread."""
        with self._lock:
            self._futures.pop(future, None)
            empty = not self._futures
        if future.cancelled():
            self._gui.call.emit(on_cancelled)
        elif future.exception() is not None:
            reason = describe_failure(future.exception(), label)
            self._gui.call.emit(lambda: on_error(reason))
        else:
            result = future.result()
            self._gui.call.emit(lambda: on_done(result))
        if empty:
            self.idle.emit()
