"""Master bus: loudness normalisation to a target, then a true-peak limiter.

The bus is decided once per mix (`plan_master_bus`) and applied block by block while files
are written (`MasterBus.process`). It is a pure gain: one static normalisation gain times
the limiter's gain curve, the same for both channels. Applied identically to every stem,
the stems still sum exactly to the delivered master.

- Loudness: the mix is measured once (BS.1770, `engine.meter.loudness`); the gain moves it to the
  target. Where the limiter then takes some loudness away, its effect is computed exactly
  from the K-weighted signal around the limited passages only (the K-weighting is linear),
  and the gain is corrected until the master sits on target.
- Limiter: finds where the 4x oversampled signal would pass the ceiling, and turns the gain
  down just enough there, with a look-ahead ramp before each peak (the gain is already down
  when the peak arrives), a smooth release after it, and no gain change anywhere else. The
  result is checked by measuring the true peak of the limited master; a passage still over
  the ceiling lowers the threshold and the limiter runs again.
"""
from __future__ import annotations

import bisect
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage, signal

from engine.audio.gain import db_to_gain, gain_to_db, level_db
from engine.audio.source import SampleSource
from engine.errors import Cancelled, InvalidInput, ProjectError
from engine.meter.bs1770 import channel_weights, k_weighting_sos, step_boundary, step_lengths
from engine.meter.loudness import (
    PEAK_BLOCK,
    PEAK_BOUND,
    PEAK_CONTEXT,
    LoudnessFigures,
    LoudnessMeter,
    LoudnessStats,
    block_peaks,
    coarse_peak_bound,
    near_peaks,
    oversampled_peak,
    stats_from_steps,
    window,
)
from engine.mix.loudness_targets import DEFAULT_LOUDNESS, target_lufs
from engine.progress import CancelToken, Progress, no_progress

LOUDNESS_TOLERANCE_LU = 0.05  # how close to the target the gain loop settles
# The limiter aims this far below the ceiling: 16-bit dither and rounding, and the 4x
# oversampled meter's under-reading of peaks made by content near Nyquist (rain and other
# broadband beds read up to ~0.2 dB higher on a sharper resampler such as soxr's)
CEILING_MARGIN_DB = 0.25
ATTACK_DB_PER_S = 2000.0  # look-ahead ramp: 6 dB of reduction starts 3 ms before the peak
RELEASE_DB_PER_S = 40.0  # gain recovers 1 dB per 25 ms after a peak
SMOOTHING_S = 0.0005  # final smoothing of the gain curve
_GAIN_ATTEMPTS = 10
_PREROLL_S = 0.5  # K-weighting settles within this (its slowest pole decays in ~0.1 s)
_TAIL_S = 0.3
_CHUNK = 16 * PEAK_BLOCK  # samples per measuring step (a whole number of peak blocks)


@dataclass(frozen=True)
class GainSegment:
    """Limiter gains for the samples from `start` on."""

    start: int
    gains: np.ndarray  # float32, each <= 1

    @property
    def end(self) -> int:
        return self.start + self.gains.size


@dataclass(frozen=True)
class MasterBus:
    gain_db: float  # loudness normalisation
    segments: tuple[GainSegment, ...]  # where the limiter turns the gain down, in order
    target_lufs: float | None
    ceiling_dbtp: float
    input_stats: LoudnessStats  # the mix as it came in
    output_steps: np.ndarray = field(repr=False)  # K-weighted 100 ms energies, delivered
    output_step_lengths: np.ndarray = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def gain(self) -> float:
        return db_to_gain(self.gain_db)

    @property
    def max_reduction_db(self) -> float:
        lowest = min((float(s.gains.min()) for s in self.segments), default=1.0)
        return -gain_to_db(lowest)

    def limiter_gains(self, start: int, length: int) -> np.ndarray | None:
        """The limiter's gain for samples [start, start + length), or None where it is 1."""
        return _limiter_gains(self.segments, start, length)

    def process(self, audio: np.ndarray, start: int) -> np.ndarray:
        """The bus applied to (channels, n) audio that begins at sample `start` (a copy)."""
        return _apply(audio, start, self.gain, self.segments)

    def output_loudness(self) -> LoudnessFigures:
        """(integrated, momentary max, short-term max, loudness range) of the delivered master."""
        return stats_from_steps(self.output_steps, self.output_step_lengths)


