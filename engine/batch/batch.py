"""Run a batch: skip what is finished, run the rest on a runner, publish each job's files
and record it in the manifest as it finishes.

    summary = run_batch(read_jobs(Path("jobs.jsonl")), Path("out"), PoolRunner(4), listener)

A failed job is recorded and the batch goes on. Cancelling (Ctrl+C) stops the runner,
keeps every job that finished, and raises `Cancelled`; the same batch run again continues
where it stopped.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from engine.atomic import cannot_write_in
from engine.batch.jobs import BadLine, BatchJob, job_summary
from engine.batch.manifest import Manifest
from engine.batch.outputs import clear_partial, publish
from engine.batch.runners import Outcome, Runner
from engine.errors import Cancelled, InvalidInput
from engine.progress import CancelToken


@dataclass
class BatchSummary:
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # name -> reason
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def finished(self) -> int:
        return self.skipped + self.done + self.failed

    @property
    def left(self) -> int:
        return self.total - self.finished


class BatchListener(Protocol):
    def started(self, summary: BatchSummary) -> None: ...

    def finished(self, outcome: Outcome, summary: BatchSummary) -> None: ...


class _Silent:
    def started(self, summary: BatchSummary) -> None:
        pass

    def finished(self, outcome: Outcome, summary: BatchSummary) -> None:
        pass


def prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"--out {out_dir} is a file; give a folder for the results.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"--out {out_dir}: cannot create it ({exc.strerror or exc}).") from None
    reason = cannot_write_in(out_dir)
    if reason:
        raise InvalidInput(f"--out {out_dir}: cannot write there ({reason}).")


def run_batch(jobs: Sequence[BatchJob | BadLine], out_dir: Path, runner: Runner,
              listener: BatchListener | None = None,
              cancel: CancelToken | None = None) -> BatchSummary:
    listener = listener or _Silent()
    cancel = cancel or CancelToken()
    prepare_out_dir(out_dir)
    clear_partial(out_dir)
    manifest = Manifest(out_dir)
    latest = manifest.latest()
    summary = BatchSummary(total=len(jobs))
    started = time.monotonic()
    todo: list[BatchJob] = []
    bad: list[BadLine] = []
    for job in jobs:
        if isinstance(job, BadLine):
            bad.append(job)
        elif manifest.finished(job.name, job.key, out_dir, latest):
            summary.skipped += 1
        else:
            todo.append(job)
    for line in bad:  # recorded at once: they never reach a runner
        manifest.append({"name": line.name, "line": line.line, "key": None,
                         "status": "failed", "outputs": [], "loudness": None, "time_s": 0.0,
                         "error": line.error})
        _count_failure(summary, line.name, line.error)
    listener.started(summary)
    try:
        for outcome in runner.run(todo, cancel):
            _record(outcome, out_dir, manifest, summary, runner.name)
            summary.seconds = time.monotonic() - started
            listener.finished(outcome, summary)
    except (Cancelled, KeyboardInterrupt):
        summary.cancelled = True
        summary.seconds = time.monotonic() - started
        clear_partial(out_dir)
        raise Cancelled(f"stopped with {summary.left} of {summary.total} jobs left; run the "
                        "same command again to continue") from None
    summary.seconds = time.monotonic() - started
    return summary


def _record(outcome: Outcome, out_dir: Path, manifest: Manifest, summary: BatchSummary,
            runner: str) -> None:
    job = outcome.job
    record = {**job_summary(job), "runner": runner, "worker": outcome.worker,
              "time_s": round(outcome.seconds, 3)}
    result = outcome.result
    if result is not None:
        try:
            written = publish(out_dir, job.name, result.files)
        except OSError as exc:
            outcome = Outcome(job, error=f"{out_dir / job.name}: cannot write the results "
                              f"({exc.strerror or exc})", seconds=outcome.seconds)
        else:
            kinds = {item["path"]: item for item in result.report["files"]}
            outputs = []
            for path, size in written:
                relative = path.split("/", 1)[1]
                item = kinds.get(relative, {})
                outputs.append({"path": path, "kind": item.get("kind", _kind_of(relative)),
                                "bytes": size, "loudness": item.get("loudness")})
            master = next((o for o in outputs if o["kind"] == "master"), None)
            manifest.append({**record, "status": "done", "outputs": outputs,
                             "loudness": master["loudness"] if master else None,
                             "gain_db": result.report.get("gain_db"),
                             "events": result.events, "rendered": result.rendered,
                             "plan_s": round(result.plan_s, 3),
                             "render_s": round(result.render_s, 3),
                             "warnings": list(result.warnings), "error": None})
            summary.done += 1
            return
    manifest.append({**record, "status": "failed", "outputs": [], "loudness": None,
                     "error": outcome.error})
    _count_failure(summary, job.name, outcome.error or "failed")


def _count_failure(summary: BatchSummary, name: str, error: str) -> None:
    summary.failed += 1
    summary.failures[name] = error


def _kind_of(relative: str) -> str:
    return "project" if relative.startswith("project/") else "file"
