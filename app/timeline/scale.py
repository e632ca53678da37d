"""Time <-> pixels for the timeline. The model keeps exact samples; pixels exist only here."""
from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

from app.timeline.timecode import tick_step_s

MAX_PX_PER_SAMPLE = 8.0  # deepest zoom: individual samples are several pixels wide
MAX_SCENE_WIDTH_PX = 2.0e9  # scroll bars are 32-bit integers


class TimeScale(QObject):
    changed = Signal()

    def __init__(self, sample_rate: int, px_per_second: float = 40.0, parent=None) -> None:
        super().__init__(parent)
        self.sample_rate = sample_rate
        self.story_samples = sample_rate * 60
        self._px_per_second = px_per_second

    @property
    def px_per_second(self) -> float:
        return self._px_per_second

    @property
    def px_per_sample(self) -> float:
        return self._px_per_second / self.sample_rate

    def set_story(self, sample_rate: int, story_samples: int) -> None:
        self.sample_rate = sample_rate
        self.story_samples = max(story_samples, 1)
        self.set_px_per_second(self._px_per_second)

    def max_px_per_second(self) -> float:
        by_width = MAX_SCENE_WIDTH_PX / (self.story_samples / self.sample_rate * 1.5)
        return min(MAX_PX_PER_SAMPLE * self.sample_rate, by_width)

    def set_px_per_second(self, value: float, min_value: float = 1e-3) -> bool:
        value = min(max(value, min_value), self.max_px_per_second())
        if math.isclose(value, self._px_per_second, rel_tol=1e-9):
            return False
        self._px_per_second = value
        self.changed.emit()
        return True

    def x(self, samples: int | float) -> float:
        return samples * self._px_per_second / self.sample_rate

    def samples(self, x: float) -> int:
        return int(round(x * self.sample_rate / self._px_per_second))

    def tick_step_s(self, min_px: float = 80.0) -> float:
        """The smallest 'nice' time step whose ticks are at least `min_px` apart."""
        return tick_step_s(self._px_per_second, min_px)
