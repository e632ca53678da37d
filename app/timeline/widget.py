"""The timeline as one widget: ruler over the view, track headers beside it."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app import style
from app.timeline.ruler import RulerWidget
from app.timeline.scale import TimeScale
from app.timeline.scene import TimelineScene
from app.timeline.track_headers import TrackHeaderPanel
from app.timeline.view import TimelineView


class TimelineWidget(QWidget):
    def __init__(self, document, peak_cache, parent=None) -> None:
        super().__init__(parent)
        self.scale = TimeScale(document.story.sample_rate, parent=self)
        self.scene = TimelineScene(document, self.scale, peak_cache, self)
        self.view = TimelineView(self.scene, self)
        self.ruler = RulerWidget(self.scale, document, self)
        self.headers = TrackHeaderPanel(document, self.scene, self)
        corner = QLabel("  Scenes\n  Tracks")
        corner.setFixedSize(style.HEADER_WIDTH, style.RULER_HEIGHT)
        corner.setStyleSheet("color: #9aa0ac; background: #2a2d35; font-size: 8pt;")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(corner, 0, 0)
        layout.addWidget(self.ruler, 0, 1)
        layout.addWidget(self.headers, 1, 0)
        layout.addWidget(self.view, 1, 1)
        self.view.viewChanged.connect(self._follow_view)
        self.scale.changed.connect(self._follow_view)
        self.scene.lanesChanged.connect(self._follow_view)
        self.ruler.loopChanged.connect(self.scene.set_loop)

    def set_document(self, document) -> None:
        self.scene.set_document(document)
        self.headers.set_document(document)
        self.ruler.set_document(document)

    def set_playhead(self, samples: int, follow: bool = False) -> None:
        self.scene.set_playhead(samples)
        self.ruler.set_playhead(samples)
        if follow:
            self.view.ensure_visible_x(self.scale.x(samples))

    def _follow_view(self) -> None:
        self.ruler.set_scroll(self.view.scroll_x())
        self.headers.set_scroll(self.view.scroll_y())
