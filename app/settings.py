"""User settings as domain values, stored in an INI file in the platform's config folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from engine.locations import config_dir, data_dir
from engine.mix.loudness_targets import DEFAULT_LOUDNESS, LOUDNESS_PRESETS

MAX_RECENT = 10
LOUDNESS_CHOICES = tuple((preset.label, preset.name) for preset in LOUDNESS_PRESETS)
LOUDNESS_TARGETS = tuple(value for _, value in LOUDNESS_CHOICES)


def config_file() -> Path:
    return config_dir() / "settings.ini"


def scratch_folder() -> Path:
    """Where untitled projects live until they are saved somewhere (crash recovery too)."""
    folder = data_dir() / "untitled"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Setting:
    """One typed value of AppSettings: read with a default, written through at once."""

    def __init__(self, key: str, default, kind=str, allowed: tuple = (), doc: str = "") -> None:
        self.key, self.default, self.kind, self.allowed = key, default, kind, allowed
        self.__doc__ = doc

    def __get__(self, settings: AppSettings | None, owner=None):
        if settings is None:
            return self
        value = settings._store.value(self.key, self.default)
        try:
            value = self.kind(value) if value is not None else self.default
        except (TypeError, ValueError):
            return self.default
        return value if not self.allowed or value in self.allowed else self.default

    def __set__(self, settings: AppSettings, value) -> None:
        settings._store.setValue(self.key, value)
        settings._store.sync()


class AppSettings:
    """Typed accessors over QSettings; every value has a sensible default."""

    planner = _Setting("engine/planner", "offline")
    generator = _Setting("engine/generator", "procedural")
    planner_model = _Setting("engine/planner_model", "", doc="transformers/openai planners: a "
                             "model id, folder or .gguf file")
    planner_base_url = _Setting("engine/planner_base_url", "", doc="openai planner: the "
                                "endpoint (empty: $OPENAI_BASE_URL or OpenAI's)")
    model_folder = _Setting("engine/model_folder", "", doc="where model checkpoints are looked "
                            "up first (empty: the default models folder)")
    loudness_target = _Setting("export/loudness", DEFAULT_LOUDNESS, allowed=LOUDNESS_TARGETS)
    audio_device = _Setting("playback/device", "", doc="output device; empty: system default")
    autosave_interval_s = _Setting("project/autosave_interval_s", 60, int)
    render_processes = _Setting("engine/render_processes", 0, int, doc="worker processes "
                                "for renders; 0: one per core, 1: render in the window's own "
                                "process")
    last_folder = _Setting("project/last_folder", "", doc="where Open, Save As and Export "
                           "start (empty: the Documents folder)")

    def start_folder(self) -> Path:
        """The folder file dialogs open in: the last one used, else Documents, else home."""
        from PySide6.QtCore import QStandardPaths

        for candidate in (self.last_folder, QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation)):
            if candidate and Path(candidate).is_dir():
                return Path(candidate)
        return Path.home()

    def __init__(self, path: Path | None = None) -> None:
        self._store = QSettings(str(path or config_file()), QSettings.Format.IniFormat)

    # -- recent projects -------------------------------------------------------------
    def recent_projects(self) -> list[str]:
        value = self._store.value("project/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [item for item in items if item]

    def add_recent_project(self, folder: str) -> None:
        items = [folder] + [item for item in self.recent_projects() if item != folder]
        self._store.setValue("project/recent", items[:MAX_RECENT])
        self._store.sync()
