"""Time <-> pixels for the timeline. The model keeps exact samples; pixels exist only here."""
from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

MAX_PX_PER_SAMPLE = 8.0  # deepest zoom: individual samples are several pixels wide
MAX_SCENE_WIDTH_PX = 2.0e9  # scroll bars are 32-bit integers
NICE_STEPS_S = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5,
                10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


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
        for step in NICE_STEPS_S:
            if step * self._px_per_second >= min_px:
                return step
        return NICE_STEPS_S[-1]


def format_tick(samples: int, sample_rate: int, step_s: float) -> str:
    """A ruler label with as many decimals as the tick spacing needs."""
    if step_s < 0.001:
        return f"{samples}"
    decimals = 0 if step_s >= 1 else 1 if step_s >= 0.1 else 2 if step_s >= 0.01 else 3
    seconds = samples / sample_rate
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    width = 2 + (decimals + 1 if decimals else 0)
    text = f"{int(minutes)}:{secs:0{width}.{decimals}f}"
    return f"{hours}:{int(minutes):02d}:{secs:0{width}.{decimals}f}" if hours else text


def format_time(samples: int, sample_rate: int) -> str:
    """mm:ss.mmm (h:mm:ss.mmm past an hour)."""
    seconds = samples / sample_rate
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return (f"{int(hours)}:{int(minutes):02d}:{secs:06.3f}" if hours >= 1
            else f"{int(minutes):02d}:{secs:06.3f}")
