"""Time as text for the ruler, the transport and the lists, and the ruler's tick spacing.

Pure functions (no Qt): positions come in as integer samples with their sample rate. Every
value is rounded to the unit it is shown in *before* it is split into minutes and seconds,
so 59.9996 s reads 01:00.000, never 00:60.000.
"""
from __future__ import annotations

NICE_STEPS_S = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5,
                10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


def tick_step_s(px_per_second: float, min_px: float = 80.0) -> float:
    """The smallest 'nice' time step whose ticks are at least `min_px` apart."""
    for step in NICE_STEPS_S:
        if step * px_per_second >= min_px:
            return step
    return NICE_STEPS_S[-1]


def _split(units: int, per_second: int) -> tuple[int, int, int, int]:
    """Whole units (e.g. milliseconds) -> hours, minutes, seconds, remaining units."""
    seconds, fraction = divmod(units, per_second)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return hours, minutes, seconds, fraction


def format_time(samples: int, sample_rate: int) -> str:
    """mm:ss.mmm, or h:mm:ss.mmm from an hour on; negative positions get a minus sign."""
    sign = "-" if samples < 0 else ""
    milliseconds = int(round(abs(samples) * 1000 / sample_rate))
    hours, minutes, seconds, millis = _split(milliseconds, 1000)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{sign}{minutes:02d}:{seconds:02d}.{millis:03d}"


def tick_decimals(step_s: float) -> int:
    return 0 if step_s >= 1 else 1 if step_s >= 0.1 else 2 if step_s >= 0.01 else 3


def format_tick(samples: int, sample_rate: int, step_s: float) -> str:
    """A ruler label with as many decimals as the tick spacing needs (m:ss, m:ss.d, ...);
    below a millisecond per tick, the sample number."""
    if step_s < 0.001:
        return f"{samples}"
    decimals = tick_decimals(step_s)
    per_second = 10 ** decimals
    hours, minutes, seconds, fraction = _split(int(round(samples * per_second / sample_rate)),
                                               per_second)
    text = f"{seconds:02d}" + (f".{fraction:0{decimals}d}" if decimals else "")
    if hours:
        return f"{hours}:{minutes:02d}:{text}"
    return f"{minutes}:{text}"


def format_span(seconds: float) -> str:
    """A rough length for people: '8 s', '1 min 05 s', '2 h 03 min'."""
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"
