"""The story model: tracks and timed events, each event with the takes rendered for it.

Positions and lengths are integer sample counts at the story's sample rate, so they are exact
and never drift; seconds exist only at the edges (plans, the command line, the view). The
on-disk envelope and its version upgrades live in `engine.model.schema`.
"""
from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from engine.model.fields import (
    DEFAULT_SAMPLE_RATE,
    MAX_DURATION_S,
    MAX_EVENTS,
    MAX_SAMPLE_RATE,
    MAX_SAMPLES,
    MAX_SCENES,
    MAX_TAKES,
    MAX_TRACKS,
    MIN_SAMPLE_RATE,
    Caption,
    Cues,
    GainDb,
    Id,
    LongText,
    Name,
    Pan,
    Samples,
    Seed,
    Settings,
)

__all__ = ["DEFAULT_GENERATOR", "DEFAULT_SAMPLE_RATE", "MAX_DURATION_S", "Event", "FadeCurve",
           "Scene", "Story", "Take", "TakeLayer", "TakeRegion", "Track", "TrackKind",
           "render_key"]

DEFAULT_GENERATOR = "procedural"
HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"


class TrackKind(StrEnum):
    AMBIENCE = "ambience"
    EFFECTS = "effects"
    MUSIC = "music"
    SPEECH = "speech"


def render_key(caption: str, tone: str, cues: dict, seed: int, generator: str,
               settings: dict, speech: dict | None = None) -> str:
    """Digest of an event's render inputs (see `Event.render_key`).

    `speech` (the words, speaker and delivery of a speech event) joins the digest only when
    there is some, so the keys of every other event stay what they were.
    """
    inputs = {"caption": caption, "tone": tone, "cues": cues, "seed": seed,
              "generator": generator, "settings": settings}
    if speech:
        inputs["speech"] = speech
    blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class FadeCurve(StrEnum):
    LINEAR = "linear"  # equal gain: right for material that is the same on both sides
    EQUAL_POWER = "equal_power"  # constant loudness across unrelated material


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class TakeLayer(_Model):
    """One ingredient of a take: a recipe, a model, a recording, a voice, an imported file."""

    kind: Name = Field(description="recipe, model, recording, voice or import")
    name: Name = Field(description="the recipe, model id or file it came from")
    parameters: Settings = Field(default_factory=dict, description="how it was used")


class TakeRegion(_Model):
    """A stretch of a composite take that was rendered again over its base take."""

    kind: Name = Field(default="replace", description="replace, extend_left, extend_right, "
                                                      "variation")
    start: Samples = Field(description="first sample, at the take's own rate")
    end: Samples = Field(description="sample after the last, at the take's own rate")
    seed: Seed
    crossfade: Samples = Field(default=0, description="length of each edge crossfade")
    parameters: Settings = Field(default_factory=dict, description="the region's request")

    @model_validator(mode="after")
    def _ordered(self) -> TakeRegion:
        if self.end <= self.start:
            raise ValueError("a region must end after it starts")
        return self


class Take(_Model):
    """One rendered version of an event, with everything needed to render it again."""

    id: Id
    path: Name = Field(min_length=1, description="audio file, relative to the project folder")
    generator: Name
    generator_version: Name
    parameters: Settings = Field(description="the full render request, seed included")
    seed: Seed
    sample_rate: int = Field(ge=1_000, le=MAX_SAMPLE_RATE)
    channels: int = Field(ge=1, le=64)
    frames: Samples = Field(description="length in samples at the take's own rate")
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    loudness_lufs: float | None = Field(default=None, ge=-200.0, le=50.0,
                                        description="integrated, ITU-R BS.1770")
    render_key: Name = Field(description="the event's render_key() when this take was made")
    notes: list[LongText] = Field(default_factory=list, max_length=100,
                                  description="what the generator wants known")
    label: Name = Field(default="", description="the user's name for this take")
    starred: bool = False
    layers: list[TakeLayer] = Field(default_factory=list, max_length=64,
                                    description="what the take is made of")
    base_take_id: Id | None = Field(default=None, description="a composite's underlying take")
    regions: list[TakeRegion] = Field(default_factory=list, max_length=256,
                                      description="a composite's re-rendered regions")
    natural_length: bool = Field(default=False, description="as long as its content (a "
                                 "spoken line), not the clip: the clip follows it")

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


