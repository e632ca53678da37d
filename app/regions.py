"""Regenerate a region, extend a clip, make a variation: the editor's side, put into the
main window by `install_regions(window)`.

- **Regenerate Region** (Alt+R, Clip menu, clip menu): the stretch selected on a clip with
  Ctrl+Shift-drag (or, with none, the ruler's Shift-drag range over the one selected clip)
  is rendered again and crossfaded into the take it had, as a new take.
- Alt-drag a clip's edge past its take: the missing part is rendered as an extension.
- The inspector's Variation box: a close variation of the clip's take, by an amount.
- Composite takes show their regions on the clip. Each of these is one undo step; undo
  brings back the take (and the clip's place) from before.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from shiboken6 import isValid

from app.controllers.region_controller import RegionController
from app.panels.variation import VariationBox
from app.timeline.region_selection import RegionMarks, RegionSelection

REGENERATE_REGION_KEY = "Alt+R"


class RegionTools(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        scene = window.timeline.scene
        self.controller = RegionController(window.document, window.render_lane, self)
        self.selection = RegionSelection(scene)
        self.marks = RegionMarks(scene)
        self.variation = VariationBox()
        inner = window.inspector.fields.layout()
        inner.insertWidget(max(inner.count() - 1, 0), self.variation)  # above the status line
        self.regenerate_region = QAction("Regenerate Re&gion", window)
        self.regenerate_region.setShortcut(QKeySequence(REGENERATE_REGION_KEY))
        self.regenerate_region.setStatusTip("Render the selected stretch of a clip again "
                                            "(Ctrl+Shift-drag across the clip to select one)")
        self.regenerate_region.triggered.connect(self.regenerate_selected_region)
        window.addAction(self.regenerate_region)
        self.make_variation = QAction("Make &Variation", window)
        self.make_variation.setStatusTip("Render a close variation of the selected clip's take")
        self.make_variation.triggered.connect(lambda: self.vary_selected(self.variation.amount()))
        window.addAction(self.make_variation)
        clip_menu = next((a.menu() for a in window.menuBar().actions()
                          if a.menu() is not None and a.text().replace("&", "") == "Clip"), None)
        if clip_menu is not None:
            clip_menu.addSeparator()
            clip_menu.addActions(self.clip_actions())
        self.controller.message.connect(window.show_message)
        self.controller.error.connect(window.show_error)
        self.controller.busyChanged.connect(window.engine.busyChanged)
        self.controller.progress.connect(window.engine.progress)
        self.selection.message.connect(window.show_message)
        self.selection.extendRequested.connect(self.controller.extend)
        self.variation.variationRequested.connect(self.vary_selected)
        scene.selectionChanged.connect(self._update_available)
        window.projects.documentChanged.connect(self._set_document)
        self._set_document(window.document)

    def clip_actions(self) -> list[QAction]:
        return [self.regenerate_region, self.make_variation]

    def _set_document(self, document) -> None:
        self.controller.set_document(document)
        self.marks.set_document(document)
        self.selection.clear()
        for signal in (document.eventChanged, document.clipStateChanged):
            signal.connect(self._update_available)
        self._update_available()

    # -- commands ----------------------------------------------------------------------
    def regenerate_selected_region(self) -> None:
        chosen = self.selection.clip_range_s() or self._ruler_range_on_selected_clip()
        if chosen is None:
            self.window.show_message("Select a stretch of a clip first: Ctrl+Shift-drag across "
                                     "it (or Shift-drag on the ruler with one clip selected)")
            return
        if self.controller.regenerate_region(*chosen) is not None:
            self.selection.clear()

    def vary_selected(self, amount: float) -> None:
        ids = self.window.selected()
        if len(ids) != 1:
            self.window.show_message("Select one rendered clip to make a variation of")
            return
        self.controller.vary(ids[0], amount)

    def _ruler_range_on_selected_clip(self) -> tuple[str, float, float] | None:
        loop, ids = self.window.timeline.ruler.loop, self.window.selected()
        if loop is None or len(ids) != 1:
            return None
        story = self.window.document.story
        event = story.event(ids[0])
        low, high = max(loop[0], event.start), min(loop[1], event.end)
        if high <= low:
            return None
        return event.id, story.to_seconds(low - event.start), story.to_seconds(high - event.start)

    def _update_available(self, *_) -> None:
        if not isValid(self.window.timeline.scene):  # the window is closing
            return
        ids = self.window.selected()
        document = self.window.document
        event = document.story.event(ids[0]) if len(ids) == 1 else None
        ready = event is not None and event.active_take() is not None
        why = ("Select one clip" if event is None else "Render this clip first")
        self.variation.set_available(ready, "" if ready else why)
        self.make_variation.setEnabled(ready)


def install_regions(window) -> RegionTools:
    return RegionTools(window)
