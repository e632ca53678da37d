"""Markers in the WAV master, the Audacity label file and the OpenTimelineIO timeline, each
read back by an independent reader (wavinfo, a plain parser, opentimelineio)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import opentimelineio as otio
import pytest
import soundfile as sf
from wavinfo import WavInfoReader

from engine.export.exporter import ExportSettings, export_project
from engine.generation.base import GeneratedAudio
from engine.model.story import Event, Story, Track, TrackKind
from engine.project.folder import Project
from engine.render.context import render_request
from tests.conftest import sine
from tests.support.export import rendered_project

SR = 48_000


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = rendered_project(tmp_path_factory.mktemp("interchange"))
    project.story.events[-1].caption = "a bell rings — the rain stops (Église)"  # UTF-8
    return project


def test_markers_in_the_wav_are_read_back_by_another_reader(project, tmp_path):
    master = tmp_path / "village.wav"
    export_project(project, ExportSettings(master, markers=True))
    info = WavInfoReader(str(master), info_encoding="utf-8")
    events = sorted(project.story.events, key=lambda e: (e.start, e.id))
    cues = info.cues.to_dict()
    assert len(cues) == len(events)
    assert [cue["frame"] for cue in cues.values()] == [e.start for e in events]
    assert [cue["label"] for cue in cues.values()] == [e.caption for e in events]
    # the audio is still a plain WAV to everything else
    audio, rate = sf.read(str(master))
    assert rate == SR and audio.shape == (project.story.duration, 2)
    assert info.data.frame_count == project.story.duration


def test_no_markers_unless_asked(project, tmp_path):
    master = tmp_path / "plain.wav"
    export_project(project, ExportSettings(master, markers=False))
    assert WavInfoReader(str(master)).cues.to_dict() == {}


def test_audacity_labels(project, tmp_path):
    labels = tmp_path / "labels.txt"
    export_project(project, ExportSettings(None, labels_path=labels))
    lines = labels.read_text(encoding="utf-8").splitlines()
    events = sorted(project.story.events, key=lambda e: (e.start, e.id))
    assert len(lines) == len(events)
    for line, event in zip(lines, events):
        start, end, text = line.split("\t")
        assert float(start) == pytest.approx(event.start / SR, abs=1e-6)
        assert float(end) == pytest.approx(event.end / SR, abs=1e-6)
        assert text == event.caption


def test_otio_timeline_has_one_clip_per_event_at_its_time(project, tmp_path):
    path = tmp_path / "village.otio"
    export_project(project, ExportSettings(None, otio_path=path))
    timeline = otio.adapters.read_from_file(str(path))
    clips = list(timeline.find_clips())
    assert len(clips) == len(project.story.events)
    track_names = {track.name for track in timeline.tracks}
    assert track_names == {track.name for track in project.story.tracks}
    for clip in clips:
        event = project.story.event(clip.metadata["audiostory"]["event_id"])
        placed = clip.range_in_parent()
        assert placed.start_time.to_seconds() == pytest.approx(event.start / SR, abs=1e-9)
        assert placed.duration.to_seconds() == pytest.approx(event.duration / SR, abs=1e-9)
        assert clip.name == event.caption
        take_file = Path(unquote(urlparse(clip.media_reference.target_url).path))
        assert take_file == project.take_path(event.active_take()).resolve()
        assert take_file.is_file()


def test_overlapping_clips_on_one_track_go_to_separate_otio_lanes(tmp_path):
    story = Story(duration=6 * SR, tracks=[Track(id="fx", name="FX", kind=TrackKind.EFFECTS)],
                  events=[Event(id="a", track_id="fx", start=0, duration=3 * SR, caption="a",
                                seed=1),
                          Event(id="b", track_id="fx", start=2 * SR, duration=3 * SR,
                                caption="b", seed=2),
                          Event(id="c", track_id="fx", start=5 * SR, duration=SR, caption="c",
                                seed=3)])
    project = Project.create(tmp_path / "overlap", story)
    for event in story.events:
        request = render_request(story, event)
        audio = sine(300.0, request.duration_s, SR, 2, 0.2)
        project.add_take(event, request, GeneratedAudio(audio, SR), "test-tone", "1")
    path = tmp_path / "overlap.otio"
    export_project(project, ExportSettings(None, otio_path=path))
    timeline = otio.adapters.read_from_file(str(path))
    lanes = {track.name: [(c.name, c.range_in_parent().start_time.to_seconds())
                          for c in track.find_clips()] for track in timeline.tracks}
    assert lanes == {"FX": [("a", 0.0), ("c", 5.0)], "FX (2)": [("b", 2.0)]}
