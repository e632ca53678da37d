"""The story model: tracks and timed events, each event with the takes rendered for it.

Positions and lengths are integer sample counts at the story's sample rate, so they are exact
and never drift; seconds exist only at the edges (plans, the command line, the view). The
on-disk envelope and its version upgrades live in `engine.schema`.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

DEFAULT_SAMPLE_RATE = 48_000
MAX_DURATION_S = 2 * 3600  # two hours: a feature-length story; longer work is split in parts
DEFAULT_GENERATOR = "procedural"


class TrackKind(StrEnum):
    AMBIENCE = "ambience"
    EFFECTS = "effects"
    MUSIC = "music"
    SPEECH = "speech"


def render_key(caption: str, tone: str, cues: dict, seed: int, generator: str,
               settings: dict) -> str:
    """Digest of an event's render inputs (see `Event.render_key`)."""
    inputs = {"caption": caption, "tone": tone, "cues": cues, "seed": seed,
              "generator": generator, "settings": settings}
    blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class FadeCurve(StrEnum):
    LINEAR = "linear"  # equal gain: right for material that is the same on both sides
    EQUAL_POWER = "equal_power"  # constant loudness across unrelated material


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Take(_Model):
    """One rendered version of an event, with everything needed to render it again."""

    id: str = Field(min_length=1)
    path: str = Field(min_length=1, description="audio file, relative to the project folder")
    generator: str
    generator_version: str
    parameters: dict[str, Any] = Field(description="the full render request, seed included")
    seed: int
    sample_rate: int = Field(gt=0)
    channels: int = Field(ge=1)
    frames: int = Field(ge=0, description="length in samples at the take's own rate")
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    loudness_lufs: float | None = Field(default=None, description="integrated, ITU-R BS.1770")
    render_key: str = Field(description="the event's render_key() when this take was made")
    notes: list[str] = Field(default_factory=list, description="what the generator wants known")

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


class Track(_Model):
    id: str = Field(min_length=1)
    name: str
    kind: TrackKind
    gain_db: float = Field(default=0.0, ge=-96.0, le=24.0)
    pan: float = Field(default=0.0, ge=-1.0, le=1.0, description="-1 left, 0 centre, +1 right")
    mute: bool = False
    solo: bool = False


class Event(_Model):
    """A sound on the timeline. `start`, `duration` and `offset` are samples at the story rate."""

    id: str = Field(min_length=1)
    track_id: str
    start: int = Field(ge=0)
    duration: int = Field(gt=0)
    offset: int = Field(default=0, ge=0, description="samples of the take skipped (left trim)")
    caption: str = Field(min_length=1)
    tone: str = "neutral"
    cues: dict[str, str] = Field(default_factory=dict)
    seed: int = Field(ge=0)
    gain_db: float = Field(default=0.0, ge=-96.0, le=24.0)
    fade_in_s: float = Field(default=0.0, ge=0.0)
    fade_out_s: float = Field(default=0.0, ge=0.0)
    fade_curve: FadeCurve = Field(default=FadeCurve.LINEAR, description="shape of both fades")
    generator: str = DEFAULT_GENERATOR
    generator_settings: dict[str, Any] = Field(default_factory=dict)
    takes: list[Take] = Field(default_factory=list)
    active_take_id: str | None = None

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

    def render_key(self) -> str:
        """A digest of what the audio depends on; a take made under another key is stale.

        Position, length, gain and fades are not in it: moving or trimming a clip does not ask
        for a new render (the mixer reads the take from `offset`).
        """
        return render_key(self.caption, self.tone, self.cues, self.seed, self.generator,
                          self.generator_settings)

    def next_take_id(self) -> str:
        used = {t.id for t in self.takes}
        n = len(self.takes) + 1
        while f"t{n}" in used:
            n += 1
        return f"t{n}"


class Story(_Model):
    title: str = "Untitled story"
    prompt: str = ""
    sample_rate: int = Field(default=DEFAULT_SAMPLE_RATE, ge=8_000, le=192_000)
    duration: int = Field(gt=0, description="length of the master in samples")
    seed: int = Field(default=0, ge=0, description="story seed: shared scene state")
    tracks: list[Track] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_references(self) -> Story:
        track_ids = [t.id for t in self.tracks]
        if len(set(track_ids)) != len(track_ids):
            raise ValueError("two tracks share an id")
        event_ids = [e.id for e in self.events]
        if len(set(event_ids)) != len(event_ids):
            raise ValueError("two events share an id")
        known = set(track_ids)
        for event in self.events:
            if event.track_id not in known:
                raise ValueError(f"event {event.id!r} is on unknown track {event.track_id!r}")
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

    __hash__ = None  # mutable

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

    def events_on(self, track_id: str) -> list[Event]:
        return sorted((e for e in self.events if e.track_id == track_id), key=lambda e: e.start)

    def next_event_id(self, reserved: set[str] | frozenset = frozenset()) -> str:
        """A free event id; `reserved` holds ids handed out but not yet added."""
        used = {e.id for e in self.events} | set(reserved)
        n = len(self.events) + 1
        while f"e{n}" in used:
            n += 1
        return f"e{n}"
