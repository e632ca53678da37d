"""The mixer places each event where the plan put it: its pan, relative to its track's."""
from __future__ import annotations

import numpy as np
import pytest

from engine.mix.mixer import Mixer
from engine.model.story import Event, Story, Track, TrackKind
from tests.conftest import sine

SR = 48_000


def mix_panned(event_pan: float, track_pan: float = 0.0) -> np.ndarray:
    """The master of one mono tone at `event_pan` on a track at `track_pan`."""
    story = Story(duration=SR, tracks=[Track(id="t", name="T", kind=TrackKind.EFFECTS,
                                             pan=track_pan)],
                  events=[Event(id="e", track_id="t", start=0, duration=SR, caption="a bell",
                                seed=1, pan=event_pan)])
    take = sine(440, 1.0, SR, 1, 0.25)
    return Mixer().mix(story, lambda event: (take, SR)).master


def rms(channel: np.ndarray) -> float:
    return float(np.sqrt(np.mean(channel.astype(np.float64) ** 2)))


def test_an_event_panned_hard_left_is_only_in_the_left_channel():
    master = mix_panned(-1.0)
    assert rms(master[1]) == pytest.approx(0.0, abs=1e-7)
    assert rms(master[0]) == pytest.approx(np.sqrt(2) * 0.25 / np.sqrt(2), rel=1e-3)


def test_event_pan_adds_to_the_track_pan():
    hard_right = mix_panned(0.5, track_pan=0.5)
    assert rms(hard_right[0]) == pytest.approx(0.0, abs=1e-7)
    centred = mix_panned(-0.4, track_pan=0.4)
    assert np.allclose(centred[0], centred[1], atol=1e-7)
    beyond = mix_panned(-0.8, track_pan=-0.8)  # kept at hard left, not folded back
    assert rms(beyond[1]) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("event_pan", [-0.7, -0.2, 0.0, 0.35, 0.9])
def test_panning_keeps_the_power_constant(event_pan):
    centre = mix_panned(0.0)
    panned = mix_panned(event_pan)
    power = rms(panned[0]) ** 2 + rms(panned[1]) ** 2
    assert power == pytest.approx(rms(centre[0]) ** 2 + rms(centre[1]) ** 2, rel=1e-3)
    left, right = rms(panned[0]), rms(panned[1])
    assert (left > right) == (event_pan < 0) or event_pan == 0
