"""The repaint invariant: after every interaction, what the timeline shows on screen equals
a full redraw of it. The screen image is the window's backing store (what the user sees),
so a region Qt forgot to repaint shows up as stale pixels."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app import style
from tests.support.editor import (
    SR,
    WAIT_MS,
    assert_no_stale_drawing,
    build_project,
    close_without_prompt,
    mouse_drag,
    open_window,
    settle,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"), size=(1600, 1000))
    yield window
    close_without_prompt(window)


def check(qtbot, window, tmp_path, name):
    assert_no_stale_drawing(qtbot, window, name, tmp_path)


def clip_point(window, event_id: str, x_fraction: float = 0.5) -> QPoint:
    item = window.timeline.scene.item(event_id)
    rect = item.boundingRect()
    local = QPointF(rect.left() + rect.width() * x_fraction, rect.center().y())
    return window.timeline.view.mapFromScene(item.mapToScene(local))


def drag(viewport, start: QPoint, end: QPoint, steps: int = 4, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, start)
    for step in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * step / steps)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, end)


def test_initial_view_repaint(qtbot, window, tmp_path):
    check(qtbot, window, tmp_path, "initial")


def test_drag_repaint(qtbot, window, tmp_path):
    viewport = window.timeline.view.viewport()
    start = clip_point(window, "e3")
    drag(viewport, start, start + QPoint(140, 72))
    assert window.document.story.event("e3").track_id == "effects-2"
    check(qtbot, window, tmp_path, "drag")


def test_trim_repaint(qtbot, window, tmp_path):
    viewport = window.timeline.view.viewport()
    item = window.timeline.scene.item("e6")
    edge = window.timeline.view.mapFromScene(item.mapToScene(
        QPointF(item.boundingRect().right() - 2, item.boundingRect().center().y())))
    before = window.document.story.event("e6").duration
    drag(viewport, edge, edge - QPoint(90, 0))
    assert window.document.story.event("e6").duration < before
    check(qtbot, window, tmp_path, "trim")


def test_rubber_band_repaint(qtbot, window, tmp_path):
    viewport = window.timeline.view.viewport()
    drag(viewport, QPoint(5, 80), QPoint(400, 200), steps=8)
    assert window.timeline.scene.selected_event_ids()
    check(qtbot, window, tmp_path, "rubber-band")


@pytest.mark.parametrize("zoom", ["in", "fit", "out"])
def test_zoom_repaint(qtbot, window, tmp_path, zoom):
    view = window.timeline.view
    view.zoom_in()
    settle(qtbot, window)
    {"in": view.zoom_in, "fit": view.zoom_to_fit, "out": view.zoom_out}[zoom]()
    check(qtbot, window, tmp_path, f"zoom-{zoom}")


def test_zoom_keys_repaint_long_clips(qtbot, window, tmp_path):
    QTest.keyClick(window.timeline.view, Qt.Key.Key_Plus)
    settle(qtbot, window)
    QTest.keyClick(window.timeline.view, Qt.Key.Key_F)
    check(qtbot, window, tmp_path, "zoom-keys")


def test_scroll_repaint(qtbot, window, tmp_path):
    view = window.timeline.view
    for _ in range(3):
        view.zoom_in()
    settle(qtbot, window)
    bar = view.horizontalScrollBar()
    for value in (bar.maximum() // 3, bar.maximum() // 2, 17):
        bar.setValue(value)
        QApplication.processEvents()
    check(qtbot, window, tmp_path, "scroll")


def test_resize_repaint(qtbot, window, tmp_path):
    window.resize(1100, 720)
    settle(qtbot, window)
    window.resize(1500, 950)
    check(qtbot, window, tmp_path, "resize")


def test_new_story_repaint(qtbot, window, tmp_path):
    window.timeline.ruler.set_loop((48_000, 96_000))
    window.new_story()
    assert window.document.story.events == []
    check(qtbot, window, tmp_path, "new-story")


def test_plan_repaint(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, size=(1600, 1000))
    window.story_panel.prompt.setPlainText("Rain on a tin roof; a dog barks, then thunder.")
    window.story_panel.duration.setValue(30.0)
    qtbot.mouseClick(window.story_panel.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.document.story.events), timeout=WAIT_MS)
    check(qtbot, window, tmp_path, "plan")
    close_without_prompt(window)


def test_loop_region_repaint(qtbot, window, tmp_path):
    ruler = window.timeline.ruler
    y = ruler.height() - 6
    drag(ruler, QPoint(100, y), QPoint(300, y), modifier=Qt.KeyboardModifier.ShiftModifier)
    assert window.timeline.scene.loop is not None
    check(qtbot, window, tmp_path, "loop")


def test_fade_handle_repaint(qtbot, window, tmp_path):
    item = window.timeline.scene.item("e6")
    view = window.timeline.view
    QTest.mouseMove(view.viewport(), view.mapFromScene(item.mapToScene(
        item.boundingRect().center())))
    start = view.mapFromScene(item.mapToScene(QPointF(3, item.wave_top() + 3)))
    drag(view.viewport(), start, start + QPoint(60, 0))
    assert window.document.story.event("e6").fade_in_s > 0
    check(qtbot, window, tmp_path, "fade")


def test_scene_boundary_repaint(qtbot, window, tmp_path):
    ruler = window.timeline.ruler
    y = style.SCENE_BAND_HEIGHT // 2
    x = int(ruler.widget_x(10 * SR))
    mouse_drag(ruler, QPoint(x, y), QPoint(x + 80, y))
    assert window.document.story.scenes[0].end > 10 * SR
    check(qtbot, window, tmp_path, "scene-boundary")


def test_track_layout_repaint(qtbot, window, tmp_path):
    window.actions.taller.trigger()
    settle(qtbot, window)
    header = window.timeline.headers.row("effects-1")
    qtbot.mouseClick(header.collapse, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.timeline.headers.row("effects-2").mute, Qt.MouseButton.LeftButton)
    check(qtbot, window, tmp_path, "tracks")


def test_undo_repaint(qtbot, window, tmp_path):
    viewport = window.timeline.view.viewport()
    start = clip_point(window, "e4")
    drag(viewport, start, start + QPoint(200, -72))
    window.actions.undo.trigger()
    check(qtbot, window, tmp_path, "undo")
