"""The takes of one clip, a row each: play button, waveform thumbnail, what it was rendered
from (caption, seed, settings), what it is made of (recipe layers, model, file), loudness,
and star / rename / delete. Clicking a row uses that take; its number key does too."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import style
from app.timeline.clip_item import waveform_image
from engine.model.story import Event, Take

THUMB_SIZE = QSize(84, 30)
MAX_CAPTION_CHARS = 60


def take_made_of(take: Take) -> str:
    """'rain (recipe) + wind (recipe)', 'model tangoflux', or the generator it came from."""
    if take.layers:
        return " + ".join(f"{layer.name} ({layer.kind})" for layer in take.layers)
    if take.generator == "import":
        return next((note for note in take.notes if note.startswith("imported")), "imported file")
    return f"{take.generator} {take.generator_version}".strip()


def take_rendered_from(take: Take, event: Event) -> str:
    """The caption (when it differs from the clip's now) and the settings of the render."""
    parameters = take.parameters or {}
    caption = str(parameters.get("caption", ""))
    parts = []
    if caption and caption != event.caption:
        short = caption if len(caption) <= MAX_CAPTION_CHARS else caption[:MAX_CAPTION_CHARS] + "…"
        parts.append(f"“{short}”")
    tone = parameters.get("tone")
    if tone and tone != "neutral":
        parts.append(str(tone))
    settings = parameters.get("settings") or {}
    parts += [f"{name} {value}" for name, value in sorted(settings.items())]
    return " · ".join(parts)


class TakeRow(QWidget):
    playRequested = Signal(str)
    starToggled = Signal(str)
    renameRequested = Signal(str)
    deleteRequested = Signal(str)

    def __init__(self, number: int, take: Take, event: Event, active: bool, parent=None):
        super().__init__(parent)
        self.take_id = take.id
        self.play = self._button("▶", "Play this take alone (from the clip's start)",
                                 lambda: self.playRequested.emit(take.id))
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMB_SIZE)
        self.thumbnail.setStyleSheet("background: #1b1d22; border-radius: 2px;")
        title = f"Take {number}" + (f" — {take.label}" if take.label else "")
        self.title = QLabel(("● " if active else "") + title)
        self.title.setStyleSheet("font-weight: 600;" if active else "")
        loudness = f"{take.loudness_lufs:.1f} LUFS" if take.loudness_lufs is not None else "— LUFS"
        details = f"seed {take.seed} · {loudness} · {take.duration_s:.1f} s"
        self.details = QLabel(details)
        self.details.setStyleSheet("color: #9aa0ac; font-size: 8pt;")
        self.made_of = QLabel(take_made_of(take))
        self.made_of.setStyleSheet("color: #b9c2d0; font-size: 8pt;")
        self.made_of.setWordWrap(True)
        rendered_from = take_rendered_from(take, event)
        self.rendered_from = QLabel(rendered_from)
        self.rendered_from.setStyleSheet("color: #9aa0ac; font-size: 8pt;")
        self.rendered_from.setWordWrap(True)
        self.star = self._button("★" if take.starred else "☆",
                                 "Star this take (keep it in mind)",
                                 lambda: self.starToggled.emit(take.id))
        if take.starred:
            self.star.setStyleSheet("color: #f2c14e;")
        self.rename = self._button("✎", "Rename this take", lambda: self.renameRequested.emit(take.id))
        self.delete = self._button("✕", "Delete this take", lambda: self.deleteRequested.emit(take.id))
        for label in (self.title, self.details, self.made_of, self.rendered_from):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(0)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.title)
        text.addWidget(self.details)
        text.addWidget(self.made_of)
        text.addWidget(self.rendered_from)
        buttons = QVBoxLayout()
        buttons.setSpacing(0)
        buttons.addWidget(self.star)
        buttons.addWidget(self.rename)
        buttons.addWidget(self.delete)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.play, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.thumbnail)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 3, 2, 3)
        layout.setSpacing(6)
        layout.addLayout(left)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)
        self.rendered_from.setVisible(bool(rendered_from))  # once it has a parent
        self.setToolTip("\n".join(filter(None, [
            f"{take.generator} {take.generator_version}",
            f"rendered {take.created_at:%Y-%m-%d %H:%M:%S}",
            f"caption: {(take.parameters or {}).get('caption', '')}",
            *(f"{layer.kind} {layer.name} {layer.parameters or ''}".strip()
              for layer in take.layers),
            take.path, *take.notes])))

    @staticmethod
    def _button(text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFixedSize(22, 20)
        button.clicked.connect(slot)
        return button

    def set_thumbnail(self, peaks, take: Take, colour: QColor) -> None:
        if peaks is None:
            return
        image = waveform_image(peaks, 0, take.frames, THUMB_SIZE.width(), 0, THUMB_SIZE.width(),
                               THUMB_SIZE.height() - 4, colour)
        self.thumbnail.setPixmap(QPixmap.fromImage(image))


class TakesList(QListWidget):
    useRequested = Signal(str)
    playRequested = Signal(str)
    starToggled = Signal(str)
    renameRequested = Signal(str)
    deleteRequested = Signal(str)

    def __init__(self, peak_cache=None, parent=None) -> None:
        super().__init__(parent)
        self.peak_cache = peak_cache
        self.setToolTip("Takes of this clip: click one to use it (or press its number); ▶ "
                        "plays it alone")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.itemClicked.connect(lambda item: self.useRequested.emit(
            item.data(Qt.ItemDataRole.UserRole)))
        self._rows: dict[str, tuple[TakeRow, Take]] = {}
        self._colour = style.KIND_COLOURS["effects"]
        self._project = None
        self._shown: tuple | None = None
        if peak_cache is not None:
            peak_cache.ready.connect(self._peaks_ready)

    def show_takes(self, project, event: Event, colour: QColor) -> None:
        """One row per take; nothing is rebuilt when the takes did not change (a render's
        progress, a move or a gain change of the clip reload the inspector, not these)."""
        key = (id(project), event.id, event.active_take_id, event.caption, colour.rgba(),
               tuple((t.id, t.label, t.starred) for t in event.takes))
        if key == self._shown:
            return
        self._shown = key
        self.clear()
        self._rows = {}
        self._project, self._colour = project, colour
        for number, take in enumerate(event.takes, start=1):
            row = TakeRow(number, take, event, take.id == event.active_take_id)
            for signal, target in ((row.playRequested, self.playRequested),
                                   (row.starToggled, self.starToggled),
                                   (row.renameRequested, self.renameRequested),
                                   (row.deleteRequested, self.deleteRequested)):
                signal.connect(target)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            item.setSizeHint(row.sizeHint())
            self.addItem(item)
            self.setItemWidget(item, row)
            self._rows[take.id] = (row, take)
            if self.peak_cache is not None:
                row.set_thumbnail(self.peak_cache.get(project.take_path(take)), take, colour)

    def row(self, take_id: str) -> TakeRow:
        return self._rows[take_id][0]

    def take_ids(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def _peaks_ready(self, path: str) -> None:
        if self._project is None:
            return
        for row, take in self._rows.values():
            if str(self._project.take_path(take)) == path:
                row.set_thumbnail(self.peak_cache.get(self._project.take_path(take)), take,
                                  self._colour)
