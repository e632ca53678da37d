"""Where a dragged edge snaps: to clip edges, the playhead, scene boundaries and the story's
ends when one is within reach, otherwise to the grid. Pure functions on integer samples."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.timeline.timecode import tick_step_s

SNAP_PX = 8.0
GRID_DIVISIONS = 4  # grid lines per ruler tick


def grid_step_samples(px_per_second: float, sample_rate: int) -> int:
    """The snap grid at this zoom: a quarter of the ruler's tick spacing, in samples."""
    return max(int(round(tick_step_s(px_per_second) / GRID_DIVISIONS * sample_rate)), 1)


def snap_targets(edges: Iterable[tuple[int, int]], fixed: Iterable[int]) -> list[int]:
    """Sorted, unique snap positions: both ends of every (start, end) span plus `fixed`
    positions (story start and end, playhead, scene boundaries)."""
    targets = set(fixed)
    for start, end in edges:
        targets.add(start)
        targets.add(end)
    return sorted(targets)


def snap_shift(positions: Sequence[int], targets: Sequence[int], reach: float,
               grid: int | None) -> int:
    """The smallest shift that puts one of `positions` on a target within `reach` samples
    or, when none is in reach, on a line of the `grid` (None: no grid); 0 if neither."""
    candidates = [target - position for position in positions for target in targets
                  if abs(target - position) <= reach]
    if not candidates and grid:
        candidates = [int(round(position / grid)) * grid - position for position in positions]
        candidates = [shift for shift in candidates if abs(shift) <= reach]
    if not candidates:
        return 0
    return min(candidates, key=lambda shift: (abs(shift), shift))
