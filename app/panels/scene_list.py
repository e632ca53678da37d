"""The Scenes tab: the story's scenes, each with its clips in story order.

Click a scene to select its clips on the timeline; double-click a clip to show it; the
context menu of a scene regenerates or renames it. Dragging a clip row to another place in
the sequence reorders the story: the clips trade start times so the moved one plays at its
new place.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeWidget, QTreeWidgetItem

from app.document.edits import SetEventFields
from app.timeline.timecode import format_tick, format_time

EVENT_ROLE = Qt.ItemDataRole.UserRole
SCENE_ROLE = Qt.ItemDataRole.UserRole + 1


class SceneList(QTreeWidget):
    eventActivated = Signal(str)  # event id
    sceneSelected = Signal(str)   # scene id: select its clips
    regenerateSceneRequested = Signal(str)
    renameSceneRequested = Signal(str)

    def __init__(self, document, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.itemDoubleClicked.connect(self._double_clicked)
        self.itemClicked.connect(self._clicked)
        self._order: list[str] = []
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._placed: dict[str, tuple] = {}  # event id -> (start, scene) its row was put at
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
        if self.document is not None:
            self.document.eventChanged.disconnect(self._event_changed)
        self.document = document
        for signal in self._signals(document):
            signal.connect(self.schedule_refresh)
        document.eventChanged.connect(self._event_changed)
        self.refresh()

    def _event_changed(self, event_id: str) -> None:
        """One clip changed: its row is rewritten in place when it keeps its place in the
        list (a new take, a caption); a move rebuilds the list (batched)."""
        row = self._rows.get(event_id)
        event = self.document.story.event(event_id)
        if row is None or self._placed.get(event_id) != (event.start, event.scene_id):
            self.schedule_refresh()
            return
        row.setText(0, self._row_text(event))
        row.setToolTip(0, self._row_tip(event))

    @staticmethod
    def _signals(document):
        return (document.storyReset, document.eventsAdded, document.eventsRemoved,
                document.scenesChanged, document.tracksChanged)

    def schedule_refresh(self, *args) -> None:
        self._stale = True
        if self.isVisible():
            self._refresh_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- contents ----------------------------------------------------------------------
    def refresh(self, *args) -> None:
        self._stale = False
        story = self.document.story
        rate = story.sample_rate
        events = sorted(story.events, key=lambda e: (e.start, e.id))
        self._order = [e.id for e in events]
        collapsed = {self.topLevelItem(i).data(0, SCENE_ROLE)
                     for i in range(self.topLevelItemCount())
                     if not self.topLevelItem(i).isExpanded()}
        # rebuilt with the view told about every row (no blocked model signals: those
        # leave rows the view never paints)
        self.setUpdatesEnabled(False)
        self.clear()
        self._rows, self._placed = {}, {}
        groups: dict[str | None, QTreeWidgetItem] = {}
        for scene in story.scenes:
            clips = story.events_in(scene.id)
            label = (f"{scene.title or 'Scene'}  {format_tick(scene.start, rate, 1)}–"
                     f"{format_tick(scene.end, rate, 1)}")
            tip = (f"{scene.title or 'Scene'}: {format_time(scene.start, rate)} – "
                   f"{format_time(scene.end, rate)}"
                   + (f" · {scene.tone}" if scene.tone and scene.tone != "neutral" else "")
                   + f" · {len(clips)} clip{'s' if len(clips) != 1 else ''}\n"
                   "Click: select its clips · right-click: regenerate, rename")
            item = QTreeWidgetItem([label])
            item.setData(0, SCENE_ROLE, scene.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsDropEnabled)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setToolTip(0, tip)
            self.addTopLevelItem(item)
            groups[scene.id] = item
        for event in events:
            parent = groups.get(event.scene_id)
            if parent is None:
                parent = groups.get(None)
                if parent is None:
                    parent = groups[None] = QTreeWidgetItem(["Not in a scene"])
                    parent.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled)
                    self.addTopLevelItem(parent)
            child = QTreeWidgetItem([self._row_text(event)])
            self._rows[event.id] = child
            self._placed[event.id] = (event.start, event.scene_id)
            child.setData(0, EVENT_ROLE, event.id)
            child.setToolTip(0, self._row_tip(event))
            child.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                           | Qt.ItemFlag.ItemIsDragEnabled)
            parent.addChild(child)
        for scene_id, item in groups.items():
            item.setExpanded(scene_id not in collapsed)
        self.setUpdatesEnabled(True)
        self.viewport().update()

    def _row_text(self, event) -> str:
        """Compact for a narrow panel: '0:04.0  waves crashing on the pier'."""
        return f"{format_tick(event.start, self.document.story.sample_rate, 0.1)}  {event.caption}"

    def _row_tip(self, event) -> str:
        story = self.document.story
        track = next((t.name for t in story.tracks if t.id == event.track_id), "")
        return (f"{event.caption}\n{format_time(event.start, story.sample_rate)} – "
                f"{format_time(event.end, story.sample_rate)} · {track}\n"
                "Double-click: show it · drag: move it in the sequence")

    def scene_ids(self) -> list[str]:
        return [self.topLevelItem(i).data(0, SCENE_ROLE) for i in range(self.topLevelItemCount())
                if self.topLevelItem(i).data(0, SCENE_ROLE)]

    def clip_ids(self, scene_id: str | None = None) -> list[str]:
        """The clip rows in display order (of one scene, or all)."""
        ids = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if scene_id is not None and top.data(0, SCENE_ROLE) != scene_id:
                continue
            ids += [top.child(j).data(0, EVENT_ROLE) for j in range(top.childCount())]
        return ids

    # -- interaction ---------------------------------------------------------------------
    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        scene_id = item.data(0, SCENE_ROLE)
        if scene_id:
            self.sceneSelected.emit(scene_id)

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        event_id = item.data(0, EVENT_ROLE)
        if event_id:
            self.eventActivated.emit(event_id)

    def contextMenuEvent(self, event) -> None:
        item = self.itemAt(event.pos())
        scene_id = item.data(0, SCENE_ROLE) if item is not None else None
        if not scene_id:
            return
        menu = QMenu(self)
        menu.addAction("Select its clips", lambda: self.sceneSelected.emit(scene_id))
        menu.addAction("Regenerate scene", lambda: self.regenerateSceneRequested.emit(scene_id))
        menu.addAction("Rename…", lambda: self.renameSceneRequested.emit(scene_id))
        menu.popup(event.globalPos())

    def dropEvent(self, event) -> None:
        super().dropEvent(event)
        new_order = [i for i in self._flat_clip_order() if i]
        if new_order != self._order:  # apply after the drop finishes: it rebuilds the list
            QTimer.singleShot(0, lambda: self.apply_order(new_order))

    def _flat_clip_order(self) -> list[str]:
        order = []

        def walk(item: QTreeWidgetItem) -> None:
            if item.data(0, EVENT_ROLE):
                order.append(item.data(0, EVENT_ROLE))
            for j in range(item.childCount()):
                walk(item.child(j))

        for i in range(self.topLevelItemCount()):
            walk(self.topLevelItem(i))
        return order

    def apply_order(self, new_order: list[str]) -> None:
        """Give the clips, in `new_order`, the sequence of start times they had before."""
        story = self.document.story
        slots = sorted(story.event(event_id).start for event_id in self._order)
        changes = {}
        for event_id, slot in zip(new_order, slots):
            event = story.event(event_id)
            if event.start == slot:
                continue
            changes[event_id] = {"start": slot}
            scene = story.scene_at(slot)  # a clip moved into another scene joins it
            if story.scenes and scene is not None and scene.id != event.scene_id:
                changes[event_id]["scene_id"] = scene.id
        if changes:
            self.document.undo_stack.push(SetEventFields(self.document, changes,
                                                         "Reorder clips"))
        else:
            self.refresh()
