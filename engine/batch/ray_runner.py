"""Running a batch on a Ray cluster (`--ray local` starts one on this machine; `--ray
HOST:PORT` joins a running one). Ray is the optional `batch` extra.

- Planning is its own step, apart from the renders: prompt jobs are planned by Ray tasks, or
  by one planner actor for a planner that loads a language model (loaded once for the whole
  batch); a render waits on its plan's object, not on the other plans. A project job's files
  are read here, on the machine that has them, and shipped with the job.
- Procedural renders are Ray tasks (one CPU each). A generator that holds a model renders on
  actors, one model replica per actor; each actor asks for a GPU when the cluster has GPUs
  and the job's `device` setting is not `cpu`.
- A worker that dies mid-job (killed, a node lost) is retried by Ray (tasks and actor calls,
  `MAX_RETRIES` times); a job that still cannot finish is a failed job, not a stopped batch.
- Results come back as objects and are written by the coordinator, so the worker machines
  need no shared file system, and the outputs equal a serial run's.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence

from engine.batch.jobs import BatchJob
from engine.batch.runners import Outcome, plan_step, render_step
from engine.batch.work import PlannedJob
from engine.errors import Cancelled, InvalidInput
from engine.progress import CancelToken

MAX_RETRIES = 3
MODEL_PLANNERS = {"transformers", "audiostory"}  # hold a language model: one actor
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024


def import_ray():
    try:
        import ray
    except ImportError:
        if getattr(sys, "frozen", False):
            raise InvalidInput("the desktop build does not include Ray; run Ray batches from "
                               "a Python install (pip install 'audiostory-studio[batch]'), "
                               "or leave out --ray to use a local process pool.") from None
        raise InvalidInput("--ray needs Ray, which is not installed; install the batch extra "
                           "(pip install 'audiostory-studio[batch]') or leave out --ray to "
                           "use a local process pool.") from None
    return ray


def holds_model(generator: str) -> bool:
    return generator != "procedural"


class RayRunner:
    name = "ray"

    def __init__(self, address: str, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers

    def run(self, jobs: Sequence[BatchJob], cancel: CancelToken) -> Iterator[Outcome]:
        ray = import_ray()
        started_here = not ray.is_initialized()
        if started_here:
            self._connect(ray)
        gpus = ray.cluster_resources().get("GPU", 0)
        # planning is light and must never wait for a CPU that a render actor holds for its
        # lifetime (two actors on a two-CPU cluster would starve the second job's plan)
        plan_task = ray.remote(plan_step).options(num_cpus=0, max_retries=MAX_RETRIES)
        render_task = ray.remote(render_step).options(num_cpus=1, max_retries=MAX_RETRIES)
        actors: dict[tuple, list] = {}
        turns: dict[int, int] = {}  # id of an actor pool -> its next turn
        pending: dict = {}  # render ref -> job
        try:
            for job in jobs:
                cancel.raise_if_cancelled()
                plan_ref = self._plan(ray, job, plan_task, actors, gpus)
                if holds_model(job.generator) and job.prompt is not None:
                    pool = self._actors(ray, ("render", job.generator, _wants_gpu(job, gpus)),
                                        actors, gpus)
                    slot = turns.get(id(pool), 0)
                    turns[id(pool)] = slot + 1
                    ref = pool[slot % len(pool)].render.remote(plan_ref)
                else:
                    ref = render_task.remote(plan_ref)
                pending[ref] = job
            while pending:
                cancel.raise_if_cancelled()
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=0.25)
                for ref in ready:
                    job = pending.pop(ref)
                    yield self._outcome(ray, ref, job)
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
            for pool in actors.values():
                for actor in pool:
                    ray.kill(actor)
            if started_here:
                ray.shutdown()

    def _connect(self, ray) -> None:
        options = dict(include_dashboard=False, log_to_driver=False,
                       logging_level=logging.WARNING, configure_logging=True)
        if self.address == "local":
            ray.init(num_cpus=self.workers, object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                     **options)
        else:
            try:
                ray.init(address=self.address, **options)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise InvalidInput(f"--ray {self.address}: cannot join the Ray cluster "
                                   f"({exc}); start it with `ray start --head` or use --ray "
                                   "local.") from None

    def _plan(self, ray, job: BatchJob, plan_task, actors, gpus):
        if job.prompt is None:  # the project is on this machine: read it here
            return ray.put(plan_step(job))
        if job.planner in MODEL_PLANNERS:
            (actor,) = self._actors(ray, ("plan", job.planner, gpus > 0), actors, gpus, count=1)
            return actor.plan.remote(job)
        return plan_task.remote(job)

    def _actors(self, ray, kind: tuple, actors: dict, gpus: float, count: int | None = None):
        if kind not in actors:
            wants_gpu = kind[2]
            count = count or (int(gpus) if wants_gpu else (self.workers or 1))
            actor_class = ray.remote(_Worker).options(
                num_cpus=1, num_gpus=1 if wants_gpu else 0, max_restarts=MAX_RETRIES,
                max_task_retries=MAX_RETRIES)
            actors[kind] = [actor_class.remote() for _ in range(max(count, 1))]
        return actors[kind]

    @staticmethod
    def _outcome(ray, ref, job: BatchJob) -> Outcome:
        try:
            return ray.get(ref)
        except ray.exceptions.TaskCancelledError:
            raise Cancelled("cancelled") from None
        except ray.exceptions.RayTaskError as exc:
            cause = exc.cause if exc.cause is not None else exc
            if isinstance(cause, Cancelled):
                raise Cancelled("cancelled") from None
            return Outcome(job, error=f"{type(cause).__name__}: {cause}")
        except ray.exceptions.RayError as exc:  # a worker or node lost more often than retried
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            return Outcome(job, error=f"the Ray worker running it was lost "
                           f"{MAX_RETRIES + 1} times ({type(exc).__name__}: {first})")


def _wants_gpu(job: BatchJob, gpus: float) -> bool:
    return gpus > 0 and str(job.generator_settings.get("device", "auto")) != "cpu"


class _Worker:
    """A Ray actor that keeps a planner's or a generator's model loaded between jobs (both
    are cached per process: the actor is that process)."""

    def plan(self, job: BatchJob) -> PlannedJob | Outcome:
        return plan_step(job)

    def render(self, planned: PlannedJob | Outcome) -> Outcome:
        return render_step(planned)
