"""Fields for a generator's own settings (steps, guidance, model, ...), built from the schema
the backend declares (`engine.generation.settings.settings_schema`)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from engine.errors import StudioError
from engine.generation.settings import settings_schema


class GeneratorSettingsForm(QWidget):
    changed = Signal(dict)  # the event's new generator_settings (only non-default values)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._schema: list[dict] = []
        self._widgets: dict[str, QWidget] = {}

    def show_settings(self, generator: str, values: dict) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._widgets = {}
        try:
            self._schema = settings_schema(generator)
        except (StudioError, ImportError):
            self._schema = []
        for setting in self._schema:
            widget = self._field(setting, values.get(setting["name"], setting["default"]))
            widget.setToolTip(setting["help"])
            self._widgets[setting["name"]] = widget
            self.form.addRow(setting["name"].replace("_", " ").capitalize(), widget)
        self.setVisible(bool(self._schema))

    def has_settings(self) -> bool:
        return bool(self._schema)

    def _field(self, setting: dict, value) -> QWidget:
        kind = setting["kind"]
        if kind == "choice":
            widget = QComboBox()
            # long choice names ("music_box_lullaby") must not widen the inspector
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
            widget.addItems(setting["choices"])
            widget.setCurrentText(str(value))
            widget.activated.connect(self._emit)
        elif kind in ("int", "float"):
            widget = QSpinBox() if kind == "int" else QDoubleSpinBox()
            if kind == "float":
                widget.setDecimals(3)
            low = setting["minimum"] if setting["minimum"] is not None else -1e9
            high = setting["maximum"] if setting["maximum"] is not None else 1e9
            widget.setRange(int(low) if kind == "int" else low,
                            int(min(high, 2 ** 31 - 1)) if kind == "int" else high)
            widget.setValue(value)
            widget.setKeyboardTracking(False)
            widget.valueChanged.connect(self._emit)
        else:
            widget = QLineEdit(str(value))
            widget.editingFinished.connect(self._emit)
        return widget

    def values(self) -> dict:
        """The settings that differ from their defaults (what the event stores)."""
        result = {}
        for setting in self._schema:
            widget = self._widgets[setting["name"]]
            if isinstance(widget, QComboBox):
                value = widget.currentText()
            elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
                value = widget.value()
            else:
                value = widget.text()
            if value != setting["default"]:
                result[setting["name"]] = value
        return result

    def _emit(self, *args) -> None:
        self.changed.emit(self.values())
