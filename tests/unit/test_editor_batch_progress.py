"""Overall render progress with count and time left (app/controllers/batch_progress.py)."""
from __future__ import annotations

from app.controllers.batch_progress import BatchProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_count_and_time_left_follow_the_renders():
    clock = Clock()
    batch = BatchProgress(clock)
    for job in range(4):
        batch.add(job, audio_s=10.0)
    assert batch.summary() == "Rendering 1 of 4 · estimating time left"
    batch.started(0)
    clock.now += 5
    batch.progress(0, 1.0)
    batch.finished(0)
    # 10 s of audio took 5 s: the 30 s left take about 15 s
    assert batch.seconds_left() == 15.0
    assert batch.summary() == "Rendering 2 of 4 · about 15 s left"
    batch.started(1)
    clock.now += 2.5
    batch.progress(1, 0.5)
    assert batch.seconds_left() == 25.0 * 7.5 / 15.0
    assert abs(batch.fraction() - 15.0 / 40.0) < 1e-9
    for job in (1, 2, 3):
        batch.finished(job)
    assert not batch.active and batch.summary() == ""
    batch.add(9, 1.0)  # a new batch starts from zero
    assert batch.total == 1 and batch.done == 0
