"""The scene list: every clip in story order. Dragging a row to a new place reorders the
story: the clips trade start times so the moved one plays at its new place in the sequence."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from app.document.edits import SetEventFields
from app.timeline.scale import format_time


class SceneList(QListWidget):
    eventActivated = Signal(str)

    def __init__(self, document, parent=None) -> None:
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.itemDoubleClicked.connect(lambda item: self.eventActivated.emit(
            item.data(Qt.ItemDataRole.UserRole)))
        self.model().rowsMoved.connect(self._rows_moved)
        self._order: list[str] = []
        self._stale = True
        self._refresh_timer = QTimer(self)  # edits come in bursts (renders, drags): batch them
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)
        self.document = None
        self.set_document(document)

    def set_document(self, document) -> None:
        if self.document is not None:
            for signal in self._signals(self.document):
                signal.disconnect(self.schedule_refresh)
        self.document = document
        for signal in self._signals(document):
            signal.connect(self.schedule_refresh)
        self.refresh()

    @staticmethod
    def _signals(document):
        return (document.storyReset, document.eventChanged, document.eventsAdded,
                document.eventsRemoved)

    def schedule_refresh(self, *args) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self, *args) -> None:
        self._stale = False
        story = self.document.story
        kinds = {t.id: t.kind.value for t in story.tracks}
        events = sorted(story.events, key=lambda e: (e.start, e.id))
        self._order = [e.id for e in events]
        self.blockSignals(True)
        self.model().blockSignals(True)
        self.clear()
        for event in events:
            item = QListWidgetItem(f"{format_time(event.start, story.sample_rate)}  "
                                   f"{kinds[event.track_id]:<8}  {event.caption}")
            item.setData(Qt.ItemDataRole.UserRole, event.id)
            item.setToolTip(event.caption)
            self.addItem(item)
        self.model().blockSignals(False)
        self.blockSignals(False)

    def _rows_moved(self, *args) -> None:
        new_order = [self.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.count())]
        if new_order != self._order:  # apply after the drop finishes: it rebuilds the list
            QTimer.singleShot(0, lambda: self.apply_order(new_order))

    def apply_order(self, new_order: list[str]) -> None:
        """Give the clips, in `new_order`, the sequence of start times they had before."""
        story = self.document.story
        slots = sorted(story.event(event_id).start for event_id in self._order)
        changes = {event_id: {"start": slot} for event_id, slot in zip(new_order, slots)
                   if story.event(event_id).start != slot}
        if changes:
            self.document.undo_stack.push(SetEventFields(self.document, changes,
                                                         "Reorder scenes"))
        else:
            self.refresh()
