"""Save As through the project controller, as the editor's menu runs it."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QWidget

from app.controllers.project_controller import ProjectController
from app.controllers.workers import JobLane
from app.settings import AppSettings
from engine.generation import GeneratedAudio
from engine.project.folder import STORY_FILE, Project, attach_take
from engine.render.context import render_request
from tests.conftest import make_story, sine

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(qtbot, tmp_path):
    window = QWidget()
    qtbot.addWidget(window)
    lane = JobLane("files")
    controller = ProjectController(window, AppSettings(tmp_path / "settings.ini"), lane,
                                   scratch=tmp_path / "scratch")
    errors: list[str] = []
    controller.error.connect(errors.append)
    controller.errors = errors
    yield controller
    lane.shutdown()


def untitled_with_a_take(controller: ProjectController):
    document = controller.new_document(make_story(duration_s=3.0))
    project, event = document.project, document.story.event("e2")
    take = project.store_take(render_request(document.story, event),
                              GeneratedAudio(sine(440, 2.0, 48_000, 2, 0.2), 48_000),
                              "procedural", "1")
    attach_take(event, take)
    return document


@pytest.mark.parametrize("name", ["Harbour.story", "Harbour"])
def test_save_as_into_an_existing_empty_folder(controller, tmp_path, name):
    document = untitled_with_a_take(controller)
    scratch = document.project.folder
    (tmp_path / "Harbour.story").mkdir()  # made beforehand (a file manager, a failed save)
    assert controller.save_as(tmp_path / name, wait=True), controller.errors
    assert controller.errors == []
    assert document.project.folder == tmp_path / "Harbour.story" and not document.untitled
    assert not scratch.exists()  # the untitled scratch copy is gone
    reopened = Project.open(tmp_path / "Harbour.story")
    assert reopened.story.model_dump() == document.story.model_dump()
    take = reopened.story.event("e2").active_take()
    assert reopened.take_available(take)
    assert str(tmp_path / "Harbour.story") in controller.settings.recent_projects()


def test_save_as_refuses_a_folder_that_holds_something_and_keeps_the_story(controller,
                                                                          tmp_path):
    document = untitled_with_a_take(controller)
    scratch = document.project.folder
    (tmp_path / "Harbour.story").mkdir()
    (tmp_path / "Harbour.story" / "notes.txt").write_text("mine")
    assert not controller.save_as(tmp_path / "Harbour.story", wait=True)
    assert len(controller.errors) == 1 and "not empty" in controller.errors[0]
    assert document.project.folder == scratch and document.untitled
    assert (scratch / STORY_FILE).exists()
    assert [p.name for p in (tmp_path / "Harbour.story").iterdir()] == ["notes.txt"]
