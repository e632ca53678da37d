"""Project folders: round trips, atomic saves, autosave, missing and damaged files."""
from __future__ import annotations

import os

import numpy as np
import pytest

from engine.errors import ProjectError
from engine.generation.base import GeneratedAudio
from engine.project.folder import AUTOSAVE_FILE, STORY_FILE, Project
from engine.render.context import render_request
from tests.conftest import sine


def add_sine_take(project, event_id, freq=440.0, rate=48_000):
    event = project.story.event(event_id)
    request = render_request(project.story, event)
    audio = sine(freq, request.duration_s, rate, channels=2)
    return project.add_take(event, request, GeneratedAudio(audio, rate), event.generator, "1")


def test_save_and_open_round_trip_with_takes(tmp_path, story):
    project = Project.create(tmp_path / "harbour", story)
    assert project.folder.name == "harbour.story"
    take = add_sine_take(project, "e2")
    project.save()
    reopened = Project.open(tmp_path / "harbour")
    assert reopened.story == project.story
    assert reopened.warnings == []
    audio, rate = reopened.read_take(reopened.story.event("e2").active_take())
    assert rate == 48_000 and audio.shape == (2, 2 * 48_000)
    assert np.max(np.abs(audio - sine(440.0, 2.0, 48_000, 2))) < 1e-5  # 24-bit FLAC
    assert take.loudness_lufs is not None and take.render_key == story.event("e2").render_key()
    assert take.parameters["caption"] == "a harbour bell rings twice"
    assert take.parameters["seed"] == 12


def test_needs_render_tracks_missing_changed_and_short_takes(tmp_path, story):
    project = Project.create(tmp_path / "p", story)
    assert {e.id for e in project.stale_events()} == {"e1", "e2", "e3"}
    add_sine_take(project, "e2")
    event = project.story.event("e2")
    assert not project.needs_render(event)
    event.start += 1000  # moving is free
    assert not project.needs_render(event)
    event.duration += 48_000  # longer than the take: needs a new one
    assert project.needs_render(event)
    event.duration -= 48_000
    event.caption = "a foghorn"
    assert project.needs_render(event)


def test_opening_with_a_missing_take_marks_the_event_for_render(tmp_path, story):
    project = Project.create(tmp_path / "p", story)
    take = add_sine_take(project, "e2")
    project.save()
    os.remove(project.take_path(take))
    reopened = Project.open(project.folder)
    assert len(reopened.warnings) == 1 and take.path in reopened.warnings[0]
    assert reopened.needs_render(reopened.story.event("e2"))
    assert reopened.active_take_audio(reopened.story.event("e2")) is None


def test_save_interrupted_before_rename_keeps_the_previous_project(tmp_path, story, monkeypatch):
    project = Project.create(tmp_path / "p", story)
    before = (project.folder / STORY_FILE).read_bytes()
    project.story.title = "Changed title"

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ProjectError, match="previous version is kept"):
        project.save()
    monkeypatch.undo()
    assert (project.folder / STORY_FILE).read_bytes() == before
    assert sorted(p.name for p in project.folder.iterdir()) == ["story.json", "takes"]
    assert Project.open(project.folder).story.title == "Harbour at dusk"


def test_autosave_is_offered_for_recovery_until_the_next_save(tmp_path, story):
    project = Project.create(tmp_path / "p", story)
    assert not project.has_recovery()
    project.story.title = "Unsaved work"
    project.autosave()
    assert project.has_recovery()
    assert Project.open(project.folder).recover().title == "Unsaved work"
    project.save()
    assert not project.has_recovery() and not (project.folder / AUTOSAVE_FILE).exists()


def test_damaged_story_file_is_named_in_the_error(tmp_path, story):
    project = Project.create(tmp_path / "p", story)
    (project.folder / STORY_FILE).write_text('{"format": "audiostory-studio/story", "schem')
    with pytest.raises(ProjectError) as info:
        Project.open(project.folder)
    assert str(project.folder / STORY_FILE) in str(info.value)
    assert "not valid JSON" in str(info.value)


def test_opening_something_that_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="no such project folder"):
        Project.open(tmp_path / "absent")
    (tmp_path / "empty.story").mkdir()
    with pytest.raises(ProjectError, match="story.json is missing"):
        Project.open(tmp_path / "empty.story")
