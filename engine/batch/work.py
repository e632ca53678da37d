"""What a worker does for one job, wherever it runs (this process, a pool process, a Ray
node): plan (a prompt job), render the stale events, mix and export into a private folder,
and hand back the files as bytes. The coordinator alone writes under --out, so every way of
running a batch lands the same files under the same names.

Planning and rendering are separate steps: a batch plans with one planner (one loaded model
for an LLM planner) apart from the renders, and a render worker needs only the plan.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.batch.bundle import Bundle, read_bundle, write_bundle
from engine.batch.jobs import BatchJob
from engine.errors import RenderError
from engine.progress import CancelToken, Progress, no_progress, sub_progress

PROJECT_DIR = "project"  # inside a job's folder, with keep_project


@dataclass(frozen=True)
class PlannedJob:
    """A job with what its render needs: the story file text, or the project's files."""

    job: BatchJob
    story_text: str | None = None
    bundle: Bundle | None = None
    plan_s: float = 0.0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobResult:
    """A finished job: its files (relative to the job's folder) and what the export said."""

    name: str
    key: str
    files: dict[str, bytes]
    report: dict[str, Any]
    events: int
    rendered: int
    plan_s: float
    render_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)


def plan_job(job: BatchJob, progress: Progress = no_progress,
             cancel: CancelToken | None = None) -> PlannedJob:
    """The story a prompt job renders (as file text), or a project job's files."""
    from engine.model import schema
    from engine.planning import PlanRequest, story_from_plan

    started = time.perf_counter()
    if job.prompt is None:
        assert job.project is not None  # a job is a prompt or a project (engine.batch.jobs)
        return PlannedJob(job, bundle=read_bundle(job.project))
    planner = _planner(job.planner, tuple(sorted(job.planner_options.items())))
    plan = planner.plan(PlanRequest(job.prompt, job.duration_s, job.seed), progress, cancel)
    story = story_from_plan(plan, job.prompt, seed=job.seed, generator=job.generator)
    for event in story.events:
        event.generator_settings = dict(job.generator_settings)
    return PlannedJob(job, story_text=schema.dumps(story), plan_s=time.perf_counter() - started,
                      warnings=tuple(plan.warnings))


@lru_cache(maxsize=8)
def _planner(name: str, options: tuple[tuple[str, str], ...]):
    """One planner per process and setting: an LLM planner loads its model once."""
    from engine.planning import get_planner

    return get_planner(name, **dict(options))


def render_job(planned: PlannedJob, progress: Progress = no_progress,
               cancel: CancelToken | None = None) -> JobResult:
    """Render what the job needs, mix and export; the files come back as bytes."""
    from engine.export import ExportSettings, export_project
    from engine.model import schema
    from engine.project.folder import Project
    from engine.render.events import render_events

    job = planned.job
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audiostory-batch-") as temp:
        folder = Path(temp) / "job.story"
        if planned.bundle is not None:
            write_bundle(planned.bundle, folder)
            project = Project.open(folder)
        else:
            assert planned.story_text is not None  # planned from a prompt
            project = Project.create(folder, schema.loads(planned.story_text, job.name))
        stale = project.stale_events()
        if stale:
            # one process per job: a batch spreads its jobs over the cores, not their events
            report = render_events(project, stale, sub_progress(progress, 0.0, 0.8), cancel,
                                   workers=1)
            if report.failed:
                reasons = "; ".join(f"{event}: {why}" for event, why in report.failed.items())
                raise RenderError(f"{len(report.failed)} of {len(stale)} events failed to "
                                  f"render ({reasons})")
        project.save()
        out = Path(temp) / "out"
        out.mkdir()
        options = job.export
        settings = ExportSettings(
            master_path=out / job.master_name, format=options.format, loudness=options.loudness,
            true_peak_db=options.true_peak_db, stems_dir=out / "stems" if options.stems else None,
            stems_per_event=options.stems_per_event, markers=options.markers,
            labels_path=out / f"{job.name}.txt" if options.labels else None,
            ucs_naming=options.ucs)
        exported = export_project(project, settings, sub_progress(progress, 0.8, 1.0), cancel)
        files = _read_tree(out)
        if job.keep_project:
            files.update({f"{PROJECT_DIR}/{name}": data
                          for name, data in _read_tree(folder).items()
                          if not name.endswith(".autosave.json")})
        summary = exported.to_json()
        for item in summary["files"]:
            item["path"] = Path(item["path"]).relative_to(out).as_posix()
        return JobResult(job.name, job.key, files, summary, events=len(project.story.events),
                         rendered=len(stale), plan_s=planned.plan_s,
                         render_s=time.perf_counter() - started,
                         warnings=planned.warnings + tuple(exported.warnings))


def run_job(job: BatchJob, progress: Progress = no_progress,
            cancel: CancelToken | None = None) -> JobResult:
    """Both steps in one call (the serial path)."""
    planned = plan_job(job, sub_progress(progress, 0.0, 0.1), cancel)
    return render_job(planned, sub_progress(progress, 0.1, 1.0), cancel)


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}
