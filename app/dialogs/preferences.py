"""Preferences: default backends, the model folder, the export loudness target, the audio
output device, the render processes. Values are stored as domain values in AppSettings."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.dialogs.ai_pack import AiPackRow
from app.panels.library_panel import LibraryFoldersField
from app.settings import LOUDNESS_CHOICES, AppSettings
from engine.generation import generator_names
from engine.planning import planner_names


def output_devices() -> list[str]:
    """Names of the audio output devices PortAudio knows (none without PortAudio)."""
    try:
        import sounddevice
        return [d["name"] for d in sounddevice.query_devices() if d["max_output_channels"] > 0]
    except (OSError, ImportError, Exception):  # no PortAudio, no devices: nothing to offer
        return []


class PreferencesDialog(QDialog):
    def __init__(self, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(520)
        self.settings = settings
        self.planner = QComboBox()
        self.planner.addItems(planner_names())
        self.planner.setCurrentText(settings.planner)
        self.generator = QComboBox()
        self.generator.addItems(generator_names())
        self.generator.setCurrentText(settings.generator)
        self.planner_model = QLineEdit(settings.planner_model)
        self.planner_model.setPlaceholderText("transformers: HF id, folder or .gguf; openai: model name")
        self.planner_base_url = QLineEdit(settings.planner_base_url)
        self.planner_base_url.setPlaceholderText("openai: e.g. http://localhost:11434/v1")
        self.model_folder = QLineEdit(settings.model_folder)
        self.model_folder.setPlaceholderText("the Hugging Face cache")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.model_folder, 1)
        row.addWidget(browse)
        self.loudness = QComboBox()
        for label, value in LOUDNESS_CHOICES:
            self.loudness.addItem(label, value)
        self.loudness.setCurrentIndex([v for _, v in LOUDNESS_CHOICES].index(
            settings.loudness_target))
        self.device = QComboBox()
        self.device.addItem("System default", "")
        for name in output_devices():
            self.device.addItem(name, name)
        index = self.device.findData(settings.audio_device)
        self.device.setCurrentIndex(max(index, 0))
        self.render_processes = QSpinBox()
        self.render_processes.setRange(0, 64)
        self.render_processes.setSpecialValueText("One per core")  # 0
        self.render_processes.setValue(settings.render_processes)
        self.render_processes.setToolTip("Procedural and speech renders run in this many worker "
                                         "processes; 1 renders in the window's own process.")
        note = QLabel("A new audio device and render processes are used from the next start.")
        note.setStyleSheet("color: #9aa0ac;")
        form = QFormLayout(self)
        form.addRow("Planner", self.planner)
        form.addRow("Planner model", self.planner_model)
        form.addRow("Planner server", self.planner_base_url)
        form.addRow("Generator", self.generator)
        form.addRow("Model folder", folder_row)
        form.addRow("Export loudness", self.loudness)
        form.addRow("Audio output", self.device)
        form.addRow("Render processes", self.render_processes)
        self.library_folders = LibraryFoldersField()
        self.library_changed = False
        form.addRow("Library folders", self.library_folders)
        form.addRow("", note)
        self.ai_pack = AiPackRow()
        form.addRow("AI pack", self.ai_pack)
        self.finished.connect(self.ai_pack.shutdown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model folder", self.model_folder.text())
        if folder:
            self.model_folder.setText(folder)

    def accept(self) -> None:
        self.settings.planner = self.planner.currentText()
        self.settings.generator = self.generator.currentText()
        self.settings.planner_model = self.planner_model.text().strip()
        self.settings.planner_base_url = self.planner_base_url.text().strip()
        self.settings.model_folder = self.model_folder.text().strip()
        self.settings.loudness_target = self.loudness.currentData()
        self.settings.audio_device = self.device.currentData()
        self.settings.render_processes = self.render_processes.value()
        self.library_changed = self.library_folders.apply()
        super().accept()
