"""The window's layout and panels: collapsible side panels, the timeline's share of a small
window, the first-start hint, the inspector with nothing, one or several clips selected."""
from __future__ import annotations

import numpy as np
import pytest

from app import style
from app.document.edits import ReplaceTimeline
from tests.support.editor import (
    build_project,
    close_without_prompt,
    open_window,
    scene_story,
    settle,
)

pytestmark = pytest.mark.gui


def test_side_panels_hide_and_come_back_from_the_window_menu(qtbot, window):
    actions = {a.text(): a for a in window.docks_menu.actions()}
    story, inspector = actions["Story Panel"], actions["Inspector Panel"]
    assert story.isEnabled() and inspector.isEnabled()
    assert inspector.shortcut().toString() == "Ctrl+Alt+I"
    width = window.timeline.width()
    inspector.trigger()
    assert not window.inspector_dock.isVisible()
    qtbot.waitUntil(lambda: window.timeline.width() > width + 150, timeout=5000)
    story.trigger()
    assert not window.story_dock.isVisible()
    inspector.trigger()
    story.trigger()
    assert window.inspector_dock.isVisible() and window.story_dock.isVisible()


def test_a_1024_pixel_window_keeps_most_of_its_width_for_the_timeline(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"), size=(1024, 700))
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=5000)
    qtbot.waitUntil(lambda: window.timeline.width() >= 0.6 * 1024, timeout=5000)
    assert window.inspector_dock.isVisible() and window.story_dock.isVisible()
    close_without_prompt(window)


def test_the_empty_timeline_shows_a_first_start_hint(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    viewport = window.timeline.view.viewport()

    def hint_pixels() -> int:
        """Pixels in the hint's colour (clips, lanes and grid use other colours)."""
        image = viewport.grab().toImage()
        bits = np.frombuffer(image.constBits(), np.uint8).reshape(-1, 4)[:, :3]
        colour = style.TEXT_DIM
        return int(np.all(bits == (colour.blue(), colour.green(), colour.red()), axis=1).sum())

    assert hint_pixels() > 50
    document = window.document
    document.undo_stack.push(ReplaceTimeline(document, scene_story(), "Apply plan",
                                             fields=("prompt", "title", "duration")))
    settle(qtbot, window)
    assert hint_pixels() == 0  # a story on the timeline: no hint
    window.actions.undo.trigger()
    assert hint_pixels() > 50
    close_without_prompt(window)


def test_the_inspector_with_nothing_one_and_several_clips(qtbot, window):
    inspector = window.inspector
    assert inspector.title.text() == "No clip selected"
    assert not inspector.fields.isVisible() and not inspector.regenerate.isVisible()
    window.timeline.scene.select_events(["e3"])
    assert inspector.title.text() == "e3 · Effects 1 · Night storm"
    assert inspector.caption.toPlainText() == "waves crashing on the pier"
    assert inspector.regenerate.isVisible() and inspector.caption.isVisible()
    window.timeline.scene.select_events(["e3", "e4"])  # -3 dB and 0 dB
    assert inspector.title.text() == "2 clips selected"
    assert not inspector.caption.isVisible() and not inspector.takes.isVisible()
    assert inspector.gain.suffix().endswith("(mixed)")
    assert inspector.regenerate.text() == "Regenerate 2"
    inspector.gain.setValue(-6.0)
    story = window.document.story
    assert story.event("e3").gain_db == story.event("e4").gain_db == -6.0
    assert window.document.undo_stack.undoText() == "Change gain of 2 clips"
    window.actions.undo.trigger()
    assert (story.event("e3").gain_db, story.event("e4").gain_db) == (-3.0, 0.0)
    window.timeline.scene.select_events([])
    assert not inspector.fields.isVisible()


def test_the_screenshot_waits_for_every_waveform(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.screenshot import settle as settle_for_picture
    from app.settings import AppSettings

    window = MainWindow(AppSettings(tmp_path / "settings.ini"), build_project(tmp_path / "s"),
                        scratch=tmp_path / "scratch", recover=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()  # no waiting here: the picture's own settle must do it
    settle_for_picture(QApplication.instance(), window)
    project = window.document.project
    paths = [project.take_path(e.active_take()) for e in window.document.story.events]
    assert all(window.peaks.get(path) is not None for path in paths)
    close_without_prompt(window)


def test_a_clip_with_many_settings_scrolls_in_the_inspector_instead_of_growing_the_window(
        qtbot, tmp_path):
    """The procedural engine's dozen settings under a clip's fields are taller than a laptop
    screen: the window keeps its size and the inspector scrolls, none of its fields cut."""
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"), size=(1024, 640))
    window.timeline.scene.select_events([window.document.story.events[0].id])
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.inspector.generator_settings.isVisible(), timeout=5000)
    settle(qtbot, window)
    assert window.height() == 640
    area = window.inspector_dock.widget()
    assert area.verticalScrollBar().maximum() > 0  # it scrolls
    assert window.inspector.width() <= area.viewport().width()  # nothing cut at the side
    assert window.inspector.width() >= window.inspector.minimumSizeHint().width()
    close_without_prompt(window)
