"""Vertical layout of the timeline: one lane per track, each as tall as the track height the
user picked, or a thin strip when the track is collapsed. Pure (no Qt): the scene, the clip
items and the track headers all place themselves from one `LaneLayout`."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

DEFAULT_LANE_PX = 72
MIN_LANE_PX = 40
MAX_LANE_PX = 240
COLLAPSED_LANE_PX = 24
CLIP_MARGIN_PX = 3  # gap above and below a clip inside its lane


def clamp_lane_height(px: float) -> int:
    return int(min(max(round(px), MIN_LANE_PX), MAX_LANE_PX))


@dataclass(frozen=True)
class LaneLayout:
    """Lanes top to bottom: `track_ids[i]` is drawn `heights[i]` pixels tall."""

    track_ids: tuple[str, ...] = ()
    heights: tuple[int, ...] = ()

    @classmethod
    def build(cls, track_ids: Sequence[str], lane_px: int = DEFAULT_LANE_PX,
              collapsed: frozenset[str] | set[str] = frozenset()) -> LaneLayout:
        return cls(tuple(track_ids), tuple(COLLAPSED_LANE_PX if t in collapsed else lane_px
                                           for t in track_ids))

    def __len__(self) -> int:
        return len(self.track_ids)

    @cached_property
    def tops(self) -> tuple[int, ...]:
        tops, y = [], 0
        for height in self.heights:
            tops.append(y)
            y += height
        return tuple(tops)

    @cached_property
    def total_height(self) -> int:
        return sum(self.heights)

    def index(self, track_id: str) -> int:
        """The lane of a track (0 for an unknown one)."""
        try:
            return self.track_ids.index(track_id)
        except ValueError:
            return 0

    def top(self, lane: int) -> int:
        return self.tops[lane] if 0 <= lane < len(self) else 0

    def height(self, lane: int) -> int:
        return self.heights[lane] if 0 <= lane < len(self) else DEFAULT_LANE_PX

    def lane_at(self, y: float) -> int:
        """The lane under scene y, clamped to the first and last lane."""
        if not self.track_ids:
            return 0
        return min(max(bisect_right(self.tops, y) - 1, 0), len(self) - 1)

    def clip_box(self, lane: int) -> tuple[int, int]:
        """(top, height) of a clip in `lane`."""
        return self._clip_boxes[lane] if 0 <= lane < len(self) else (CLIP_MARGIN_PX,
                                                                     DEFAULT_LANE_PX - 6)

    @cached_property
    def _clip_boxes(self) -> tuple[tuple[int, int], ...]:
        boxes = []
        for top, height in zip(self.tops, self.heights):
            margin = CLIP_MARGIN_PX if height > 2 * CLIP_MARGIN_PX + 8 else 1
            boxes.append((top + margin, max(height - 2 * margin, 2)))
        return tuple(boxes)


def fit_lane_height(lanes: int, collapsed: int, viewport_px: int) -> int:
    """The track height that makes every lane fit in `viewport_px` (within the limits)."""
    open_lanes = lanes - collapsed
    if open_lanes <= 0:
        return DEFAULT_LANE_PX
    return clamp_lane_height((viewport_px - collapsed * COLLAPSED_LANE_PX) / open_lanes)
