"""Tracks from their headers: rename, add, delete, reorder, colour, height and fit-all,
collapse, pan; muted tracks dim their clips."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from app.timeline.clip_item import DIM_OPACITY
from app.timeline.lanes import COLLAPSED_LANE_PX, DEFAULT_LANE_PX
from engine.model.story import TrackKind

pytestmark = pytest.mark.gui


def lane_ids(window) -> list[str]:
    return list(window.timeline.scene.lanes.track_ids)


def test_rename_a_track_by_double_clicking_its_name(qtbot, window):
    header = window.timeline.headers.row("effects-1")
    QTest.mouseDClick(header.name, Qt.MouseButton.LeftButton)
    assert header.name_edit.isVisible()
    header.name_edit.setText("Foley")
    QTest.keyClick(header.name_edit, Qt.Key.Key_Return)
    assert window.document.story.track("effects-1").name == "Foley"
    assert header.name.text() == "Foley"
    window.actions.undo.trigger()
    assert header.name.text() == "Effects 1"


def test_add_delete_and_reorder_tracks(qtbot, window):
    headers = window.timeline.headers
    new_id = headers.add_track(TrackKind.MUSIC, after="ambience-1")
    assert lane_ids(window) == ["ambience-1", new_id, "effects-1", "effects-2"]
    assert [row.track_id for row in headers.rows()] == lane_ids(window)
    assert window.document.story.track(new_id).name == "Music 1"
    # the clips below moved down a lane with their tracks
    item = window.timeline.scene.item("e2")
    assert item.pos().y() >= 2 * DEFAULT_LANE_PX
    headers.move_track("effects-2", -1)
    assert lane_ids(window) == ["ambience-1", new_id, "effects-2", "effects-1"]
    headers.delete_track("effects-1")
    story = window.document.story
    assert "effects-1" not in [t.id for t in story.tracks]
    assert not any(e.track_id == "effects-1" for e in story.events)
    assert not window.timeline.scene.has_item("e2")
    window.actions.undo.trigger()  # the track and its clips, takes and all, come back
    story = window.document.story
    assert story.event("e2").track_id == "effects-1" and story.event("e2").active_take_id == "t1"
    assert window.timeline.scene.has_item("e2")
    for _ in range(2):
        window.actions.undo.trigger()
    assert lane_ids(window) == ["ambience-1", "effects-1", "effects-2"]


def test_the_header_menu_offers_the_track_operations(qtbot, window):
    menu = window.timeline.headers.build_menu("effects-1")
    texts = [action.text() for action in menu.actions() if action.text()]
    assert texts[:5] == ["Rename…", "Colour…", "Duck under speech", "Collapse", "Move up"]
    assert "Delete track and its 3 clips" in texts


def test_a_track_colour_recolours_its_header_and_clips(qtbot, window):
    headers = window.timeline.headers
    headers.row("effects-2").set_colour("#c04080")
    assert window.document.story.track("effects-2").color == "#c04080"
    assert window.timeline.scene.item("e4").colour == QColor("#c04080")
    header = headers.row("effects-2")
    assert header.grab().toImage().pixelColor(1, header.height() // 2) == QColor("#c04080")
    window.actions.undo.trigger()
    assert window.timeline.scene.item("e4").colour != QColor("#c04080")


def test_track_height_fit_all_and_collapse(qtbot, window):
    scene, view = window.timeline.scene, window.timeline.view
    height = scene.track_height
    window.actions.taller.trigger()
    assert scene.track_height == round(height * 1.25)
    window.actions.shorter.trigger()
    assert abs(scene.track_height - height) <= 1
    window.actions.fit_tracks.trigger()
    assert scene.lanes.total_height <= view.viewport().height()
    assert scene.lanes.total_height >= view.viewport().height() - 3 * 2 - 3
    fitted = scene.track_height
    header = window.timeline.headers.row("effects-1")
    qtbot.mouseClick(header.collapse, Qt.MouseButton.LeftButton)
    lane = scene.lane_of("effects-1")
    assert scene.lanes.height(lane) == COLLAPSED_LANE_PX
    assert header.height() == COLLAPSED_LANE_PX and not header.controls.isVisible()
    assert window.timeline.scene.item("e2").rect().height() < COLLAPSED_LANE_PX
    below = window.timeline.headers.row("effects-2")
    assert below.y() == scene.lanes.top(lane + 1) - view.scroll_y()
    qtbot.mouseClick(header.collapse, Qt.MouseButton.LeftButton)
    assert scene.lanes.height(lane) == fitted


def test_pan_from_the_header_is_one_undoable_edit(qtbot, window):
    header = window.timeline.headers.row("effects-1")
    header.pan.setFocus()
    for _ in range(3):
        QTest.keyClick(header.pan, Qt.Key.Key_Right)
    pan = window.document.story.track("effects-1").pan
    assert pan == pytest.approx(3 * header.pan.singleStep() / 100)
    assert header.pan.toolTip() == f"Pan: R{pan * 100:.0f}"
    window.actions.undo.trigger()
    assert window.document.story.track("effects-1").pan == pytest.approx(
        2 * header.pan.singleStep() / 100)


def test_muted_tracks_dim_their_clips(qtbot, window):
    scene = window.timeline.scene
    view = window.timeline.view
    item = scene.item("e4")
    point = view.mapFromScene(item.mapToScene(item.boundingRect().center())).y()

    def colour_at():
        image = view.viewport().grab().toImage()
        x = int(view.mapFromScene(item.mapToScene(item.boundingRect().topLeft())).x()) + 3
        return image.pixelColor(x, point - 20)

    loud = colour_at()
    header = window.timeline.headers.row("effects-2")
    qtbot.mouseClick(header.mute, Qt.MouseButton.LeftButton)
    assert window.document.story.track("effects-2").mute
    assert not scene.audible("effects-2")
    dim = colour_at()
    assert dim.lightness() < loud.lightness() * (DIM_OPACITY + 0.35)
    qtbot.mouseClick(window.timeline.headers.row("effects-1").solo, Qt.MouseButton.LeftButton)
    assert not scene.audible("ambience-1") and scene.audible("effects-1")
