"""The planner options the `plan` and `render` sub-commands share."""
from __future__ import annotations

import argparse

from engine.planning import Plan, Planner, PlanRequest, get_planner, planner_names
from engine.planning.narration import NARRATION_MODES, narrate


def add_planner_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("planner")
    group.add_argument("--planner", choices=planner_names(), default="offline",
                       help="who plans the story: offline (default, no model), transformers "
                            "(a local language model), openai (an OpenAI-compatible server)")
    group.add_argument("--model", metavar="MODEL",
                       help="transformers: a Hugging Face id in your cache, a model folder or a "
                            ".gguf file; openai: the model name the server knows")
    group.add_argument("--base-url", metavar="URL",
                       help="openai: the endpoint, e.g. http://localhost:11434/v1 (default "
                            "$OPENAI_BASE_URL or https://api.openai.com/v1); the API key is "
                            "read from $OPENAI_API_KEY")
    group.add_argument("--narration", choices=NARRATION_MODES, default="dialogue",
                       help="whose words are spoken: the quoted dialogue (default), a "
                            "narrator reading the whole text (full), or none")


def planned(args: argparse.Namespace, request: PlanRequest, progress) -> Plan:
    """The plan of `request` by the planner the arguments ask for, narrated as asked."""
    plan = planner_from(args).plan(request, progress)
    return narrate(plan, request.prompt, args.narration)


def planner_from(args: argparse.Namespace) -> Planner:
    """The planner the arguments ask for (InvalidInput for options it does not take)."""
    return get_planner(args.planner, model=args.model, base_url=args.base_url)
