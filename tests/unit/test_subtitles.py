"""Subtitles of the spoken lines: exact times, readable lines, speakers in WebVTT."""
from __future__ import annotations

import re

from engine.export.subtitles import cues, marker_label, srt, webvtt
from engine.model.story import Event, Story, Track, TrackKind

SR = 48_000


def _story(*lines: tuple[float, float, str, str]) -> Story:
    events = [Event(id=f"e{i}", track_id="vo", start=int(start * SR), duration=int(length * SR),
                    caption=f"{speaker} speaking", seed=0, text=text, speaker=speaker or None)
              for i, (start, length, text, speaker) in enumerate(lines, start=1)]
    events.append(Event(id="rain", track_id="amb", start=0, duration=20 * SR,
                        caption="rain on a tin roof", seed=0))
    return Story(duration=20 * SR, events=events, tracks=[
        Track(id="vo", name="Speech", kind=TrackKind.SPEECH),
        Track(id="amb", name="Ambience", kind=TrackKind.AMBIENCE)])


def test_srt_holds_each_line_at_its_clip_time():
    story = _story((1.25, 2.5, "Hold fast, lads!", "the captain"),
                   (65.0 / 10, 1.0, "Aye!", "a sailor"))
    text = srt(story)
    assert text.startswith("1\n00:00:01,250 --> 00:00:03,750\nHold fast, lads!\n")
    assert "2\n00:00:06,500 --> 00:00:07,500\nAye!\n" in text
    assert "rain" not in text  # only spoken lines


def test_webvtt_names_the_speaker_and_escapes_markup():
    text = webvtt(_story((0.5, 2.0, "Is <that> you & me?", "the captain")))
    assert text.startswith("WEBVTT\n")
    assert "00:00:00.500 --> 00:00:02.500\n<v the captain>Is &lt;that&gt; you &amp; me?" in text


def test_a_long_line_is_split_into_readable_cues_inside_its_clip():
    paragraph = ("The storm came in from the west at dusk, and by nightfall the harbour "
                 "was a cauldron of black water. The keeper climbed the iron stairs, one "
                 "hand on the rail, counting the steps as his father had taught him.")
    story = _story((2.0, 12.0, paragraph, "narrator"))
    parts = cues(story)
    assert len(parts) >= 3
    assert parts[0].start_s == 2.0 and abs(parts[-1].end_s - 14.0) < 1e-9
    assert all(a.end_s == b.start_s for a, b in zip(parts, parts[1:]))
    assert " ".join(p.text for p in parts) == paragraph
    for block in srt(story).strip().split("\n\n"):
        lines = block.split("\n")[2:]
        assert 1 <= len(lines) <= 2 and all(len(line) <= 42 for line in lines)
        assert re.match(r"\d+\n\d\d:\d\d:\d\d,\d{3} --> ", block)


def test_markers_carry_the_line_of_a_speech_event_and_the_caption_of_others():
    story = _story((1.0, 2.0, "Hold fast!", "the captain"))
    assert marker_label(story.event("e1")) == "the captain: “Hold fast!”"
    assert marker_label(story.event("rain")) == "rain on a tin roof"
