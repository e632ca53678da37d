"""The AI pack row of Preferences: what is installed, and a button that installs PyTorch and
the model libraries in the background, with progress and a Cancel (engine/ai_pack.py)."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.controllers.workers import Job, JobLane
from engine import ai_pack


class AiPackRow(QWidget):
    """`requirements` and `pip_options` narrow the install (None: the whole pack from PyPI)."""

    def __init__(self, parent=None, requirements: list[str] | None = None,
                 pip_options: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self._requirements = requirements
        self._pip_options = pip_options
        self._lane = JobLane("ai-pack", self)
        self._job: Job | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #9aa0ac;")
        self.install = QPushButton("Install AI pack…")
        self.install.setToolTip("PyTorch, diffusers and transformers for the model-based "
                                "generators and planners (a download of 1–5 GB)")
        self.install.clicked.connect(self.start)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.stop)
        self.cancel.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.install)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._show_status()

    def _show_status(self) -> None:
        status = ai_pack.status(load_torch=False)  # importing torch takes seconds
        torch = status.importable.get("torch")
        if torch:
            self.status.setText(f"Model backends available (torch {torch}).")
            self.install.setText("Reinstall AI pack…" if status.present else "Install AI pack…")
        else:
            self.status.setText(f"Not installed: the procedural generator and the offline "
                                f"planner work without it. It goes in {status.folder}.")

    def start(self) -> None:
        self.install.setEnabled(False)
        self.cancel.show()
        self.progress.setValue(0)
        self.progress.show()
        self._job = self._lane.submit(Job(
            run=lambda progress, cancel: ai_pack.install(self._requirements, self._pip_options,
                                                         progress, cancel),
            label="installing the AI pack", on_progress=self._progressed,
            on_done=lambda status: self._finished("AI pack installed; the model backends "
                                                  "are ready."),
            on_error=lambda reason: self._finished(reason),
            on_cancelled=lambda: self._finished("Cancelled; nothing was changed.")))

    def stop(self) -> None:
        if self._job is not None:
            self._job.cancel.cancel()

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(message)

    def _finished(self, message: str) -> None:
        self._job = None
        self.cancel.hide()
        self.progress.hide()
        self.install.setEnabled(True)
        self._show_status()
        self.status.setText(f"{message} {self.status.text()}")

    def shutdown(self) -> None:
        """Stop an install in progress (the dialog is closing); the old pack stays."""
        self._lane.shutdown(timeout_s=10.0)
