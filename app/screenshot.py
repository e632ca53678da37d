"""A picture of the editor with a rendered demo story (for docs and visual checks)."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from engine.planning import PlanRequest, get_planner, story_from_plan
from engine.project.folder import Project
from engine.render.events import render_events

DEMO_PROMPT = ("A storm gathers over a fishing village at night; thunder rolls as a boat "
               "returns to the harbour, its crew cheering as the rain stops and morning birds "
               "sing.")


def build_demo_project(folder: Path, prompt: str = DEMO_PROMPT, duration_s: float = 60.0) -> Project:
    plan = get_planner("offline").plan(PlanRequest(prompt, duration_s, 1))
    project = Project.create(folder, story_from_plan(plan, prompt, seed=1))
    render_events(project, project.story.events)
    project.save()
    return project


def take_screenshot(output: Path, size: tuple[int, int], scale: float = 1.0,
                    prompt: str | None = None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(scale)

    from app.application import make_application
    from app.main_window import MainWindow
    from app.settings import AppSettings

    app = make_application()
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        project = build_demo_project(temp / "demo", prompt or DEMO_PROMPT)
        window = MainWindow(AppSettings(temp / "settings.ini"), project.folder,
                            scratch=temp / "scratch", recover=False)
        window.resize(*size)
        window.show()
        effects = [e for e in project.story.events if e.track_id.startswith("effects")]
        settle(app, window)
        window.timeline.view.zoom_to_fit()
        if effects:
            window.timeline.scene.select_events([effects[min(1, len(effects) - 1)].id])
        window.playback.seek(project.story.duration // 3)
        settle(app, window)
        window.grab().save(str(output))
        window.projects.document.undo_stack.setClean()
        window.close()


def settle(app, window, timeout_s: float = 30.0) -> None:
    """Let queued work (layout, waveform peaks) finish so the picture shows the final state:
    every take on the timeline has its peaks loaded (or is known to be unreadable)."""
    document = window.document
    paths = [document.project.take_path(e.active_take()) for e in document.story.events
             if e.active_take() is not None]
    for path in paths:
        window.peaks.get(path)  # start loading every take's peaks, shown or not
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        window.quick_pool.wait(20)
        app.processEvents()
        if window.peaks.idle() and all(window.peaks.known(path) for path in paths):
            break
    app.processEvents()
