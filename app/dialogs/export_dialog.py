"""The export dialog: master, stems, format, loudness target, markers, labels and OTIO.

The export runs in the render lane; the dialog shows its progress and, at the end, the
loudness report of every file written. It never leaves an export running unseen: Cancel stops
it; Esc or closing the window stop it too, and the dialog closes once it has stopped.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.controllers.workers import Job, JobLane
from app.file_names import safe_file_name
from app.settings import LOUDNESS_CHOICES
from engine.export.exporter import ExportSettings, available_formats, export_project
from engine.export.formats import DEFAULT_FORMAT, extension_of
from engine.mix.loudness_targets import DEFAULT_LOUDNESS
from engine.project.folder import Project

OVERWRITE_LABEL = "Overwrite existing files"


def dialog_reason(reason: str) -> str:
    """An export error in the dialog's words: the CLI's "--force" is the Overwrite box here."""
    return reason.replace("pass --force to overwrite it",
                          f"tick “{OVERWRITE_LABEL}” to replace it")


def default_export_base(document, folder: Path | None) -> Path:
    """Where the export goes unless the user says otherwise: beside a saved project, or, for
    an untitled story (which lives in a hidden scratch folder), in `folder` under a name
    made from its title."""
    if not document.untitled:
        return document.project.folder.parent / document.project.folder.stem
    return (folder or Path.home()) / safe_file_name(document.story.title)


class PathField(QWidget):
    def __init__(self, placeholder: str, pick, parent=None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(pick))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)

    def _browse(self, pick) -> None:
        chosen = pick(self.edit.text())
        if chosen:
            self.edit.setText(chosen)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None


class ExportDialog(QDialog):
    def __init__(self, document, lane: JobLane, loudness: str = DEFAULT_LOUDNESS,
                 parent=None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(560)
        self.document = document
        self.lane = lane
        self.job: Job | None = None
        self.report = None
        self._close_when_stopped = False
        base = default_export_base(document, folder)
        self.master = PathField("master file", self._pick_file)
        self.master.edit.setText(str(base) + extension_of(DEFAULT_FORMAT))
        self.format = QComboBox()
        for name in available_formats():
            self.format.addItem(name)
        self.format.setCurrentText(DEFAULT_FORMAT)
        self.format.currentTextChanged.connect(self._format_changed)
        self.loudness = QComboBox()
        for label, value in LOUDNESS_CHOICES:
            self.loudness.addItem(label, value)
        self.loudness.setCurrentIndex([v for _, v in LOUDNESS_CHOICES].index(loudness))
        self.stems = QCheckBox("Stems, one file per track")
        self.stems_dir = PathField("stems folder", self._pick_folder)
        self.stems_dir.edit.setText(str(base) + "-stems")
        self.per_event = QCheckBox("Also one file per clip")
        self.markers = QCheckBox("Markers in the master (one cue per clip)")
        self.markers.setChecked(True)
        self.labels = QCheckBox("Audacity label file")
        self.otio = QCheckBox("OpenTimelineIO timeline (.otio)")
        self.otio.setChecked(True)
        self.ucs = QCheckBox("Sound-library (UCS-style) file names")
        self.force = QCheckBox(OVERWRITE_LABEL)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("primary")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self._close_or_cancel)
        form = QFormLayout()
        form.addRow("Master", self.master)
        form.addRow("Format", self.format)
        form.addRow("Loudness", self.loudness)
        form.addRow(self.stems)
        form.addRow("", self.stems_dir)
        form.addRow("", self.per_event)
        form.addRow(self.markers)
        form.addRow(self.labels)
        form.addRow(self.otio)
        form.addRow(self.ucs)
        form.addRow(self.force)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)

    def settings(self) -> ExportSettings:
        master = self.master.path()
        base = master.with_suffix("") if master else self.document.project.folder
        return ExportSettings(
            master_path=master, format=self.format.currentText(),
            loudness=self.loudness.currentData(),
            stems_dir=self.stems_dir.path() if self.stems.isChecked() else None,
            stems_per_event=self.per_event.isChecked(), markers=self.markers.isChecked(),
            labels_path=base.with_suffix(".txt") if self.labels.isChecked() else None,
            otio_path=base.with_suffix(".otio") if self.otio.isChecked() else None,
            ucs_naming=self.ucs.isChecked(), force=self.force.isChecked())

    def start(self) -> None:
        settings = self.settings()
        # the export reads a copy: edits made while it runs must not tear the files apart
        live = self.document.project
        project = Project(live.folder, live.story.model_copy(deep=True))
        self.export_button.setEnabled(False)
        self.close_button.setText("Cancel")
        self.progress.setVisible(True)
        self.status.setText("Exporting…")

        def run(progress, cancel):
            return export_project(project, settings, progress, cancel)

        self.job = self.lane.submit(Job(
            run, "Export", on_done=self._on_finished, on_progress=self._on_progress,
            on_error=lambda reason: self._stopped(f"Export failed: {dialog_reason(reason)}"),
            on_cancelled=lambda: self._stopped("Export cancelled; no partial files were "
                                               "left.")))

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(message)

    def _on_finished(self, report) -> None:
        # finished before a cancel could stop it: the files are there, so say which
        self._close_when_stopped = False
        self.report = report
        self._stopped("Export finished.")
        self.details.setVisible(True)
        self.details.setPlainText("\n".join(report.lines()))

    def _stopped(self, text: str) -> None:
        self.job = None
        self.status.setText(text)
        self.export_button.setEnabled(True)
        self.close_button.setText("Close")
        self.progress.setVisible(False)
        if self._close_when_stopped:
            self._close_when_stopped = False
            super().reject()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel.cancel()
            self.status.setText("Cancelling…")

    def _close_or_cancel(self) -> None:
        if self.job is not None:
            self._cancel()
        else:
            self.reject()

    def reject(self) -> None:
        """Esc and the window's close button: while an export runs they cancel it, and the
        dialog closes once the export has stopped (an export never runs on unseen)."""
        if self.job is None:
            super().reject()
            return
        self._close_when_stopped = True
        self._cancel()

    def _format_changed(self, name: str) -> None:
        path = self.master.path()
        if path is not None:
            self.master.edit.setText(str(path.with_suffix(extension_of(name))))

    def _pick_file(self, current: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Master file", current)
        return path

    def _pick_folder(self, current: str) -> str:
        return QFileDialog.getExistingDirectory(self, "Stems folder", current)
