"""The scrolling, zooming view of the timeline scene."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFrame, QGraphicsView

from app.timeline.scene import TimelineScene

ZOOM_STEP = 1.5


class TimelineView(QGraphicsView):
    viewChanged = Signal()  # scrolled or zoomed: the ruler and headers follow

    def __init__(self, scene: TimelineScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.timeline = scene
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState
                                  | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.horizontalScrollBar().valueChanged.connect(self.viewChanged)
        self.verticalScrollBar().valueChanged.connect(self.viewChanged)

    # -- zoom --------------------------------------------------------------------------
    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom by `factor`, keeping the time under `anchor_x` (view pixels) in place."""
        scale = self.timeline.scale
        if anchor_x is None:
            playhead_x = scale.x(self.timeline.playhead_samples()) - self.scroll_x()
            anchor_x = playhead_x if 0 <= playhead_x <= self.viewport().width() \
                else self.viewport().width() / 2
        anchored = scale.samples(self.scroll_x() + anchor_x)
        if scale.set_px_per_second(scale.px_per_second * factor, self.fit_px_per_second() / 2):
            self.horizontalScrollBar().setValue(int(round(scale.x(anchored) - anchor_x)))
            self.viewChanged.emit()

    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def fit_px_per_second(self) -> float:
        story = self.timeline.document.story
        return max(self.viewport().width() - 24, 100) / max(story.duration_s, 1e-3)

    def zoom_to_fit(self) -> None:
        self.timeline.scale.set_px_per_second(self.fit_px_per_second(),
                                              self.fit_px_per_second() / 2)
        self.horizontalScrollBar().setValue(0)
        self.viewChanged.emit()

    def scroll_x(self) -> int:
        return self.horizontalScrollBar().value()

    def scroll_y(self) -> int:
        return self.verticalScrollBar().value()

    def ensure_visible_x(self, x: float, margin: float = 40.0) -> None:
        """Page the view so scene x is on screen (follow the playhead)."""
        width = self.viewport().width()
        left = self.scroll_x()
        if x < left or x > left + width - margin:
            self.horizontalScrollBar().setValue(int(x - margin))

    def wheelEvent(self, event) -> None:
        modifiers = event.modifiers()
        delta = event.angleDelta().y() or event.angleDelta().x()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.zoom(ZOOM_STEP ** (delta / 120), event.position().x())
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - delta)
        else:
            super().wheelEvent(event)
