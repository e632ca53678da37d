"""The editor, offscreen, started on damaged projects the way `main.py bad.story` starts it:
it always comes up, and says what was wrong in a message once the window is there."""
from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QMessageBox

from app.application import open_main_window
from app.document.story_document import ClipState
from app.settings import AppSettings
from engine.project.folder import AUTOSAVE_FILE, STORY_FILE, Project
from tests.conftest import make_story
from tests.support.editor import Answers, close_without_prompt
from tests.unit.test_hostile_files import add_sine_take

pytestmark = pytest.mark.gui


def start(qtbot, tmp_path, project, answers=None, recover=False):
    window = open_main_window(str(project), settings=AppSettings(tmp_path / "settings.ini"),
                              scratch=tmp_path / "scratch", recover=recover,
                              ask=answers or Answers())
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


def shown_messages(window) -> list[str]:
    return [box.text() for box in window.findChildren(QMessageBox) if box.isVisible()]


def saved_project(tmp_path) -> Project:
    project = Project.create(tmp_path / "harbour", make_story())
    add_sine_take(project, "e2")
    project.save()
    return project


@pytest.mark.parametrize("damage, reason", [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (lambda text: text.replace('"duration": 480000', '"duration": ' + "1" + "0" * 30, 1),
     "duration"),
    (lambda text: '{"story": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    (lambda text: json.dumps(_with_events(json.loads(text), 100_000)),
     "a story holds at most 5,000"),
])
def test_the_editor_starts_on_a_damaged_project_and_says_why(qtbot, tmp_path, damage, reason):
    project = saved_project(tmp_path)
    path = project.folder / STORY_FILE
    path.write_text(damage(path.read_text()))
    window = start(qtbot, tmp_path, project.folder)
    assert window.isVisible() and window.document.untitled  # a new story instead
    messages = shown_messages(window)
    assert len(messages) == 1 and str(path) in messages[0] and reason in messages[0], messages
    assert reason in window.statusBar().currentMessage()
    close_without_prompt(window)


def _with_events(document: dict, count: int) -> dict:
    document["story"]["events"] = [{"id": f"x{i}", "track_id": "effects-1", "start": i,
                                    "duration": 10, "caption": "tick", "seed": i}
                                   for i in range(count)]
    return document


def test_a_corrupt_autosave_is_reported_and_the_saved_project_opens(qtbot, tmp_path):
    project = saved_project(tmp_path)
    autosave = project.folder / AUTOSAVE_FILE
    autosave.write_text('{"format": "audiostory-studio/story", "schema_version": 3, [')
    answers = Answers("Recover")
    window = start(qtbot, tmp_path, project.folder, answers=answers)
    assert answers.asked == []  # nothing to recover from: not asked
    assert not window.document.untitled
    assert window.document.story == Project.open(project.folder).story
    messages = shown_messages(window)
    assert len(messages) == 1 and str(autosave) in messages[0]
    assert "open as it was last saved" in messages[0]
    assert autosave.exists()  # kept, until the next explicit save
    close_without_prompt(window)


def test_a_corrupt_scratch_autosave_does_not_stop_the_start(qtbot, tmp_path):
    scratch = tmp_path / "scratch"
    untitled = Project.create(scratch / "untitled-1", make_story())
    (untitled.folder / AUTOSAVE_FILE).write_text("[" * 100_000)
    window = open_main_window(None, settings=AppSettings(tmp_path / "settings.ini"),
                              scratch=scratch, recover=True, ask=Answers("Recover"))
    qtbot.addWidget(window)
    assert window.isVisible() and window.document.story.title == "Harbour at dusk"
    assert any("cannot be recovered" in m for m in shown_messages(window))
    close_without_prompt(window)


def test_a_take_outside_the_project_shows_as_stale_with_a_warning(qtbot, tmp_path):
    project = saved_project(tmp_path)
    document = json.loads((project.folder / STORY_FILE).read_text())
    document["story"]["events"][1]["takes"][0]["path"] = "/etc/hostname"
    (project.folder / STORY_FILE).write_text(json.dumps(document))
    window = start(qtbot, tmp_path, project.folder)
    assert window.document.state("e2") == ClipState.STALE
    messages = shown_messages(window)
    assert len(messages) == 1 and "lies outside the project folder" in messages[0]
    close_without_prompt(window)
