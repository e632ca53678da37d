"""Timeline interchange: an Audacity label track and an OpenTimelineIO timeline.

The OTIO timeline has one audio track per story track (a track whose clips overlap is split
into lanes, since an OTIO track plays its items one after another) and one clip per event:
its take file as an external reference, the used part of the take as the source range, and
placed at the event's exact start (rates are the story's sample rate, so times are exact).
Gains, fades, pan, mute and solo travel as clip and track metadata under "audiostory".
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from engine.export.subtitles import marker_label
from engine.model.story import Event, Story

if TYPE_CHECKING:
    import opentimelineio

METADATA_KEY = "audiostory"


def audacity_labels(story: Story) -> str:
    """One region label per event: `start<TAB>end<TAB>caption` (a speech event's line), in
    seconds."""
    lines = []
    for event in sorted(story.events, key=lambda e: (e.start, e.id)):
        start = story.to_seconds(event.start)
        end = story.to_seconds(min(event.end, story.duration))
        lines.append(f"{start:.6f}\t{end:.6f}\t{marker_label(event)}")
    return "\n".join(lines) + ("\n" if lines else "")


def otio_timeline(story: Story, take_path: Callable[[Event], Path | None]
                  ) -> opentimelineio.schema.Timeline:
    """The story as an OTIO timeline; `take_path(event)` gives the active take's file or None."""
    import opentimelineio as otio

    rate = story.sample_rate

    def time(samples: int) -> otio.opentime.RationalTime:
        return otio.opentime.RationalTime(samples, rate)

    timeline = otio.schema.Timeline(name=story.title, global_start_time=time(0))
    timeline.metadata[METADATA_KEY] = {"prompt": story.prompt, "seed": story.seed,
                                       "sample_rate": rate, "duration": story.duration}
    for track in story.tracks:
        def new_lane(number: int) -> otio.schema.Track:
            name = track.name if number == 1 else f"{track.name} ({number})"
            lane = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
            lane.metadata[METADATA_KEY] = {
                "track_id": track.id, "kind": track.kind.value, "gain_db": track.gain_db,
                "pan": track.pan, "mute": track.mute, "solo": track.solo}
            return lane

        lanes: list[tuple[otio.schema.Track, int]] = [(new_lane(1), 0)]  # (lane, its end)
        for event in sorted(story.events_on(track.id), key=lambda e: (e.start, e.id)):
            index = next((i for i, (_, end) in enumerate(lanes) if end <= event.start), None)
            if index is None:
                lanes.append((new_lane(len(lanes) + 1), 0))
                index = len(lanes) - 1
            lane, end = lanes[index]
            if event.start > end:
                lane.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                    time(0), time(event.start - end))))
            lane.append(_clip(otio, event, take_path(event), time))
            lanes[index] = (lane, event.end)
        timeline.tracks.extend(lane for lane, _ in lanes)
    return timeline


def _clip(otio, event: Event, path: Path | None, time):
    take = event.active_take()
    if path is not None and take is not None:
        available = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, take.sample_rate),
            otio.opentime.RationalTime(take.frames, take.sample_rate))
        reference = otio.schema.ExternalReference(target_url=Path(path).resolve().as_uri(),
                                                  available_range=available)
    else:
        reference = otio.schema.MissingReference()
    clip = otio.schema.Clip(name=event.caption, media_reference=reference,
                            source_range=otio.opentime.TimeRange(time(event.offset),
                                                                 time(event.duration)))
    clip.metadata[METADATA_KEY] = {
        "event_id": event.id, "take_id": take.id if take else None, "tone": event.tone,
        "gain_db": event.gain_db, "fade_in_s": event.fade_in_s, "fade_out_s": event.fade_out_s,
        "fade_curve": event.fade_curve.value, "cues": dict(event.cues)}
    return clip


def otio_text(timeline) -> str:
    import opentimelineio as otio

    return otio.adapters.write_to_string(timeline, "otio_json")