def plan_master_bus(master: SampleSource, sample_rate: int,
                    loudness: str | float = DEFAULT_LOUDNESS,
                    true_peak_db: float = -1.0, progress: Progress = no_progress,
                    cancel: CancelToken | None = None) -> MasterBus:
    """Measure the mix and decide the bus that puts it on target under the ceiling.

    `master` is (channels, samples): an array, or anything that slices like one
    (`engine.mix.mixer.StemSum`, which sums the stems on request)."""
    target = target_lufs(loudness)
    if not -20.0 <= true_peak_db <= 0.0:
        raise InvalidInput(f"true-peak ceiling {true_peak_db} dBTP is outside -20 .. 0 dBTP.")
    steps, lengths, peaks = _measure(master, sample_rate, progress, cancel)
    if not np.isfinite(peaks).all():  # the limiter and the loudness gain cannot work on these
        raise ProjectError("cannot master the mix: it holds samples that are not numbers (NaN "
                           "or infinity), so no loudness or true-peak limit can be applied; "
                           "render the events again or import a repaired file.")
    sample_peak = float(peaks.max(initial=0.0))
    input_stats = LoudnessStats(
        *stats_from_steps(steps, lengths), true_peak_dbtp=None,
        sample_peak_dbfs=level_db(sample_peak),
        duration_s=master.shape[1] / sample_rate)
    warnings = []
    gain_db = 0.0
    if target is not None:
        if input_stats.integrated_lufs is None:
            warnings.append("the mix is silent or too short to measure its loudness; "
                            "no loudness normalisation was applied")
        else:
            gain_db = target - input_stats.integrated_lufs
    limiter = _Limiter(master, sample_rate, peaks, db_to_gain(true_peak_db - CEILING_MARGIN_DB))
    k_filter = k_weighting_sos(sample_rate)

    def evaluate(gain_db: float) -> tuple[float | None, list[GainSegment], np.ndarray]:
        if cancel is not None:
            cancel.raise_if_cancelled()
        gain = db_to_gain(gain_db)
        segments = limiter.plan(gain)
        out_steps = steps * gain * gain + _limiter_energy_change(
            master, sample_rate, k_filter, gain, segments, steps.size)
        return stats_from_steps(out_steps, lengths)[0], segments, out_steps

    def miss(gain_db: float) -> float:
        """How far the master is from the target at this gain, in LU."""
        loudness = tried[gain_db][0]
        return math.inf if loudness is None or target is None else abs(loudness - target)

    tried = {gain_db: evaluate(gain_db)}
    while target is not None and tried[gain_db][0] is not None and len(tried) < _GAIN_ATTEMPTS:
        if miss(gain_db) <= LOUDNESS_TOLERANCE_LU:
            break
        gain_db = _next_gain(tried, target)
        if gain_db in tried:
            break
        tried[gain_db] = evaluate(gain_db)
        progress(0.5 + 0.5 * len(tried) / _GAIN_ATTEMPTS, "mastering")
    if target is not None and tried[gain_db][0] is not None:
        gain_db = min(tried, key=miss)
        if miss(gain_db) > 0.5:
            warnings.append(f"the limiter had to take off a lot to approach {target:g} LUFS; "
                            f"the master is at {tried[gain_db][0]:.1f} LUFS")
    _, segments, out_steps = tried[gain_db]
    progress(1.0, "mastered")
    return MasterBus(gain_db, tuple(segments), target, true_peak_db, input_stats, out_steps,
                     lengths, tuple(warnings))


def _next_gain(tried: dict, target: float) -> float:
    """The next gain to try. Loudness rises with the gain, but not smoothly (the limiter and
    the gates switch blocks in and out), so: bisect once the target is bracketed, step by
    the shortfall until then."""
    below = [g for g, (loudness, *_) in tried.items() if loudness < target]
    above = [g for g, (loudness, *_) in tried.items() if loudness > target]
    if below and above and max(below) < min(above):
        return (max(below) + min(above)) / 2
    last = list(tried)[-1]
    return last + (target - tried[last][0])


