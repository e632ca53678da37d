"""Track headers beside the lanes: name, mute, solo, gain, pan, a level meter; rename,
colour, reorder, add, delete and collapse from the header (context menu, double-click on
the name). The headers follow the scene's lane layout and stay level with the view."""
from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QColorDialog,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import style
from app.document.edits import SetTrackFields
from app.document.timeline_edits import RemoveTrack, SetTracks
from app.timeline.lanes import COLLAPSED_LANE_PX
from engine.model.story import Track, TrackKind

HEADER_BACKGROUND = QColor("#2a2d35")
HEADER_LINE = QColor("#1a1c21")
METER_FLOOR_DB = -60.0
METER_FALL_DB_PER_S = 30.0


def new_track(tracks: list[Track], kind: TrackKind) -> Track:
    """A fresh track of `kind` with the next free id and name ("Effects 3")."""
    ids = {t.id for t in tracks}
    names = {t.name for t in tracks}
    number = 1
    while f"{kind.value}-{number}" in ids or f"{kind.value.capitalize()} {number}" in names:
        number += 1
    return Track(id=f"{kind.value}-{number}", name=f"{kind.value.capitalize()} {number}",
                 kind=kind)


class TrackMeter(QWidget):
    """A thin vertical peak meter in dBFS with a falling bar."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFixedWidth(5)
        self.level_db = METER_FLOOR_DB
        self.setToolTip("Track level (peak, dBFS)")

    def set_peak(self, peak: float, dt: float = 1 / 30) -> None:
        db = max(20 * math.log10(peak), METER_FLOOR_DB) if peak > 0 else METER_FLOOR_DB
        level = max(db, self.level_db - METER_FALL_DB_PER_S * dt, METER_FLOOR_DB)
        if level != self.level_db:
            self.level_db = level
            self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#16181c"))
        fraction = (self.level_db - METER_FLOOR_DB) / -METER_FLOOR_DB
        height = self.height() * fraction
        colour = QColor("#e0483e") if self.level_db > -1 else (
            QColor("#c9c23a") if self.level_db > -12 else QColor("#2e9e5b"))
        painter.fillRect(QRectF(0, self.height() - height, self.width(), height), colour)


class TrackHeader(QFrame):
    collapseToggled = Signal(str, bool)  # track id, collapsed
    menuRequested = Signal(str, object)  # track id, global position

    def __init__(self, document, track_id: str, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.track_id = track_id
        self._colour = style.KIND_COLOURS["effects"]
        track = document.story.track(track_id)
        self.collapse = QToolButton()
        self.collapse.setAutoRaise(True)
        self.collapse.setFixedSize(16, 18)
        self.collapse.setToolTip("Collapse or expand this track")
        self.collapse.clicked.connect(lambda: self.collapseToggled.emit(
            self.track_id, self.collapse.text() == "▾"))
        self.name = QLabel(track.name)
        bold = self.name.font()
        bold.setBold(True)
        self.name.setFont(bold)
        self.name.setToolTip("Double-click to rename; right-click for more")
        self.name_edit = QLineEdit(track.name)
        self.name_edit.setVisible(False)
        self.name_edit.editingFinished.connect(self._rename_finished)
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
        self.pan = QSlider(Qt.Orientation.Horizontal)
        self.pan.setRange(-100, 100)
        self.pan.setValue(int(round(track.pan * 100)))
        self.pan.setMinimumWidth(44)
        self.pan.setToolTip(self._pan_text(track.pan))
        self.pan.valueChanged.connect(self._pan_moved)
        self.pan.sliderReleased.connect(self._pan_committed)
        self.meter = TrackMeter()
        self.duck = QLabel()  # the gain ducking applies while speech plays
        self.duck.setStyleSheet("color: #e0b050; font-size: 8pt;")
        self.duck.setToolTip("How far this track dips under speech now")
        self.duck.setVisible(False)
        top = QHBoxLayout()
        top.setSpacing(2)
        top.addWidget(self.collapse)
        top.addWidget(self.name, 1)
        top.addWidget(self.name_edit, 1)
        top.addWidget(self.mute)
        top.addWidget(self.solo)
        self.controls = QWidget()
        bottom = QHBoxLayout(self.controls)
        bottom.setContentsMargins(18, 0, 0, 0)
        bottom.setSpacing(4)
        bottom.addWidget(self.gain)
        bottom.addWidget(self.pan, 1)
        bottom.addWidget(self.duck)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.controls)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 2, 3)
        layout.setSpacing(3)
        layout.addLayout(column, 1)
        layout.addWidget(self.meter)
        self.set_collapsed(False)
        self.sync()

    def _toggle(self, text: str, tip: str, checked: bool, field: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setChecked(checked)
        button.setFixedSize(22, 20)
        button.toggled.connect(lambda on: self._push({field: on}, f"{tip.split()[0]} track"))
        return button

    @staticmethod
    def _pan_text(pan: float) -> str:
        if abs(pan) < 0.005:
            return "Pan: centre"
        return f"Pan: {'L' if pan < 0 else 'R'}{abs(pan) * 100:.0f}"

    def set_collapsed(self, collapsed: bool) -> None:
        self.collapse.setText("▸" if collapsed else "▾")
        self.controls.setVisible(not collapsed)

    def set_height(self, height: int) -> None:
        self.setFixedHeight(height)
        self.controls.setVisible(height > COLLAPSED_LANE_PX and self.collapse.text() == "▾"
                                 and height >= 46)

    def _gain_changed(self, value: float) -> None:
        self._push({"gain_db": round(value, 2)}, "Track gain")

    def _pan_moved(self, value: int) -> None:
        self.pan.setToolTip(self._pan_text(value / 100))
        if not self.pan.isSliderDown():  # keyboard or wheel: each step is an edit
            self._pan_committed()

    def _pan_committed(self) -> None:
        self._push({"pan": round(self.pan.value() / 100, 2)}, "Track pan")

    def start_rename(self) -> None:
        self.name_edit.setText(self.document.story.track(self.track_id).name)
        self.name.setVisible(False)
        self.name_edit.setVisible(True)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _rename_finished(self) -> None:
        if not self.name_edit.isVisible():
            return
        self.name_edit.setVisible(False)
        self.name.setVisible(True)
        text = " ".join(self.name_edit.text().split())
        if text:
            self._push({"name": text[:120]}, "Rename track")

    def set_colour(self, colour: str | None) -> None:
        self._push({"color": colour}, "Track colour")

    def set_ducking(self, on: bool) -> None:
        self._push({"duck_under_speech": on}, "Duck under speech" if on else "No ducking")

    def show_ducking(self, gain_db: float) -> None:
        """The dip the track gets under speech right now, beside its meter."""
        dipping = gain_db < -0.5
        self.duck.setVisible(dipping)
        if dipping:
            self.duck.setText(f"duck {gain_db:.0f} dB".replace("-", "\N{MINUS SIGN}"))

    def _push(self, fields: dict, text: str) -> None:
        track = self.document.story.track(self.track_id)
        if all(getattr(track, name) == value for name, value in fields.items()):
            return
        self.document.undo_stack.push(SetTrackFields(self.document, self.track_id, fields, text))

    def paintEvent(self, event) -> None:
        """Background, the track's colour down the left edge, a line below (painted, not
        style-sheeted: a style sheet per header costs tens of milliseconds to apply)."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), HEADER_BACKGROUND)
        painter.fillRect(QRectF(0, 0, 4, self.height()), self._colour)
        painter.fillRect(QRectF(0, self.height() - 1, self.width(), 1), HEADER_LINE)

    def mouseDoubleClickEvent(self, event) -> None:
        self.start_rename()

    def contextMenuEvent(self, event) -> None:
        self.menuRequested.emit(self.track_id, event.globalPos())

    def sync(self) -> None:
        track = self.document.story.track(self.track_id)
        for widget, value in ((self.mute, track.mute), (self.solo, track.solo)):
            widget.blockSignals(True)
            widget.setChecked(value)
            widget.blockSignals(False)
        self.gain.blockSignals(True)
        self.gain.setValue(track.gain_db)
        self.gain.blockSignals(False)
        if not self.pan.isSliderDown():
            self.pan.blockSignals(True)
            self.pan.setValue(int(round(track.pan * 100)))
            self.pan.blockSignals(False)
        self.pan.setToolTip(self._pan_text(track.pan))
        self.name.setText(track.name)
        self._colour = QColor(track.color) if track.color else style.KIND_COLOURS[track.kind.value]
        self.update()
        self.setToolTip(f"{track.name} · {track.kind.value}")