class Track(_Model):
    id: Id
    name: Name
    kind: TrackKind
    gain_db: GainDb = 0.0
    pan: Pan = 0.0
    mute: bool = False
    solo: bool = False
    color: str | None = Field(default=None, pattern=HEX_COLOUR, description="#rrggbb")
    duck_under_speech: bool | None = Field(
        default=None, description="dip under speech; unset: on for ambience and music beds")

    def ducks_under_speech(self) -> bool:
        if self.duck_under_speech is not None:
            return self.duck_under_speech
        return self.kind in (TrackKind.AMBIENCE, TrackKind.MUSIC)


class Scene(_Model):
    """A stretch of story time with one place and mood ("Night storm", "Dawn")."""

    id: Id
    title: Name = ""
    start: Samples
    end: Samples
    place: Name = ""
    time_of_day: Name = ""
    tone: Name = "neutral"

    @model_validator(mode="after")
    def _ordered(self) -> Scene:
        if self.end <= self.start:
            raise ValueError(f"scene {self.id!r} must end after it starts")
        return self


class Event(_Model):
    """A sound on the timeline. `start`, `duration` and `offset` are samples at the story rate."""

    id: Id
    track_id: Id
    scene_id: Id | None = Field(default=None, description="the scene it belongs to")
    start: Samples
    duration: Samples = Field(gt=0)
    offset: Samples = Field(default=0, description="samples of the take skipped (left trim)")
    caption: Caption
    tone: Name = "neutral"
    cues: Cues = Field(default_factory=dict)
    seed: Seed
    gain_db: GainDb = 0.0
    pan: Pan = 0.0
    fade_in_s: float = Field(default=0.0, ge=0.0, le=MAX_DURATION_S)
    fade_out_s: float = Field(default=0.0, ge=0.0, le=MAX_DURATION_S)
    fade_curve: FadeCurve = Field(default=FadeCurve.LINEAR, description="shape of both fades")
    text: LongText | None = Field(default=None, description="the words a speech event says")
    speaker: Name | None = Field(default=None, description="who says them")
    delivery: Name | None = Field(default=None, description="how: shouted, whispered, calm...")
    generator: Name = DEFAULT_GENERATOR
    generator_settings: Settings = Field(default_factory=dict)
    takes: list[Take] = Field(default_factory=list, max_length=MAX_TAKES)
    active_take_id: Id | None = None

    @property
    def end(self) -> int:
        return self.start + self.duration

    def active_take(self) -> Take | None:
        return next((t for t in self.takes if t.id == self.active_take_id), None)

    def use_take(self, take_id: str) -> None:
        """Make a take active; the event's seed follows it so the take is not stale."""
        take = next((t for t in self.takes if t.id == take_id), None)
        if take is None:
            raise KeyError(take_id)
        self.active_take_id = take.id
        self.seed = take.seed

    def speech(self) -> dict[str, str]:
        """The words, speaker and delivery of a speech event (empty for other events)."""
        return {name: value for name in ("text", "speaker", "delivery")
                if (value := getattr(self, name))}

    def render_key(self) -> str:
        """A digest of what the audio depends on; a take made under another key is stale.

        Position, length, gain, pan and fades are not in it: moving or trimming a clip does
        not ask for a new render (the mixer reads the take from `offset`).
        """
        return render_key(self.caption, self.tone, self.cues, self.seed, self.generator,
                          self.generator_settings, self.speech())

    def next_take_id(self) -> str:
        used = {t.id for t in self.takes}
        n = len(self.takes) + 1
        while f"t{n}" in used:
            n += 1
        return f"t{n}"


