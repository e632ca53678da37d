"""Shared fixtures: small real stories, real take files, the real command line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.model.story import Event, Story, Track, TrackKind

# Renders run in the calling process unless a test asks for worker processes itself
# (tests/integration/test_render_pool.py, test_editor_render_processes): a pool per test
# would spend more time starting workers than rendering. Subprocesses inherit this.
os.environ.setdefault("AUDIOSTORY_RENDER_WORKERS", "1")

ROOT = Path(__file__).resolve().parent.parent


def make_story(duration_s: float = 10.0, sample_rate: int = 48_000) -> Story:
    """Two tracks, three events; no takes yet."""
    sr = sample_rate
    return Story(
        title="Harbour at dusk", prompt="waves, a bell, then footsteps", sample_rate=sr,
        duration=int(duration_s * sr), seed=7,
        tracks=[Track(id="ambience-1", name="Ambience 1", kind=TrackKind.AMBIENCE),
                Track(id="effects-1", name="Effects 1", kind=TrackKind.EFFECTS, pan=-0.3)],
        events=[
            Event(id="e1", track_id="ambience-1", start=0, duration=int(duration_s * sr),
                  caption="waves lapping in a harbour", seed=11),
            Event(id="e2", track_id="effects-1", start=sr, duration=2 * sr,
                  caption="a harbour bell rings twice", seed=12, tone="calm",
                  cues={"place": "harbour"}),
            Event(id="e3", track_id="effects-1", start=4 * sr, duration=3 * sr,
                  caption="footsteps on a wooden pier", seed=13, gain_db=-3.0,
                  fade_in_s=0.1, fade_out_s=0.5),
        ])


@pytest.fixture
def story() -> Story:
    return make_story()


def sine(freq_hz: float, seconds: float, sample_rate: int, channels: int = 1,
         level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    tone = (level * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)
    return np.tile(tone, (channels, 1))


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python main.py ARGS` as a user would, in a fresh process."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)
