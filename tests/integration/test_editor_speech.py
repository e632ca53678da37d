"""Speech in the editor: a clip's words, speaker and delivery in the inspector (new words
make the clip stale; words on a silent clip make it speak), a spoken take fits its clip,
and the beds show the dip ducking gives them while a line plays."""
from __future__ import annotations

import pytest

from app.document.story_document import ClipState
from engine.model.story import Event, Track, TrackKind
from engine.project.folder import Project
from tests.support.audio import StreamFactory
from tests.support.editor import (
    SR,
    WAIT_MS,
    add_take,
    close_without_prompt,
    open_window,
    scene_story,
)

pytestmark = pytest.mark.gui
LINE = "Hold fast, lads, the storm is coming."


def speech_project(folder):
    story = scene_story()
    story.tracks = [*story.tracks, Track(id="speech-1", name="Speech 1", kind=TrackKind.SPEECH)]
    story.events = [*story.events, Event(
        id="e8", track_id="speech-1", start=int(2.0 * SR), duration=4 * SR, scene_id="s1",
        caption="old captain saying the line", seed=8, text=LINE, speaker="old captain",
        generator="speech", generator_settings={"voice": "male-2"})]
    project = Project.create(folder, story)
    for event in project.story.events:
        add_take(project, event)
    project.save()
    return project.folder


@pytest.fixture
def sound_card():
    return StreamFactory(blocksize=512)


@pytest.fixture
def window(qtbot, tmp_path, sound_card):
    window = open_window(qtbot, tmp_path, speech_project(tmp_path / "story"),
                         output_stream=sound_card)
    yield window
    close_without_prompt(window)


def test_the_inspector_edits_a_lines_words_and_new_words_make_it_stale(qtbot, window):
    inspector = window.inspector
    window.timeline.scene.select_events(["e8"])
    qtbot.waitUntil(lambda: inspector.words.toPlainText() == LINE, timeout=WAIT_MS)
    assert inspector.speaker.text() == "old captain" and inspector.words.isVisible()
    assert window.document.state("e8") == ClipState.RENDERED
    inspector.words.setPlainText("Reef the sails!")
    inspector._commit_words()
    event = window.document.story.event("e8")
    assert event.text == "Reef the sails!" and window.document.state("e8") == ClipState.STALE
    inspector.delivery.setCurrentText("shouted")
    inspector._commit_delivery()
    assert window.document.story.event("e8").delivery == "shouted"
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert window.document.story.event("e8").text == LINE


def test_words_on_a_clip_that_does_not_speak_make_it_speak(qtbot, window):
    inspector = window.inspector
    window.timeline.scene.select_events(["e4"])  # a door slam on an effects track
    qtbot.waitUntil(lambda: inspector.event_id == "e4", timeout=WAIT_MS)
    assert not inspector.words.isVisible()  # no words on a sound effect until asked
    window.timeline.scene.select_events(["e8"])
    qtbot.waitUntil(lambda: inspector.event_id == "e8", timeout=WAIT_MS)
    window.timeline.scene.select_events(["e4"])
    qtbot.waitUntil(lambda: inspector.event_id == "e4", timeout=WAIT_MS)
    inspector.words.setPlainText("Who's there?")
    inspector._commit_words()
    event = window.document.story.event("e4")
    assert (event.text, event.generator) == ("Who's there?", "speech")
    window.document.undo_stack.undo()  # one step: words and generator together
    event = window.document.story.event("e4")
    assert (event.text, event.generator) == (None, "procedural")


def test_a_spoken_take_fits_its_clip_to_the_line(qtbot, window):
    from engine.generation.speech.engines import find_engines

    if not find_engines():
        pytest.skip("no speech engine on this machine (CI installs espeak-ng)")
    before = window.document.story.event("e8")
    assert before.duration == 4 * SR
    window.engine.render(["e8"], new_seed=True)
    qtbot.waitUntil(lambda: len(window.document.story.event("e8").takes) == 2, timeout=WAIT_MS)
    event = window.document.story.event("e8")
    take = event.active_take()
    assert take.natural_length and event.duration == take.frames != 4 * SR
    window.document.undo_stack.undo()
    assert window.document.story.event("e8").duration == 4 * SR


def test_beds_show_the_dip_under_speech_and_the_track_switch_turns_it_off(qtbot, window,
                                                                          sound_card):
    headers = window.timeline.headers
    window.playback.seek(int(3.0 * SR))  # inside the line
    window.playback.toggle_play()
    qtbot.waitUntil(lambda: window.player.state == "playing", timeout=WAIT_MS)
    sound_card.last.pull(8)
    duck = headers.row("ambience-1").duck
    qtbot.waitUntil(lambda: duck.isVisible(), timeout=5000)
    assert "duck" in duck.text() and "10" in duck.text()
    assert not headers.row("effects-1").duck.isVisible()  # effects keep their level
    window.playback.stop()
    menu = headers.build_menu("ambience-1")
    switch = next(a for a in menu.actions() if a.text() == "Duck under speech")
    assert switch.isChecked()
    switch.trigger()
    assert window.document.story.track("ambience-1").duck_under_speech is False
