"""`regenerate`: render one clip of a project again, whole or in part, as a new take.

    main.py regenerate --project storm.story --event e3                  # a new seed
    main.py regenerate --project storm.story --event e3 --from 2 --to 4  # only 2-4 s
    main.py regenerate --project storm.story --event e3 --extend-right 5
    main.py regenerate --project storm.story --event e3 --variation 0.3

Regions, extensions and variations are composite takes laid over the clip's take (see
`engine.render.regions`); the earlier take stays in the takes list. The project is saved.
"""
from __future__ import annotations

import argparse
import math
import random
from typing import TYPE_CHECKING

from engine.cli.common import StderrProgress, seed_arg
from engine.errors import InvalidInput
from engine.generation import generator_names
from engine.model.fields import REGION_CROSSFADE_S

if TYPE_CHECKING:
    from engine.model.story import Event, Story

# The project, the regions and the renderers load in `run`: help comes back at once.


def seconds_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text}: give a number of seconds, 0 or more")
    return value


def register(commands) -> None:
    parser = commands.add_parser(
        "regenerate", help="render one clip of a project again: whole, a region, longer, or "
                           "a close variation",
        description="Render clip ID of the project DIR again as a new take and save the "
                    "project. With no other option, the whole clip with a new seed; --from "
                    "and --to regenerate only that stretch (seconds from the clip's start, "
                    "repeat them for several), crossfaded into the take it had; --extend-left "
                    "or --extend-right add that many seconds; --variation makes a close "
                    "variation (0 nearly the same .. 1 as free as a new seed). The earlier "
                    "take is kept.")
    parser.add_argument("--project", required=True, metavar="DIR", help="the project folder")
    parser.add_argument("--event", required=True, metavar="ID", help="the clip, e.g. e3")
    parser.add_argument("--from", dest="starts", type=seconds_arg, action="append",
                        metavar="S", help="start of a region to regenerate, seconds from the "
                                          "clip's start")
    parser.add_argument("--to", dest="ends", type=seconds_arg, action="append", metavar="S",
                        help="end of that region")
    parser.add_argument("--extend-left", type=seconds_arg, metavar="S",
                        help="add S seconds before the clip")
    parser.add_argument("--extend-right", type=seconds_arg, metavar="S",
                        help="add S seconds after the clip")
    parser.add_argument("--variation", type=float, metavar="AMOUNT",
                        help="a close variation of the take, AMOUNT from just above 0 to 1")
    parser.add_argument("--seed", type=seed_arg, default=None,
                        help="seed of the new audio (default: a random one); several regions "
                             "take N, N+1, ...")
    parser.add_argument("--generator", choices=generator_names(), default=None,
                        help="the backend that renders the new audio (default: the clip's)")
    parser.add_argument("--crossfade", type=seconds_arg, default=REGION_CROSSFADE_S,
                        metavar="S", help="equal-power crossfade at each edge of a region "
                                          f"or join (default {REGION_CROSSFADE_S:g} s)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.generation import get_generator
    from engine.project.folder import Project, attach_take
    from engine.render.context import render_request
    from engine.render.regions import (
        RegionSpan,
        attach_composite,
        extension_edit,
        region_edit,
        render_composite,
        variation_edit,
    )
    from engine.render.take import render_take

    mode = _mode(args)
    project = Project.open(args.project)
    story = project.story
    event = _event(story, args.event)
    progress = StderrProgress(args.quiet)
    for warning in project.warnings:
        progress.note(f"warning: {warning}")
    seed = args.seed if args.seed is not None else random.randrange(2 ** 31)
    if mode == "whole":
        if args.generator:
            event.generator = args.generator
        request = render_request(story, event, seed=seed)
        take = render_take(project, request, get_generator(event.generator),
                           progress.stage("rendering"))
        take = attach_take(event, take)
        notes = take.notes
        what = f"rendered the whole clip again (seed {seed})"
    else:
        if mode == "regions":
            spans = [RegionSpan(start, end, (seed + number) % 2 ** 31)
                     for number, (start, end) in enumerate(zip(args.starts, args.ends))]
            edit = region_edit(story, event, spans, args.generator, args.crossfade)
            what = "regenerated " + ", ".join(f"{s.start_s:g}–{s.end_s:g} s (seed {s.seed})"
                                              for s in edit.spans)
        elif mode == "variation":
            edit = variation_edit(story, event, args.variation, seed, args.generator)
            what = f"made a variation (amount {args.variation:g}, seed {seed})"
        else:
            side = "left" if mode == "extend-left" else "right"
            seconds = args.extend_left if side == "left" else args.extend_right
            edit = extension_edit(story, event, side, seconds, seed, args.generator,
                                  args.crossfade)
            what = f"extended the clip {seconds:g} s to the {side} (seed {seed})"
        composite = render_composite(project, edit, get_generator(edit.generator),
                                     progress.stage("rendering"))
        take = attach_composite(event, composite)
        notes = list(composite.notes)
        what += f" with {edit.generator}, over take {edit.base.id}"
    project.save()
    for note in notes:
        progress.note(f"note: {note}")
    print(f"{event.id}: take {take.id} — {what}; the clip now runs "
          f"{story.to_seconds(event.start):.3f}–{story.to_seconds(event.end):.3f} s")
    print(f"project saved in {project.folder}")
    return 0


def _mode(args: argparse.Namespace) -> str:
    starts, ends = args.starts or [], args.ends or []
    if len(starts) != len(ends):
        raise InvalidInput("give --from and --to in pairs: each region needs a start and an "
                           "end (seconds from the clip's start).")
    chosen = [name for name, given in (("regions", starts), ("extend-left", args.extend_left),
                                       ("extend-right", args.extend_right),
                                       ("variation", args.variation)) if given not in (None, [])]
    if len(chosen) > 1:
        raise InvalidInput("give one of --from/--to, --extend-left, --extend-right or "
                           "--variation at a time.")
    return chosen[0] if chosen else "whole"


def _event(story: Story, event_id: str) -> Event:
    try:
        return story.event(event_id)
    except KeyError:
        known = ", ".join(e.id for e in story.events[:12])
        more = " …" if len(story.events) > 12 else ""
        raise InvalidInput(f"the project has no clip {event_id!r}; its clips are: "
                           f"{known or 'none'}{more}.") from None
