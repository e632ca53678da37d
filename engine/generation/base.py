"""What every generator backend takes and returns.

A `RenderRequest` is frozen and passed per call: a generator object holds loaded weights or
recipe tables, never the settings of one job, so one generator can serve many requests.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import numpy as np

from engine.model.story import TrackKind
from engine.progress import CancelToken, Progress


@dataclass(frozen=True)
class NeighbourEvent:
    """Another event of the story, as context for the one being rendered."""

    caption: str
    track_kind: TrackKind  # a plain string ("ambience") is accepted and checked
    start_s: float
    duration_s: float
    tone: str
    relation: str  # "before", "during" or "after" the event being rendered

    def __post_init__(self) -> None:
        object.__setattr__(self, "track_kind", TrackKind(self.track_kind))


@dataclass(frozen=True)
class RenderRequest:
    caption: str
    duration_s: float
    seed: int
    track_kind: TrackKind = TrackKind.EFFECTS  # a plain string ("music") is accepted and checked
    tone: str = "neutral"
    cues: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    context: tuple[NeighbourEvent, ...] = ()  # the story around this event (coherence)
    story_prompt: str = ""
    story_seed: int = 0  # shared scene state: the same source sounds the same across events
    start_s: float = 0.0  # where the event sits in the story
    event_id: str = ""
    pan: float = 0.0  # the event's place, -1 left ... +1 right (the mixer pans the take there)
    text: str = ""      # speech events: the words,
    speaker: str = ""   # who says them,
    delivery: str = ""  # and how (shouted, whispered, calm)

    def __post_init__(self) -> None:
        if not self.caption.strip():
            raise ValueError("caption is empty")
        if not self.duration_s > 0:
            raise ValueError(f"duration_s must be positive, got {self.duration_s}")
        object.__setattr__(self, "track_kind", TrackKind(self.track_kind))
        object.__setattr__(self, "cues", MappingProxyType(dict(self.cues)))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "context", tuple(self.context))

    def __reduce__(self):  # mapping proxies do not pickle: worker processes get plain dicts
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["cues"], values["settings"] = dict(self.cues), dict(self.settings)
        return (_rebuild_request, (values,))

    def speech(self) -> dict[str, str]:
        """The speech inputs that are set, as in `Event.speech` (part of the render key)."""
        return {name: value for name in ("text", "speaker", "delivery")
                if (value := getattr(self, name))}

    def to_json(self) -> dict[str, Any]:
        """Every parameter, as stored in the take so the render can be repeated."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["cues"] = dict(self.cues)
        data["settings"] = dict(self.settings)
        data["context"] = [asdict(n) for n in self.context]
        return data


def _rebuild_request(values: dict[str, Any]) -> RenderRequest:
    return RenderRequest(**values)


@dataclass(frozen=True)
class GeneratedAudio:
    audio: np.ndarray  # float32, (channels, samples)
    sample_rate: int
    metadata: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # things the user should know, e.g. "no recipe matched"

    def __post_init__(self) -> None:
        if self.audio.ndim != 2 or self.audio.dtype != np.float32:
            raise ValueError("audio must be float32 shaped (channels, samples)")


@runtime_checkable
class Generator(Protocol):
    name: str
    version: str

    def render(self, request: RenderRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> GeneratedAudio:
        """Render one event. Deterministic for a given request (seed included)."""
        ...
