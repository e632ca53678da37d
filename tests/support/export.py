"""A small real project for the export tests: planned and rendered by the real backends."""
from __future__ import annotations

from pathlib import Path

from engine.planning import PlanRequest, get_planner, story_from_plan
from engine.project.folder import Project
from engine.render.events import render_events

PROMPT = ("Rain over a fishing village at night; a dog barks, footsteps on the pier, "
          "then a bell rings and the rain stops")


def rendered_project(folder: Path, seconds: float = 20.0, seed: int = 3) -> Project:
    plan = get_planner("offline").plan(PlanRequest(PROMPT, seconds, seed))
    story = story_from_plan(plan, PROMPT, seed=seed)
    project = Project.create(folder / "village", story)
    report = render_events(project, project.stale_events())
    assert not report.failed, report.failed
    project.save()
    return project
