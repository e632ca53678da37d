"""The export dialog, offscreen, with a real render lane and a real export."""
from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.controllers.workers import Job, JobLane
from app.dialogs.export_dialog import ExportDialog
from app.document.story_document import StoryDocument
from engine.export.formats import available_formats
from engine.project.folder import Project
from tests.conftest import make_story

pytestmark = pytest.mark.gui
WAIT_MS = 60_000


@pytest.fixture
def lane(qtbot):
    lane = JobLane("render")
    yield lane
    lane.shutdown()


@pytest.fixture
def dialog(qtbot, tmp_path, lane):
    document = StoryDocument(Project.create(tmp_path / "harbour", make_story(duration_s=3.0)))
    dialog = ExportDialog(document, lane)
    qtbot.addWidget(dialog)
    dialog.master.edit.setText(str(tmp_path / "out" / "harbour.wav"))
    (tmp_path / "out").mkdir()
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def hold(lane: JobLane) -> threading.Event:
    """Keep the lane busy until the event is set, so an export waits its turn."""
    gate = threading.Event()
    lane.submit(Job(lambda progress, cancel: gate.wait(30), "hold"))
    return gate


def test_escape_during_an_export_cancels_it_before_the_dialog_closes(qtbot, dialog, lane,
                                                                     tmp_path):
    gate = hold(lane)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.status.text() == "Cancelling…"
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not lane.busy(), timeout=WAIT_MS)
    assert list((tmp_path / "out").iterdir()) == []  # the export did not run on unseen
    assert dialog.report is None


def test_closing_the_window_during_an_export_cancels_it_too(qtbot, dialog, lane, tmp_path):
    gate = hold(lane)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    dialog.close()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not lane.busy(), timeout=WAIT_MS)
    assert list((tmp_path / "out").iterdir()) == []


def test_cancel_keeps_the_dialog_open_and_escape_then_closes_it(qtbot, dialog, lane, tmp_path):
    gate = hold(lane)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.close_button.text() == "Cancel"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: "cancelled" in dialog.status.text(), timeout=WAIT_MS)
    assert dialog.isVisible() and dialog.close_button.text() == "Close"
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert list((tmp_path / "out").iterdir()) == []


def test_the_master_file_follows_the_format(dialog):
    for name in available_formats():
        dialog.format.setCurrentText(name)
        extension = {"flac": ".flac", "mp3": ".mp3", "ogg": ".ogg"}.get(name, ".wav")
        assert dialog.master.path().suffix == extension, name
