"""Renders in worker processes from the editor: both cores work, the GUI process only
applies the takes, and the takes are those of rendering in the window's own process."""
from __future__ import annotations

import numpy as np
import pytest

from app.settings import AppSettings
from tests.support.editor import WAIT_MS, build_project, close_without_prompt

pytestmark = pytest.mark.gui


def test_render_all_in_worker_processes_gives_the_takes_of_the_serial_path(qtbot, tmp_path):
    from app.main_window import MainWindow
    from engine.generation import get_generator
    from engine.render.context import render_request

    settings = AppSettings(tmp_path / "settings.ini")
    settings.render_processes = 2
    window = MainWindow(settings, build_project(tmp_path / "story", rendered=False),
                        scratch=tmp_path / "scratch")
    qtbot.addWidget(window)
    try:
        assert window.processes is not None and window.processes.workers == 2
        story = window.document.story
        busy = []
        window.engine.busyChanged.connect(busy.append)
        window.engine.render([e.id for e in story.events])
        assert window.processes.busy()  # the renders went to the workers
        qtbot.waitUntil(lambda: all(e.active_take() is not None for e in story.events),
                        timeout=WAIT_MS)
        qtbot.waitUntil(lambda: busy[-1:] == [False], timeout=WAIT_MS)
        for event in story.events:
            pooled, _ = window.document.project.read_take(event.active_take())
            here = get_generator(event.generator).render(render_request(story, event))
            assert np.array_equal(pooled, here.audio), event.id
    finally:
        close_without_prompt(window)
