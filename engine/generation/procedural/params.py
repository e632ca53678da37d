"""What a recipe is asked to play: its parameters and the context it renders in."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from engine.generation.procedural import dsp

MATERIALS = ("wood", "metal", "glass", "stone", "gravel", "snow", "grass", "ceramic", "water",
             "sand", "cloth")
MOTIONS = ("approaching", "receding", "passing")
ENVELOPES = ("fade_in", "fade_out", "swell", "sudden")
_UNIT_FIELDS = ("intensity", "distance", "brightness", "speed", "size")


@dataclass(frozen=True)
class SoundParams:
    """Every recipe reads these; all continuous ones run 0..1 with 0.5 as 'ordinary'."""

    intensity: float = 0.5  # soft .. violent
    distance: float = 0.2  # close .. far away
    brightness: float = 0.5  # dark, muffled .. bright, sharp
    speed: float = 0.5  # slow .. fast (pace of steps, knocks, a melody)
    size: float = 0.5  # tiny .. huge (a big dog barks lower, a huge bell rings longer)
    material: str | None = None  # wood, metal, glass, ... (see MATERIALS)
    count: int | None = None  # how many barks, knocks, shots, tolls; None: fill the time
    motion: str | None = None  # approaching, receding, passing
    envelope: str | None = None  # fade_in, fade_out, swell, sudden
    muffled: bool = False  # heard through a wall or a door

    def __post_init__(self) -> None:
        for name in _UNIT_FIELDS:
            object.__setattr__(self, name, float(np.clip(getattr(self, name), 0.0, 1.0)))
        if self.count is not None:
            object.__setattr__(self, "count", int(np.clip(self.count, 1, 64)))

    def merged(self, changes: Mapping[str, Any]) -> SoundParams:
        """These parameters with `changes` applied; unknown keys are ignored."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known and v is not None})

    def shifted(self, **deltas: float) -> SoundParams:
        return replace(self, **{k: getattr(self, k) + v for k, v in deltas.items()})


@dataclass
class RecipeContext:
    """One recipe call: `n` samples at `sr`, two random streams and the parameters.

    `rng` drives the performance (when the dog barks): it follows the event's seed.
    `timbre` drives the identity (how this dog sounds): it follows the story seed and the
    source, so the same dog sounds the same in every event. Recipes draw their timbre
    values from `timbre` first and in a fixed order.
    """

    n: int
    sr: int
    rng: np.random.Generator
    timbre: np.random.Generator
    p: SoundParams
    start_s: float = 0.0  # where the event sits in the story: beds continue across events
    scene_seed: int = 0
    name: str = ""

    @property
    def seconds(self) -> float:
        return self.n / self.sr

    @property
    def t(self) -> np.ndarray:
        return np.arange(self.n) / self.sr

    def curve(self, rate_hz: float, tag: str = "") -> np.ndarray:
        """A smooth [0, 1] curve fixed in story time (continuous across abutting events)."""
        seed = dsp.int_seed(self.scene_seed, self.name, tag)
        return dsp.story_curve(seed, self.start_s, self.n, self.sr, rate_hz)

    def wobble(self, rate_hz: float) -> np.ndarray:
        """A smooth [0, 1] curve from this event's own performance."""
        return dsp.smooth_curve(self.rng, self.n, self.sr, rate_hz)

    def onsets(self, default_count: int, spacing_s: float, jitter: float = 0.15,
               first_s: float = 0.03, group_pause_s: float | None = None,
               fill: bool = True) -> np.ndarray:
        """Sample positions of discrete happenings (barks, knocks, shots).

        With a count from the caption ("twice") exactly that many. Without one: a group of
        about `default_count`, repeated after pauses to fill the event when `fill` (a dog
        keeps barking), or just the one group (a door slams once).
        """
        spacing_s = spacing_s * (1.5 - self.p.speed)
        if self.p.count is not None:
            count = self.p.count
            times = first_s + np.arange(count) * spacing_s
            times[1:] += self.rng.uniform(-jitter, jitter, count - 1) * spacing_s
            if times[-1] > self.seconds * 0.9 and count > 1:  # squeeze to fit the event
                times = first_s + (times - first_s) * (self.seconds * 0.85 - first_s) / (
                    times[-1] - first_s)
            return self._inside(times, first_s)
        pause_s = group_pause_s if group_pause_s is not None else 3 * spacing_s
        times, now = [], first_s
        while now < self.seconds * 0.92:
            low = max(default_count - 1, 1)
            group = int(self.rng.integers(low, default_count + 2)) if fill else default_count
            for _ in range(group):
                if now >= self.seconds * 0.92 and times:
                    break
                times.append(now)
                now += spacing_s * self.rng.uniform(1 - jitter, 1 + jitter)
            if not fill:
                break
            now += pause_s * self.rng.uniform(0.6, 1.6)
        return self._inside(times, first_s)

    def _inside(self, times, first_s: float) -> np.ndarray:
        """Sample positions within the event; at least one, however short the event."""
        positions = np.round(np.asarray(times, float) * self.sr).astype(int)
        positions = positions[(positions >= 0) & (positions < self.n)]
        if positions.size == 0:
            positions = np.array([int(min(first_s, 0.5 * self.seconds) * self.sr)])
        return positions
