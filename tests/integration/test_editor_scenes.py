"""Scenes on the timeline: titled regions on the ruler, select a scene's clips, regenerate a
scene in context, drag a boundary to retime it, the Scenes tab."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app import style
from app.document.story_document import ClipState
from tests.support.editor import (
    SR,
    WAIT_MS,
    build_project,
    close_without_prompt,
    differing_pixels,
    mouse_drag,
    open_window,
    screen_image,
)

pytestmark = pytest.mark.gui


def band_point(window, samples: int) -> QPoint:
    ruler = window.timeline.ruler
    return QPoint(int(round(ruler.widget_x(samples))), style.SCENE_BAND_HEIGHT // 2)


def test_the_ruler_shows_each_scene_with_its_title(qtbot, window):
    ruler = window.timeline.ruler
    image = ruler.grab().toImage()
    story = window.document.story
    for index, scene in enumerate(story.scenes):
        x = int(ruler.widget_x(scene.end)) - 6  # inside the block, right of its title
        assert image.pixelColor(x, 3).rgb() == style.SCENE_BANDS[index].rgb()
        assert ruler.scene_at(ruler.widget_x((scene.start + scene.end) // 2)) == scene.id
    title_row = [image.pixelColor(x, style.SCENE_BAND_HEIGHT // 2).rgb()
                 for x in range(int(ruler.widget_x(0)) + 4, int(ruler.widget_x(0)) + 60)]
    assert len(set(title_row)) > 3  # "Night storm" is written there


def test_clicking_a_scene_selects_its_clips(qtbot, window):
    ruler = window.timeline.ruler
    QTest.mouseClick(ruler, Qt.MouseButton.LeftButton, pos=band_point(window, 3 * SR))
    assert sorted(window.selected()) == ["e1", "e2", "e3", "e4"]
    assert ruler.selected_scene == "s1"
    assert window.inspector.title.text() == "4 clips selected"
    QTest.mouseClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     band_point(window, 15 * SR))
    assert len(window.selected()) == 7


def test_regenerate_scene_renders_new_takes_for_that_scene_only(qtbot, window):
    document = window.document
    QTest.mouseClick(window.timeline.ruler, Qt.MouseButton.LeftButton,
                     pos=band_point(window, 3 * SR))
    window.actions.regenerate_scene.trigger()
    night = ["e1", "e2", "e3", "e4"]
    assert {document.state(i) for i in night} <= {ClipState.QUEUED, ClipState.RENDERING}
    qtbot.waitUntil(lambda: all(len(document.story.event(i).takes) == 2 for i in night),
                    timeout=WAIT_MS)
    assert all(document.state(i) == ClipState.RENDERED for i in night)
    assert all(len(document.story.event(i).takes) == 1 for i in ("e5", "e6", "e7"))


def test_dragging_a_scene_boundary_retimes_its_clips(qtbot, window):
    story = window.document.story
    before = {e.id: (e.start, e.duration) for e in story.events}
    ruler = window.timeline.ruler
    boundary = band_point(window, 10 * SR)
    target = band_point(window, 12 * SR)
    mouse_drag(ruler, boundary, target)
    night, dawn = window.document.story.scenes
    moved_to = night.end
    assert abs(moved_to - 12 * SR) <= window.timeline.scale.samples(1)
    assert dawn.start == moved_to and dawn.end == 20 * SR
    story = window.document.story
    assert story.event("e1").start == 0 and story.event("e1").end == moved_to  # bed stretched
    assert story.event("e5").start == moved_to and story.event("e5").end == 20 * SR
    ratio = moved_to / (10 * SR)
    assert abs(story.event("e3").start - 4 * SR * ratio) <= 1  # moved in proportion
    assert story.event("e3").duration == before["e3"][1]  # the waves keep their length
    assert window.document.undo_stack.undoText() == "Move scene boundary"
    window.actions.undo.trigger()
    assert {e.id: (e.start, e.duration) for e in window.document.story.events} == before
    assert window.document.story.scenes[0].end == 10 * SR


def test_the_scenes_tab_lists_scenes_with_their_clips_and_paints_them(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"))
    window.open_project(str(build_project(tmp_path / "other")))  # as Open Recent does
    tab = window.scene_list
    window.left_tabs.setCurrentWidget(tab)
    qtbot.waitExposed(tab)
    qtbot.wait(200)
    assert tab.scene_ids() == ["s1", "s2"]
    assert tab.clip_ids("s1") == ["e1", "e2", "e4", "e3"]  # story order
    assert tab.clip_ids("s2") == ["e5", "e6", "e7"]
    shown = screen_image(tab.viewport())
    pixels = np.frombuffer(shown.constBits(), np.uint8).reshape(shown.height(), -1)
    assert len(np.unique(pixels)) > 8  # rows are on screen: text, not a blank list
    tab.viewport().repaint()
    assert differing_pixels(shown, screen_image(tab.viewport()))[0] == 0
    close_without_prompt(window)


def test_scenes_tab_selects_a_scene_and_reorders_clips(qtbot, window):
    tab = window.scene_list
    window.left_tabs.setCurrentWidget(tab)
    qtbot.waitExposed(tab)
    scene_row = tab.topLevelItem(1)
    QTest.mouseClick(tab.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.visualItemRect(scene_row).center())
    assert sorted(window.selected()) == ["e5", "e6", "e7"]
    order = tab.clip_ids()
    starts = sorted(window.document.story.event(i).start for i in order)
    new_order = order[1:] + order[:1]
    tab.apply_order(new_order)
    story = window.document.story
    assert [story.event(i).start for i in new_order] == starts
    assert story.event(order[0]).scene_id == "s2"  # it moved to the end: into "Dawn"
    window.actions.undo.trigger()
    assert window.document.story.event(order[0]).start == starts[0]


def test_renaming_a_scene_is_undoable(qtbot, window):
    window.rename_scene("s2", "Morning calm")
    assert window.document.story.scene("s2").title == "Morning calm"
    window.actions.undo.trigger()
    assert window.document.story.scene("s2").title == "Dawn"


def test_the_scenes_tab_follows_edits(qtbot, window):
    from app.document.edits import SetEventFields

    tab = window.scene_list
    window.left_tabs.setCurrentWidget(tab)
    qtbot.waitExposed(tab)
    document = window.document
    document.undo_stack.push(SetEventFields(document, {"e2": {"caption": "distant thunder"}},
                                            "Change caption"))
    row = tab.topLevelItem(0).child(tab.clip_ids("s1").index("e2"))
    assert row.text(0).endswith("distant thunder")  # at once, in place
    document.undo_stack.push(SetEventFields(document, {"e2": {"start": 5 * SR}}, "Move clip"))
    qtbot.waitUntil(lambda: tab.clip_ids("s1") == ["e1", "e4", "e3", "e2"], timeout=5000)
