"""DSP building blocks for the recipes: noise, filters, envelopes, oscillators, grains, panning.

Signals are float64 numpy arrays, mono (samples,) or stereo (2, samples), with an explicit
sample rate `sr`. Everything here is vectorised: per-sample Python loops would make a
three-minute bed take minutes. Long IIR work goes through `scipy.signal.sosfilt`; many
repeated grains go through one FFT convolution of an impulse train.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import signal

TWO_PI = 2.0 * np.pi


# ---- seeding ------------------------------------------------------------------------------

def seed_of(*keys: object) -> list[int]:
    """A numpy seed sequence from ints and strings (strings hashed stably, not with hash())."""
    return [k if isinstance(k, int) and k >= 0 else zlib.crc32(str(k).encode()) for k in keys]


def int_seed(*keys: object) -> int:
    """One 32-bit integer seed from ints and strings."""
    return int(np.random.SeedSequence(seed_of(*keys)).generate_state(1)[0])


def rng_for(*keys: object) -> np.random.Generator:
    return np.random.default_rng(seed_of(*keys))


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-spread integer hash, vectorised."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def hashed_uniform(seed: int, indices: np.ndarray) -> np.ndarray:
    """Uniform [0, 1) values that depend only on (seed, index): the same knot, whoever asks."""
    with np.errstate(over="ignore"):
        mixed = _mix64(np.asarray(indices, np.int64).astype(np.uint64)
                       ^ _mix64(np.array([seed & 0xFFFFFFFFFFFF], np.uint64)))
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


# ---- noise --------------------------------------------------------------------------------

def white(rng: np.random.Generator, n: int, channels: int | None = None) -> np.ndarray:
    shape = (n,) if channels is None else (channels, n)
    return rng.standard_normal(shape)


# Paul Kellet's economy pink filter: -3 dB/octave within 0.5 dB over the audio band
# (as second-order sections: sosfilt is several times faster than lfilter on long noise).
_PINK_SOS = signal.tf2sos([0.049922035, -0.095993537, 0.050612699, -0.004408786],
                          [1.0, -2.494956002, 2.017265875, -0.522189400])


def pink(rng: np.random.Generator, n: int, channels: int | None = None) -> np.ndarray:
    x = signal.sosfilt(_PINK_SOS, white(rng, n, channels), axis=-1)
    return x / (np.std(x) + 1e-12)


@lru_cache(maxsize=32)
def _leaky_integrator(sr: int, corner_hz: float) -> np.ndarray:
    pole = np.exp(-TWO_PI * corner_hz / sr)
    return signal.tf2sos([1.0 - pole, 0.0], [1.0, -pole, 0.0])


def brown(rng: np.random.Generator, n: int, channels: int | None = None,
          sr: int = 48_000, corner_hz: float = 20.0) -> np.ndarray:
    """-6 dB/octave above `corner_hz` (a leaky integrator, so it never drifts off)."""
    x = signal.sosfilt(_leaky_integrator(sr, float(corner_hz)), white(rng, n, channels), axis=-1)
    return x / (np.std(x) + 1e-12)


# ---- filters ------------------------------------------------------------------------------

@lru_cache(maxsize=512)
def _butter(kind: str, order: int, low_hz: float, high_hz: float, sr: int) -> np.ndarray:
    nyquist = sr / 2.0
    if kind == "band":
        low = min(max(low_hz / nyquist, 1e-5), 0.98)
        high = min(max(high_hz / nyquist, low * 1.05), 0.99)
        return signal.butter(order, [low, high], "bandpass", output="sos")
    edge = min(max((low_hz if kind == "high" else high_hz) / nyquist, 1e-5), 0.99)
    return signal.butter(order, edge, "highpass" if kind == "high" else "lowpass", output="sos")


def lowpass(x: np.ndarray, sr: int, cutoff_hz: float, order: int = 2) -> np.ndarray:
    if cutoff_hz >= 0.49 * sr:
        return x
    return signal.sosfilt(_butter("low", order, 0.0, float(cutoff_hz), sr), x, axis=-1)


def highpass(x: np.ndarray, sr: int, cutoff_hz: float, order: int = 2) -> np.ndarray:
    if cutoff_hz <= 0:
        return x
    return signal.sosfilt(_butter("high", order, float(cutoff_hz), 0.0, sr), x, axis=-1)


def bandpass(x: np.ndarray, sr: int, low_hz: float, high_hz: float, order: int = 2) -> np.ndarray:
    if high_hz >= 0.49 * sr:
        return highpass(x, sr, low_hz, order)
    return signal.sosfilt(_butter("band", order, float(low_hz), float(high_hz), sr), x, axis=-1)


def resonator_sos(sr: int, freq_hz: float, q: float) -> np.ndarray:
    """RBJ band-pass with 0 dB peak gain: one resonance (a formant, a mode of a body)."""
    w0 = TWO_PI * min(freq_hz, 0.45 * sr) / sr
    alpha = np.sin(w0) / (2 * q)
    b = np.array([alpha, 0.0, -alpha])
    a = np.array([1 + alpha, -2 * np.cos(w0), 1 - alpha])
    return np.concatenate([b / a[0], a / a[0]])[None, :]


def resonate(x: np.ndarray, sr: int, freqs_hz: Sequence[float], q: float | Sequence[float],
             gains: Sequence[float] | None = None) -> np.ndarray:
    """Parallel resonators (formants, body modes) summed."""
    qs = np.broadcast_to(np.asarray(q, float), (len(freqs_hz),))
    gains = np.ones(len(freqs_hz)) if gains is None else gains
    out = np.zeros_like(x)
    for freq, quality, gain in zip(freqs_hz, qs, gains):
        out += gain * signal.sosfilt(resonator_sos(sr, freq, quality), x, axis=-1)
    return out


def peaking_sos(sr: int, freq_hz: float, gain_db: float, q: float = 1.0) -> np.ndarray:
    """RBJ peaking equaliser."""
    amp = 10 ** (gain_db / 40)
    w0 = TWO_PI * min(freq_hz, 0.45 * sr) / sr
    alpha = np.sin(w0) / (2 * q)
    b = np.array([1 + alpha * amp, -2 * np.cos(w0), 1 - alpha * amp])
    a = np.array([1 + alpha / amp, -2 * np.cos(w0), 1 - alpha / amp])
    return np.concatenate([b / a[0], a / a[0]])[None, :]


def shelf_sos(sr: int, freq_hz: float, gain_db: float, high: bool) -> np.ndarray:
    """RBJ shelving equaliser (slope 1)."""
    amp = 10 ** (gain_db / 40)
    w0 = TWO_PI * min(freq_hz, 0.45 * sr) / sr
    cos, alpha = np.cos(w0), np.sin(w0) / np.sqrt(2)
    root = 2 * np.sqrt(amp) * alpha
    sign = 1 if high else -1
    b = np.array([amp * ((amp + 1) + sign * (amp - 1) * cos + root),
                  -2 * sign * amp * ((amp - 1) + sign * (amp + 1) * cos),
                  amp * ((amp + 1) + sign * (amp - 1) * cos - root)])
    a = np.array([(amp + 1) - sign * (amp - 1) * cos + root,
                  2 * sign * ((amp - 1) - sign * (amp + 1) * cos),
                  (amp + 1) - sign * (amp - 1) * cos - root])
    return np.concatenate([b / a[0], a / a[0]])[None, :]


def equalise(x: np.ndarray, sr: int,
             bands: Sequence[tuple[str, float, float, float]]) -> np.ndarray:
    """A chain of ("peak"|"low_shelf"|"high_shelf", freq_hz, gain_db, q) bands in one sosfilt."""
    sections = []
    for kind, freq, gain_db, q in bands:
        if kind == "peak":
            sections.append(peaking_sos(sr, freq, gain_db, q))
        else:
            sections.append(shelf_sos(sr, freq, gain_db, high=kind == "high_shelf"))
    return signal.sosfilt(np.vstack(sections), x, axis=-1) if sections else x


def _svf_coefficients(sr: int, freq_hz: np.ndarray, q: float, kind: str) -> np.ndarray:
    w0 = TWO_PI * np.clip(freq_hz, 10.0, 0.45 * sr) / sr
    alpha = np.sin(w0) / (2 * q)
    cos = np.cos(w0)
    if kind == "bandpass":
        b = np.stack([alpha, np.zeros_like(w0), -alpha], 1)
    elif kind == "lowpass":
        b = np.stack([(1 - cos) / 2, 1 - cos, (1 - cos) / 2], 1)
    else:
        b = np.stack([(1 + cos) / 2, -(1 + cos), (1 + cos) / 2], 1)
    a = np.stack([1 + alpha, -2 * cos, 1 - alpha], 1)
    return np.concatenate([b / a[:, :1], a / a[:, :1]], 1)


def sweep_filter(x: np.ndarray, sr: int, freq_hz: np.ndarray | float, q: float = 0.707,
                 kind: str = "lowpass", block: int = 256) -> np.ndarray:
    """A biquad whose frequency follows a curve, updated every `block` samples.

    The filter state carries over between blocks, so the sweep is smooth (howling wind,
    a pass-by growing brighter, a pouring vessel filling up).
    """
    n = x.shape[-1]
    freq = np.broadcast_to(np.asarray(freq_hz, float), (n,))
    starts = np.arange(0, n, block)
    coefficients = _svf_coefficients(sr, freq[starts], q, kind)
    out = np.empty_like(x)
    state = np.zeros(x.shape[:-1] + (2,))
    for index, start in enumerate(starts):
        b, a = coefficients[index, :3], coefficients[index, 3:]
        out[..., start:start + block], state = signal.lfilter(
            b, a, x[..., start:start + block], axis=-1, zi=state)
    return out


# ---- envelopes and control curves ---------------------------------------------------------

def decay(n: int, sr: int, time_constant_s: float) -> np.ndarray:
    return np.exp(-np.arange(n) / (sr * max(time_constant_s, 1e-4)))


def attack_decay(n: int, sr: int, attack_s: float, decay_s: float) -> np.ndarray:
    """A smooth rise over `attack_s`, then an exponential decay."""
    t = np.arange(n) / sr
    rise = np.clip(t / max(attack_s, 1e-4), 0, 1)
    fall = np.exp(-np.maximum(t - attack_s, 0) / max(decay_s, 1e-4))
    return np.sin(0.5 * np.pi * rise) ** 2 * fall


def hold_envelope(n: int, sr: int, attack_s: float, release_s: float) -> np.ndarray:
    """Rises over `attack_s`, holds, falls over `release_s` at the end of `n` samples."""
    env = np.ones(n)
    a = min(int(attack_s * sr), n // 2)
    r = min(int(release_s * sr), n - a)
    if a > 0:
        env[:a] = np.sin(0.5 * np.pi * np.linspace(0, 1, a)) ** 2
    if r > 0:
        env[n - r:] *= np.cos(0.5 * np.pi * np.linspace(0, 1, r)) ** 2
    return env


def smooth_curve(rng: np.random.Generator, n: int, sr: int, rate_hz: float) -> np.ndarray:
    """A smooth random curve in [0, 1] that changes about `rate_hz` times a second."""
    points = max(int(n / sr * rate_hz) + 3, 3)
    knots = rng.random(points)
    scale = (points - 2) / max(n - 1, 1)
    return _resample_curve(lambda pos: _cosine_interpolate(knots, pos * scale), n, sr, rate_hz)


def story_curve(seed: int, start_s: float, n: int, sr: int, rate_hz: float) -> np.ndarray:
    """A smooth random curve in [0, 1] fixed in story time: two events that abut see one
    continuous curve, so a wind bed split across events gusts on without a jump."""
    first = int(np.floor(start_s * rate_hz))
    last = int(np.floor((start_s + n / sr) * rate_hz)) + 2
    knots = hashed_uniform(seed, np.arange(first, last + 1))
    return _resample_curve(
        lambda pos: _cosine_interpolate(knots, start_s * rate_hz + pos * (rate_hz / sr) - first),
        n, sr, rate_hz)


def _resample_curve(curve_at, n: int, sr: int, rate_hz: float) -> np.ndarray:
    """Evaluate a slow curve on a coarse grid (32 points per change) and interpolate:
    the same curve, at a fraction of the cost of evaluating every sample."""
    step = int(max(sr / (max(rate_hz, 1e-3) * 32), 1))
    if step <= 2 or n <= 4 * step:
        return curve_at(np.arange(n, dtype=float))
    grid = np.arange(0, n + step, step, dtype=float)
    return np.interp(np.arange(n, dtype=float), grid, curve_at(grid))


def _cosine_interpolate(knots: np.ndarray, position: np.ndarray) -> np.ndarray:
    index = np.clip(np.floor(position).astype(int), 0, knots.size - 2)
    frac = position - index
    weight = (1 - np.cos(np.pi * frac)) / 2
    return knots[index] * (1 - weight) + knots[index + 1] * weight


def pulses(n: int, sr: int, rng: np.random.Generator, rate_hz: float,
           jitter: float = 0.0, start_s: float = 0.0) -> np.ndarray:
    """Sample positions of regular events (rate_hz), each shifted by up to `jitter` periods."""
    period = sr / rate_hz
    count = int(max(n - start_s * sr, 0) / period) + 1
    times = start_s * sr + np.arange(count) * period
    times = times + rng.uniform(-jitter, jitter, count) * period
    times = np.round(times).astype(int)
    return times[(times >= 0) & (times < n)]


def poisson_times(rng: np.random.Generator, n: int, sr: int, rate_hz: float) -> np.ndarray:
    """Sample positions of random events at an average rate."""
    count = rng.poisson(max(rate_hz, 0) * n / sr)
    return np.sort(rng.integers(0, max(n, 1), size=count))


# ---- oscillators --------------------------------------------------------------------------

def phase_of(freq_hz: np.ndarray | float, n: int, sr: int, start: float = 0.0) -> np.ndarray:
    """Running phase in radians of a (possibly gliding) frequency."""
    freq = np.broadcast_to(np.asarray(freq_hz, float), (n,))
    return start + TWO_PI * np.cumsum(freq) / sr


def harmonics(phase: np.ndarray, amplitudes: Sequence[float], freq_hz: np.ndarray | float,
              sr: int) -> np.ndarray:
    """Additive tone: harmonic k at amplitudes[k-1], silenced above Nyquist (no aliasing)."""
    out = np.zeros_like(phase)
    freq = np.asarray(freq_hz, float)
    for k, amp in enumerate(amplitudes, start=1):
        if amp == 0:
            continue
        if np.ndim(freq) == 0:
            if k * freq < 0.45 * sr:
                out += amp * np.sin(k * phase)
        else:
            out += amp * np.sin(k * phase) * (k * freq < 0.45 * sr)
    return out


def saw_amplitudes(count: int, tilt: float = 1.0) -> list[float]:
    return [1.0 / k ** tilt for k in range(1, count + 1)]


def square_amplitudes(count: int) -> list[float]:
    return [1.0 / k if k % 2 else 0.0 for k in range(1, count + 1)]


def saw_blep(freq_hz: np.ndarray | float, n: int, sr: int, phase0: float = 0.0) -> np.ndarray:
    """A sawtooth with polyBLEP edges: cheap, and clean enough up to a few kHz."""
    freq = np.broadcast_to(np.asarray(freq_hz, float), (n,))
    step = freq / sr
    cycle = phase0 + np.cumsum(step)
    t = cycle - np.floor(cycle)
    out = 2 * t - 1
    dt = np.maximum(step, 1e-9)
    rising = t < dt  # just after the wrap
    x = t[rising] / dt[rising]
    out[rising] -= x + x - x * x - 1
    falling = t > 1 - dt  # just before the wrap
    x = (t[falling] - 1) / dt[falling]
    out[falling] -= x * x + x + x + 1
    return out


def glottal(freq_hz: np.ndarray | float, n: int, sr: int, brightness: float = 0.5,
            rng: np.random.Generator | None = None, jitter: float = 0.0) -> np.ndarray:
    """A voice-like buzz: a softened sawtooth at a gliding pitch, with optional pitch jitter."""
    freq = np.broadcast_to(np.asarray(freq_hz, float), (n,)).copy()
    if rng is not None and jitter > 0:
        freq *= 1 + jitter * (smooth_curve(rng, n, sr, 30.0) - 0.5)
    return lowpass(saw_blep(freq, n, sr), sr, 600 + 5000 * brightness, order=1)


# ---- grains -------------------------------------------------------------------------------

def impulse_train(n: int, positions: np.ndarray, gains: np.ndarray | float = 1.0) -> np.ndarray:
    out = np.zeros(n)
    positions = np.asarray(positions, int)
    keep = (positions >= 0) & (positions < n)
    np.add.at(out, positions[keep], np.broadcast_to(gains, positions.shape)[keep])
    return out


def add_into(out: np.ndarray, at: int, sound: np.ndarray, gain: float = 1.0) -> None:
    """Mix `sound` into `out` (last axis) from sample `at`, cut at either end."""
    at = int(at)
    start = max(at, 0)
    end = min(at + sound.shape[-1], out.shape[-1])
    if end > start:
        out[..., start:end] += gain * sound[..., start - at:end - at]


def place(n: int, grain: np.ndarray, positions: np.ndarray,
          gains: np.ndarray | float = 1.0) -> np.ndarray:
    """Copies of a mono grain at sample positions: direct for a few, one FFT for many."""
    positions = np.asarray(positions, int)
    gains = np.broadcast_to(np.asarray(gains, float), positions.shape)
    if positions.size == 0 or grain.size == 0:
        return np.zeros(n)
    if positions.size * grain.size < 4 * n or positions.size < 16:
        out = np.zeros(n + grain.size)
        for position, gain in zip(positions, gains):
            if 0 <= position < n:
                out[position:position + grain.size] += gain * grain
        return out[:n]
    return signal.oaconvolve(impulse_train(n, positions, gains), grain)[:n]


def place_variants(n: int, grains: Sequence[np.ndarray], positions: np.ndarray,
                   gains: np.ndarray | float, rng: np.random.Generator) -> np.ndarray:
    """Like `place`, each position drawing one of several grains (no machine-gun sameness)."""
    positions = np.asarray(positions, int)
    gains = np.broadcast_to(np.asarray(gains, float), positions.shape)
    choice = rng.integers(0, len(grains), positions.size)
    out = np.zeros(n)
    for index, grain in enumerate(grains):
        chosen = choice == index
        out += place(n, grain, positions[chosen], gains[chosen])
    return out


def modal_strike(sr: int, freqs_hz: Sequence[float], decays_s: Sequence[float],
                 amps: Sequence[float], length_s: float, rng: np.random.Generator | None = None,
                 noise_level: float = 0.0, noise_decay_s: float = 0.004) -> np.ndarray:
    """A struck object: exponentially decaying partials (modal synthesis) plus a contact click."""
    n = max(int(length_s * sr), 1)
    t = np.arange(n) / sr
    out = np.zeros(n)
    for freq, tau, amp in zip(freqs_hz, decays_s, amps):
        if freq < 0.45 * sr:
            phase0 = rng.uniform(0, TWO_PI) if rng is not None else 0.0
            out += amp * np.sin(TWO_PI * freq * t + phase0) * np.exp(-t / tau)
    if noise_level > 0 and rng is not None:
        out += noise_level * rng.standard_normal(n) * np.exp(-t / noise_decay_s)
    ramp = min(int(0.0005 * sr), n)  # a 0.5 ms onset: a click, never a DC step
    out[:ramp] *= np.linspace(0, 1, ramp)
    return out


def noise_burst(sr: int, rng: np.random.Generator, length_s: float, low_hz: float,
                high_hz: float, attack_s: float, decay_s: float) -> np.ndarray:
    n = max(int(length_s * sr), 8)
    burst = bandpass(rng.standard_normal(n), sr, low_hz, high_hz)
    return burst * attack_decay(n, sr, attack_s, decay_s)


def bubble(sr: int, freq_hz: float, decay_s: float, rise: float = 0.1,
           length_s: float | None = None) -> np.ndarray:
    """A water bubble: a sine whose pitch rises as it decays (van den Doel's model)."""
    length_s = length_s or 5 * decay_s
    n = max(int(length_s * sr), 8)
    t = np.arange(n) / sr
    freq = freq_hz * (1 + rise * t / decay_s)
    out = np.sin(TWO_PI * np.cumsum(freq) / sr) * np.exp(-t / decay_s)
    ramp = min(int(0.001 * sr), n)
    out[:ramp] *= np.linspace(0, 1, ramp)
    return out


# ---- space --------------------------------------------------------------------------------

def pan(mono: np.ndarray, position: np.ndarray | float) -> np.ndarray:
    """Constant-power pan; position -1 (left) .. 1 (right), constant or a curve."""
    angle = (np.clip(position, -1, 1) + 1) * np.pi / 4
    return np.stack([mono * np.cos(angle), mono * np.sin(angle)]) * np.sqrt(2)


def to_stereo(x: np.ndarray) -> np.ndarray:
    return np.stack([x, x]) if x.ndim == 1 else x


def normalise_rms(x: np.ndarray, level: float = 0.1) -> np.ndarray:
    rms = np.sqrt(np.mean(x ** 2))
    return x * (level / rms) if rms > 1e-12 else x


def loop_texture(texture: np.ndarray, n: int, sr: int, rng: np.random.Generator,
                 crossfade_s: float = 2.0) -> np.ndarray:
    """n samples from a steady texture (rain, a crowd): the texture, then stretches of it
    from random offsets, each crossfaded in at equal power (they are uncorrelated)."""
    if texture.shape[-1] >= n:
        return texture[..., :n]
    fade = int(crossfade_s * sr)
    ramp = np.sin(0.5 * np.pi * np.linspace(0, 1, fade))
    out = np.zeros(texture.shape[:-1] + (n,))
    out[..., :texture.shape[-1]] = texture
    written = texture.shape[-1]
    segment = texture.shape[-1] // 2
    while written < n:
        start = int(rng.integers(0, texture.shape[-1] - segment))
        piece = texture[..., start:start + segment].copy()
        piece[..., :fade] *= ramp
        out[..., written - fade:written] *= ramp[::-1]
        end = min(written - fade + segment, n)
        out[..., written - fade:end] += piece[..., :end - (written - fade)]
        written = end
    return out


def fit_length(x: np.ndarray, n: int) -> np.ndarray:
    """Trim or zero-pad the last axis to exactly n samples."""
    if x.shape[-1] >= n:
        return x[..., :n]
    pad = [(0, 0)] * (x.ndim - 1) + [(0, n - x.shape[-1])]
    return np.pad(x, pad)
