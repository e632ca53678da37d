"""The Library panel: search the user's own recordings, audition them, drag them in.

- Typing in the search box searches the index (`engine.library`) by meaning, off the GUI
  thread; each result shows its name, duration, category and waveform overview.
- A click auditions the recording (its own output stream: the story's playback is left
  alone); Space or a second click stops it.
- Dragging a result onto a track creates a clip of it there (the timeline imports audio
  files it is given); dropped onto a clip, it replaces that clip's take: the clip switches
  to the `library` generator with that file, and renders (one undo step for the switch).
- `LibraryFoldersField` is the Preferences row that lists the library's folders; a change
  rescans in the panel's own lane (`rescan`), never on the GUI thread.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QObject, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDrag, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from app.controllers.workers import Job, JobLane, QuickPool
from app.document.edits import SetEventFields

LIBRARY_MIME = "application/x-audiostory-library-file"
RESULT_LIMIT = 50
ROW_HEIGHT = 46
SEARCH_DELAY_MS = 250
_RESULT = Qt.ItemDataRole.UserRole


def _open_index():
    from engine.library import LibraryIndex

    return LibraryIndex()


def _index_exists() -> bool:
    from engine.library import default_index_path

    return default_index_path().exists()


class _ResultDelegate(QStyledItemDelegate):
    """Name, then category and duration, beside the recording's waveform overview."""

    def sizeHint(self, option, index) -> QSize:
        return QSize(200, ROW_HEIGHT)

    def paint(self, painter: QPainter, option, index) -> None:
        result = index.data(_RESULT)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect = option.rect.adjusted(6, 3, -6, -3)
        wave = QRectF(rect.right() - 90, rect.top() + 4, 90, rect.height() - 8)
        painter.setPen(option.palette.text().color())
        painter.drawText(rect.adjusted(0, 0, -96, -rect.height() // 2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(Path(result.path).name,
                                                          Qt.TextElideMode.ElideMiddle,
                                                          rect.width() - 96))
        painter.setPen(QColor("#9aa0ac"))
        detail = f"{result.duration_s:.1f} s"
        if result.category_label:
            detail += f"  ·  {result.category_label}"
        painter.drawText(rect.adjusted(0, rect.height() // 2, -96, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)
        _draw_overview(painter, wave, result.overview)
        painter.restore()


def _draw_overview(painter: QPainter, rect: QRectF, overview: bytes) -> None:
    if not overview:
        return
    peaks = np.frombuffer(overview, np.uint8) / 255.0
    painter.setPen(QPen(QColor("#5fb4ff"), 1))
    middle = rect.center().y()
    step = rect.width() / len(peaks)
    for n, peak in enumerate(peaks):
        x = rect.left() + n * step
        half = max(peak * rect.height() / 2, 0.5)
        painter.drawLine(int(x), int(middle - half), int(x), int(middle + half))


class _ResultList(QListWidget):
    """Results that drag out as files (for the timeline) and as library entries."""

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        paths = [item.data(_RESULT).path for item in items]
        mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
        mime.setData(LIBRARY_MIME, "\n".join(paths).encode())
        return mime

    def startDrag(self, actions) -> None:
        items = self.selectedItems()
        if not items:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData(items))
        drag.exec(Qt.DropAction.CopyAction)


class LibraryPanel(QWidget):
    """Search, audition, drag. `replace_take(event_id, path)` is what a drop on a clip does."""

    message = Signal(str)
    auditionStarted = Signal(str)  # path

    def __init__(self, quick_pool: QuickPool, device: str = "", index_factory=_open_index,
                 parent=None) -> None:
        super().__init__(parent)
        self.pool = quick_pool
        self.device = device
        self.index_factory = index_factory
        self.lane = JobLane("library-lane", self)
        self._index = None
        self._search = None
        self._player = None
        self._query_number = 0
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search your library: rain on a tin roof, door slam…")
        self.search_box.setClearButtonEnabled(True)
        self.results = _ResultList()
        self.results.setItemDelegate(_ResultDelegate(self.results))
        self.results.setDragEnabled(True)
        self.results.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.itemClicked.connect(self._clicked)
        self.status = QLabel("")
        self.status.setStyleSheet("color: #9aa0ac;")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search_box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.search_box.textChanged.connect(lambda _: self._timer.start())
        self.search_box.returnPressed.connect(self.search_now)
        self.auditioning: str | None = None
        self.document = None
        self.engine = None

    # -- the index -------------------------------------------------------------------------
    def index(self):
        if self._index is None:
            from engine.library import LibrarySearch

            self._index = self.index_factory()
            self._search = LibrarySearch(self._index)
        return self._index

    def search_now(self) -> None:
        query = " ".join(self.search_box.text().split())
        self._query_number += 1
        number = self._query_number
        if not query:
            self.results.clear()
            self.status.setText("")
            return
        self.index()
        search = self._search
        self.pool.submit(("library-search", number), lambda: search.search(query, RESULT_LIMIT),
                         on_done=lambda results: self._show(number, query, results),
                         on_error=lambda reason: self.status.setText(f"Search failed: {reason}"))

    def _show(self, number: int, query: str, results) -> None:
        if number != self._query_number:  # a newer query is on its way
            return
        self.results.clear()
        for result in results:
            item = QListWidgetItem(Path(result.path).name)
            item.setData(_RESULT, result)
            item.setToolTip(f"{result.path}\n{result.description}".strip())
            self.results.addItem(item)
        if results:
            self.status.setText(f"{len(results)} results for “{query}”")
        elif not self.index().file_count():
            self.status.setText("The library is empty: add folders in Preferences (Ctrl+,).")
        else:
            self.status.setText(f"Nothing found for “{query}”")

    def result_paths(self) -> list[str]:
        return [self.results.item(n).data(_RESULT).path for n in range(self.results.count())]

    def rescan(self, folders_changed: bool = True) -> Job:
        """Bring the index up to date with its folders, in the panel's lane."""
        from engine.library import scan_folders

        index = self.index()

        def run(progress, cancel):
            return scan_folders(index, None, progress, cancel)

        def done(report) -> None:
            self.status.setText(f"Library: {report.summary()}")
            if self.search_box.text().strip():
                self.search_now()

        return self.lane.submit(Job(run, "Scanning the library", on_done=done,
                                    on_error=lambda reason: self.message.emit(
                                        f"Library scan failed: {reason}"),
                                    on_progress=lambda f, m: self.status.setText(m)))

    # -- audition --------------------------------------------------------------------------
    def _clicked(self, item: QListWidgetItem) -> None:
        path = item.data(_RESULT).path
        if self.auditioning == path:
            self.stop_audition()
        else:
            self.audition(path)

    def audition(self, path: str) -> None:
        from app.audio.playback import Player

        if self._player is None:
            self._player = Player(self.device, self)
        if not self._player.available:
            self.status.setText(f"Cannot audition: {self._player.unavailable_reason}")
            return
        self.auditioning = path

        def load():
            from engine.audio.files import read_audio
            from engine.library.analysis import to_stereo

            audio, rate = read_audio(path)
            return to_stereo(audio), rate

        def play(loaded) -> None:
            if self.auditioning != path:
                return
            audio, rate = loaded
            self._player.stop()
            self._player.set_mix(audio, rate)
            self._player.seek(0)
            self._player.play()
            self.auditionStarted.emit(path)

        self.pool.submit(("library-audition", path), load, on_done=play,
                         on_error=lambda reason: self.status.setText(reason))

    def stop_audition(self) -> None:
        self.auditioning = None
        if self._player is not None:
            self._player.stop()

    # -- drops onto clips -------------------------------------------------------------------
    def attach(self, document, engine, timeline) -> None:
        """Let results dropped on a clip replace its take (an event filter on the timeline:
        a drop anywhere else goes on to the timeline, which makes a clip of the file)."""
        self.document, self.engine = document, engine
        self._drop_filter = _ClipDropFilter(self, timeline)
        timeline.view.viewport().installEventFilter(self._drop_filter)

    def set_document(self, document) -> None:
        self.document = document

    def replace_take(self, event_id: str, path: str) -> None:
        fields = {"generator": "library", "generator_settings": {"file": path}}
        self.document.undo_stack.push(SetEventFields(
            self.document, {event_id: fields}, f"Use {Path(path).name}"))
        self.engine.render([event_id])
        self.message.emit(f"Rendering the clip from {Path(path).name}")

    def shutdown(self) -> None:
        """Stop auditioning and any scan (the window is closing)."""
        self.stop_audition()
        self.lane.shutdown()


class _ClipDropFilter(QObject):
    def __init__(self, panel: LibraryPanel, timeline) -> None:
        super().__init__(panel)
        self.panel = panel
        self.timeline = timeline

    def clip_at(self, position) -> str | None:
        view = self.timeline.view
        for item in view.scene().items(view.mapToScene(position)):
            event_id = getattr(item, "event_id", None)
            if event_id is not None:
                return event_id
        return None

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        if not event.mimeData().hasFormat(LIBRARY_MIME):
            return False
        event_id = self.clip_at(event.position().toPoint())
        if event_id is None:
            return False  # not on a clip: the timeline makes a clip of the file
        if kind == QEvent.Type.DragMove:
            event.acceptProposedAction()
            return True
        path = bytes(event.mimeData().data(LIBRARY_MIME)).decode().splitlines()[0]
        self.panel.replace_take(event_id, path)
        event.acceptProposedAction()
        return True


class LibraryFoldersField(QWidget):
    """Preferences: the library's folders, with Add… and Remove. `apply()` records the
    change in the index and returns whether anything changed (the caller rescans)."""

    def __init__(self, index_factory=_open_index, parent=None) -> None:
        super().__init__(parent)
        self.index_factory = index_factory
        try:
            self.original = []
            if index_factory is not _open_index or _index_exists():
                with index_factory() as index:
                    self.original = index.folder_paths()
        except Exception as exc:  # a damaged index: say so, offer nothing to edit
            self.original = []
            self.error = str(exc)
        else:
            self.error = ""
        self.folders = QListWidget()
        self.folders.addItems(self.original)
        self.folders.setMaximumHeight(90)
        add = QPushButton("Add…")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folders, 1)
        row.addLayout(buttons)
        if self.error:
            self.folders.addItem(f"(the library index cannot be read: {self.error})")
            self.setEnabled(False)

    def paths(self) -> list[str]:
        return [self.folders.item(n).text() for n in range(self.folders.count())]

    def add_folder(self, folder: str) -> None:
        from engine.library import normalise_folder

        folder = normalise_folder(folder)
        if folder not in self.paths():
            self.folders.addItem(folder)

    def _add(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a sound library folder")
        if folder:
            self.add_folder(folder)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def apply(self) -> bool:
        if self.error:
            return False
        wanted, before = self.paths(), set(self.original)
        if set(wanted) == before:
            return False
        with self.index_factory() as index:
            for folder in before - set(wanted):
                index.remove_folder(folder)
            for folder in wanted:
                if folder not in before:
                    index.add_folder(folder)
        return True
