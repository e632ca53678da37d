"""Ways to run a batch's jobs: one after another in this process, or in a local process pool.
(`engine.batch.ray_runner` runs them on a Ray cluster.) Every runner yields one `Outcome` per
job, in the order jobs finish; what a job produces does not depend on the runner.

A job that fails becomes a failed outcome with one line saying why; it never stops the
others. A pool process that dies (killed, out of memory) takes its jobs with it: they are
run again in a fresh pool, and fail only if they break a pool `MAX_ATTEMPTS` times.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Protocol

from engine.batch.jobs import BatchJob
from engine.batch.work import JobResult, PlannedJob, plan_job, render_job
from engine.errors import Cancelled, StudioError
from engine.progress import CancelToken
from engine.render.pool import leave_with_parent

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    job: BatchJob
    result: JobResult | None = None
    error: str | None = None
    seconds: float = 0.0
    worker: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None


class Runner(Protocol):
    name: str

    def run(self, jobs: Sequence[BatchJob], cancel: CancelToken) -> Iterator[Outcome]:
        """Run every job; one outcome each, as they finish. Raises Cancelled when asked."""
        ...


def worker_name() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"


def failure(error: BaseException) -> str:
    """One line for the manifest: a user's error as it is, a bug with its type."""
    if isinstance(error, StudioError):
        return str(error)
    log.error("batch job failed", exc_info=error)
    return f"{type(error).__name__}: {error}"


def plan_step(job: BatchJob, cancel: CancelToken | None = None) -> PlannedJob | Outcome:
    """Plan a job; a failed outcome instead when planning fails."""
    started = time.perf_counter()
    try:
        return plan_job(job, cancel=cancel)
    except Cancelled:
        raise
    except Exception as exc:
        return Outcome(job, error=f"planning: {failure(exc)}",
                       seconds=time.perf_counter() - started, worker=worker_name())


def render_step(planned: PlannedJob | Outcome, cancel: CancelToken | None = None) -> Outcome:
    """Render a planned job (a failed plan passes straight through)."""
    if isinstance(planned, Outcome):
        return planned
    started = time.perf_counter()
    try:
        result = render_job(planned, cancel=cancel)
    except Cancelled:
        raise
    except Exception as exc:
        return Outcome(planned.job, error=failure(exc), seconds=time.perf_counter() - started,
                       worker=worker_name())
    return Outcome(planned.job, result, seconds=time.perf_counter() - started,
                   worker=worker_name())


class SerialRunner:
    """One job after another in this process (`--workers 1`)."""

    name = "serial"

    def run(self, jobs: Sequence[BatchJob], cancel: CancelToken) -> Iterator[Outcome]:
        for job in jobs:
            cancel.raise_if_cancelled()
            yield render_step(plan_step(job, cancel), cancel)


class PoolRunner:
    """Renders in `workers` processes of this machine; plans in this process, apart from the
    renders (one planner, and one loaded model for an LLM planner, serves every job)."""

    name = "pool"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, jobs: Sequence[BatchJob], cancel: CancelToken) -> Iterator[Outcome]:
        context = multiprocessing.get_context("spawn")  # no inherited threads or locks
        stop = context.Event()
        queue: deque[BatchJob] = deque(jobs)
        retry: deque[PlannedJob] = deque()
        attempts: Counter[str] = Counter()
        pending: dict[Future, PlannedJob] = {}
        executor = _pool(self.workers, context, stop)
        try:
            while queue or retry or pending:
                cancel.raise_if_cancelled()
                broken = False
                while (retry or queue) and len(pending) < 2 * self.workers and not broken:
                    planned = retry.popleft() if retry else plan_step(queue.popleft(), cancel)
                    if isinstance(planned, Outcome):
                        yield planned
                        continue
                    try:
                        pending[executor.submit(_render_in_pool, planned)] = planned
                    except BrokenProcessPool:
                        retry.appendleft(planned)
                        broken = True
                if pending and not broken:
                    done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                    for future in done:
                        try:
                            outcome = future.result()
                        except BrokenProcessPool:
                            broken = True  # handled below, with the pool's other jobs
                            continue
                        pending.pop(future)
                        yield outcome
                if broken:  # a process died: its pool's jobs are lost with it; run them again
                    for planned in pending.values():
                        attempts[planned.job.name] += 1
                        if attempts[planned.job.name] >= MAX_ATTEMPTS:
                            yield Outcome(planned.job, error="the worker process rendering it "
                                          f"died {MAX_ATTEMPTS} times (out of memory?)")
                        else:
                            retry.append(planned)
                    pending.clear()
                    executor.shutdown(wait=True, cancel_futures=True)
                    executor = _pool(self.workers, context, stop)
        finally:
            stop.set()  # running renders stop at their next check
            executor.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int, context, stop) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(stop, os.getpid()))


_stop_event = None


class _EventCancelToken(CancelToken):
    """A CancelToken on a multiprocessing event the coordinator sets."""

    def __init__(self, event) -> None:  # the same interface on a process-shared event
        self._event = event


def _start_worker(stop, coordinator: int) -> None:
    global _stop_event
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the coordinator's to handle
    leave_with_parent(coordinator)  # ... and if it is killed, the workers go too
    _stop_event = stop


def _render_in_pool(planned: PlannedJob) -> Outcome:
    cancel = _EventCancelToken(_stop_event) if _stop_event is not None else None
    return render_step(planned, cancel)
