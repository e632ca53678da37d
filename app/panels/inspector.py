"""The inspector: every field of the selected clip and its takes; with several clips
selected, the fields they share (tone, gain, fades, generator), edited for all at once.

Edits become undoable commands when a field is committed (Enter or leaving the field), so
typing a caption is one undo step, not one per key. With nothing selected the fields are
hidden and a hint says what the panel is for.
"""
from __future__ import annotations

import random

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import style
from app.document.edits import PickTake, SetEventFields
from app.document.timeline_edits import DeleteTake, SetTakeFields
from app.panels.generator_settings import GeneratorSettingsForm
from app.panels.takes_list import TakesList
from engine.generation import generator_names
from engine.generation.speech.delivery import DELIVERIES
from engine.model.story import MAX_DURATION_S, TrackKind
from engine.model.tones import TONE_NAMES

MIXED = "  (mixed)"
NOTHING_SELECTED = ("No clip selected.\n\nClick a clip on the timeline to see and edit it "
                    "here; select several to change their tone, gain or fades together.")
SHARED_FIELDS = ("tone", "gain_db", "fade_in_s", "fade_out_s", "generator")
DELIVERY_CHOICES = ("", *(name for name in DELIVERIES if name != "neutral"))


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
    auditionRequested = Signal(str, str)  # event id, take id

    def __init__(self, document, peak_cache=None, parent=None) -> None:
        super().__init__(parent)
        self.event_ids: list[str] = []
        self.title = QLabel("No clip selected")
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.title.setWordWrap(True)
        self.hint = QLabel(NOTHING_SELECTED)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #9aa0ac;")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.caption = QPlainTextEdit()
        self.caption.setFixedHeight(58)
        self.caption.setToolTip("What the clip sounds like; Ctrl+Enter or leaving applies it")
        self.caption.installEventFilter(self)
        self.tone = QComboBox()
        self.tone.setEditable(True)
        self.tone.addItems(TONE_NAMES)
        self.tone.activated.connect(lambda _: self._commit("tone", self.tone.currentText()))
        self.tone.lineEdit().editingFinished.connect(self._tone_typed)
        self.words = QPlainTextEdit()  # a speech clip's words, its speaker and delivery
        self.words.setFixedHeight(58)
        self.words.setPlaceholderText("the words the clip says (speech)")
        self.words.setToolTip("What the speaker says; Ctrl+Enter or leaving applies it. "
                              "Words make the clip speak (the speech generator).")
        self.words.installEventFilter(self)
        self.speaker = QLineEdit()
        self.speaker.setPlaceholderText("the captain, his daughter, narrator…")
        self.speaker.editingFinished.connect(
            lambda: self._commit("speaker", " ".join(self.speaker.text().split()) or None))
        self.delivery = QComboBox()
        self.delivery.setEditable(True)
        self.delivery.addItems(DELIVERY_CHOICES)
        self.delivery.activated.connect(lambda _: self._commit_delivery())
        self.delivery.lineEdit().editingFinished.connect(self._commit_delivery)
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
        self.seed_row = QWidget()
        seed_layout = QHBoxLayout(self.seed_row)
        seed_layout.setContentsMargins(0, 0, 0, 0)
        seed_layout.addWidget(self.seed, 1)
        seed_layout.addWidget(dice)
        self.generator = QComboBox()
        self.generator.addItems(generator_names())
        self.generator.activated.connect(
            lambda _: self._commit("generator", self.generator.currentText()))
        self.generator_settings = GeneratorSettingsForm()
        self.generator_settings.changed.connect(
            lambda values: self._commit("generator_settings", values))
        self.takes = TakesList(peak_cache)
        self.takes.useRequested.connect(self.pick_take)
        self.takes.playRequested.connect(self._play_take)
        self.takes.starToggled.connect(self.toggle_star)
        self.takes.renameRequested.connect(self._ask_rename)
        self.takes.deleteRequested.connect(self.delete_take)
        self.takes_label = QLabel("Takes")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setObjectName("primary")
        self.regenerate.setToolTip("Render again with a new seed, as a new take (R)")
        self.regenerate.clicked.connect(self.regenerateRequested)
        self.render_button = QPushButton("Render")
        self.render_button.setToolTip("Render with the current seed")
        self.render_button.clicked.connect(self.renderRequested)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow("Caption", self.caption)
        self.form.addRow("Words", self.words)
        self.form.addRow("Speaker", self.speaker)
        self.form.addRow("Delivery", self.delivery)
        self.form.addRow("Tone", self.tone)
        self.form.addRow("Cues", self.cues)
        self.form.addRow("Start", self.start)
        self.form.addRow("Duration", self.duration)
        self.form.addRow("Gain", self.gain)
        self.form.addRow("Fade in", self.fade_in)
        self.form.addRow("Fade out", self.fade_out)
        self.form.addRow("Seed", self.seed_row)
        self.form.addRow("Generator", self.generator)
        self.form.addRow(self.generator_settings)
        buttons = QHBoxLayout()
        buttons.addWidget(self.regenerate)
        buttons.addWidget(self.render_button)
        self.fields = QWidget()
        inner = QVBoxLayout(self.fields)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.form)
        inner.addWidget(self.takes_label)
        inner.addWidget(self.takes, 1)
        inner.addLayout(buttons)
        inner.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.fields, 1)
        self._suffixes = {self.gain: " dB", self.fade_in: " s", self.fade_out: " s"}
        self._settings_shown = None
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
    @property
    def event_id(self) -> str | None:
        """The one clip shown, or None (nothing or several selected)."""
        return self.event_ids[0] if len(self.event_ids) == 1 else None

    def set_document(self, document) -> None:
        if self.document is not None:
            self.document.eventChanged.disconnect(self._on_event_changed)
            self.document.clipStateChanged.disconnect(self._on_event_changed)
            self.document.storyReset.disconnect(self._on_reset)
            self.document.eventsRemoved.disconnect(self._on_removed)
            self.document.trackChanged.disconnect(self._on_names_changed)
            self.document.scenesChanged.disconnect(self._on_names_changed)
        self.document = document
        document.eventChanged.connect(self._on_event_changed)
        document.clipStateChanged.connect(self._on_event_changed)
        document.storyReset.connect(self._on_reset)
        document.eventsRemoved.connect(self._on_removed)
        document.trackChanged.connect(self._on_names_changed)  # the title names both
        document.scenesChanged.connect(self._on_names_changed)
        self.show_events([])

    def show_events(self, event_ids: list[str]) -> None:
        known = {e.id for e in self.document.story.events}
        self.event_ids = [i for i in event_ids if i in known]
        if not self.event_ids:
            self.title.setText("No clip selected")
            self.hint.setVisible(True)
            self.fields.setVisible(False)
            return
        self.hint.setVisible(False)
        self.fields.setVisible(True)
        self._load()

    def _on_event_changed(self, event_id: str) -> None:
        if event_id in self.event_ids:
            self._load()

    def _on_names_changed(self, *args) -> None:
        if self.event_ids:
            self._load()

    def _on_removed(self, event_ids: list) -> None:
        if set(event_ids) & set(self.event_ids):
            self.show_events([i for i in self.event_ids if i not in set(event_ids)])

    def _on_reset(self) -> None:
        self.show_events(self.event_ids)

    def _load(self) -> None:
        single = self.event_id is not None
        for row in (self.caption, self.cues, self.start, self.duration, self.seed_row):
            self.form.setRowVisible(row, single)
        speech = single and self._speaks(self.document.story.event(self.event_id))
        for row in (self.words, self.speaker, self.delivery):
            self.form.setRowVisible(row, speech)
        self.generator_settings.setVisible(single and self.generator_settings.has_settings())
        self.takes.setVisible(single)
        self.takes_label.setVisible(single)
        if single:
            self._load_one()
        else:
            self._load_several()

    def _load_one(self) -> None:
        story = self.document.story
        event = story.event(self.event_id)
        track = story.track(event.track_id)
        scene = story.scene(event.scene_id) if event.scene_id and any(
            s.id == event.scene_id for s in story.scenes) else None
        self.title.setText(f"{event.id} · {track.name}"
                           + (f" · {scene.title}" if scene and scene.title else ""))
        self.regenerate.setText("Regenerate")
        self.render_button.setText("Render")
        widgets = (self.caption, self.tone, self.cues, self.start, self.duration, self.gain,
                   self.fade_in, self.fade_out, self.seed, self.generator, self.words,
                   self.speaker, self.delivery)
        for widget in widgets:
            widget.blockSignals(True)
        if self.caption.toPlainText() != event.caption:
            self.caption.setPlainText(event.caption)
        if self.words.toPlainText() != (event.text or ""):
            self.words.setPlainText(event.text or "")
        self.speaker.setText(event.speaker or "")
        self.delivery.setCurrentText(event.delivery or "")
        self.tone.setCurrentText(event.tone)
        self.cues.setText(format_cues(event.cues))
        self.cues.setCursorPosition(0)
        self.start.setValue(story.to_seconds(event.start))
        self.duration.setValue(story.to_seconds(event.duration))
        for box, value in ((self.gain, event.gain_db), (self.fade_in, event.fade_in_s),
                           (self.fade_out, event.fade_out_s)):
            box.setSuffix(self._suffixes[box])
            box.setValue(value)
        self.seed.setValue(event.seed)
        self.generator.setCurrentText(event.generator)
        for widget in widgets:
            widget.blockSignals(False)
        shown = (event.generator, tuple(sorted(event.generator_settings.items())))
        if self._settings_shown != shown:  # rebuilding would drop focus
            self._settings_shown = shown
            self.generator_settings.blockSignals(True)
            self.generator_settings.show_settings(event.generator, event.generator_settings)
            self.generator_settings.blockSignals(False)
        self.generator_settings.setVisible(self.generator_settings.has_settings())
        colour = style.KIND_COLOURS.get(track.kind.value, style.KIND_COLOURS["effects"])
        self.takes.show_takes(self.document.project, event, colour)
        state = self.document.state(self.event_id)
        reason = self.document.failure(self.event_id)
        self.status.setText(f"State: {state.value}" + (f" — {reason}" if reason else ""))

    def _load_several(self) -> None:
        story = self.document.story
        events = [story.event(i) for i in self.event_ids]
        self.title.setText(f"{len(events)} clips selected")
        count = len(events)
        self.regenerate.setText(f"Regenerate {count}")
        self.render_button.setText(f"Render {count}")
        self._settings_shown = None
        for widget in (self.tone, self.gain, self.fade_in, self.fade_out, self.generator):
            widget.blockSignals(True)
        tones = {e.tone for e in events}
        self.tone.setCurrentText(tones.pop() if len(tones) == 1 else "")
        self.tone.lineEdit().setPlaceholderText("(mixed)")
        for box, name in ((self.gain, "gain_db"), (self.fade_in, "fade_in_s"),
                          (self.fade_out, "fade_out_s")):
            values = {getattr(e, name) for e in events}
            box.setSuffix(self._suffixes[box] + ("" if len(values) == 1 else MIXED))
            box.setValue(getattr(events[0], name))
        generators = {e.generator for e in events}
        if len(generators) == 1:
            self.generator.setCurrentText(generators.pop())
        else:
            self.generator.setCurrentIndex(-1)
        for widget in (self.tone, self.gain, self.fade_in, self.fade_out, self.generator):
            widget.blockSignals(False)
        states = {}
        for event_id in self.event_ids:
            state = self.document.state(event_id).value
            states[state] = states.get(state, 0) + 1
        self.status.setText("States: " + ", ".join(f"{n} {s}" for s, n in states.items()))

    # -- edits -------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        commit = {self.caption: self._commit_caption, self.words: self._commit_words}.get(watched)
        if commit is not None:
            if event.type() == QEvent.Type.FocusOut:
                commit()
            elif (event.type() == QEvent.Type.KeyPress
                  and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                  and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                commit()
                return True
        return super().eventFilter(watched, event)

    def _speaks(self, event) -> bool:
        """Words belong to clips on a speech track, and to any clip that has some."""
        track = self.document.story.track(event.track_id)
        return bool(event.text) or track.kind == TrackKind.SPEECH

    def _commit_words(self) -> None:
        """New words make the clip stale; words on a clip that does not speak yet switch it
        to the speech generator (in the same undo step)."""
        if self.event_id is None:
            return
        event = self.document.story.event(self.event_id)
        text = " ".join(self.words.toPlainText().split()) or None
        if text == event.text:
            return
        fields: dict = {"text": text}
        if text and event.generator != "speech":
            fields["generator"] = "speech"
        self._push({self.event_id: fields}, "Change words")

    def _commit_delivery(self) -> None:
        value = self.delivery.currentText().strip().lower() or None
        self._commit("delivery", value)

    def _tone_typed(self) -> None:
        text = self.tone.currentText().strip()
        if text or self.event_id is not None:
            self._commit("tone", text or "neutral")

    def _commit_caption(self) -> None:
        if self.event_id is None:
            return
        text = " ".join(self.caption.toPlainText().split())
        if text:
            self._commit("caption", text)
        else:  # an empty caption is not allowed: put the old one back
            self._load()

    def _commit(self, field: str, value) -> None:
        """Apply a field to the clip shown, or to every selected clip (shared fields)."""
        if not self.event_ids or (self.event_id is None and field not in SHARED_FIELDS):
            return
        story = self.document.story
        changes = {event_id: {field: value} for event_id in self.event_ids
                   if getattr(story.event(event_id), field) != value}
        if not changes:
            return
        label = {"gain_db": "gain", "fade_in_s": "fade in", "fade_out_s": "fade out"}.get(
            field, field.replace("_", " "))
        many = f" of {len(changes)} clips" if len(changes) > 1 else ""
        self._push(changes, f"Change {label}{many}")

    def _push(self, changes: dict[str, dict], text: str) -> None:
        try:
            command = SetEventFields(self.document, changes, text)
            self.document.undo_stack.push(command)
        except ValueError as exc:  # rejected by the model's validation
            first = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
            self.status.setText(f"Not applied: {first}")
            self._load()

    # -- takes -------------------------------------------------------------------------
    def pick_take(self, take_id: str) -> None:
        if self.event_id is None:
            return
        event = self.document.story.event(self.event_id)
        if take_id != event.active_take_id:
            self.document.undo_stack.push(PickTake(self.document, self.event_id, take_id))

    def _play_take(self, take_id: str) -> None:
        if self.event_id is not None:
            self.auditionRequested.emit(self.event_id, take_id)

    def toggle_star(self, take_id: str) -> None:
        take = self._take(take_id)
        self.document.undo_stack.push(SetTakeFields(
            self.document, self.event_id, take_id, {"starred": not take.starred},
            "Unstar take" if take.starred else "Star take"))

    def rename_take(self, take_id: str, label: str) -> None:
        label = " ".join(label.split())[:120]
        if label != self._take(take_id).label:
            self.document.undo_stack.push(SetTakeFields(
                self.document, self.event_id, take_id, {"label": label}, "Rename take"))

    def _ask_rename(self, take_id: str) -> None:
        text, ok = QInputDialog.getText(self, "Rename take", "Name of this take:",
                                        text=self._take(take_id).label)
        if ok:
            self.rename_take(take_id, text)

    def delete_take(self, take_id: str) -> None:
        self.document.undo_stack.push(DeleteTake(self.document, self.event_id, take_id))

    def _take(self, take_id: str):
        event = self.document.story.event(self.event_id)
        return next(t for t in event.takes if t.id == take_id)
