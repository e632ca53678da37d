"""`render`: plan a prompt (or open a project), render what needs it, mix, export the master
(and, if asked, stems, markers, an Audacity label file and an OTIO timeline)."""
from __future__ import annotations

import argparse
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from engine.cli.common import (
    StderrProgress,
    check_output_file,
    check_prompt,
    duration_arg,
    printable,
    seed_arg,
)
from engine.cli.planner_options import add_planner_arguments, planned
from engine.errors import InvalidInput, RenderError
from engine.export.formats import FORMATS, available_formats, format_for_path, get_format
from engine.generation import generator_names
from engine.mix.ducking import DuckSettings
from engine.mix.loudness_targets import DEFAULT_LOUDNESS, LOUDNESS_PRESETS, LOUDNESS_TARGETS
from engine.planning import PlanRequest, story_from_plan

if TYPE_CHECKING:
    from engine.export.settings import ExportSettings
    from engine.project.folder import Project

# The mixer, the exporter and the project (numpy, scipy, soundfile) load in `run`: help and
# argument errors come back at once.


def register(commands) -> None:
    parser = commands.add_parser(
        "render", help="render a prompt or a project to a master (and stems)",
        description="Plan PROMPT, render every event, mix and write the master; or, with "
                    "--project and no PROMPT, re-render what is stale in that project.")
    parser.add_argument("prompt", nargs="?", help="the narrative, in quotes")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.wav",
                        help="the master to write (.wav, .flac, .mp3 or .ogg)")
    parser.add_argument("--project", type=Path, metavar="DIR",
                        help="project folder (NAME.story) to create, or to re-render")
    parser.add_argument("--duration", type=duration_arg, default=60.0, metavar="S",
                        help="story length in seconds (default 60)")
    parser.add_argument("--seed", type=seed_arg, default=1, help="story seed (default 1)")
    add_planner_arguments(parser)
    parser.add_argument("--generator", choices=generator_names(), default="procedural")
    export = parser.add_argument_group("export")
    export.add_argument("--format", choices=list(FORMATS),
                        help="audio format of the master and stems (default: from the "
                             "output's extension; .wav is wav24)")
    targets = ", ".join(p.summary for p in LOUDNESS_PRESETS if p.target_lufs is not None)
    export.add_argument("--loudness", choices=list(LOUDNESS_TARGETS), default=DEFAULT_LOUDNESS,
                        help=f"loudness target: {targets} LUFS, or none (default "
                             f"{DEFAULT_LOUDNESS})")
    export.add_argument("--true-peak", type=float, default=-1.0, metavar="DBTP",
                        help="true-peak ceiling of the limiter (default -1.0 dBTP)")
    export.add_argument("--stems", type=Path, metavar="DIR",
                        help="also write one stem per track into DIR")
    export.add_argument("--stems-per-event", action="store_true",
                        help="with --stems: one stem per event instead of per track")
    export.add_argument("--ucs", action="store_true",
                        help="name stems the sound-library way (UCS category prefixes)")
    export.add_argument("--markers", action="store_true",
                        help="write one cue marker per event, with its caption, into a WAV master")
    export.add_argument("--labels", type=Path, metavar="FILE",
                        help="also write an Audacity label file of the events")
    export.add_argument("--otio", type=Path, metavar="FILE",
                        help="also write an OpenTimelineIO timeline (.otio)")
    export.add_argument("--subtitles", type=Path, metavar="FILE",
                        help="also write subtitles of the spoken lines (.srt or .vtt)")
    export.add_argument("--duck", type=duck_arg, default=DuckSettings().depth_db, metavar="DB",
                        help="how far ambience and music dip under speech (default "
                             f"{DuckSettings().depth_db:g} dB; 0 turns ducking off)")
    parser.add_argument("--force", action="store_true", help="overwrite existing outputs")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.export.exporter import check_export, export_project
    from engine.project.folder import AUTOSAVE_FILE, Project
    from engine.render.events import render_events

    settings = export_settings(args)
    check_output_file(args.output, args.force, (get_format(settings.format).extension,))
    progress = StderrProgress(args.quiet)
    with ExitStack() as cleanup:
        if args.prompt is not None:
            project = _new_project(args, settings, progress, cleanup)
        elif args.project is not None:
            project = Project.open(args.project)
            check_export(project.story, settings)
            for warning in project.warnings:
                progress.note(f"warning: {warning}")
            if project.has_recovery():
                progress.note(f"note: {project.folder / AUTOSAVE_FILE} holds the editor's "
                              "unsaved changes; it is kept (open the project in the editor "
                              "to recover them)")
        else:
            raise InvalidInput("give a PROMPT to render, or --project DIR to re-render a project.")
        shown = len(project.warnings)
        stale = project.stale_events()
        report = render_events(project, stale, progress.stage("rendering")) if stale else None
        if report and report.rendered:  # nothing rendered: nothing to save (a read-only
            project.save(keep_autosave=True)  # project can still be exported)
        unavailable = report.unavailable if report else {}
        for reason in dict.fromkeys(unavailable.values()):
            left_out = [e for e, why in unavailable.items() if why == reason]
            progress.note(f"warning: {len(left_out)} event(s) left silent "
                          f"({', '.join(left_out)}): {reason}")
        if report and report.failed:
            reasons = "; ".join(f"{event_id}: {why}" for event_id, why in report.failed.items())
            raise RenderError(f"{len(report.failed)} of {len(stale)} events failed to render "
                              f"({reasons}); nothing was written.")
        exported = export_project(project, settings, progress.stage("exporting"))
    for line in exported.lines():
        print(printable(line))
    for warning in project.warnings[shown:]:  # found while mixing (a take damaged inside)
        print(printable(f"warning: {warning}"))
    if args.project is not None:
        print(printable(f"project saved in {project.folder}"))
    return 0


