"""`render`: plan a prompt (or open a project), render what needs it, mix, write the master."""
from __future__ import annotations

import argparse
import tempfile
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from ..audio_io import write_audio
from ..errors import InvalidInput, RenderError
from ..generation import generator_names
from ..loudness import integrated_lufs
from ..mixing import Mixer
from ..planning import PlanRequest, story_from_plan
from ..project import Project, project_folder, STORY_FILE
from ..render import render_events
from .common import StderrProgress, check_output_file, check_prompt, duration_arg, seed_arg
from .planner_options import add_planner_arguments, planner_from


def register(commands) -> None:
    parser = commands.add_parser(
        "render", help="render a prompt or a project to a WAV master",
        description="Plan PROMPT, render every event, mix and write the master; or, with "
                    "--project and no PROMPT, re-render what is stale in that project.")
    parser.add_argument("prompt", nargs="?", help="the narrative, in quotes")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.wav",
                        help="the master WAV to write")
    parser.add_argument("--project", type=Path, metavar="DIR",
                        help="project folder (NAME.story) to create, or to re-render")
    parser.add_argument("--duration", type=duration_arg, default=60.0, metavar="S",
                        help="story length in seconds (default 60)")
    parser.add_argument("--seed", type=seed_arg, default=1, help="story seed (default 1)")
    add_planner_arguments(parser)
    parser.add_argument("--generator", choices=generator_names(), default="procedural")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output = check_output_file(args.output, args.force)
    progress = StderrProgress(args.quiet)
    with ExitStack() as cleanup:
        if args.prompt is not None:
            project = _new_project(args, progress, cleanup)
        elif args.project is not None:
            project = Project.open(args.project)
            for warning in project.warnings:
                progress.note(f"warning: {warning}")
        else:
            raise InvalidInput("give a PROMPT to render, or --project DIR to re-render a project.")
        stale = project.stale_events()
        report = render_events(project, stale, progress.stage("rendering")) if stale else None
        project.save()
        if report and report.failed:
            reasons = "; ".join(f"{event_id}: {why}" for event_id, why in report.failed.items())
            raise RenderError(f"{len(report.failed)} of {len(stale)} events failed to render "
                              f"({reasons}); nothing was written.")
        result = Mixer().mix(project.story, project.active_take_audio, progress.stage("mixing"))
        write_audio(output, result.master, result.sample_rate, "PCM_24")
    _summarise(output, result, args.project is not None and project)
    return 0


def _new_project(args, progress: StderrProgress, cleanup: ExitStack) -> Project:
    prompt = check_prompt(args.prompt)
    if args.project is not None and (project_folder(args.project) / STORY_FILE).exists():
        raise InvalidInput(f"{project_folder(args.project)} already holds a project; leave out "
                           "the PROMPT to re-render it, or choose a new folder.")
    plan = planner_from(args).plan(PlanRequest(prompt, args.duration, args.seed),
                                          progress.stage("planning"))
    for warning in plan.warnings:
        progress.note(f"warning: {warning}")
    story = story_from_plan(plan, prompt, seed=args.seed, generator=args.generator)
    folder = args.project
    if folder is None:  # takes still go through a project: a temporary one
        folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory())) / "render"
    return Project.create(folder, story)


def _summarise(output: Path, result, project) -> None:
    seconds = result.master.shape[1] / result.sample_rate
    peak = float(np.max(np.abs(result.master))) if result.master.size else 0.0
    peak_db = 20 * np.log10(peak) if peak > 0 else float("-inf")
    loudness = integrated_lufs(result.master, result.sample_rate)
    loud = f", {loudness:.1f} LUFS" if loudness is not None else ""
    print(f"wrote {output} ({seconds:.1f} s, {result.sample_rate} Hz, stereo, "
          f"peak {peak_db:.1f} dBFS{loud})")
    if project:
        print(f"project saved in {project.folder}")
