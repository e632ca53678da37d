"""What a take sounds like as delivered: loudness per track kind, distance, occlusion,
motion, envelopes, stereo."""
from __future__ import annotations

import numpy as np

from engine.meter.loudness import integrated_lufs as reference_lufs
from engine.mix.targets import TAKE_TARGET_LUFS as TARGET_LUFS
from tests.support.procedural import SR, band_share, centroid_hz, envelope_db, render


def level_db(audio: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(audio ** 2) + 1e-20))


def test_takes_meet_their_track_kind_loudness_and_ambience_sits_below_effects():
    effects = render("a dog barks", 6.0, track_kind="effects").audio
    ambience = render("wind blowing", 6.0, track_kind="ambience").audio
    music = render("calm ambient music", 6.0, track_kind="music").audio
    assert abs(reference_lufs(effects, SR) - TARGET_LUFS["effects"]) < 1.0
    assert abs(reference_lufs(ambience, SR) - TARGET_LUFS["ambience"]) < 1.0
    assert abs(reference_lufs(music, SR) - TARGET_LUFS["music"]) < 1.0
    assert TARGET_LUFS["ambience"] < TARGET_LUFS["music"] < TARGET_LUFS["effects"]


def test_a_distant_sound_is_quieter_duller_and_wetter():
    near = render("a dog barks", 5.0, seed=3).audio
    far = render("a dog barks in the distance", 5.0, seed=3).audio
    assert reference_lufs(far, SR) < reference_lufs(near, SR) - 5
    assert band_share(far, 3000, 20000) < band_share(near, 3000, 20000)

    def gaps_db(audio):  # how quiet it gets between barks: reverb fills the gaps
        env = envelope_db(audio, 0.02)
        return env.max() - np.percentile(env, 30)
    assert gaps_db(far) < gaps_db(near)


def test_a_sound_behind_a_wall_loses_its_highs():
    open_air = render("a dog barks", 4.0, seed=2).audio
    behind = render("a dog barks in the next room", 4.0, seed=2).audio
    assert band_share(behind, 1000, 20000) < 0.3 * band_share(open_air, 1000, 20000)


def test_motion_shapes_the_level_and_the_pitch():
    coming = render("a truck approaching", 8.0).audio
    going = render("a truck driving away", 8.0).audio
    assert level_db(coming[:, -SR:]) > level_db(coming[:, :SR]) + 10
    assert level_db(going[:, :SR]) > level_db(going[:, -SR:]) + 10
    passing = render("a car drives past", 8.0, seed=4).audio
    env = envelope_db(passing, 0.25)
    assert 0.25 < np.argmax(env) / env.size < 0.75, "loudest as it passes"
    left, right = (level_db(passing[ch, :2 * SR]) - level_db(passing[ch, -2 * SR:])
                   for ch in (0, 1))
    assert abs(left - right) > 3, "it crosses the stereo field"
    approach = passing[:, int(2.5 * SR):int(3.5 * SR)]
    away = passing[:, int(4.5 * SR):int(5.5 * SR)]
    assert centroid_hz(approach) > centroid_hz(away), "Doppler: the pitch falls as it passes"


def test_fading_away_and_building_shape_the_event():
    fading = render("the rain fading away", 6.0, track_kind="ambience").audio
    building = render("ominous music building", 6.0, track_kind="music").audio
    assert level_db(fading[:, :SR]) > level_db(fading[:, -SR:]) + 10
    assert level_db(building[:, -SR:]) > level_db(building[:, :SR]) + 6


def test_beds_are_wide_and_point_sources_have_a_place():
    rain = render("rain falling", 4.0, track_kind="ambience").audio
    assert np.corrcoef(rain[0], rain[1])[0, 1] < 0.5, "a bed surrounds the listener"
    placed = [render("a dog barks", 3.0, story_seed=story).metadata["layers"][0]["parameters"]["pan"]
              for story in range(6)]
    assert len(set(placed)) > 1 and max(abs(p) for p in placed) > 0.1
    dog = render("a dog barks", 3.0, story_seed=int(np.argmax(np.abs(placed)))).audio
    assert abs(level_db(dog[0]) - level_db(dog[1])) > 1, "a placed source leans to its side"


def test_takes_stop_at_the_top_of_the_audible_band():
    """Noise and a saturated blast reach Nyquist unless cut: nothing is left above 20 kHz that
    a resampler reading the master could turn into a higher true peak."""
    for caption in ("heavy rain falling", "a gunshot rings out", "glass shatters"):
        audio = render(caption, 3.0, seed=4, track_kind="effects").audio
        assert band_share(audio, 21_000, 24_000) < 2e-4, caption
        assert band_share(audio, 8_000, 16_000) > 0.003, caption  # the highs below are kept
