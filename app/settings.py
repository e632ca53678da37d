"""User settings as domain values, stored in an INI file in the platform's config folder."""
from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path
from PySide6.QtCore import QSettings

APP_NAME = "AudioStory Studio"
MAX_RECENT = 10
LOUDNESS_CHOICES = (("EBU R128 (−23 LUFS)", "ebu"), ("Podcast (−16 LUFS)", "podcast"),
                    ("Streaming (−14 LUFS)", "streaming"), ("None (mix as is)", "none"))
LOUDNESS_TARGETS = tuple(value for _, value in LOUDNESS_CHOICES)


def config_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False, ensure_exists=True) / "settings.ini"


def scratch_folder() -> Path:
    """Where untitled projects live until they are saved somewhere (crash recovery too)."""
    return user_data_path(APP_NAME, appauthor=False, ensure_exists=True) / "untitled"


class AppSettings:
    """Typed accessors over QSettings; every value has a sensible default."""

    def __init__(self, path: Path | None = None) -> None:
        self._store = QSettings(str(path or config_file()), QSettings.Format.IniFormat)

    def _get(self, key: str, default, kind=str):
        value = self._store.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value) -> None:
        self._store.setValue(key, value)
        self._store.sync()

    # -- backends --------------------------------------------------------------------
    @property
    def planner(self) -> str:
        return self._get("engine/planner", "offline")

    @planner.setter
    def planner(self, name: str) -> None:
        self._set("engine/planner", name)

    @property
    def generator(self) -> str:
        return self._get("engine/generator", "procedural")

    @generator.setter
    def generator(self, name: str) -> None:
        self._set("engine/generator", name)

    @property
    def planner_model(self) -> str:
        """For the transformers and openai planners: a model id, folder or .gguf file."""
        return self._get("engine/planner_model", "")

    @planner_model.setter
    def planner_model(self, value: str) -> None:
        self._set("engine/planner_model", value)

    @property
    def planner_base_url(self) -> str:
        """For the openai planner: the endpoint (empty: $OPENAI_BASE_URL or OpenAI's)."""
        return self._get("engine/planner_base_url", "")

    @planner_base_url.setter
    def planner_base_url(self, value: str) -> None:
        self._set("engine/planner_base_url", value)

    @property
    def model_folder(self) -> str:
        return self._get("engine/model_folder", "")

    @model_folder.setter
    def model_folder(self, folder: str) -> None:
        self._set("engine/model_folder", folder)

    # -- output ----------------------------------------------------------------------
    @property
    def loudness_target(self) -> str:
        value = self._get("export/loudness", "ebu")
        return value if value in LOUDNESS_TARGETS else "ebu"

    @loudness_target.setter
    def loudness_target(self, name: str) -> None:
        self._set("export/loudness", name)

    @property
    def audio_device(self) -> str:
        """Output device name; empty means the system default."""
        return self._get("playback/device", "")

    @audio_device.setter
    def audio_device(self, name: str) -> None:
        self._set("playback/device", name)

    @property
    def autosave_interval_s(self) -> int:
        return max(self._get("project/autosave_interval_s", 60, int), 5)

    # -- recent projects -------------------------------------------------------------
    def recent_projects(self) -> list[str]:
        value = self._store.value("project/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [item for item in items if item]

    def add_recent_project(self, folder: str) -> None:
        items = [folder] + [item for item in self.recent_projects() if item != folder]
        self._set("project/recent", items[:MAX_RECENT])
