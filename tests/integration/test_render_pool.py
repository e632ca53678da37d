"""Rendering on every core: worker processes give the same takes as the serial path, keep
the per-event reports, and stop cleanly when cancelled."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from engine.errors import Cancelled
from engine.model.story import Event, Story, Track, TrackKind
from engine.planning import PlanRequest, get_planner, story_from_plan
from engine.progress import CancelToken
from engine.project.folder import Project
from engine.render.events import render_events
from tests.conftest import ROOT

pytestmark = pytest.mark.subprocess
PROMPT = ("Rain drums on a tin roof at night; a dog barks twice, a door slams, footsteps "
          "cross a wooden floor and thunder rolls in the distance.")


def _project(folder, name: str) -> Project:
    plan = get_planner("offline").plan(PlanRequest(PROMPT, 20.0, 5))
    return Project.create(folder / name, story_from_plan(plan, PROMPT, seed=5))


def _takes(project: Project) -> dict[str, np.ndarray]:
    audio = {}
    for event in project.story.events:
        take = event.active_take()
        project.audio_cache = type(project.audio_cache)()  # read the files themselves
        audio[event.id] = project.read_take(take)[0]
    return audio


def test_pooled_takes_are_bit_identical_to_serial_ones(tmp_path):
    serial, pooled = _project(tmp_path, "serial"), _project(tmp_path, "pooled")
    assert not render_events(serial, serial.stale_events(), workers=1).failed
    messages = []
    report = render_events(pooled, pooled.stale_events(), lambda f, m: messages.append(m),
                           workers=2)
    assert not report.failed and len(report.rendered) == len(pooled.story.events) >= 4
    one, two = _takes(serial), _takes(pooled)
    assert one.keys() == two.keys()
    for event_id in one:
        assert np.array_equal(one[event_id], two[event_id]), event_id
    assert messages[-1].startswith("rendered") and any(m.startswith("[1/") for m in messages)


def test_a_cancelled_pool_keeps_the_finished_takes_and_raises(tmp_path):
    sr = 48_000
    story = Story(duration=40 * sr, seed=2, tracks=[
        Track(id="fx", name="Effects", kind=TrackKind.EFFECTS)], events=[
        Event(id=f"e{i}", track_id="fx", start=i * 2 * sr, duration=2 * sr, seed=i,
              caption=caption) for i, caption in enumerate(
            ["a dog barks", "a door slams", "footsteps on gravel", "a bell rings",
             "glass breaks", "a car horn honks", "a cat meows", "a phone rings",
             "thunder rumbles", "a kettle whistles", "a clock ticks", "a gunshot"])])
    project = Project.create(tmp_path / "cancel", story)
    cancel = CancelToken()
    seen = []

    def progress(fraction, message):
        seen.append(message)
        if message.startswith("[1/"):
            cancel.cancel()  # as soon as the first take is in

    with pytest.raises(Cancelled):
        render_events(project, project.stale_events(), progress, cancel, workers=2)
    finished = [e for e in project.story.events if e.active_take() is not None]
    assert 1 <= len(finished) < len(project.story.events)
    for event in finished:
        assert project.take_available(event.active_take())


KILLED_PARENT = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from engine.render.pool import RenderPool
pool = RenderPool(2, fork=sys.argv[2] == "fork")
pids = {f.result() for f in [pool._executor.submit(os.getpid) for _ in range(8)]}
print(" ".join(map(str, sorted(pids))), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\\nState:\\tZ" not in status.read()  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process states from /proc")
@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_workers_leave_when_the_process_they_work_for_is_killed(start):
    """The editor or the CLI killed (or crashed) leaves no render workers behind."""
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, str(ROOT), start],
                              stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
    finally:
        parent.kill()
        parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
