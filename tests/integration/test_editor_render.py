"""Planning and rendering from the editor: the plan becomes clips in one undo step, renders
run in the render lane with a queued state and an overall progress, a result for an edited
clip is discarded, failures show on the clip. The planner runs for real only where planning
is what a test is about."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.controllers.workers import Job
from app.document.edits import SetEventFields
from app.document.story_document import ClipState
from tests.support.editor import (
    WAIT_MS,
    Answers,
    build_project,
    close_without_prompt,
    open_window,
)

pytestmark = pytest.mark.gui

PROMPT = "Rain falls on a tin roof; a dog barks, then a door slams and thunder rolls."


@pytest.fixture
def empty_window(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    yield window
    close_without_prompt(window)


def plan(qtbot, window, prompt: str = PROMPT, duration_s: float = 20.0) -> None:
    before = window.document.undo_stack.index()
    window.story_panel.prompt.setPlainText(prompt)
    window.story_panel.duration.setValue(duration_s)
    qtbot.mouseClick(window.story_panel.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.document.undo_stack.index() > before
                    and not window.render_lane.busy(), timeout=WAIT_MS)


def hold_render_lane(window) -> threading.Event:
    """Keep the render lane busy until the returned gate is set."""
    gate = threading.Event()
    window.render_lane.submit(Job(lambda progress, cancel: gate.wait(30), "hold"))
    return gate


def test_prompt_becomes_clips_on_the_timeline_in_one_undo_step(qtbot, empty_window):
    window = empty_window
    plan(qtbot, window)
    story = window.document.story
    assert story.prompt == PROMPT and story.duration == 20 * 48_000
    scene = window.timeline.scene
    assert {item.event_id for item in scene.clip_items()} == {e.id for e in story.events}
    assert [row.track_id for row in window.timeline.headers.rows()] == [t.id for t in story.tracks]
    assert all(window.document.state(e.id) == ClipState.PLANNED for e in story.events)
    assert window.isWindowModified()
    window.actions.undo.trigger()
    assert window.document.story.events == [] and not scene.clip_items()
    window.actions.redo.trigger()
    assert len(scene.clip_items()) == len(window.document.story.events) > 0


def test_a_ten_minute_plan_updates_the_transport_and_fits_the_view(qtbot, empty_window):
    window = empty_window
    window.timeline.view.zoom_in()  # the user had zoomed in: a new plan shows it all again
    plan(qtbot, window, duration_s=600.0)
    qtbot.waitUntil(lambda: window.transport.time.text().endswith("/ 10:00.000"), timeout=5000)
    view, scale = window.timeline.view, window.timeline.scale
    width = view.viewport().width()
    qtbot.waitUntil(lambda: width - 40 <= scale.x(window.document.story.duration) <= width,
                    timeout=5000)
    assert view.fitted and view.scroll_x() == 0


def test_planning_over_an_edited_story_asks_first(qtbot, tmp_path):
    answers = Answers("Cancel", "Replace")
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"), answers=answers)
    before = window.document.story.model_dump()
    window.story_panel.prompt.setPlainText(PROMPT)
    qtbot.mouseClick(window.story_panel.plan_button, Qt.MouseButton.LeftButton)
    assert answers.asked == ["Replace the timeline?"]
    qtbot.wait(100)
    assert window.document.story.model_dump() == before and not window.isWindowModified()
    plan(qtbot, window)  # asked again; this time the user says "Replace"
    assert answers.asked == ["Replace the timeline?"] * 2
    assert window.document.story.prompt == PROMPT
    window.actions.undo.trigger()  # and the takes come back with Undo
    assert window.document.story.model_dump()["events"] == before["events"]
    close_without_prompt(window)


def test_regenerate_one_clip_changes_only_that_clip(qtbot, window):
    document = window.document
    project = document.project
    before = {e.id: (e.active_take_id, project.take_path(e.active_take()).read_bytes())
              for e in document.story.events}
    window.timeline.scene.select_events(["e4"])
    window.actions.regenerate.trigger()
    qtbot.waitUntil(lambda: len(document.story.event("e4").takes) == 2, timeout=WAIT_MS)
    regenerated = document.story.event("e4")
    assert regenerated.active_take_id == "t2" and document.state("e4") == ClipState.RENDERED
    assert regenerated.seed != regenerated.takes[0].seed
    assert project.take_path(regenerated.active_take()).read_bytes() != before["e4"][1]
    for event in document.story.events:
        if event.id != "e4":  # every other clip: same take, byte-identical audio
            assert event.active_take_id == before[event.id][0]
            assert project.take_path(event.active_take()).read_bytes() == before[event.id][1]
    # A/B: the number keys pick takes, and picking is undoable
    QTest.keyClick(window.timeline.view, Qt.Key.Key_1)
    assert document.story.event("e4").active_take_id == "t1"
    assert document.story.event("e4").seed == regenerated.takes[0].seed
    assert document.state("e4") == ClipState.RENDERED
    window.actions.undo.trigger()
    assert document.story.event("e4").active_take_id == "t2"


def test_waiting_renders_are_queued_and_counted(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story", rendered=False))
    document = window.document
    gate = hold_render_lane(window)
    window.actions.render_all.trigger()
    ids = [e.id for e in document.story.events]
    assert {document.state(i) for i in ids} == {ClipState.QUEUED}  # not "rendering" yet
    qtbot.waitUntil(lambda: window.batch_label.text() ==  # within the status's 50 ms beat
                    f"Rendering 1 of {len(ids)} · estimating time left", timeout=1000)
    qtbot.waitUntil(lambda: window.summary.text() == f"{len(ids)} clips · {len(ids)} queued")
    gate.set()
    qtbot.waitUntil(lambda: document.state(ids[0]) in (ClipState.RENDERING,
                                                         ClipState.RENDERED), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: all(document.state(i) == ClipState.RENDERED for i in ids),
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.batch_label.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.summary.text() == f"{len(ids)} clips · {len(ids)} rendered")
    close_without_prompt(window)


def test_a_render_result_for_an_edited_clip_is_discarded(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story", rendered=False))
    document = window.document
    gate = hold_render_lane(window)
    window.engine.render(["e2"])
    assert document.state("e2") == ClipState.QUEUED
    document.undo_stack.push(SetEventFields(document, {"e2": {"caption": "a cat meows"}},
                                            "Change caption"))
    gate.set()
    qtbot.waitUntil(lambda: not window.render_lane.busy(), timeout=WAIT_MS)
    qtbot.wait(50)  # the queued result signal
    edited = document.story.event("e2")
    assert edited.takes == [] and edited.caption == "a cat meows"
    assert document.state("e2") == ClipState.PLANNED
    assert not (document.project.folder / "takes").exists() or \
        list((document.project.folder / "takes").iterdir()) == []  # its file was removed
    close_without_prompt(window)


def test_render_failure_shows_on_the_clip_and_keeps_the_window(qtbot, window):
    window.document.story.event("e2").generator = "no-such-generator"
    window.engine.render(["e2"])
    qtbot.waitUntil(lambda: window.document.state("e2") == ClipState.FAILED, timeout=WAIT_MS)
    assert "unknown generator" in window.document.failure("e2")
    assert "unknown generator" in window.timeline.scene.item("e2").toolTip()
    assert window.isVisible()
    assert window.document.story.event("e2").active_take_id == "t1"  # the old take stays


def test_cancel_stops_rendering_and_keeps_the_clips(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story", rendered=False))
    document = window.document
    gate = hold_render_lane(window)
    window.actions.render_all.trigger()
    window.actions.cancel.trigger()
    gate.set()
    qtbot.waitUntil(lambda: not window.render_lane.busy(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: all(document.state(e.id) == ClipState.PLANNED
                                for e in document.story.events), timeout=WAIT_MS)
    assert all(e.takes == [] for e in document.story.events)
    close_without_prompt(window)


def test_inspector_shows_and_edits_a_generators_own_settings(qtbot, window):
    window.timeline.scene.select_events(["e2"])
    inspector = window.inspector
    form = inspector.generator_settings.form
    assert inspector.generator_settings.isVisibleTo(inspector)  # the procedural engine's own
    assert {"Recipe", "Intensity", "Loop"} <= {
        form.itemAt(row, form.ItemRole.LabelRole).widget().text() for row in range(form.rowCount())}
    inspector.generator.setCurrentText("tangoflux")
    inspector.generator.activated.emit(inspector.generator.currentIndex())
    assert window.document.story.event("e2").generator == "tangoflux"
    assert inspector.generator_settings.isVisibleTo(inspector)
    form = inspector.generator_settings.form
    labels = {form.itemAt(row, form.ItemRole.LabelRole).widget().text()
              for row in range(form.rowCount())}
    assert {"Steps", "Guidance", "Device", "Dtype"} <= labels
    steps = form.itemAt(next(r for r in range(form.rowCount()) if form.itemAt(
        r, form.ItemRole.LabelRole).widget().text() == "Steps"), form.ItemRole.FieldRole).widget()
    steps.setValue(12)
    assert window.document.story.event("e2").generator_settings == {"steps": 12}
    assert window.document.state("e2") == ClipState.STALE  # its take no longer matches
    window.actions.undo.trigger()
    assert window.document.story.event("e2").generator_settings == {}

