"""Track headers beside the lanes: name, kind, mute, solo and gain, kept level with the view."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import style
from app.document.edits import SetTrackFields


class TrackHeader(QFrame):
    def __init__(self, document, track_id: str, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.track_id = track_id
        track = document.story.track(track_id)
        colour = style.KIND_COLOURS[track.kind.value].name()
        self.setFixedHeight(style.LANE_HEIGHT)
        self.setStyleSheet(f"TrackHeader {{ border-left: 4px solid {colour}; "
                           "border-bottom: 1px solid #1a1c21; background: #2a2d35; }")
        self.name = QLabel(track.name)
        self.name.setStyleSheet("font-weight: 600;")
        self.kind = QLabel(track.kind.value)
        self.kind.setStyleSheet(f"color: {colour}; font-size: 8pt;")
        self.mute = self._toggle("M", "Mute this track", track.mute, "mute")
        self.solo = self._toggle("S", "Solo this track", track.solo, "solo")
        self.gain = QDoubleSpinBox()
        self.gain.setRange(-60.0, 12.0)
        self.gain.setSingleStep(0.5)
        self.gain.setDecimals(1)
        self.gain.setSuffix(" dB")
        self.gain.setToolTip("Track gain")
        self.gain.setKeyboardTracking(False)
        self.gain.setValue(track.gain_db)
        self.gain.valueChanged.connect(self._gain_changed)
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.mute)
        top.addWidget(self.solo)
        bottom = QHBoxLayout()
        bottom.addWidget(self.kind, 1)
        bottom.addWidget(self.gain)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)

    def _toggle(self, text: str, tip: str, checked: bool, field: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setChecked(checked)
        button.setFixedSize(24, 22)
        button.toggled.connect(lambda on: self._push({field: on}, f"{tip.split()[0]} track"))
        return button

    def _gain_changed(self, value: float) -> None:
        self._push({"gain_db": round(value, 2)}, "Track gain")

    def _push(self, fields: dict, text: str) -> None:
        track = self.document.story.track(self.track_id)
        if all(getattr(track, name) == value for name, value in fields.items()):
            return
        self.document.undo_stack.push(SetTrackFields(self.document, self.track_id, fields, text))

    def sync(self) -> None:
        track = self.document.story.track(self.track_id)
        for widget, value in ((self.mute, track.mute), (self.solo, track.solo)):
            widget.blockSignals(True)
            widget.setChecked(value)
            widget.blockSignals(False)
        self.gain.blockSignals(True)
        self.gain.setValue(track.gain_db)
        self.gain.blockSignals(False)
        self.name.setText(track.name)


class TrackHeaderPanel(QWidget):
    """A column of headers; `set_scroll` keeps it level with the timeline's lanes."""

    def __init__(self, document, parent=None) -> None:
        super().__init__(parent)
        self.setFixedWidth(style.HEADER_WIDTH)
        self.setAutoFillBackground(True)
        self._rows: dict[str, TrackHeader] = {}
        self._scroll_y = 0
        self.document = None
        self.set_document(document)

    def set_document(self, document) -> None:
        if self.document is not None:
            self.document.storyReset.disconnect(self.rebuild)
            self.document.trackChanged.disconnect(self._on_track_changed)
        self.document = document
        document.storyReset.connect(self.rebuild)
        document.trackChanged.connect(self._on_track_changed)
        self.rebuild()

    def rebuild(self) -> None:
        for row in self._rows.values():
            row.deleteLater()
        self._rows = {}
        for lane, track in enumerate(self.document.story.tracks):
            row = TrackHeader(self.document, track.id, self)
            row.setFixedWidth(style.HEADER_WIDTH)
            row.move(0, lane * style.LANE_HEIGHT - self._scroll_y)
            row.show()
            self._rows[track.id] = row

    def set_scroll(self, y: int) -> None:
        self._scroll_y = y
        for lane, track in enumerate(self.document.story.tracks):
            self._rows[track.id].move(0, lane * style.LANE_HEIGHT - y)

    def _on_track_changed(self, track_id: str) -> None:
        if track_id in self._rows:
            self._rows[track_id].sync()
