"""The inspector: every field of the selected clip, and its takes.

Edits become undoable commands when a field is committed (Enter or leaving the field), so
typing a caption is one undo step, not one per key.
"""
from __future__ import annotations

import random

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.document.edits import PickTake, SetEventFields
from app.panels.generator_settings import GeneratorSettingsForm
from engine.generation import generator_names
from engine.model.story import MAX_DURATION_S

TONES = ("neutral", "calm", "tense", "joyful", "sad", "mysterious", "eerie", "epic",
         "playful", "romantic", "triumphant")


def parse_cues(text: str) -> dict[str, str]:
    """'place: harbour; time: night' -> {'place': 'harbour', 'time': 'night'}."""
    cues = {}
    for part in text.split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            if key.strip() and value.strip():
                cues[key.strip()] = value.strip()
    return cues


def format_cues(cues: dict[str, str]) -> str:
    return "; ".join(f"{key}: {value}" for key, value in cues.items())


class Inspector(QWidget):
    regenerateRequested = Signal()
    renderRequested = Signal()

    def __init__(self, document, parent=None) -> None:
        super().__init__(parent)
        self.event_id: str | None = None
        self.title = QLabel("No clip selected")
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.title.setWordWrap(True)
        self.caption = QPlainTextEdit()
        self.caption.setFixedHeight(64)
        self.caption.setToolTip("What the clip sounds like; Ctrl+Enter or leaving applies it")
        self.caption.installEventFilter(self)
        self.tone = QComboBox()
        self.tone.setEditable(True)
        self.tone.addItems(TONES)
        self.tone.activated.connect(lambda _: self._commit("tone", self.tone.currentText()))
        self.tone.lineEdit().editingFinished.connect(
            lambda: self._commit("tone", self.tone.currentText().strip() or "neutral"))
        self.cues = QLineEdit()
        self.cues.setPlaceholderText("place: harbour; time: night")
        self.cues.editingFinished.connect(lambda: self._commit("cues", parse_cues(self.cues.text())))
        self.start = self._seconds(0.0, float(MAX_DURATION_S), "start")
        self.duration = self._seconds(0.01, float(MAX_DURATION_S), "duration")
        self.gain = self._number(-60.0, 12.0, " dB", "gain_db", 1)
        self.fade_in = self._number(0.0, 60.0, " s", "fade_in_s", 3)
        self.fade_out = self._number(0.0, 60.0, " s", "fade_out_s", 3)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2 ** 31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.valueChanged.connect(lambda v: self._commit("seed", v))
        dice = QToolButton()
        dice.setText("Random")
        dice.setToolTip("A new random seed")
        dice.clicked.connect(lambda: self.seed.setValue(random.randrange(2 ** 31)))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(dice)
        self.generator = QComboBox()
        self.generator.addItems(generator_names())
        self.generator.activated.connect(
            lambda _: self._commit("generator", self.generator.currentText()))
        self.generator_settings = GeneratorSettingsForm()
        self.generator_settings.changed.connect(
            lambda values: self._commit("generator_settings", values))
        self.takes = QListWidget()
        self.takes.setToolTip("Takes of this clip; click one to use it (or press its number)")
        self.takes.itemClicked.connect(self._take_clicked)
        self.regenerate = QPushButton("Regenerate (R)")
        self.regenerate.setObjectName("primary")
        self.regenerate.setToolTip("Render this clip again with a new seed, as a new take")
        self.regenerate.clicked.connect(self.regenerateRequested)
        self.render_button = QPushButton("Render")
        self.render_button.setToolTip("Render this clip with its current seed")
        self.render_button.clicked.connect(self.renderRequested)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Caption", self.caption)
        form.addRow("Tone", self.tone)
        form.addRow("Cues", self.cues)
        form.addRow("Start", self.start)
        form.addRow("Duration", self.duration)
        form.addRow("Gain", self.gain)
        form.addRow("Fade in", self.fade_in)
        form.addRow("Fade out", self.fade_out)
        form.addRow("Seed", seed_row)
        form.addRow("Generator", self.generator)
        form.addRow(self.generator_settings)
        buttons = QHBoxLayout()
        buttons.addWidget(self.regenerate)
        buttons.addWidget(self.render_button)
        self.fields = QWidget()
        inner = QVBoxLayout(self.fields)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addWidget(QLabel("Takes"))
        inner.addWidget(self.takes, 1)
        inner.addLayout(buttons)
        inner.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.fields, 1)
        self.document = None
        self.set_document(document)

    def _seconds(self, low: float, high: float, field: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setDecimals(3)
        box.setSuffix(" s")
        box.setKeyboardTracking(False)
        box.valueChanged.connect(
            lambda v: self._commit(field, self.document.story.to_samples(v)))
        return box

    def _number(self, low: float, high: float, suffix: str, field: str, decimals: int):
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setDecimals(decimals)
        box.setSuffix(suffix)
        box.setKeyboardTracking(False)
        box.valueChanged.connect(lambda v: self._commit(field, round(v, decimals)))
        return box

    # -- document ----------------------------------------------------------------------
    def set_document(self, document) -> None:
        if self.document is not None:
            self.document.eventChanged.disconnect(self._on_event_changed)
            self.document.clipStateChanged.disconnect(self._on_event_changed)
            self.document.storyReset.disconnect(self._on_reset)
        self.document = document
        document.eventChanged.connect(self._on_event_changed)
        document.clipStateChanged.connect(self._on_event_changed)
        document.storyReset.connect(self._on_reset)
        self.show_events([])

    def show_events(self, event_ids: list[str]) -> None:
        self.event_id = event_ids[0] if len(event_ids) == 1 else None
        self.fields.setEnabled(self.event_id is not None)
        if self.event_id is None:
            self.title.setText(f"{len(event_ids)} clips selected" if event_ids
                               else "No clip selected")
            return
        self._load()

    def _on_event_changed(self, event_id: str) -> None:
        if event_id == self.event_id:
            self._load()

    def _on_reset(self) -> None:
        if self.event_id and not any(e.id == self.event_id for e in self.document.story.events):
            self.show_events([])
        elif self.event_id:
            self._load()

    def _load(self) -> None:
        story = self.document.story
        event = story.event(self.event_id)
        track = story.track(event.track_id)
        self.title.setText(f"{event.id} · {track.name}")
        widgets = (self.caption, self.tone, self.cues, self.start, self.duration, self.gain,
                   self.fade_in, self.fade_out, self.seed, self.generator)
        for widget in widgets:
            widget.blockSignals(True)
        if self.caption.toPlainText() != event.caption:
            self.caption.setPlainText(event.caption)
        self.tone.setCurrentText(event.tone)
        self.cues.setText(format_cues(event.cues))
        self.start.setValue(story.to_seconds(event.start))
        self.duration.setValue(story.to_seconds(event.duration))
        self.gain.setValue(event.gain_db)
        self.fade_in.setValue(event.fade_in_s)
        self.fade_out.setValue(event.fade_out_s)
        self.seed.setValue(event.seed)
        self.generator.setCurrentText(event.generator)
        for widget in widgets:
            widget.blockSignals(False)
        shown = (event.generator, tuple(sorted(event.generator_settings.items())))
        if getattr(self, "_settings_shown", None) != shown:  # rebuilding would drop focus
            self._settings_shown = shown
            self.generator_settings.blockSignals(True)
            self.generator_settings.show_settings(event.generator, event.generator_settings)
            self.generator_settings.blockSignals(False)
        self.takes.clear()
        for number, take in enumerate(event.takes, start=1):
            loud = f"{take.loudness_lufs:.1f} LUFS" if take.loudness_lufs is not None else "—"
            marker = "●" if take.id == event.active_take_id else "○"
            item = QListWidgetItem(f"{marker} Take {number} · seed {take.seed} · {loud}")
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            item.setToolTip("\n".join([f"{take.generator} {take.generator_version}",
                                       f"rendered {take.created_at:%Y-%m-%d %H:%M:%S}",
                                       take.path, *take.notes]))
            self.takes.addItem(item)
        state = self.document.state(self.event_id)
        reason = self.document.failure(self.event_id)
        self.status.setText(f"State: {state.value}" + (f" — {reason}" if reason else ""))

    # -- edits -------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if watched is self.caption:
            if event.type() == QEvent.Type.FocusOut:
                self._commit_caption()
            elif (event.type() == QEvent.Type.KeyPress
                  and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                  and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                self._commit_caption()
                return True
        return super().eventFilter(watched, event)

    def _commit_caption(self) -> None:
        text = " ".join(self.caption.toPlainText().split())
        if text:
            self._commit("caption", text)
        elif self.event_id:  # an empty caption is not allowed: put the old one back
            self._load()

    def _commit(self, field: str, value) -> None:
        if self.event_id is None:
            return
        event = self.document.story.event(self.event_id)
        if getattr(event, field) == value:
            return
        label = {"gain_db": "gain", "fade_in_s": "fade in", "fade_out_s": "fade out"}.get(
            field, field.replace("_", " "))
        try:
            command = SetEventFields(self.document, {self.event_id: {field: value}},
                                     f"Change {label}")
            self.document.undo_stack.push(command)
        except ValueError as exc:  # rejected by the model's validation
            first = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
            self.status.setText(f"Not applied: {first}")
            self._load()

    def _take_clicked(self, item: QListWidgetItem) -> None:
        self.pick_take(item.data(Qt.ItemDataRole.UserRole))

    def pick_take(self, take_id: str) -> None:
        event = self.document.story.event(self.event_id)
        if take_id != event.active_take_id:
            self.document.undo_stack.push(PickTake(self.document, self.event_id, take_id))
