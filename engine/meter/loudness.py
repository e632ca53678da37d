"""Loudness and peak measurement: ITU-R BS.1770-4 / EBU R 128.

- integrated loudness (gated), maximum momentary (400 ms) and short-term (3 s) loudness, and
  loudness range (EBU Tech 3342), all from one K-weighted pass kept as 100 ms energy sums;
- true peak: the largest magnitude of the signal 4x oversampled.

`LoudnessMeter` takes audio in chunks, so an hour-long master is measured in one streaming pass
without a copy. Its K-weighting filters are pyloudnorm's, so its integrated figure matches
`pyloudnorm.Meter.integrated_loudness` (the tests check that). True peak only oversamples the
blocks whose sample peak could reach the largest value found so far, which is what keeps it
cheap: the interpolator cannot exceed its taps' absolute sum times the local sample peak.
The standard's constants (offset, gates, block lengths, channel weights, K-weighting) are in
`engine.meter.bs1770`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import signal

from engine.audio.gain import level_db
from engine.audio.source import SampleSource
from engine.meter.bs1770 import (
    ABSOLUTE_GATE_LUFS,
    LRA_PERCENTILES,
    LRA_RELATIVE_GATE_LU,
    MOMENTARY_STEPS,
    RELATIVE_GATE_LU,
    SHORT_TERM_STEPS,
    channel_weights,
    energy_to_lufs,
    k_weighting_sos,
    step_boundary,
)
from engine.meter.bs1770 import step_lengths as _step_lengths

OVERSAMPLING = 4
_HALF_TAPS = 12  # per side, per phase, of the oversampling filter
PEAK_BLOCK = 4096  # samples per sample-peak block when searching for the true peak


@dataclass(frozen=True)
class LoudnessStats:
    """What a loudness report says about one file (None: too short or silent to tell)."""

    integrated_lufs: float | None
    momentary_max_lufs: float | None
    short_term_max_lufs: float | None
    loudness_range_lu: float | None
    true_peak_dbtp: float | None
    sample_peak_dbfs: float | None
    duration_s: float

    def to_json(self) -> dict:
        return {k: (None if v is None else round(v, 2)) for k, v in self.__dict__.items()}

    def describe(self) -> str:
        def fmt(value: float | None, unit: str) -> str:
            return "n/a" if value is None else f"{value:.1f} {unit}"
        return (f"{fmt(self.integrated_lufs, 'LUFS')} integrated, max short-term "
                f"{fmt(self.short_term_max_lufs, 'LUFS')}, LRA {fmt(self.loudness_range_lu, 'LU')},"
                f" true peak {fmt(self.true_peak_dbtp, 'dBTP')}")


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float | None:
    """Integrated loudness in LUFS, or None for clips too short or too quiet to measure."""
    if audio.shape[-1] < step_boundary(MOMENTARY_STEPS, sample_rate):
        return None
    return measure(audio, sample_rate, true_peak=False).integrated_lufs


def measure(audio: np.ndarray, sample_rate: int, chunk: int = 1 << 16,
            true_peak: bool = True) -> LoudnessStats:
    """Every figure of the report for audio shaped (channels, samples); the oversampled
    true-peak search, the costly part, only when asked for."""
    audio = np.atleast_2d(audio)
    meter = LoudnessMeter(sample_rate, audio.shape[0], true_peak=true_peak)
    for start in range(0, audio.shape[1], chunk):
        meter.feed(audio[:, start:start + chunk])
    return meter.result()


class LoudnessMeter:
    """Streaming BS.1770 meter: `feed` chunks shaped (channels, n), then `result()`."""

    def __init__(self, sample_rate: int, channels: int = 2, true_peak: bool = True) -> None:
        self.sample_rate = sample_rate
        self.channels = channels
        self._sos = k_weighting_sos(sample_rate)
        self._zi = np.zeros((self._sos.shape[0], channels, 2))
        self._weights = channel_weights(channels)
        self._position = 0
        self._partial = 0.0  # energy of the 100 ms step being filled
        self._steps: list[np.ndarray] = []  # finished 100 ms energy sums
        self._step_count = 0
        self._next_boundary = self._boundary(1)
        self.peaks = TruePeakFinder(channels) if true_peak else None

    def _boundary(self, index: int) -> int:
        return step_boundary(index, self.sample_rate)

    def feed(self, chunk: np.ndarray) -> None:
        chunk = np.atleast_2d(chunk)
        n = chunk.shape[1]
        if n == 0:
            return
        if self.peaks is not None:
            self.peaks.feed(chunk)
        filtered, self._zi = signal.sosfilt(self._sos, chunk, axis=1, zi=self._zi)
        filtered *= filtered
        energy = self._weights @ filtered
        start, end = self._position, self._position + n
        cuts = []
        index = self._step_count + 1
        boundary = self._next_boundary
        while boundary < end:
            cuts.append(boundary - start)
            index += 1
            boundary = self._boundary(index)
        if not cuts:
            self._partial += float(energy.sum())
        else:
            # sums of [0, cut 1), [cut 1, cut 2), ..., [last cut, n); a cut at 0 closes the
            # step that ended exactly where this chunk begins
            points = cuts if cuts[0] == 0 else [0, *cuts]
            sums = np.add.reduceat(energy, points)
            if cuts[0] == 0:
                sums = np.concatenate(([0.0], sums))
            sums[0] += self._partial
            self._steps.append(sums[:-1])
            self._step_count += len(cuts)
            self._partial = float(sums[-1])
        self._next_boundary = boundary
        self._position = end

    def step_energies(self) -> np.ndarray:
        """Energy sums of every complete 100 ms step so far (K-weighted, channel-weighted)."""
        steps = list(self._steps)
        if self._position == self._next_boundary:  # the last step ends where the audio does
            steps.append(np.array([self._partial]))
        return np.concatenate(steps) if steps else np.zeros(0)

    def step_lengths(self, count: int) -> np.ndarray:
        return _step_lengths(count, self.sample_rate)

    def result(self, true_peak_linear: float = 0.0, sample_peak: float = 0.0) -> LoudnessStats:
        """The figures; a meter made with true_peak=False takes the peaks from the caller."""
        steps = self.step_energies()
        stats = stats_from_steps(steps, self.step_lengths(steps.size))
        if self.peaks is not None:
            true_peak_linear = self.peaks.result()
            sample_peak = self.peaks.sample_peak
        return LoudnessStats(*stats, true_peak_dbtp=level_db(true_peak_linear),
                             sample_peak_dbfs=level_db(sample_peak),
                             duration_s=self._position / self.sample_rate)


LoudnessFigures = tuple[float | None, float | None, float | None, float | None]


def stats_from_steps(steps: np.ndarray, lengths: np.ndarray) -> LoudnessFigures:
    """(integrated, momentary max, short-term max, loudness range) from 100 ms energy sums."""
    momentary = _window_loudness(steps, lengths, MOMENTARY_STEPS)
    short_term = _window_loudness(steps, lengths, SHORT_TERM_STEPS)
    return (_integrated(steps, lengths), _max(momentary), _max(short_term),
            _loudness_range(short_term))


def _window_loudness(steps: np.ndarray, lengths: np.ndarray, width: int) -> np.ndarray:
    """Loudness of every window of `width` steps, one step (100 ms) apart."""
    if steps.size < width:
        return np.zeros(0)
    energy = _window_sums(steps, width) / _window_sums(lengths.astype(np.float64), width)
    return energy_to_lufs(energy)


def _window_sums(values: np.ndarray, width: int) -> np.ndarray:
    total = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    return total[width:] - total[:-width]


def _integrated(steps: np.ndarray, lengths: np.ndarray) -> float | None:
    if steps.size < MOMENTARY_STEPS:
        return None
    mean_square = (_window_sums(steps, MOMENTARY_STEPS)
                   / _window_sums(lengths.astype(np.float64), MOMENTARY_STEPS))
    loudness = energy_to_lufs(mean_square)
    above_absolute = loudness >= ABSOLUTE_GATE_LUFS
    if not above_absolute.any():
        return None
    relative_gate = energy_to_lufs(mean_square[above_absolute].mean()) + RELATIVE_GATE_LU
    gated = (loudness > relative_gate) & (loudness > ABSOLUTE_GATE_LUFS)
    if not gated.any():
        return None
    return float(energy_to_lufs(mean_square[gated].mean()))


def _loudness_range(short_term: np.ndarray) -> float | None:
    """EBU Tech 3342: spread of the gated short-term loudness, 10th to 95th percentile."""
    values = short_term[short_term >= ABSOLUTE_GATE_LUFS]
    if values.size == 0:
        return None
    power_mean = 10 * np.log10(np.mean(10 ** (values / 10)))
    values = values[values >= power_mean + LRA_RELATIVE_GATE_LU]
    if values.size == 0:
        return None
    low, high = np.percentile(values, LRA_PERCENTILES)
    return float(high - low)


def _max(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else None


# -- true peak -----------------------------------------------------------------------------
def oversampling_filter() -> np.ndarray:
    """Interpolating low-pass for 4x oversampling; every 4th tap but the centre is zero, so
    the original samples come through unchanged."""
    taps = 2 * OVERSAMPLING * _HALF_TAPS + 1
    return OVERSAMPLING * signal.firwin(taps, 1.0 / OVERSAMPLING, window=("kaiser", 8.0))


_FILTER = oversampling_filter()
_PHASES = [(_FILTER[p::OVERSAMPLING]).astype(np.float32) for p in range(1, OVERSAMPLING)]
_COARSE_HALF_TAPS = 4


def _coarse_phases() -> list[tuple[np.ndarray, int, float]]:
    """Each interpolating phase cut to its taps nearest the centre: (taps, index of the first
    kept tap, absolute sum of the taps left out)."""
    phases = []
    for phase in _PHASES:
        distance = np.abs(np.arange(phase.size) - (phase.size - 1) / 2)
        keep = np.flatnonzero(distance < _COARSE_HALF_TAPS)
        rest = float(np.abs(np.delete(phase, keep)).sum())
        phases.append((phase[keep[0]:keep[-1] + 1].copy(), int(keep[0]), rest))
    return phases


_COARSE = _coarse_phases()
PEAK_CONTEXT = _HALF_TAPS + 1  # input samples either side an interpolated value depends on
# No interpolated value exceeds this times the largest sample within PEAK_CONTEXT of it.
PEAK_BOUND = max(float(np.abs(_FILTER[phase::OVERSAMPLING]).sum())
                 for phase in range(OVERSAMPLING))


def oversampled_peak(samples: np.ndarray, first: int, last: int) -> np.ndarray:
    """Per input sample n in [first, last) of `samples` (channels, n): the largest magnitude,
    over channels, of the 4x oversampled signal at n, n+1/4, n+2/4 and n+3/4.
    `samples` must hold PEAK_CONTEXT samples of context either side of the range (zeros
    outside the signal: see `window`)."""
    part = window(samples, first - PEAK_CONTEXT, last + PEAK_CONTEXT).astype(np.float32)
    n = last - first
    # phase p of the interpolator at input sample m is convolve(x, h[p::4])[m + _HALF_TAPS]
    begin = PEAK_CONTEXT + _HALF_TAPS
    peak = np.abs(part[:, PEAK_CONTEXT:PEAK_CONTEXT + n]).max(axis=0)
    for channel in part:
        for phase in _PHASES:
            values = np.convolve(channel, phase)[begin:begin + n]
            np.maximum(peak, np.abs(values), out=peak)
    return peak


def coarse_peak_bound(samples: np.ndarray, first: int, last: int) -> float:
    """A cheap upper bound on `oversampled_peak(samples, first, last).max()`: the central
    third of each interpolating filter, plus what the other taps could add at most (their
    absolute sum times the largest sample they reach)."""
    part = window(samples, first - PEAK_CONTEXT, last + PEAK_CONTEXT).astype(np.float32)
    n = last - first
    reach = float(np.abs(part).max(initial=0.0))
    bound = float(np.abs(part[:, PEAK_CONTEXT:PEAK_CONTEXT + n]).max(initial=0.0))
    for channel in part:
        for taps, first_tap, rest in _COARSE:
            begin = PEAK_CONTEXT + _HALF_TAPS - first_tap
            values = np.convolve(channel, taps)[begin:begin + n]
            bound = max(bound, float(np.abs(values).max(initial=0.0)) + rest * reach)
    return bound


def block_peaks(audio: np.ndarray, block: int = PEAK_BLOCK) -> np.ndarray:
    """Largest absolute sample (over channels) of each `block` samples of (channels, n)."""
    if audio.shape[1] == 0:
        return np.zeros(0)
    edges = np.arange(0, audio.shape[1], block)
    highs = np.maximum.reduceat(audio, edges, axis=1).max(axis=0)
    lows = np.minimum.reduceat(audio, edges, axis=1).min(axis=0)
    return np.maximum(highs, -lows).astype(np.float64)


def search_true_peak(peaks: np.ndarray, block: int, length: int,
                     fetch: Callable[[int, int], np.ndarray], floor: float = 0.0) -> float:
    """The true peak of a signal of `length` samples, given a bound on each block's samples.

    `peaks[i]` is at least the largest sample magnitude of block i (`block` samples), and
    `fetch(lo, hi)` returns the samples in [lo, hi) (zeros outside the signal). Blocks are
    oversampled from the loudest down, until no block left could beat the largest value
    found (`floor` to start with): no interpolated value exceeds PEAK_BOUND times the
    largest sample near it. A block that passes that test is first bounded more tightly and
    cheaply (`coarse_peak_bound`), and oversampled in full only if it could still win.
    """
    if peaks.size == 0:
        return floor
    near = near_peaks(peaks)
    best = floor
    for index in np.argsort(-near, kind="stable"):
        if near[index] * PEAK_BOUND <= best:
            break
        lo, hi = int(index) * block, min((int(index) + 1) * block, length)
        samples = fetch(lo - PEAK_CONTEXT, hi + PEAK_CONTEXT)
        if coarse_peak_bound(samples, PEAK_CONTEXT, PEAK_CONTEXT + hi - lo) <= best:
            continue
        best = max(best, float(oversampled_peak(samples, PEAK_CONTEXT,
                                                PEAK_CONTEXT + hi - lo).max()))
    return best


def near_peaks(peaks: np.ndarray) -> np.ndarray:
    """Each block's peak raised to its neighbours': interpolated values near a block's edge
    also depend on the samples just past it."""
    near = peaks.copy()
    near[1:] = np.maximum(near[1:], peaks[:-1])
    near[:-1] = np.maximum(near[:-1], peaks[1:])
    return near


def window(audio: SampleSource, lo: int, hi: int) -> np.ndarray:
    """audio[:, lo:hi], with zeros for the part outside the signal."""
    part = audio[:, min(max(lo, 0), audio.shape[1]):max(min(hi, audio.shape[1]), 0)]
    if part.shape[1] < hi - lo:
        left = min(max(-lo, 0), hi - lo)
        part = np.pad(part, ((0, 0), (left, hi - lo - left - part.shape[1])))
    return part


def fetch_from(audio: np.ndarray) -> Callable[[int, int], np.ndarray]:
    """A `fetch` for `search_true_peak` over an array in memory."""
    return lambda lo, hi: window(audio, lo, hi)


def true_peak(audio: np.ndarray) -> float:
    """True peak (linear) of audio shaped (channels, samples)."""
    audio = np.atleast_2d(audio)
    peaks = block_peaks(audio)
    return search_true_peak(peaks, PEAK_BLOCK, audio.shape[1], fetch_from(audio),
                            float(peaks.max(initial=0.0)))


class TruePeakFinder:
    """Streaming true peak: chunks in, in order, then `result()` (linear)."""

    def __init__(self, channels: int) -> None:
        self._carry = np.zeros((channels, 0), dtype=np.float32)  # samples kept for context
        self._pending = 0  # samples at the end of _carry not searched yet
        self.value = 0.0
        self.sample_peak = 0.0

    def feed(self, chunk: np.ndarray) -> None:
        # search all but the last PEAK_CONTEXT samples, which wait for their right-hand context
        keep = min(self._pending + PEAK_CONTEXT, self._carry.shape[1])
        data = np.concatenate([self._carry[:, self._carry.shape[1] - keep:], chunk], axis=1)
        first, last = keep - self._pending, data.shape[1] - PEAK_CONTEXT
        self._search(data, first, last)
        self._carry = data[:, max(min(first, last) - PEAK_CONTEXT, 0):].copy()
        self._pending = data.shape[1] - max(first, last)

    def result(self) -> float:
        data = self._carry
        self._search(data, data.shape[1] - self._pending, data.shape[1])
        self._pending = 0
        return self.value

    def _search(self, data: np.ndarray, first: int, last: int) -> None:
        if last <= first:
            return
        part = data[:, first:last]
        peaks = block_peaks(part)
        self.sample_peak = max(self.sample_peak, float(peaks.max()))
        fetch = fetch_from(data)
        self.value = search_true_peak(peaks, PEAK_BLOCK, last - first,
                                      lambda lo, hi: fetch(lo + first, hi + first),
                                      max(self.value, float(peaks.max())))