class Story(_Model):
    title: Name = "Untitled story"
    prompt: LongText = ""
    sample_rate: int = Field(default=DEFAULT_SAMPLE_RATE, ge=MIN_SAMPLE_RATE, le=MAX_SAMPLE_RATE)
    duration: Samples = Field(gt=0, description="length of the master in samples")
    seed: Seed = Field(default=0, description="story seed: shared scene state")
    scenes: list[Scene] = Field(default_factory=list, max_length=MAX_SCENES)
    tracks: list[Track] = Field(default_factory=list, max_length=MAX_TRACKS)
    events: list[Event] = Field(default_factory=list, max_length=MAX_EVENTS)

    @model_validator(mode="before")
    @classmethod
    def _clamp_fades(cls, data: Any) -> Any:
        """A fade never outlasts its clip: files from elsewhere are clamped on load (the
        mixer clamps too, after a trim in the editor)."""
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            return data
        if len(data["events"]) > MAX_EVENTS:  # said at once, not after validating them all
            raise ValueError(f"the story has {len(data['events']):,} events; a story holds "
                             f"at most {MAX_EVENTS:,}")
        rate = data.get("sample_rate", DEFAULT_SAMPLE_RATE)
        if not isinstance(rate, int) or rate <= 0:
            return data
        events = []
        for event in data["events"]:
            duration = event.get("duration") if isinstance(event, dict) else None
            # only plausible lengths are clamped against; the fields refuse the rest
            if isinstance(duration, int) and not isinstance(duration, bool) \
                    and 0 < duration <= MAX_SAMPLES:
                length_s = duration / rate
                event = dict(event)
                for name in ("fade_in_s", "fade_out_s"):
                    value = event.get(name)
                    if isinstance(value, float) and not math.isfinite(value):
                        continue  # infinity is refused by the field, not clamped
                    if isinstance(value, int | float) and not isinstance(value, bool) \
                            and value > length_s:
                        event[name] = length_s
            events.append(event)
        return {**data, "events": events}

    @model_validator(mode="after")
    def _check_references(self) -> Story:
        if self.duration > MAX_DURATION_S * self.sample_rate:
            raise ValueError(f"the story is longer than the maximum of {MAX_DURATION_S} s")
        track_ids = [t.id for t in self.tracks]
        if len(set(track_ids)) != len(track_ids):
            raise ValueError("two tracks share an id")
        event_ids = [e.id for e in self.events]
        if len(set(event_ids)) != len(event_ids):
            raise ValueError("two events share an id")
        scene_ids = [s.id for s in self.scenes]
        if len(set(scene_ids)) != len(scene_ids):
            raise ValueError("two scenes share an id")
        for before, after in zip(self.scenes, self.scenes[1:]):
            if after.start < before.end:
                raise ValueError(f"scene {after.id!r} starts before scene {before.id!r} ends; "
                                 "scenes follow one another in story order")
        known_tracks, known_scenes = set(track_ids), set(scene_ids)
        for event in self.events:
            if event.track_id not in known_tracks:
                raise ValueError(f"event {event.id!r} is on unknown track {event.track_id!r}")
            if event.scene_id is not None and event.scene_id not in known_scenes:
                raise ValueError(f"event {event.id!r} is in unknown scene {event.scene_id!r}")
            if event.active_take_id is not None and event.active_take() is None:
                raise ValueError(f"event {event.id!r} names a missing active take")
        return self

    @property
    def duration_s(self) -> float:
        return self.duration / self.sample_rate

    def to_samples(self, seconds: float) -> int:
        return int(round(seconds * self.sample_rate))

    def to_seconds(self, samples: int) -> float:
        return samples / self.sample_rate

    # lookups by id are hot (the timeline asks for every clip it paints): keep an index,
    # rebuilt whenever the list is replaced or changes length
    _event_index: dict = PrivateAttr(default_factory=dict)
    _indexed: tuple = PrivateAttr(default=(None, -1))

    def __eq__(self, other: object) -> bool:  # the field values; never the lookup index
        return isinstance(other, Story) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    def track(self, track_id: str) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(track_id)

    def event(self, event_id: str) -> Event:
        if self._indexed != (id(self.events), len(self.events)):
            self._event_index = {e.id: e for e in self.events}
            self._indexed = (id(self.events), len(self.events))
        event = self._event_index.get(event_id)
        if event is None or event.id != event_id:  # an id changed in place: look again
            self._indexed = (None, -1)
            event = next((e for e in self.events if e.id == event_id), None)
            if event is None:
                raise KeyError(event_id)
        return event

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)

    def scene_at(self, sample: int) -> Scene | None:
        """The scene playing at `sample` (the last one to start at or before it)."""
        current = None
        for scene in self.scenes:
            if scene.start > sample:
                break
            current = scene
        return current

    def events_in(self, scene_id: str) -> list[Event]:
        return sorted((e for e in self.events if e.scene_id == scene_id),
                      key=lambda e: (e.start, e.id))

    def events_on(self, track_id: str) -> list[Event]:
        return sorted((e for e in self.events if e.track_id == track_id), key=lambda e: e.start)

    def next_event_id(self, reserved: set[str] | frozenset = frozenset()) -> str:
        """A free event id; `reserved` holds ids handed out but not yet added."""
        used = {e.id for e in self.events} | set(reserved)
        n = len(self.events) + 1
        while f"e{n}" in used:
            n += 1
        return f"e{n}"
