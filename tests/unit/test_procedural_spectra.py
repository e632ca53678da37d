"""Each family of sounds has the spectrum and shape a listener expects of it, measured."""
from __future__ import annotations

import numpy as np

from tests.support.procedural import (
    band_share,
    centroid_hz,
    envelope_db,
    flatness,
    onsets,
    peak_hz,
    render,
)


def recipe_audio(name: str, caption: str, seconds: float = 5.0, **fields) -> np.ndarray:
    return render(caption, seconds, recipe=name, **fields).audio


def test_rain_is_broadband_noise():
    for name in ("rain_light", "rain_heavy"):
        audio = recipe_audio(name, "rain falling", track_kind="ambience")
        assert band_share(audio, 1000, 12000) > 0.45, name
        assert flatness(audio, 1000, 10000) > 0.1, f"{name} should be noise-like, not tonal"
        assert centroid_hz(audio) > 2500, name


def test_heavy_rain_is_denser_and_weightier_than_light_rain():
    light = recipe_audio("rain_light", "light rain", track_kind="ambience")
    heavy = recipe_audio("rain_heavy", "heavy rain", track_kind="ambience")
    assert band_share(heavy, 20, 600) > 2 * band_share(light, 20, 600)
    # light rain is a patter of separate drops: its level jumps about more
    assert np.std(np.diff(envelope_db(light, 0.005))) > np.std(np.diff(envelope_db(heavy, 0.005)))


def test_thunder_is_weighted_to_low_frequencies_and_far_thunder_rolls_on():
    # (a roll carries the roar of its middle too, up to 1-4 kHz, as recorded thunder does)
    near = recipe_audio("thunder_near", "a thunderclap overhead", 8.0)
    far = recipe_audio("thunder_far", "distant thunder", 8.0)
    assert band_share(near, 20, 1000) > 0.7 and band_share(far, 20, 1000) > 0.7
    assert centroid_hz(far) < 0.6 * centroid_hz(near), "far thunder has lost its crack"
    env = envelope_db(far, 0.1)
    loudest = int(np.argmax(env))
    assert env.max() - env[loudest + 20] < 15, "a distant roll goes on for seconds"


def test_birdsong_is_tonal_between_2_and_8_khz():
    audio = recipe_audio("songbirds", "birds singing", track_kind="ambience")
    assert band_share(audio, 2000, 8000) > 0.8
    assert 2000 <= peak_hz(audio) <= 8000
    assert flatness(audio, 1000, 10000) < 0.05, "song is whistled tones, not noise"
    env = envelope_db(audio, 0.05)  # between phrases: the air of the place, never silence
    assert env.max() - env.min() < 40
    assert band_share(audio, 50, 1500) > 0.01  # that air is a soft, dark wash under the song


def test_crickets_chirp_in_a_narrow_high_band():
    audio = recipe_audio("crickets", "crickets chirping", track_kind="ambience")
    assert band_share(audio, 3500, 5500) > 0.85
    assert len(onsets(audio, threshold_db=20, frame_s=0.01, min_gap_s=0.05)) >= 5


def test_bells_are_tonal_with_a_long_decay():
    bell = render("a church bell tolls once", 8.0, recipe="church_bell").audio
    thud = render("a heavy thud", 8.0, recipe="thud").audio
    assert flatness(bell, 100, 6000) < 0.02
    bell_env, thud_env = envelope_db(bell, 0.05), envelope_db(thud, 0.05)
    after = int(2.0 / 0.05)  # two seconds after the loudest moment
    bell_drop = bell_env.max() - bell_env[np.argmax(bell_env) + after]
    thud_drop = thud_env.max() - thud_env[np.argmax(thud_env) + after]
    assert bell_drop < 25, f"a bell still rings 2 s on (it fell {bell_drop:.0f} dB)"
    assert thud_drop > 50, f"a thud is over in an instant (it fell only {thud_drop:.0f} dB)"


def test_wind_and_underwater_live_in_the_low_end():
    wind = recipe_audio("wind", "wind blowing", 8.0, track_kind="ambience")
    under = recipe_audio("underwater", "underwater", 8.0, track_kind="ambience")
    assert band_share(wind, 20, 2000) > 0.9
    assert band_share(under, 20, 1000) > 0.9


def test_a_dog_barks_in_short_voiced_bursts():
    audio = render("a dog barks three times", 4.0, recipe="dog_bark").audio
    assert band_share(audio, 250, 4000) > 0.8
    assert len(onsets(audio)) == 3


def test_knocks_come_in_a_group_of_the_asked_count():
    audio = render("someone knocks three times at the door", 4.0, recipe="door_knock").audio
    assert len(onsets(audio, min_gap_s=0.1)) == 3


def test_footsteps_are_regular_impacts():
    audio = recipe_audio("footsteps_stone", "footsteps in a corridor", 6.0)
    steps = onsets(audio, threshold_db=20, frame_s=0.01, min_gap_s=0.25)
    assert 7 <= len(steps) <= 14, "about one step every half second"
    gaps = np.diff(steps)
    assert np.std(gaps) < 0.25 * np.mean(gaps), "a walking rhythm is steady"


def test_glass_shatters_high_and_a_crash_is_brief():
    audio = recipe_audio("glass_shatter", "glass shattering", 4.0)
    assert band_share(audio, 2000, 20000) > 0.6
    env = envelope_db(audio, 0.05)
    assert env[-10:].max() < env.max() - 40, "over within the event"


def test_engine_idle_is_a_steady_low_rumble():
    audio = recipe_audio("engine_idle", "an engine idling", 6.0)
    assert band_share(audio, 20, 1000) > 0.75
    env = envelope_db(audio, 0.5)
    assert env.max() - env.min() < 6, "idling holds its level"


def test_a_siren_sweeps_its_pitch():
    audio = render("a police siren wailing", 8.0, recipe="siren", story_seed=1).audio
    mono = audio.mean(axis=0)
    frame = 4800
    peaks = [peak_hz(mono[i:i + frame]) for i in range(0, mono.size - frame, frame)]
    assert max(peaks) > 1.4 * min(peaks), "the pitch rises and falls"
    assert 400 < np.median(peaks) < 2000


def test_music_beds_sit_where_their_instruments_do():
    drone = render("tense low drone", 6.0, recipe="tense_drone", track_kind="music").audio
    lullaby = render("a music box lullaby", 6.0, recipe="music_box_lullaby",
                     track_kind="music").audio
    heartbeat = recipe_audio("heartbeat", "a heartbeat", 6.0)
    assert band_share(drone, 20, 400) > 0.7
    assert 500 < peak_hz(lullaby) < 3000 and flatness(lullaby, 200, 8000) < 0.02
    assert band_share(heartbeat, 20, 250) > 0.95
    assert 4 <= len(onsets(heartbeat, min_gap_s=0.4)) <= 14
