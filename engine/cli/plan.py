"""`plan PROMPT`: print the timeline a planner makes of a narrative."""
from __future__ import annotations

import argparse

from engine.cli.common import (
    StderrProgress,
    check_prompt,
    duration_arg,
    printable,
    printable_json,
    seed_arg,
)
from engine.cli.planner_options import add_planner_arguments, planned
from engine.planning import PlanRequest


def register(commands) -> None:
    parser = commands.add_parser("plan", help="plan a narrative into timed sound events",
                                 description="Plan a narrative into timed sound events.")
    parser.add_argument("prompt", help="the narrative, in quotes")
    parser.add_argument("--duration", type=duration_arg, default=60.0, metavar="S",
                        help="story length in seconds (default 60)")
    parser.add_argument("--seed", type=seed_arg, default=1, help="seed for planners that sample")
    add_planner_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    prompt = check_prompt(args.prompt)
    progress = StderrProgress(args.quiet or args.json, "planning")
    plan = planned(args, PlanRequest(prompt, args.duration, args.seed), progress)
    if args.json:
        print(printable_json(plan.model_dump(mode="json")))
        return 0
    print(f"Plan for a {plan.duration_s:g} s story ({plan.planner} planner)")
    if plan.reasoning:
        print(f"Reasoning: {printable(plan.reasoning)}")
    for index, scene in enumerate(plan.scenes):
        where = ", ".join(p for p in (scene.place, scene.time_of_day) if p)
        print(printable(f"\nScene {index + 1}: {scene.title or 'untitled'} "
                        f"({scene.start_s:.2f}s-{scene.end_s:.2f}s, {scene.tone}"
                        f"{', ' + where if where else ''})"))
        print(f"{'start':>8} {'end':>8}  {'track':<9} {'level':>6} {'pan':>5}  caption")
        for event in (e for e in plan.events if e.scene == index):
            end = event.start_s + event.duration_s
            print(f"{event.start_s:7.2f}s {end:7.2f}s  {event.track.value:<9} "
                  f"{event.gain_db:+5.1f}dB {event.pan:+5.2f}  {printable(event.caption)}")
    for warning in plan.warnings:
        print(f"warning: {printable(warning)}")
    return 0
