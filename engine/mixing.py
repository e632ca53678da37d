"""Mixer: events placed at exact sample positions on their tracks, summed to a stereo master.

Per event: the take from its offset, resampled to the story rate where rates differ, event
gain and fades. Per track: gain, constant-power pan, mute and solo. The master is the sum of
the track stems; if it would go beyond full scale, one safety gain brings the whole master
down (no sample is ever clipped).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import soxr

from .progress import CancelToken, Progress, no_progress
from .story import Event, Story, Track

TakeAudio = Callable[[Event], "tuple[np.ndarray, int] | None"]  # (audio, rate) or None
FULL_SCALE_CEILING = 10 ** (-0.1 / 20)  # -0.1 dBFS


@dataclass(frozen=True)
class MixResult:
    master: np.ndarray  # float32 (2, samples)
    stems: dict[str, np.ndarray]  # track id -> float32 (2, samples), summing to the master
    sample_rate: int
    safety_gain_db: float  # 0 unless the master had to be turned down to stay below 0 dBFS


class Mixer:
    def mix(self, story: Story, take_audio: TakeAudio, progress: Progress = no_progress,
            cancel: CancelToken | None = None) -> MixResult:
        length = story.duration
        audible = audible_tracks(story)
        stems: dict[str, np.ndarray] = {}
        for index, track in enumerate(story.tracks):
            if cancel is not None:
                cancel.raise_if_cancelled()
            stem = np.zeros((2, length), dtype=np.float32)
            if track.id in audible:
                for event in story.events_on(track.id):
                    place_event(stem, story, event, take_audio(event))
                apply_track(stem, track)
            stems[track.id] = stem
            progress((index + 1) / max(len(story.tracks), 1), f"mixed {track.name}")
        master = np.zeros((2, length), dtype=np.float32)
        for stem in stems.values():
            master += stem
        peak = float(np.max(np.abs(master))) if master.size else 0.0
        safety_gain_db = 0.0
        if peak > FULL_SCALE_CEILING:
            master *= FULL_SCALE_CEILING / peak
            safety_gain_db = 20 * np.log10(FULL_SCALE_CEILING / peak)
        return MixResult(master, stems, story.sample_rate, safety_gain_db)


def audible_tracks(story: Story) -> set[str]:
    soloed = any(track.solo for track in story.tracks)
    return {t.id for t in story.tracks if not t.mute and (t.solo or not soloed)}


def place_event(stem: np.ndarray, story: Story, event: Event,
                take: tuple[np.ndarray, int] | None) -> None:
    """Add the event's audio into a track buffer at its exact position."""
    if take is None or event.start >= stem.shape[1]:
        return
    audio, rate = take
    if rate != story.sample_rate:
        audio = resample(audio, rate, story.sample_rate)
    clip = as_stereo(audio)[:, event.offset:event.offset + event.duration].astype(np.float32)
    clip = clip * np.float32(10 ** (event.gain_db / 20))
    apply_fades(clip, story.to_samples(event.fade_in_s), story.to_samples(event.fade_out_s))
    end = min(event.start + clip.shape[1], stem.shape[1])
    stem[:, event.start:end] += clip[:, : end - event.start]


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Very-high-quality band-limited resampling (libsoxr)."""
    out = soxr.resample(np.ascontiguousarray(audio.T), from_rate, to_rate, quality="VHQ")
    return np.ascontiguousarray(np.atleast_2d(out.T) if out.ndim == 1 else out.T)


def as_stereo(audio: np.ndarray) -> np.ndarray:
    if audio.shape[0] == 1:
        return np.repeat(audio, 2, axis=0)
    return audio[:2]


def apply_fades(clip: np.ndarray, fade_in: int, fade_out: int) -> None:
    n = clip.shape[1]
    fade_in, fade_out = min(fade_in, n), min(fade_out, n)
    if fade_in + fade_out > n:  # overlapping fades: share the clip between them
        fade_in = n * fade_in // (fade_in + fade_out)
        fade_out = n - fade_in
    if fade_in:
        clip[:, :fade_in] *= np.linspace(0.0, 1.0, fade_in, endpoint=False, dtype=np.float32)
    if fade_out:
        clip[:, n - fade_out:] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan (sin/cos law), unity at centre: gL² + gR² is always 2."""
    angle = (pan + 1.0) * np.pi / 4
    return float(np.sqrt(2) * np.cos(angle)), float(np.sqrt(2) * np.sin(angle))


def apply_track(stem: np.ndarray, track: Track) -> None:
    gain = 10 ** (track.gain_db / 20)
    left, right = pan_gains(track.pan)
    stem[0] *= np.float32(gain * left)
    stem[1] *= np.float32(gain * right)
