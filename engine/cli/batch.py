"""`batch JOBS.jsonl --out DIR`: render many stories, resumably, on this machine or on Ray.

Engine modules are imported when the command runs, so `main.py --help` stays quick.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def register(commands) -> None:
    parser = commands.add_parser(
        "batch", help="render many stories from a JOBS.jsonl file (resumable; local or Ray)",
        description="Render every job of JOBS.jsonl (one JSON object per line: a prompt or a "
                    "project, duration_s, seed, planner, generator, export) into --out DIR, "
                    "one folder per job, with a manifest.jsonl of results. A rerun skips "
                    "finished jobs; a failed job does not stop the others.")
    parser.add_argument("jobs", type=Path, metavar="JOBS.jsonl")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder for the results and the manifest")
    parser.add_argument("--workers", type=_workers_arg, default=None, metavar="N",
                        help="processes on this machine (default: one per CPU core; 1 runs "
                             "the jobs one after another in this process); with --ray local, "
                             "the CPUs the local cluster may use")
    parser.add_argument("--ray", metavar="ADDRESS|local",
                        help="run on Ray: `local` starts a cluster on this machine, HOST:PORT "
                             "joins a running one (needs the batch extra)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def _workers_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"{value}: give 1 to 1024 workers")
    return value


def run(args: argparse.Namespace) -> int:
    from engine.batch import PoolRunner, SerialRunner, read_jobs, run_batch
    from engine.batch.batch import prepare_out_dir
    from engine.errors import Cancelled

    prepare_out_dir(args.out)  # before reading jobs: a bad --out fails at once
    jobs = read_jobs(args.jobs)
    if args.ray:
        from engine.batch.ray_runner import RayRunner, import_ray

        import_ray()
        runner: RayRunner | SerialRunner | PoolRunner = RayRunner(args.ray, args.workers)
        where = f"Ray ({args.ray})"
    else:
        workers = args.workers or default_workers(jobs)
        runner = SerialRunner() if workers == 1 else PoolRunner(workers)
        where = "this process" if workers == 1 else f"{workers} local processes"
    progress = BatchProgress(args.quiet, where)
    try:
        summary = run_batch(jobs, args.out, runner, progress)
    except Cancelled as exc:
        progress.stopped(str(exc))
        raise
    print(progress.summary_line(summary))
    for name, reason in summary.failures.items():
        print(f"failed: {name}: {reason}")
    print(f"manifest: {args.out / 'manifest.jsonl'}")
    return 1 if summary.failed else 0


def default_workers(jobs) -> int:
    """One process per core; one in all when a job's generator loads a model (each process
    would load its own copy, on one GPU)."""
    from engine.batch.jobs import BatchJob
    from engine.batch.ray_runner import holds_model

    if any(isinstance(job, BatchJob) and job.prompt is not None and holds_model(job.generator)
           for job in jobs):
        return 1
    return os.cpu_count() or 1


class BatchProgress:
    """An overall bar on stderr: jobs done and failed, and the time left."""

    WIDTH = 24

    def __init__(self, quiet: bool, where: str, stream=None) -> None:
        self.quiet = quiet
        self.where = where
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._started = time.monotonic()
        self._ran = 0
        self._to_run = 0

    def started(self, summary) -> None:
        self._started = time.monotonic()
        self._to_run = summary.total - summary.skipped - summary.failed
        for name, reason in summary.failures.items():  # lines that are not usable jobs
            self._say(f"failed {name}: {reason}")
        skipped = (f"; {summary.skipped} already done (skipped)" if summary.skipped else "")
        unusable = f"; {summary.failed} unusable" if summary.failed else ""
        self._say(f"batch: {summary.total} jobs{skipped}{unusable}; running {self._to_run} in "
                  f"{self.where}")
        self._bar(summary)

    def finished(self, outcome, summary) -> None:
        self._ran += 1
        if outcome.ok:
            line = f"done   {outcome.job.name} ({outcome.seconds:.1f} s)"
        else:
            line = f"failed {outcome.job.name}: {outcome.error}"
        self._say(line)
        self._bar(summary)

    def stopped(self, message: str) -> None:
        prefix = "\r\x1b[K" if self.live else ""  # said even with --quiet: how to go on
        print(f"{prefix}batch {message}", file=self.stream, flush=True)

    def summary_line(self, summary) -> str:
        parts = [f"{summary.done} rendered"]
        if summary.skipped:
            parts.append(f"{summary.skipped} skipped (already done)")
        parts.append(f"{summary.failed} failed")
        return f"batch of {summary.total} jobs finished in {_clock(summary.seconds)}: " \
               + ", ".join(parts)

    def _bar(self, summary) -> None:
        if self.quiet:
            return
        finished = summary.finished
        filled = round(self.WIDTH * finished / max(summary.total, 1))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = time.monotonic() - self._started
        left = self._to_run - self._ran
        eta = (f", ~{_clock(elapsed / self._ran * left)} left" if self._ran and left else "")
        text = (f"[{bar}] {finished}/{summary.total} jobs: {summary.done + summary.skipped} "
                f"done, {summary.failed} failed{eta}")
        if self.live:
            print(f"\r{text}\x1b[K", end="", file=self.stream, flush=True)
        else:
            print(text, file=self.stream, flush=True)

    def _say(self, line: str) -> None:
        if self.quiet:
            return
        prefix = "\r\x1b[K" if self.live else ""
        print(prefix + line, file=self.stream, flush=True)


def _clock(seconds: float) -> str:
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
