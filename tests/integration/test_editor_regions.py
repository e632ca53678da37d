"""Regions, extensions and variations in the editor, offscreen, driven with the mouse and
the keyboard as a user drives them: the real window, the render lane, the take files."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from app import style
from app.timeline.region_selection import RegionMarksOverlay
from engine.generation.procedural import ProceduralGenerator
from engine.project.folder import Project
from engine.render.events import render_events
from tests.conftest import make_story
from tests.support.editor import close_without_prompt, open_window

pytestmark = pytest.mark.gui
SR = 48_000
WAIT_MS = 60_000


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.create(tmp_path / "harbour", make_story(10.0))
    render_events(project, project.story.events, generator_for=lambda name: ProceduralGenerator())
    project.save()
    window = open_window(qtbot, tmp_path, project.folder)
    window.actions.snapping.setChecked(False)
    yield window
    close_without_prompt(window)


def at(window, event_id: str, seconds: float, edge: str | None = None) -> QPoint:
    """The view position `seconds` into a clip (or just inside one of its edges)."""
    scene = window.timeline.scene
    event = window.document.story.event(event_id)
    x = scene.scale.x(event.start + seconds * SR)
    if edge == "right":
        x = scene.scale.x(event.end) - 2
    y = scene.lane_of(event.track_id) * style.LANE_HEIGHT + style.LANE_HEIGHT / 2
    return window.timeline.view.mapFromScene(QPointF(x, y))


def drag(window, start: QPoint, end: QPoint, modifiers) -> None:
    viewport = window.timeline.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, end)


def wait_for_new_take(qtbot, window, event_id: str, count: int) -> None:
    qtbot.waitUntil(lambda: len(window.document.story.event(event_id).takes) == count,
                    timeout=WAIT_MS)


def test_a_razor_selection_regenerates_only_that_stretch_and_undo_brings_back_the_take(
        qtbot, window):
    tools = window.regions
    assert tools.regenerate_region.shortcut().toString() == "Alt+R"
    base = window.document.story.event("e1").active_take()
    drag(window, at(window, "e1", 2.0), at(window, "e1", 4.0),
         Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    event_id, start_s, end_s = tools.selection.clip_range_s()
    pixel_s = window.timeline.scale.samples(1) / SR
    assert event_id == "e1" and abs(start_s - 2.0) <= 2 * pixel_s and abs(end_s - 4.0) <= 2 * pixel_s
    assert window.document.story.event("e1").start == 0  # the clip did not move
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    wait_for_new_take(qtbot, window, "e1", 2)
    event = window.document.story.event("e1")
    composite = event.active_take()
    assert composite.base_take_id == base.id and window.document.undo_stack.undoText() == \
        "Regenerate region"
    before, _ = window.document.project.read_take(base)
    after, _ = window.document.project.read_take(composite)
    changed = np.flatnonzero(np.any(before != after, axis=0))
    fade = int(0.05 * SR)
    assert changed.min() >= int(start_s * SR) - fade and changed.max() < int(end_s * SR) + fade
    marks = [item for item in window.timeline.scene.item("e1").childItems()
             if isinstance(item, RegionMarksOverlay)]
    assert len(marks) == 1 and len(marks[0].bands) == 1  # the clip shows its region
    window.actions.undo.trigger()
    assert window.document.story.event("e1").active_take_id == base.id
    assert not [item for item in window.timeline.scene.item("e1").childItems()
                if isinstance(item, RegionMarksOverlay) and item.scene() is not None]
    window.actions.redo.trigger()
    assert window.document.story.event("e1").active_take_id == composite.id


def test_alt_dragging_an_edge_past_the_take_extends_the_clip(qtbot, window):
    event = window.document.story.event("e3")  # 4-7 s; nothing after it on its track
    base = event.active_take()
    right = at(window, "e3", 0.0, edge="right")
    one_second = round(window.timeline.scale.x(SR))
    drag(window, right, right + QPoint(one_second, 0), Qt.KeyboardModifier.AltModifier)
    wait_for_new_take(qtbot, window, "e3", 2)
    event = window.document.story.event("e3")
    composite = event.active_take()
    assert abs(event.duration - 4 * SR) <= window.timeline.scale.samples(3)
    assert composite.frames - base.frames == event.duration - 3 * SR
    before, _ = window.document.project.read_take(base)
    after, _ = window.document.project.read_take(composite)
    assert np.array_equal(after[:, :before.shape[1] - int(0.05 * SR)],
                          before[:, :-int(0.05 * SR)])
    assert window.document.undo_stack.undoText() == "Extend clip"
    window.actions.undo.trigger()
    event = window.document.story.event("e3")
    assert (event.active_take_id, event.duration) == (base.id, 3 * SR)


def test_the_variation_slider_makes_a_close_variation(qtbot, window):
    window.timeline.scene.select_events(["e2"])
    box = window.regions.variation
    assert box.button.isEnabled()
    box.slider.setValue(20)
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    wait_for_new_take(qtbot, window, "e2", 2)
    take = window.document.story.event("e2").active_take()
    (region,) = take.regions
    assert region.kind == "variation" and region.parameters["similarity"] == pytest.approx(0.8)
    window.timeline.scene.select_events([])
    assert not box.button.isEnabled()