def export_settings(args: argparse.Namespace) -> ExportSettings:
    """The export the options ask for; the format follows the output's extension by default."""
    from engine.export.settings import ExportSettings
    from engine.mix.mixer import MixSettings

    audio_format = args.format or format_for_path(args.output)
    if audio_format is None:
        extensions = dict.fromkeys(FORMATS[name].extension for name in available_formats())
        raise InvalidInput(f"{args.output}: the output must end in {', '.join(extensions)} "
                           "(the format follows the extension; --format picks another).")
    if args.stems_per_event and args.stems is None:
        raise InvalidInput("--stems-per-event needs --stems DIR to put the stems in.")
    return ExportSettings(
        master_path=args.output, format=audio_format, loudness=args.loudness,
        true_peak_db=args.true_peak, stems_dir=args.stems, stems_per_event=args.stems_per_event,
        markers=args.markers, labels_path=args.labels, otio_path=args.otio,
        subtitles_path=args.subtitles, ucs_naming=args.ucs, force=args.force,
        mix=MixSettings(headroom_trim=False, duck=DuckSettings(depth_db=args.duck)))


def duck_arg(text: str) -> float:
    """argparse type for --duck: a dip in dB, from -60 to 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of dB") from None
    if not -60.0 <= value <= 0.0:
        raise argparse.ArgumentTypeError(f"{text} dB is outside -60 .. 0 (0 turns ducking "
                                         "off)")
    return value


def _new_project(args, settings: ExportSettings, progress: StderrProgress,
                 cleanup: ExitStack) -> Project:
    from engine.export.settings import check_export
    from engine.project.folder import STORY_FILE, Project, project_folder

    prompt = check_prompt(args.prompt)
    if args.project is not None and (project_folder(args.project) / STORY_FILE).exists():
        raise InvalidInput(f"{project_folder(args.project)} already holds a project; leave out "
                           "the PROMPT to re-render it, or choose a new folder.")
    plan = planned(args, PlanRequest(prompt, args.duration, args.seed),
                   progress.stage("planning"))
    for warning in plan.warnings:
        progress.note(f"warning: {warning}")
    story = story_from_plan(plan, prompt, seed=args.seed, generator=args.generator)
    check_export(story, settings)  # stems, labels, timeline: refused before any rendering
    folder = args.project
    if folder is None:  # takes still go through a project: a temporary one
        folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory())) / "render"
    return Project.create(folder, story)
