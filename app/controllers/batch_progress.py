"""The overall progress of the renders in flight: how many are done, and about how long the
rest will take (from the speed of the renders so far, in audio seconds per wall second).
Pure (no Qt); the engine controller feeds it and the status bar shows `summary()`."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from app.timeline.timecode import format_span


@dataclass
class _Job:
    audio_s: float
    fraction: float = 0.0
    finished: bool = False


class BatchProgress:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._jobs: dict[int, _Job] = {}
        self._busy_since: float | None = None  # wall time of the first start in this batch

    # -- feeding -----------------------------------------------------------------------
    def add(self, job_id: int, audio_s: float) -> None:
        """A render was queued (for `audio_s` seconds of audio)."""
        if self._jobs and all(job.finished for job in self._jobs.values()):
            self.reset()  # a new batch after the last one ended
        self._jobs[job_id] = _Job(max(audio_s, 1e-3))

    def started(self, job_id: int) -> None:
        if job_id in self._jobs and self._busy_since is None:
            self._busy_since = self._clock()

    def progress(self, job_id: int, fraction: float) -> None:
        job = self._jobs.get(job_id)
        if job is not None and not job.finished:
            job.fraction = min(max(fraction, 0.0), 1.0)

    def finished(self, job_id: int) -> None:
        """Done, failed or cancelled: it no longer counts as work left."""
        job = self._jobs.get(job_id)
        if job is not None:
            job.finished = True
            job.fraction = 1.0

    def reset(self) -> None:
        self._jobs.clear()
        self._busy_since = None

    # -- reading -----------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._jobs)

    @property
    def done(self) -> int:
        return sum(job.finished for job in self._jobs.values())

    @property
    def active(self) -> bool:
        return any(not job.finished for job in self._jobs.values())

    def fraction(self) -> float:
        """Share of the batch's audio rendered so far (0..1)."""
        total = sum(job.audio_s for job in self._jobs.values())
        if total <= 0:
            return 0.0
        return sum(job.audio_s * job.fraction for job in self._jobs.values()) / total

    def seconds_left(self) -> float | None:
        """Estimated wall seconds until the batch is done; None until one render finished
        (or 2 s of work went by), so the first guess is not wild."""
        if self._busy_since is None:
            return None
        elapsed = self._clock() - self._busy_since
        rendered = sum(job.audio_s * job.fraction for job in self._jobs.values())
        if rendered <= 0 or (self.done == 0 and elapsed < 2.0):
            return None
        remaining = sum(job.audio_s * (1 - job.fraction) for job in self._jobs.values())
        return remaining * elapsed / rendered

    def summary(self) -> str:
        """'Rendering 3 of 12 · about 40 s left' (empty when nothing is in flight)."""
        if not self.active:
            return ""
        text = f"Rendering {min(self.done + 1, self.total)} of {self.total}"
        left = self.seconds_left()
        return text + (f" · about {format_span(left)} left" if left is not None
                       else " · estimating time left")