class TrackHeaderPanel(QWidget):
    """A column of headers; `set_scroll` keeps it level with the timeline's lanes."""

    def __init__(self, document, scene, parent=None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.setFixedWidth(style.HEADER_WIDTH)
        self.setAutoFillBackground(True)
        self._rows: dict[str, TrackHeader] = {}
        self._scroll_y = 0
        self.document = None
        scene.lanesChanged.connect(self.rebuild)
        self.set_document(document)

    def set_document(self, document) -> None:
        if self.document is not None:
            self.document.trackChanged.disconnect(self._on_track_changed)
        self.document = document
        document.trackChanged.connect(self._on_track_changed)
        self.rebuild()

    def rows(self) -> list[TrackHeader]:
        return [self._rows[t] for t in self.scene.lanes.track_ids if t in self._rows]

    def row(self, track_id: str) -> TrackHeader:
        return self._rows[track_id]

    def rebuild(self) -> None:
        """Lanes changed: keep the rows that still have a track, place every row again."""
        if self.document is None:
            return
        tracks = {t.id for t in self.document.story.tracks}
        for track_id in list(self._rows):
            if track_id not in tracks or self._rows[track_id].document is not self.document:
                self._rows.pop(track_id).deleteLater()
        for track in self.document.story.tracks:
            if track.id not in self._rows:
                row = TrackHeader(self.document, track.id, self)
                row.setFixedWidth(style.HEADER_WIDTH)
                row.collapseToggled.connect(self.scene.set_collapsed)
                row.menuRequested.connect(self.show_menu)
                row.show()
                self._rows[track.id] = row
        self._place()

    def _place(self) -> None:
        lanes = self.scene.lanes
        for lane, track_id in enumerate(lanes.track_ids):
            row = self._rows.get(track_id)
            if row is None:
                continue
            row.set_collapsed(track_id in self.scene.collapsed)
            row.set_height(lanes.height(lane))
            row.move(0, lanes.top(lane) - self._scroll_y)
            row.sync()

    def set_scroll(self, y: int) -> None:
        self._scroll_y = y
        lanes = self.scene.lanes
        for lane, track_id in enumerate(lanes.track_ids):
            if track_id in self._rows:
                self._rows[track_id].move(0, lanes.top(lane) - y)

    def _on_track_changed(self, track_id: str) -> None:
        if track_id in self._rows:
            self._rows[track_id].sync()

    def set_levels(self, peaks: dict[str, float],
                   ducking: dict[str, float] | None = None) -> None:
        """Meters, and the gain ducking applies now (dB; shown while a track dips)."""
        ducking = ducking or {}
        for track_id, row in self._rows.items():
            row.meter.set_peak(peaks.get(track_id, 0.0))
            row.show_ducking(ducking.get(track_id, 0.0))

    # -- track operations ----------------------------------------------------------------
    def add_track(self, kind: TrackKind, after: str | None = None) -> str:
        tracks = list(self.document.story.tracks)
        track = new_track(tracks, kind)
        index = next((i + 1 for i, t in enumerate(tracks) if t.id == after), len(tracks))
        tracks.insert(index, track)
        self.document.undo_stack.push(SetTracks(self.document, tracks,
                                                f"Add track “{track.name}”"))
        return track.id

    def delete_track(self, track_id: str) -> None:
        self.document.undo_stack.push(RemoveTrack(self.document, track_id))

    def move_track(self, track_id: str, step: int) -> None:
        tracks = list(self.document.story.tracks)
        index = next(i for i, t in enumerate(tracks) if t.id == track_id)
        target = min(max(index + step, 0), len(tracks) - 1)
        if target == index:
            return
        tracks.insert(target, tracks.pop(index))
        self.document.undo_stack.push(SetTracks(self.document, tracks, "Move track"))

    def choose_colour(self, track_id: str) -> None:
        track = self.document.story.track(track_id)
        current = QColor(track.color) if track.color else style.KIND_COLOURS[track.kind.value]
        colour = QColorDialog.getColor(current, self, f"Colour of {track.name}")
        if colour.isValid():
            self._rows[track_id].set_colour(colour.name())

    def show_menu(self, track_id: str, position) -> None:
        menu = self.build_menu(track_id)
        menu.popup(position)

    def build_menu(self, track_id: str) -> QMenu:
        track = self.document.story.track(track_id)
        row = self._rows[track_id]
        menu = QMenu(self)
        menu.addAction("Rename…", row.start_rename)
        menu.addAction("Colour…", lambda: self.choose_colour(track_id))
        if track.color:
            menu.addAction("Default colour", lambda: row.set_colour(None))
        if track.kind != TrackKind.SPEECH:
            duck = menu.addAction("Duck under speech")
            duck.setCheckable(True)
            duck.setChecked(track.ducks_under_speech())
            duck.setToolTip("Dip this track while the speech tracks speak (on by default for "
                            "ambience and music)")
            duck.toggled.connect(lambda on: row.set_ducking(on))
        collapsed = track_id in self.scene.collapsed
        menu.addAction("Expand" if collapsed else "Collapse",
                       lambda: self.scene.set_collapsed(track_id, not collapsed))
        menu.addSeparator()
        menu.addAction("Move up", lambda: self.move_track(track_id, -1))
        menu.addAction("Move down", lambda: self.move_track(track_id, 1))
        add = menu.addMenu("Add track below")
        for kind in TrackKind:
            add.addAction(kind.value.capitalize(), lambda k=kind: self.add_track(k, track_id))
        menu.addSeparator()
        clips = sum(1 for e in self.document.story.events if e.track_id == track_id)
        menu.addAction(f"Delete track{f' and its {clips} clips' if clips else ''}",
                       lambda: self.delete_track(track_id))
        return menu

    def contextMenuEvent(self, event) -> None:  # below the last track: add one
        menu = QMenu(self)
        add = menu.addMenu("Add track")
        for kind in TrackKind:
            add.addAction(kind.value.capitalize(), lambda k=kind: self.add_track(k))
        menu.popup(event.globalPos())
