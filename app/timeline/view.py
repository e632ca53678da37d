"""The scrolling, zooming view of the timeline scene.

The view repaints its whole viewport on every update (clips and the background are cached
pixmaps, so a full repaint costs about a millisecond): no partial update can leave a stale
grid line, loop band or clip edge behind. On top of the clips it draws the captions of clips whose start is
scrolled off to the left (sticky labels) and, on an empty story, a first-start hint.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QFrame, QGraphicsView

from app import style
from app.timeline.clip_item import HEADER_PX, MIN_TEXT_WIDTH_PX, ClipItem
from app.timeline.lanes import DEFAULT_LANE_PX, fit_lane_height
from app.timeline.scene import TimelineScene

ZOOM_STEP = 1.5
FIT_MARGIN_PX = 24
AUTO_LANE_PX = 104  # the tallest tracks a new story gets by itself
EMPTY_HINT = ("Write a narrative in the Story panel and press Plan (Ctrl+Enter) —\n"
              "or drop audio files or text here once the story has tracks.")
EMPTY_HINT_NO_TRACKS = ("Write a narrative in the Story panel and press Plan —\n"
                        "the plan appears here as clips you can move, trim and render.")


class TimelineView(QGraphicsView):
    viewChanged = Signal()  # scrolled or zoomed: the ruler and headers follow

    def __init__(self, scene: TimelineScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.timeline = scene
        self.fitted = True  # zoomed to fit: stays fitted when the window or story changes
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        # the background (lanes, grid, scenes, loop) is drawn once into a pixmap and reused
        # until the scene says it changed (TimelineScene.redraw): a render's progress or the
        # moving playhead then repaint the clips over it without running Python for it
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setMinimumWidth(200)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.horizontalScrollBar().valueChanged.connect(self.viewChanged)
        self.verticalScrollBar().valueChanged.connect(self.viewChanged)
        self._refit = QTimer(self)  # resizes come in bursts: refit once they settle
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._refit_now)

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
            self.fitted = False
            self.horizontalScrollBar().setValue(int(round(scale.x(anchored) - anchor_x)))
            self.viewChanged.emit()

    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def fit_px_per_second(self) -> float:
        story = self.timeline.document.story
        return max(self.viewport().width() - FIT_MARGIN_PX, 100) / max(story.duration_s, 1e-3)

    def zoom_to_fit(self) -> None:
        """The whole story across the view; it stays fitted as the window is resized."""
        self.timeline.scale.set_px_per_second(self.fit_px_per_second(),
                                              self.fit_px_per_second() / 2)
        self.fitted = True
        self.horizontalScrollBar().setValue(0)
        self.viewChanged.emit()

    def fit_tracks(self) -> None:
        """Every track in the view's height."""
        scene = self.timeline
        scene.set_track_height(fit_lane_height(scene.lane_count(), len(scene.collapsed),
                                               self.viewport().height() - 2))
        self.viewChanged.emit()

    def fit_story(self) -> None:
        """A new story on screen: all of it across the view and, when that leaves the view
        half empty, taller tracks (up to AUTO_LANE_PX; more tracks than fit keep the default
        height and scroll). The clips are placed once, for both."""
        scene = self.timeline
        fitted = fit_lane_height(scene.lane_count(), len(scene.collapsed),
                                 self.viewport().height() - 2)
        old_height = scene.track_height
        scene.set_track_height(min(max(fitted, DEFAULT_LANE_PX), AUTO_LANE_PX), relayout=False)
        scale = scene.scale
        if not scale.set_px_per_second(self.fit_px_per_second(), self.fit_px_per_second() / 2) \
                and scene.track_height != old_height:
            scene.relayout()  # the zoom stayed: place the clips for the new height
        self.fitted = True
        self.horizontalScrollBar().setValue(0)
        self.viewChanged.emit()

    def scroll_x(self) -> int:
        return self.horizontalScrollBar().value()

    def scroll_y(self) -> int:
        return self.verticalScrollBar().value()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def ensure_visible_x(self, x: float, margin: float = 40.0) -> None:
        """Page the view so scene x is on screen (follow the playhead)."""
        width = self.viewport().width()
        left = self.scroll_x()
        if x < left or x > left + width - margin:
            self.horizontalScrollBar().setValue(int(x - margin))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self._refit.start()
        self.viewChanged.emit()

    def _refit_now(self) -> None:
        if self.fitted:
            self.zoom_to_fit()

    def wheelEvent(self, event) -> None:
        modifiers = event.modifiers()
        delta = event.angleDelta().y() or event.angleDelta().x()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.zoom(ZOOM_STEP ** (delta / 120), event.position().x())
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - delta)
        elif modifiers & Qt.KeyboardModifier.AltModifier:
            scene = self.timeline
            scene.set_track_height(scene.track_height * (1.15 ** (delta / 120)))
            self.viewChanged.emit()
        else:
            super().wheelEvent(event)

    # -- overlays ----------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        visible = self.visible_scene_rect()
        if not self.timeline.document.story.events:
            self._draw_hint(painter, visible)
            return
        self._draw_sticky_captions(painter, visible)

    def _draw_hint(self, painter: QPainter, visible: QRectF) -> None:
        text = EMPTY_HINT if self.timeline.lane_count() else EMPTY_HINT_NO_TRACKS
        painter.setPen(style.TEXT_DIM)
        font = painter.font()
        font.setPointSizeF(11)
        painter.setFont(font)
        box = QRectF(visible.left() + 20, visible.top() + 20, visible.width() - 40,
                     min(visible.height() - 40, 220))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)

    def _draw_sticky_captions(self, painter: QPainter, visible: QRectF) -> None:
        """A clip that starts off-screen to the left shows its caption at the view's edge."""
        left = visible.left()
        if left <= 0:
            return
        probe = QRectF(left, visible.top(), 1, visible.height())
        metrics = QFontMetrics(self.timeline.clip_font)
        painter.setFont(self.timeline.clip_font)
        for item in self.timeline.items(probe):
            if not isinstance(item, ClipItem):
                continue
            x = item.pos().x()
            right = x + item.width
            if x >= left - 1 or right - left < MIN_TEXT_WIDTH_PX:
                continue
            header_height = min(HEADER_PX, item.rect().height())
            text_width = int(min(right - left - 22, 260))
            if text_width < 12:
                continue
            caption = metrics.elidedText(item.caption, Qt.TextElideMode.ElideRight, text_width)
            band = QRectF(left, item.pos().y(), metrics.horizontalAdvance(caption) + 10,
                          header_height)
            painter.fillRect(band, item.colour.darker(120))
            painter.setPen(style.TEXT)
            painter.drawText(band.adjusted(5, 0, 0, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, caption)
