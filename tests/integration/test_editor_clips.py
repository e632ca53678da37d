"""Editing clips: fade and gain handles on the waveform, split at the playhead, copy and
paste, nudge by grid or frame, slip the audio inside a clip."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from app.controllers.clip_editing import FRAME_S
from app.timeline.snapping import grid_step_samples
from engine.mix.mixer import Mixer
from tests.support.editor import (
    SR,
    add_take,
    build_project,
    close_without_prompt,
    mouse_drag,
    open_window,
    scene_story,
)

pytestmark = pytest.mark.gui


def hover(window, event_id: str) -> None:
    """Bring the mouse over a clip: its handles show."""
    item = window.timeline.scene.item(event_id)
    QTest.mouseMove(window.timeline.view.viewport(),
                    window.timeline.view.mapFromScene(item.mapToScene(item.boundingRect().center())))


def handle_point(window, event_id: str, which: str) -> QPoint:
    item = window.timeline.scene.item(event_id)
    event = window.document.story.event(event_id)
    if which == "gain":  # the strip along the top of the waveform, between the fades
        middle = (item.fade_handle_x(event, "fade_in") + item.fade_handle_x(event, "fade_out")) / 2
        local = QPointF(middle, item.wave_top() + 3)
    else:
        local = QPointF(item.fade_handle_x(event, which), item.wave_top() + 3)
    return window.timeline.view.mapFromScene(item.mapToScene(local))


def test_dragging_the_fade_in_handle_sets_the_fade(qtbot, window):
    window.actions.snapping.setChecked(False)
    hover(window, "e6")
    start = handle_point(window, "e6", "fade_in")
    assert window.timeline.scene.item("e6").handle_at(
        window.timeline.scene.item("e6").mapFromScene(
            window.timeline.view.mapToScene(start))) == "fade_in"
    mouse_drag(window.timeline.view.viewport(), start, start + QPoint(40, 0))
    fade = window.document.story.event("e6").fade_in_s
    expected = window.timeline.scale.samples(40) / SR
    assert abs(fade - expected) < 0.01
    assert window.document.story.event("e6").start == 11 * SR  # the clip did not move
    assert window.document.undo_stack.undoText() == "Fade in"
    window.actions.undo.trigger()
    assert window.document.story.event("e6").fade_in_s == 0.0


def test_dragging_the_fade_out_handle_and_the_gain_line(qtbot, window):
    hover(window, "e3")
    start = handle_point(window, "e3", "fade_out")
    mouse_drag(window.timeline.view.viewport(), start, start - QPoint(30, 0))
    event = window.document.story.event("e3")
    assert event.fade_out_s > 0.5  # it was 0.5 s
    hover(window, "e3")
    gain = handle_point(window, "e3", "gain")
    mouse_drag(window.timeline.view.viewport(), gain, gain + QPoint(0, 12))
    quieter = window.document.story.event("e3").gain_db
    assert quieter < -3.0  # it was -3 dB; pulled down: quieter
    assert window.document.undo_stack.undoText() == "Clip gain"


def test_split_at_the_playhead_plays_back_like_the_whole_clip(qtbot, window):
    project = window.document.project
    before = Mixer().mix(window.document.story, project.active_take_audio).master
    window.playback.seek(int(5.2 * SR))
    window.timeline.scene.select_events(["e3"])
    QTest.keyClick(window.timeline.view, Qt.Key.Key_S)
    story = window.document.story
    left = story.event("e3")
    right = story.events[-1]
    assert left.end == right.start == int(5.2 * SR)
    assert right.offset == left.offset + left.duration and right.caption == left.caption
    assert (left.fade_in_s, left.fade_out_s, right.fade_in_s, right.fade_out_s) == (0.2, 0, 0, 0.5)
    after = Mixer().mix(story, project.active_take_audio).master
    np.testing.assert_allclose(after, before, atol=2e-4)  # the cut is inaudible
    window.actions.undo.trigger()
    assert len(window.document.story.events) == 7
    assert window.document.story.event("e3").duration == 3 * SR


def test_copy_and_paste_at_the_playhead(qtbot, window):
    window.timeline.scene.select_events(["e2", "e4"])
    window.actions.copy.trigger()
    window.playback.seek(14 * SR)
    window.actions.paste.trigger()
    story = window.document.story
    pasted = story.events[-2:]
    assert [e.caption for e in pasted] == ["thunder rolling", "a door slams"]
    assert pasted[0].start == 14 * SR
    assert pasted[1].start - pasted[0].start == story.event("e4").start - story.event("e2").start
    assert [e.track_id for e in pasted] == ["effects-1", "effects-2"]
    assert all(e.scene_id == "s2" for e in pasted)  # they join the scene they land in
    assert pasted[0].active_take().path == story.event("e2").active_take().path
    assert sorted(window.selected()) == sorted(e.id for e in pasted)


def test_nudge_by_grid_and_by_frame(qtbot, window):
    window.timeline.scene.select_events(["e4"])
    start = window.document.story.event("e4").start
    scale = window.timeline.scale
    QTest.keyClick(window.timeline.view, Qt.Key.Key_Right)
    grid = grid_step_samples(scale.px_per_second, SR)
    assert window.document.story.event("e4").start == start + grid
    QTest.keyClick(window.timeline.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.document.story.event("e4").start == start + grid - int(round(FRAME_S * SR))
    window.timeline.scene.select_events(["e1"])  # already at 0: it cannot go earlier
    QTest.keyClick(window.timeline.view, Qt.Key.Key_Left)
    assert window.document.story.event("e1").start == 0


def test_slip_moves_the_audio_inside_the_clip(qtbot, tmp_path):
    story = scene_story()
    folder = build_project(tmp_path / "story", story, rendered=False)
    from engine.project.folder import Project

    project = Project.open(folder)
    event = project.story.event("e6")
    add_take(project, event, extra_s=2.0)  # two spare seconds after the clip's end
    project.save()
    window = open_window(qtbot, tmp_path, folder)
    window.actions.snapping.setChecked(False)
    item = window.timeline.scene.item("e6")
    centre = window.timeline.view.mapFromScene(item.mapToScene(
        QPointF(item.width / 2, item.rect().height() - 8)))
    mouse_drag(window.timeline.view.viewport(), centre, centre - QPoint(30, 0),
               modifiers=Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    slipped = window.document.story.event("e6")
    assert (slipped.start, slipped.duration) == (11 * SR, 3 * SR)  # place and length stay
    expected = window.timeline.scale.samples(30)
    assert abs(slipped.offset - expected) <= window.timeline.scale.samples(1)
    assert window.document.undo_stack.undoText() == "Slip audio"
    close_without_prompt(window)
