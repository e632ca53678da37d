"""Time as the editor writes it: transport, ruler labels, lengths (app/timeline/timecode.py)."""
from __future__ import annotations

import pytest

from app.timeline.timecode import format_span, format_tick, format_time, tick_step_s

SR = 48_000


@pytest.mark.parametrize(("samples", "text"), [
    (0, "00:00.000"),
    (SR * 61 + SR // 2, "01:01.500"),
    (SR * 60 - 10, "01:00.000"),  # 59.9998 s: rounds up into the next minute, not 00:60.000
    (SR * 3600 - 1, "1:00:00.000"),
    (SR * 3725 + SR // 4, "1:02:05.250"),
    (SR * 600, "10:00.000"),
    (-SR, "-00:01.000"),
])
def test_transport_time_never_shows_sixty_seconds(samples, text):
    assert format_time(samples, SR) == text


@pytest.mark.parametrize(("samples", "step", "text"), [
    (0, 10, "0:00"),
    (SR * 90, 30, "1:30"),
    (int(SR * 59.96), 0.1, "1:00.0"),  # rounded to the tick's decimal first
    (int(SR * 12.25), 0.05, "0:12.25"),
    (SR * 3600 * 2 + SR * 5, 5, "2:00:05"),
    (12345, 0.0005, "12345"),  # below a millisecond a tick: sample numbers
])
def test_ruler_labels_have_the_decimals_the_spacing_needs(samples, step, text):
    assert format_tick(samples, SR, step) == text


def test_ticks_are_at_least_the_asked_distance_apart():
    for px_per_second in (0.01, 0.5, 7.0, 40.0, 333.0, 48_000.0 * 8):
        step = tick_step_s(px_per_second, 80.0)
        assert step * px_per_second >= 80.0 or step == 3600
    assert tick_step_s(40.0) == 2  # 80 px at 40 px/s


def test_spans_read_as_people_say_them():
    assert format_span(8.4) == "8 s"
    assert format_span(65) == "1 min 05 s"
    assert format_span(7380) == "2 h 03 min"
    assert format_span(-3) == "0 s"
