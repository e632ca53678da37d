"""Rendering events on every core: worker processes, each with its generators loaded once.

Events render independently (each request carries its own story context and seed), so they
can render in any order and in any process: a take depends only on its request, and the
takes are the same, sample for sample, as the serial path's. Backends that hold a model (and
GPU memory) declare nothing and stay in the calling process; backends that declare
`runs_in_workers = True` (the procedural engine, speech) go to the pool. Workers write the
take files themselves and send back only the take: a float WAV in the page cache reads back
at memory speed, far cheaper than sending the audio through a pipe (and unpickling it holds
the receiving process's GIL: in the editor, that stalled the window).

On Linux the CLI forks its workers from the warm process (no start-up cost); elsewhere, and
in the editor (whose Qt threads must not be forked), workers are started fresh once and
reused.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import TypeVar

from engine.errors import Cancelled
from engine.generation.base import RenderRequest
from engine.model.story import Take
from engine.progress import CancelToken

Key = TypeVar("Key")
PARENT_CHECK_S = 1.0  # how often a worker checks that the process it works for is alive
WORKERS_ENV = "AUDIOSTORY_RENDER_WORKERS"  # a number of worker processes; 1: render serially


def worker_count(jobs: int) -> int:
    """How many worker processes `jobs` renders should use here (1: none, render serially)."""
    configured = os.environ.get(WORKERS_ENV, "")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wanted = int(configured) if configured.isdigit() and int(configured) > 0 else (cores or 1)
    return max(1, min(wanted, jobs))


def runs_in_workers(generator: object) -> bool:
    return bool(getattr(generator, "runs_in_workers", False))


def _render_in_worker(folder: str, request: RenderRequest, generator_name: str) -> Take:
    from engine.generation import get_generator
    from engine.render.take import render_take_to

    take, _ = render_take_to(Path(folder), request, get_generator(generator_name))
    return take


def _start_worker(parent: int, generator_names: tuple[str, ...] = ()) -> None:
    """In each worker: leave with the parent, and warm the generators it will use."""
    leave_with_parent(parent)
    from engine.generation import get_generator

    for name in generator_names:
        generator = get_generator(name)
        if hasattr(generator, "warm_up"):
            generator.warm_up()


def leave_with_parent(parent: int) -> None:
    """In a pool worker: exit as soon as `parent` is gone. A worker whose parent died (killed,
    crashed) would otherwise wait on the job queue for ever: it holds that queue's write end
    itself, so its read never ends."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="leave-with-parent").start()


class RenderPool:
    """Worker processes for renders; `fork` starts them from this (warm) process."""

    def __init__(self, workers: int, fork: bool | None = None,
                 warm: tuple[str, ...] = ()) -> None:
        if fork is None:
            fork = sys.platform.startswith("linux")
        context = multiprocessing.get_context("fork" if fork else "spawn")
        self.workers = workers
        warm = () if fork else warm  # forked workers start as copies of this warm process
        self._executor = ProcessPoolExecutor(workers, mp_context=context,
                                             initializer=_start_worker,
                                             initargs=(os.getpid(), warm))

    def prime(self) -> None:
        """Start every worker now (a spawned one loads and warms its generators) instead of
        at the first render."""
        for future in [self._executor.submit(os.getpid) for _ in range(self.workers)]:
            future.add_done_callback(lambda f: None)

    def submit(self, folder: Path, request: RenderRequest, generator_name: str) -> Future:
        return self._executor.submit(_render_in_worker, str(folder), request, generator_name)

    def results(self, futures: dict[Future, Key], cancel: CancelToken | None
                ) -> Iterator[tuple[Key, Take | BaseException]]:
        """(key, take or the error it raised) as each job finishes. On cancel, the jobs not
        yet started are dropped, the running ones finish and are yielded, then Cancelled."""
        pending = set(futures)
        cancelled = False
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                if not future.cancelled():
                    error = future.exception()
                    yield futures[future], error if error is not None else future.result()
            if cancel is not None and cancel.cancelled and not cancelled:
                cancelled = True
                for future in pending:
                    future.cancel()
                pending = {f for f in pending if not f.cancelled()}
        if cancelled:
            raise Cancelled("cancelled")

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
