"""Audition and playback with a fake sound card: a clip or a take alone, with pre-roll in the
mix, scrubbing on the ruler, the level meters per track and on the master, the takes list."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.audio.clip_audio import clip_audio
from app.audio.playback import Player
from engine.mix.mixer import Mixer
from tests.support.audio import StreamFactory
from tests.support.editor import (
    SR,
    WAIT_MS,
    add_take,
    build_project,
    close_without_prompt,
    open_window,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def sound_card():
    return StreamFactory(blocksize=512)


@pytest.fixture
def window(qtbot, tmp_path, sound_card):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"),
                         output_stream=sound_card)
    yield window
    close_without_prompt(window)


def expected_clip(window, event_id: str, take_id: str | None = None) -> tuple[np.ndarray, int]:
    story, project = window.document.story, window.document.project
    event = story.event(event_id)
    if take_id is not None:
        event = event.model_copy(update={"active_take_id": take_id})
    audio, _ = project.read_take(event.active_take())
    clip = clip_audio(event, story.track(event.track_id), audio, story.sample_rate)
    return clip.read(0, clip.length), clip.start


def played(qtbot, sound_card, frames: int) -> np.ndarray:
    qtbot.waitUntil(lambda: bool(sound_card.streams) and sound_card.last.active, timeout=WAIT_MS)
    stream = sound_card.last
    out = stream.pull(-(-frames // stream.blocksize))
    return out[:frames].T


def test_a_selected_clip_auditions_alone_as_the_mix_plays_it(qtbot, window, sound_card):
    window.timeline.scene.select_events(["e3"])  # waves: gain -3 dB, fades
    QTest.keyClick(window.timeline.view, Qt.Key.Key_A)
    samples, start = expected_clip(window, "e3")
    half = samples.shape[1] // 2 // 512 * 512
    first = played(qtbot, sound_card, half)
    assert window.player.auditioning
    qtbot.waitUntil(lambda: window.timeline.scene.playhead_samples() >= start + half,
                    timeout=5000)  # the playhead runs over the clip
    rest = sound_card.last.pull(-(-(samples.shape[1] - half) // 512) + 1).T
    heard = np.concatenate([first, rest], axis=1)
    np.testing.assert_allclose(heard[:, :samples.shape[1]], samples, atol=1e-6)  # only it
    assert not heard[:, samples.shape[1]:].any()  # and then silence: it stops at its end
    qtbot.waitUntil(lambda: window.player.state == "stopped", timeout=5000)
    assert not window.player.auditioning
    assert window.player.position == 0  # the playhead went back where it was


def test_the_play_button_of_a_take_auditions_that_take(qtbot, window, sound_card):
    project = window.document.project
    event = window.document.story.event("e2")
    add_take(project, event, seed=999)  # a second take, now active
    window.document.eventChanged.emit("e2")
    window.timeline.scene.select_events(["e2"])
    takes = window.inspector.takes
    assert takes.take_ids() == ["t1", "t2"]
    qtbot.mouseClick(takes.row("t1").play, Qt.MouseButton.LeftButton)
    samples, _ = expected_clip(window, "e2", "t1")
    heard = played(qtbot, sound_card, samples.shape[1])
    np.testing.assert_allclose(heard, samples, atol=1e-6)
    assert window.document.story.event("e2").active_take_id == "t2"  # listening is not choosing


def test_pre_roll_plays_the_mix_into_the_clip(qtbot, window, sound_card):
    window.timeline.scene.select_events(["e6"])  # starts at 11 s
    window.actions.audition_context.trigger()
    qtbot.waitUntil(lambda: window.player.has_mix and bool(sound_card.streams), timeout=WAIT_MS)
    heard = played(qtbot, sound_card, SR)
    project = window.document.project
    mix = Mixer().mix(window.document.story, project.active_take_audio).master
    start = 9 * SR  # two seconds of pre-roll
    np.testing.assert_allclose(heard, mix[:, start:start + SR], atol=1e-6)


def test_scrubbing_the_ruler_plays_short_grains(qtbot, window, sound_card):
    ruler = window.timeline.ruler
    y = ruler.height() - 6
    QTest.mousePress(ruler, Qt.MouseButton.LeftButton, pos=QPoint(120, y))
    QTest.mouseMove(ruler, QPoint(180, y))
    qtbot.waitUntil(lambda: bool(sound_card.streams) and window.player.auditioning, timeout=WAIT_MS)
    grain = sound_card.last.pull(20)
    assert 0 < np.count_nonzero(np.abs(grain).max(axis=1) > 0) <= int(0.1 * SR)
    QTest.mouseRelease(ruler, Qt.MouseButton.LeftButton, pos=QPoint(180, y))
    assert window.player.position == ruler.samples_at(180)


def test_meters_show_each_track_and_the_master(qtbot, window, sound_card):
    window.playback.seek(int(4.5 * SR))  # rain (ambience), waves (effects 1); effects 2 is silent
    window.playback.toggle_play()
    qtbot.waitUntil(lambda: window.player.state == "playing", timeout=WAIT_MS)
    sound_card.last.pull(8)
    qtbot.waitUntil(lambda: window.transport.meter.levels_db[0] > -40, timeout=5000)
    headers = window.timeline.headers
    qtbot.waitUntil(lambda: headers.row("ambience-1").meter.level_db > -40, timeout=5000)
    assert headers.row("effects-1").meter.level_db > -40
    assert headers.row("effects-2").meter.level_db == -60.0
    window.playback.stop()


def test_takes_list_shows_what_each_take_is_and_edits_it(qtbot, window):
    project = window.document.project
    event = window.document.story.event("e2")
    add_take(project, event, seed=999, layers=(("recipe", "thunder"), ("recipe", "rain")))
    window.document.eventChanged.emit("e2")
    window.timeline.scene.select_events(["e2"])
    inspector = window.inspector
    row = inspector.takes.row("t2")
    assert row.made_of.text() == "thunder (recipe) + rain (recipe)"
    assert "seed 999" in row.details.text() and "LUFS" in row.details.text()
    qtbot.waitUntil(lambda: row.thumbnail.pixmap() is not None
                    and not row.thumbnail.pixmap().isNull(), timeout=WAIT_MS)
    inspector.rename_take("t1", "dry and close")
    assert window.document.story.event("e2").takes[0].label == "dry and close"
    assert "dry and close" in inspector.takes.row("t1").title.text()
    qtbot.mouseClick(inspector.takes.row("t1").star, Qt.MouseButton.LeftButton)
    assert window.document.story.event("e2").takes[0].starred
    qtbot.mouseClick(inspector.takes.row("t2").delete, Qt.MouseButton.LeftButton)
    story_event = window.document.story.event("e2")
    assert [t.id for t in story_event.takes] == ["t1"] and story_event.active_take_id == "t1"
    window.actions.undo.trigger()
    assert window.document.story.event("e2").active_take_id == "t2"


def test_starts_without_an_audio_device(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path, build_project(tmp_path / "story"))
    if window.player.available:
        close_without_prompt(window)
        pytest.skip("this machine has an audio output device")
    assert not window.actions.play.isEnabled() and not window.actions.audition.isEnabled()
    assert "Playback off" in window.transport.device_note.text()
    window.playback.toggle_play()  # harmless
    assert window.player.state == "stopped"
    close_without_prompt(window)


def test_player_fills_blocks_and_loops(qtbot):
    player = Player()
    ramp = np.tile(np.arange(1000, dtype=np.float32), (2, 1))
    player.set_mix(ramp, 48_000)
    player.seek(990)
    out = np.zeros((20, 2), np.float32)
    assert not player.render_block(out)  # runs off the end
    assert out[:10, 0].tolist() == list(range(990, 1000)) and not out[10:].any()
    player.set_loop((100, 110))
    player.seek(105)
    assert player.render_block(out)
    assert out[:, 0].tolist() == [105, 106, 107, 108, 109] + list(range(100, 110)) + \
        list(range(100, 105))
    assert player.meter.peak_left == 109
