"""The inspector's Variation box: how far a variation of the selected clip's take may stray,
and the button that makes one (a new take; the earlier one stays)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout

DEFAULT_PERCENT = 30


class VariationBox(QGroupBox):
    variationRequested = Signal(float)  # amount, just above 0 .. 1

    def __init__(self, parent=None) -> None:
        super().__init__("Variation", parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, 100)
        self.slider.setValue(DEFAULT_PERCENT)
        self.slider.setToolTip("How far the variation strays: a little (left) keeps most of "
                               "the take, all the way (right) is as free as a new seed")
        self.value = QLabel()
        self.value.setMinimumWidth(36)
        self.button = QPushButton("Make variation")
        self.button.setToolTip("Render a close variation of this clip's take as a new take")
        self.button.clicked.connect(lambda: self.variationRequested.emit(self.amount()))
        self.slider.valueChanged.connect(self._show_value)
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.value)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.button)
        self._show_value(self.slider.value())
        self.set_available(False)

    def amount(self) -> float:
        return self.slider.value() / 100

    def set_available(self, available: bool, why: str = "") -> None:
        self.button.setEnabled(available)
        self.button.setToolTip("Render a close variation of this clip's take as a new take"
                               if available else why or "Select one rendered clip")

    def _show_value(self, value: int) -> None:
        self.value.setText(f"{value} %")
