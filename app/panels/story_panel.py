"""The story panel: the narrative, its length, the backends, and the Plan / Render buttons."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.generation import generator_names
from engine.model.story import MAX_DURATION_S
from engine.planning import planner_names

EXAMPLE = ("A storm gathers over a fishing village at night; a boat returns, its crew "
           "cheering as the rain stops and morning birds sing.")


class StoryPanel(QWidget):
    planRequested = Signal(str, float)  # prompt, duration in seconds
    renderAllRequested = Signal()
    plannerChanged = Signal(str)
    generatorChanged = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(EXAMPLE)
        self.prompt.setMinimumHeight(110)
        self.prompt.setToolTip("The story to plan; Ctrl+Enter plans it")
        plan_key = QShortcut(QKeySequence("Ctrl+Return"), self.prompt)
        plan_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        plan_key.activated.connect(self._plan)
        self.duration = QDoubleSpinBox()
        self.duration.setRange(1.0, float(MAX_DURATION_S))
        self.duration.setDecimals(1)
        self.duration.setSuffix(" s")
        self.duration.setValue(60.0)
        self.duration.setToolTip("Length of the story")
        self.planner = QComboBox()
        self.planner.addItems(planner_names())
        self.planner.currentTextChanged.connect(self.plannerChanged)
        self.generator = QComboBox()
        self.generator.addItems(generator_names())
        self.generator.currentTextChanged.connect(self.generatorChanged)
        self.plan_button = QPushButton("Plan")
        self.plan_button.setObjectName("primary")
        self.plan_button.setToolTip("Plan the narrative into clips on the timeline "
                                    "(Ctrl+Enter)")
        self.plan_button.clicked.connect(self._plan)
        self.render_button = QPushButton("Render all")
        self.render_button.setToolTip("Render every clip that is planned, stale or failed")
        self.render_button.clicked.connect(self.renderAllRequested)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #ef5350;")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Length", self.duration)
        form.addRow("Planner", self.planner)
        form.addRow("Generator", self.generator)
        buttons = QHBoxLayout()
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.render_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Narrative"))
        layout.addWidget(self.prompt, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)

    def set_story(self, prompt: str, duration_s: float) -> None:
        self.prompt.setPlainText(prompt)
        self.duration.setValue(duration_s)

    def select(self, planner: str, generator: str) -> None:
        for combo, name in ((self.planner, planner), (self.generator, generator)):
            if combo.findText(name) >= 0:
                combo.setCurrentText(name)

    def set_busy(self, busy: bool) -> None:
        self.plan_button.setEnabled(not busy)

    def _plan(self) -> None:
        text = self.prompt.toPlainText().strip()
        if not text:
            self.hint.setText("Write the narrative first, e.g. “" + EXAMPLE + "”")
            return
        self.hint.setText("")
        self.planRequested.emit(text, self.duration.value())
