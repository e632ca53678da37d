"""Transport bar: play/pause, stop, loop, time display and the master level meter."""
from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor, QFont, QLinearGradient, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from app.timeline.timecode import format_time

METER_FLOOR_DB = -60.0
PEAK_HOLD_S = 1.5
FALL_DB_PER_S = 24.0


class LevelMeter(QWidget):
    """Two horizontal peak bars (L/R) in dBFS with falling peaks and a held maximum."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(120, 22)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedWidth(160)
        self.levels_db = [METER_FLOOR_DB, METER_FLOOR_DB]
        self.held_db = [METER_FLOOR_DB, METER_FLOOR_DB]
        self._held_age = [0.0, 0.0]
        self.setToolTip("Master level (peak, dBFS)")

    def set_peaks(self, left: float, right: float, dt: float = 1 / 30) -> None:
        for channel, peak in enumerate((left, right)):
            db = max(20 * math.log10(peak), METER_FLOOR_DB) if peak > 0 else METER_FLOOR_DB
            fallen = self.levels_db[channel] - FALL_DB_PER_S * dt
            self.levels_db[channel] = max(db, fallen, METER_FLOOR_DB)
            self._held_age[channel] += dt
            if db >= self.held_db[channel] or self._held_age[channel] > PEAK_HOLD_S:
                self.held_db[channel] = db
                self._held_age[channel] = 0.0
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#16181c"))
        gradient = QLinearGradient(0, 0, self.width(), 0)
        gradient.setColorAt(0.0, QColor("#2e9e5b"))
        gradient.setColorAt(0.75, QColor("#c9c23a"))
        gradient.setColorAt(1.0, QColor("#e0483e"))
        bar_height = (self.height() - 6) / 2
        for channel in range(2):
            y = 2 + channel * (bar_height + 2)
            fraction = (self.levels_db[channel] - METER_FLOOR_DB) / -METER_FLOOR_DB
            painter.fillRect(QRectF(2, y, (self.width() - 4) * fraction, bar_height), gradient)
            held = (self.held_db[channel] - METER_FLOOR_DB) / -METER_FLOOR_DB
            painter.fillRect(QRectF(2 + (self.width() - 6) * held, y, 2, bar_height),
                             QColor("#f0f0f0"))


class TransportBar(QWidget):
    playToggled = Signal()
    stopRequested = Signal()
    loopToggled = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.play_button = self._button("▶", "Play / pause (Space)")
        self.play_button.clicked.connect(self.playToggled)
        self.stop_button = self._button("■", "Stop (returns to where play started)")
        self.stop_button.clicked.connect(self.stopRequested)
        self.loop_button = self._button("⟲", "Loop the ruler's loop region (L); shift-drag on "
                                        "the ruler to set it")
        self.loop_button.setCheckable(True)
        self.loop_button.toggled.connect(self.loopToggled)
        self.time = QLabel("00:00.000")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(13)
        self.time.setFont(font)
        self.time.setMinimumWidth(200)
        self.time.setStyleSheet("color: #e6e8ee; padding: 0 10px;")
        self.meter = LevelMeter()
        self.device_note = QLabel("")
        self.device_note.setStyleSheet("color: #f2c14e;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        for widget in (self.play_button, self.stop_button, self.loop_button):
            layout.addWidget(widget)
        layout.addWidget(self.time)
        layout.addWidget(self.meter)
        layout.addWidget(self.device_note, 1)

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setFixedSize(34, 28)
        button.setStyleSheet("font-size: 14pt;")
        return button

    def show_time(self, samples: int, total: int, sample_rate: int) -> None:
        self.time.setText(f"{format_time(samples, sample_rate)} / {format_time(total, sample_rate)}")

    def show_state(self, state: str) -> None:
        self.play_button.setText("❚❚" if state == "playing" else "▶")

    def disable_playback(self, reason: str) -> None:
        for button in (self.play_button, self.stop_button, self.loop_button):
            button.setEnabled(False)
        self.device_note.setText("Playback off (no audio output)")
        self.device_note.setToolTip(f"Playback off: {reason}")
