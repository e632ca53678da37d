"""Projects in the editor: save, reopen, Save As names and folders, autosave recovery,
closing with changes, New, export from the dialog, preferences."""
from __future__ import annotations

import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from app.document.story_document import ClipState
from app.settings import AppSettings
from engine.project.folder import AUTOSAVE_FILE, SUFFIX
from tests.support.editor import (
    WAIT_MS,
    Answers,
    build_project,
    close_without_prompt,
    open_window,
    scene_story,
)

pytestmark = pytest.mark.gui


def test_save_reopen_and_compare(qtbot, tmp_path, window):
    window.timeline.scene.select_events(["e3"])
    window.inspector.gain.setValue(-4.5)
    assert window.document.story.event("e3").gain_db == -4.5
    assert window.projects.save_as(tmp_path / "saved")
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=WAIT_MS)
    saved = window.document.story.model_dump()
    reopened = open_window(qtbot, tmp_path / "second", project=tmp_path / f"saved{SUFFIX}")
    assert reopened.document.story.model_dump() == saved
    assert all(reopened.document.state(e.id) == ClipState.RENDERED
               for e in reopened.document.story.events)
    assert str(tmp_path / f"saved{SUFFIX}") in reopened.settings.recent_projects()
    close_without_prompt(reopened)


def test_save_as_proposes_a_clean_name_in_the_last_folder(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    window.document.project.story.title = "Night storm: a boat returns…"
    documents = window.settings.start_folder()
    proposed = window.projects.proposed_path(window.document.story.title)
    assert proposed.name == f"Night storm - a boat returns{SUFFIX}"
    assert proposed.parent == documents and documents != window.projects.scratch
    assert window.projects.save_as(tmp_path / "projects" / "first")
    proposed = window.projects.proposed_path("Another story")
    assert proposed.parent == tmp_path / "projects"  # where the last one went
    close_without_prompt(window)


def test_autosave_is_recovered_after_a_crash(qtbot, tmp_path):
    first = open_window(qtbot, tmp_path)
    from app.document.edits import ReplaceTimeline

    first.document.undo_stack.push(ReplaceTimeline(first.document, scene_story(), "Apply plan",
                                                   fields=("prompt", "title", "duration")))
    first.projects.autosave()
    scratch_project = first.document.project.folder
    qtbot.waitUntil(lambda: (scratch_project / AUTOSAVE_FILE).exists(), timeout=WAIT_MS)
    planned = [e.caption for e in first.document.story.events]
    first.render_lane.shutdown()  # the "crash": the window never closes properly
    first.file_lane.shutdown()
    first.hide()

    answers = Answers("Recover")
    second = open_window(qtbot, tmp_path, answers=answers, recover=True)
    assert answers.asked == ["Recover an untitled story?"]
    assert [e.caption for e in second.document.story.events] == planned
    assert second.isWindowModified()  # recovered work still needs saving
    close_without_prompt(second)


def test_closing_with_unsaved_changes_asks_first(qtbot, tmp_path):
    answers = Answers("Cancel", "Discard")
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"), answers=answers)
    window.timeline.scene.select_events(["e2"])
    window.actions.delete.trigger()
    window.close()
    assert window.isVisible() and answers.asked == ["Unsaved changes"]
    window.close()
    assert not window.isVisible()


def test_new_story_forgets_the_old_one(qtbot, window):
    window.timeline.scene.select_events(["e3"])
    assert window.inspector.title.text().startswith("e3")
    window.playback.set_looping(True)  # a loop over the selected clip
    assert window.timeline.ruler.loop is not None
    window.playback.seek(48_000 * 5)
    window.new_story()
    assert window.document.story.events == [] and window.document.untitled
    assert window.timeline.ruler.loop is None and window.timeline.scene.loop is None
    assert not window.actions.loop.isChecked()
    assert window.inspector.title.text() == "No clip selected"
    assert not window.inspector.fields.isVisible()  # no stale fields, no live Regenerate
    assert window.transport.time.text() == "00:00.000 / 01:00.000"
    assert window.timeline.headers.rows() == []


def test_export_from_the_dialog(qtbot, tmp_path, window):
    from app.dialogs.export_dialog import ExportDialog
    from engine.meter.loudness import integrated_lufs

    dialog = ExportDialog(window.document, window.render_lane, "podcast", window)
    qtbot.addWidget(dialog)
    (tmp_path / "out").mkdir()
    dialog.master.edit.setText(str(tmp_path / "out" / "story.wav"))
    dialog.stems.setChecked(True)
    dialog.stems_dir.edit.setText(str(tmp_path / "out" / "stems"))
    dialog.labels.setChecked(True)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=WAIT_MS)
    master = tmp_path / "out" / "story.wav"
    audio, rate = sf.read(master, dtype="float32")
    assert rate == 48_000 and audio.shape == (window.document.story.duration, 2)
    assert abs(integrated_lufs(audio.T, rate) - (-16.0)) < 0.5
    assert len(list((tmp_path / "out" / "stems").iterdir())) == len(window.document.story.tracks)
    assert (tmp_path / "out" / "story.otio").exists() and (tmp_path / "out" / "story.txt").exists()
    assert "wrote master" in dialog.details.toPlainText()
    # a second export without "overwrite" is refused in the dialog's own words
    before = master.read_bytes()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "failed" in dialog.status.text(), timeout=WAIT_MS)
    assert "--force" not in dialog.status.text()
    assert "Overwrite existing files" in dialog.status.text()
    assert master.read_bytes() == before


def test_an_untitled_export_defaults_beside_the_users_files(qtbot, tmp_path):
    from app.dialogs.export_dialog import ExportDialog

    window = open_window(qtbot, tmp_path)
    window.document.project.story.title = "Harbour: dusk…"
    dialog = ExportDialog(window.document, window.render_lane, "ebu", window,
                          folder=tmp_path / "music")
    qtbot.addWidget(dialog)
    master = dialog.master.path()
    assert master == tmp_path / "music" / "Harbour - dusk.wav"
    assert window.projects.scratch not in master.parents
    close_without_prompt(window)


def test_preferences_are_kept_between_sessions(qtbot, tmp_path, window):
    from app.dialogs.preferences import PreferencesDialog

    dialog = PreferencesDialog(window.settings, window)
    dialog.loudness.setCurrentIndex(dialog.loudness.findData("podcast"))
    dialog.model_folder.setText(str(tmp_path / "models"))
    assert dialog.render_processes.text() == "One per core"  # the default, 0
    dialog.render_processes.setValue(1)
    dialog.accept()
    again = AppSettings(tmp_path / "settings.ini")
    assert again.loudness_target == "podcast"
    assert again.model_folder == str(tmp_path / "models")
    assert again.render_processes == 1  # renders in the window's own process from now on


def test_the_chosen_model_folder_is_where_models_are_looked_up(qtbot, tmp_path, monkeypatch):
    from engine.checkpoints.resolve import MODELS_DIR_ENV, models_dir

    monkeypatch.delenv(MODELS_DIR_ENV, raising=False)
    settings = AppSettings(tmp_path / "settings.ini")
    settings.model_folder = str(tmp_path / "weights")
    window = open_window(qtbot, tmp_path)
    assert models_dir() == tmp_path / "weights"
    close_without_prompt(window)
