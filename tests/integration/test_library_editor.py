"""The Library panel in the real editor, offscreen: search, results with their details,
audition, a drag onto a track (a new clip), a drop onto a clip (its take replaced by the
recording), and the library's folders in Preferences."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.document.story_document import ClipState
from app.main_window import MainWindow
from app.settings import AppSettings
from engine.library import LibraryIndex, normalise_folder, scan_folders
from engine.project.folder import Project
from tests.conftest import make_story
from tests.support.library import make_library

pytestmark = pytest.mark.gui
WAIT_MS = 60_000


@pytest.fixture
def library(tmp_path, monkeypatch):
    root = tmp_path / "sfx"
    files = make_library(root, with_m4a=False)
    monkeypatch.setenv("AUDIOSTORY_LIBRARY", str(tmp_path / "library.sqlite"))
    with LibraryIndex() as index:
        index.add_folder(normalise_folder(root))
        scan_folders(index)
    return root, files


@pytest.fixture
def window(qtbot, tmp_path, library):
    project = Project.create(tmp_path / "harbour", make_story())  # two tracks, three clips
    window = MainWindow(AppSettings(tmp_path / "settings.ini"), project.folder,
                        scratch=tmp_path / "scratch", recover=False,
                        ask=lambda title, text, options: options[-1])
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.projects.document.undo_stack.setClean()
    window.close()


def search(qtbot, window, query: str) -> list[str]:
    panel = window.library_panel
    window.left_tabs.setCurrentWidget(panel)
    panel.search_box.setText(query)
    qtbot.waitUntil(lambda: panel.status.text().endswith(f"for “{query}”"), timeout=WAIT_MS)
    return panel.result_paths()


def drag_to(window, mime, point: QPoint) -> None:
    viewport = window.timeline.view.viewport()
    actions = Qt.DropAction.CopyAction
    for event in (QDragEnterEvent(point, actions, mime, Qt.MouseButton.LeftButton,
                                  Qt.KeyboardModifier.NoModifier),
                  QDragMoveEvent(point, actions, mime, Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier),
                  QDropEvent(QPointF(point), actions, mime, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier)):
        QApplication.sendEvent(viewport, event)


def test_search_shows_results_with_duration_category_and_waveform(qtbot, window, library):
    _, files = library
    paths = search(qtbot, window, "a dog barking")
    assert Path(paths[0]).name.startswith("ANMLDog_Bark Close Aggressive")
    panel = window.library_panel
    result = panel.results.item(0).data(Qt.ItemDataRole.UserRole)
    assert result.duration_s == pytest.approx(2.0) and result.category_label == "ANIMALS / DOG"
    assert len(result.overview) == 96 and max(result.overview) > 100
    assert "20 results" not in panel.status.text() and "results for" in panel.status.text()
    image = panel.results.grab().toImage()  # the delegate paints name, details, waveform
    assert image.width() > 0
    panel.search_box.setText("zzzz qqqq")
    qtbot.waitUntil(lambda: "results for" in panel.status.text() or
                    "Nothing found" in panel.status.text(), timeout=WAIT_MS)


def test_a_click_auditions_the_recording(qtbot, window, library):
    search(qtbot, window, "thunder")
    panel = window.library_panel
    item = panel.results.item(0)
    rect = panel.results.visualItemRect(item)
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if panel._player.available:
        with qtbot.waitSignal(panel.auditionStarted, timeout=WAIT_MS) as started:
            pass
        assert started.args[0] == item.data(Qt.ItemDataRole.UserRole).path
        assert panel._player.state == "playing"
    else:  # no audio device here: the panel says why instead of failing silently
        assert panel.status.text().startswith("Cannot audition:")


def test_dragging_a_result_onto_a_track_makes_a_clip_and_onto_a_clip_replaces_its_take(
        qtbot, window, library):
    _, files = library
    document = window.document
    rate = document.story.sample_rate
    search(qtbot, window, "someone knocks on a door")
    panel = window.library_panel
    mime = panel.results.mimeData([panel.results.item(0)])
    assert [u.toLocalFile() for u in mime.urls()] == [str(files["knock"])]
    scene = window.timeline.scene
    lane_y = (scene.lane_of("effects-1") + 0.5) * (scene.height() / scene.lane_count())
    point = window.timeline.view.mapFromScene(QPointF(scene.scale.x(8 * rate), lane_y))
    drag_to(window, mime, point)  # an empty stretch of the effects track
    qtbot.waitUntil(lambda: len(document.story.events) == 4, timeout=WAIT_MS)
    added = document.story.events[-1]
    assert added.track_id == "effects-1" and added.active_take() is not None
    assert added.caption.startswith("DOORWood")

    search(qtbot, window, "heavy rain on a roof")
    rain = panel.results.mimeData([panel.results.item(0)])
    item = scene.item("e1")  # the waves bed: its take becomes the rain recording
    centre = window.timeline.view.mapFromScene(item.mapToScene(item.boundingRect().center()))
    drag_to(window, rain, centre)
    qtbot.waitUntil(lambda: document.story.event("e1").generator == "library", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: document.state("e1") == ClipState.RENDERED, timeout=WAIT_MS)
    story_event = document.story.event("e1")
    assert story_event.generator_settings == {"file": str(files["rain"])}
    take = story_event.active_take()
    assert take.layers[0].name == files["rain"].name and take.layers[0].kind == "recording"
    assert take.layers[0].parameters["looped"]  # 3 s of rain under a 10 s bed
    assert len(document.story.events) == 4  # replaced, not added
    stack = document.undo_stack
    switch = [stack.text(n) for n in range(stack.count())].index(f"Use {files['rain'].name}")
    stack.setIndex(switch)  # undo back to before the drop: the clip is what it was
    assert document.story.event("e1").generator == "procedural"
    assert document.story.event("e1").generator_settings == {}


def test_preferences_list_the_library_folders_and_a_change_rescans(qtbot, window, library,
                                                                    tmp_path):
    import soundfile as sf

    from app.dialogs.preferences import PreferencesDialog
    from tests.support.library import bark

    root, _ = library
    dialog = PreferencesDialog(window.settings, window)
    assert dialog.library_folders.paths() == [normalise_folder(root)]
    more = tmp_path / "more"
    more.mkdir()
    sf.write(more / "ANMLCat_Meow Hungry_TST_Home.wav", bark(48_000, 4, pitch_hz=700), 48_000)
    dialog.library_folders.add_folder(str(more))
    dialog.accept()
    assert dialog.library_changed
    window.library_panel.rescan()
    qtbot.waitUntil(lambda: window.library_panel.status.text().startswith("Library:"),
                    timeout=WAIT_MS)
    with LibraryIndex() as index:
        assert sorted(index.folder_paths()) == sorted([normalise_folder(root),
                                                       normalise_folder(more)])
    paths = search(qtbot, window, "a hungry cat meowing")
    assert Path(paths[0]).name == "ANMLCat_Meow Hungry_TST_Home.wav"