def _measure(master: SampleSource, sample_rate: int, progress: Progress,
             cancel: CancelToken | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(100 ms K-weighted energies, their lengths, per-block sample peaks) of the mix,
    each channel measured in its own thread (the filter releases the GIL)."""
    length = master.shape[1]
    weights = channel_weights(master.shape[0])

    def one_channel(channel: int) -> tuple[np.ndarray, np.ndarray]:
        meter = LoudnessMeter(sample_rate, 1, true_peak=False)
        peaks = []
        for start in range(0, length, _CHUNK):
            if cancel is not None and cancel.cancelled:
                raise Cancelled("cancelled")
            chunk = master[channel:channel + 1, start:start + _CHUNK]
            meter.feed(chunk)
            peaks.append(block_peaks(chunk))
        return (weights[channel] * meter.step_energies(),
                np.concatenate(peaks) if peaks else np.zeros(0))

    progress(0.0, "measuring the mix")
    with ThreadPoolExecutor(master.shape[0], thread_name_prefix="measure") as pool:
        results = list(pool.map(one_channel, range(master.shape[0])))
    steps = np.sum([energies for energies, _ in results], axis=0)
    peaks = np.max([block for _, block in results], axis=0)
    lengths = step_lengths(steps.size, sample_rate)
    progress(0.5, "measured the mix")
    return steps, lengths, peaks


class _Limiter:
    """Plans gain curves that keep the 4x oversampled master under `threshold` (linear)."""

    def __init__(self, master: SampleSource, sample_rate: int, peaks: np.ndarray,
                 threshold: float) -> None:
        self.master = master
        self.peaks = peaks  # sample peak of each PEAK_BLOCK of the mix
        self.threshold = threshold
        self.attack = ATTACK_DB_PER_S / sample_rate  # dB per sample
        self.release = RELEASE_DB_PER_S / sample_rate
        self.smoothing = max(int(SMOOTHING_S * sample_rate), 1)
        self._oversampled: dict[int, np.ndarray] = {}  # block -> its oversampled peaks
        self._coarse: dict[int, float] = {}  # block -> bound on its oversampled peak

    def plan(self, gain: float) -> list[GainSegment]:
        threshold = self.threshold
        for _ in range(4):
            segments = self._plan(gain, threshold)
            worst = self._worst_peak(gain, segments)
            if worst <= self.threshold:
                break
            threshold *= self.threshold / worst * 0.999
        return segments

    def _candidate_spans(self, gain: float, threshold: float) -> list[tuple[int, int]]:
        """Runs of blocks whose samples could, oversampled, pass the threshold."""
        hot = [index for index in np.flatnonzero(near_peaks(self.peaks) * gain * PEAK_BOUND
                                                 > threshold)
               if self._coarse_bound(int(index)) * gain > threshold]
        spans: list[tuple[int, int]] = []
        for index in hot:
            if spans and spans[-1][1] == index:
                spans[-1] = (spans[-1][0], int(index) + 1)
            else:
                spans.append((int(index), int(index) + 1))
        return spans

    def _coarse_bound(self, block: int) -> float:
        if block not in self._coarse:
            lo = block * PEAK_BLOCK
            hi = min(lo + PEAK_BLOCK, self.master.shape[1])
            self._coarse[block] = coarse_peak_bound(
                window(self.master, lo - PEAK_CONTEXT, hi + PEAK_CONTEXT),
                PEAK_CONTEXT, PEAK_CONTEXT + hi - lo)
        return self._coarse[block]

    def _oversampled_peak(self, first_block: int, end_block: int) -> np.ndarray:
        """Oversampled peak per sample of the (un-gained) mix over a run of blocks; the gain
        is a plain factor, so each block is oversampled once however often the gain changes."""
        parts = []
        for block in range(first_block, end_block):
            if block not in self._oversampled:
                lo = block * PEAK_BLOCK
                hi = min(lo + PEAK_BLOCK, self.master.shape[1])
                self._oversampled[block] = oversampled_peak(
                    window(self.master, lo - PEAK_CONTEXT, hi + PEAK_CONTEXT),
                    PEAK_CONTEXT, PEAK_CONTEXT + hi - lo)
            parts.append(self._oversampled[block])
        return np.concatenate(parts)

    def _plan(self, gain: float, threshold: float) -> list[GainSegment]:
        length = self.master.shape[1]
        segments: list[GainSegment] = []
        for first_block, end_block in self._candidate_spans(gain, threshold):
            lo = first_block * PEAK_BLOCK
            hi = min(end_block * PEAK_BLOCK, length)
            peak = self._oversampled_peak(first_block, end_block) * gain
            peak[1:] = np.maximum(peak[1:], peak[:-1])  # values between n-1 and n weigh on n too
            over = peak > threshold
            if not over.any():
                continue
            needed_db = np.zeros(peak.size)
            needed_db[over] = gain_to_db(threshold / peak[over])
            deepest = -float(needed_db.min())
            before = int(math.ceil(deepest / self.attack)) + 2 * self.smoothing
            after = int(math.ceil(deepest / self.release)) + 2 * self.smoothing
            span_lo, span_hi = max(lo - before, 0), min(hi + after, length)
            wanted = np.zeros(span_hi - span_lo)
            wanted[lo - span_lo:hi - span_lo] = needed_db
            gains = self._shape(wanted)
            below = np.flatnonzero(gains < 1.0)
            if below.size:
                first, last = int(below[0]), int(below[-1]) + 1
                segments.append(GainSegment(span_lo + first, gains[first:last]))
        return _merge(segments)

    def _shape(self, wanted_db: np.ndarray) -> np.ndarray:
        """Gains never above `wanted_db`, falling at most `attack` dB and rising at most
        `release` dB per sample, then smoothed without rising above the limit anywhere."""
        n = np.arange(wanted_db.size, dtype=np.float64)
        released = n * self.release + np.minimum.accumulate(wanted_db - n * self.release)
        reverse = released[::-1]
        attacked = (n * self.attack + np.minimum.accumulate(reverse - n * self.attack))[::-1]
        gains = db_to_gain(attacked)
        width = 2 * self.smoothing + 1  # a moving minimum then a moving mean never exceeds it
        floor = ndimage.minimum_filter1d(gains, width, mode="nearest")
        smooth = ndimage.uniform_filter1d(floor, width, mode="nearest")
        return np.minimum(smooth, gains).astype(np.float32)

    def _worst_peak(self, gain: float, segments: list[GainSegment]) -> float:
        """True peak of the limited master where the limiter works; elsewhere the plain gain
        keeps it under the threshold by construction."""
        worst = 0.0
        for segment in segments:
            lo, hi = segment.start, segment.end
            limited = _apply(window(self.master, lo - PEAK_CONTEXT, hi + PEAK_CONTEXT),
                             lo - PEAK_CONTEXT, gain, segments)
            worst = max(worst, float(oversampled_peak(limited, PEAK_CONTEXT,
                                                      PEAK_CONTEXT + hi - lo).max()))
        return worst


def _limiter_energy_change(master: SampleSource, sample_rate: int, sos: np.ndarray, gain: float,
                           segments: list[GainSegment], step_count: int) -> np.ndarray:
    """How the limiter changes each 100 ms K-weighted energy of the gained master.

    K-weighting is linear: K(limited) = K(gained) - K(removed), where `removed` is non-zero
    only inside the segments. So only the passages around them are filtered again: from a
    pre-roll long enough for the filter to settle, to a tail long enough for it to ring out.
    """
    change = np.zeros(step_count)
    if not segments or step_count == 0:
        return change
    length = master.shape[1]
    weights = channel_weights(master.shape[0])
    preroll, tail = int(_PREROLL_S * sample_rate), int(_TAIL_S * sample_rate)
    step_edges = step_boundary(np.arange(step_count + 1), sample_rate)
    for segment in segments:
        lo, hi = max(segment.start - preroll, 0), min(segment.end + tail, length)
        gained = master[:, lo:hi].astype(np.float64) * gain
        removed = np.zeros_like(gained)
        inside = slice(segment.start - lo, segment.end - lo)
        removed[:, inside] = gained[:, inside] * (1.0 - segment.gains)
        before = signal.sosfilt(sos, gained, axis=1)
        taken = signal.sosfilt(sos, removed, axis=1)
        after = before - taken
        delta = weights @ (after * after - before * before)
        delta[:segment.start - lo] = 0.0
        total = np.concatenate(([0.0], np.cumsum(delta)))
        first = int(np.searchsorted(step_edges, lo, side="right")) - 1
        last = min(int(np.searchsorted(step_edges, hi, side="left")), step_count)
        for step in range(max(first, 0), last):
            a = min(max(step_edges[step] - lo, 0), hi - lo)
            b = min(max(step_edges[step + 1] - lo, 0), hi - lo)
            change[step] += total[b] - total[a]
    return change


def _limiter_gains(segments: tuple[GainSegment, ...] | list[GainSegment], start: int,
                   length: int) -> np.ndarray | None:
    index = max(bisect.bisect_right([s.start for s in segments], start) - 1, 0)
    out = None
    for segment in segments[index:]:
        if segment.start >= start + length:
            break
        lo, hi = max(segment.start, start), min(segment.end, start + length)
        if lo >= hi:
            continue
        if out is None:
            out = np.ones(length, dtype=np.float32)
        out[lo - start:hi - start] = segment.gains[lo - segment.start:hi - segment.start]
    return out


def _apply(audio: np.ndarray, start: int, gain: float,
           segments: tuple[GainSegment, ...] | list[GainSegment]) -> np.ndarray:
    out = audio * np.float32(gain)
    limiter = _limiter_gains(segments, start, audio.shape[1])
    if limiter is not None:
        out *= limiter
    return out


def _merge(segments: list[GainSegment]) -> list[GainSegment]:
    """Overlapping segments become one, taking the lower gain of each sample."""
    merged: list[GainSegment] = []
    for segment in sorted(segments, key=lambda s: s.start):
        if merged and segment.start < merged[-1].end:
            last = merged[-1]
            end = max(last.end, segment.end)
            gains = np.ones(end - last.start, dtype=np.float32)
            gains[:last.gains.size] = last.gains
            part = gains[segment.start - last.start:segment.end - last.start]
            np.minimum(part, segment.gains, out=part)
            merged[-1] = GainSegment(last.start, gains)
        else:
            merged.append(segment)
    return merged
