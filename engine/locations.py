"""Where things live: the app's name, the user's folders, and the data shipped with the app.

User folders follow the platform's conventions (platformdirs). Shipped data (the sound
catalogue, the planning data, the schema, icons) is package data of `resources`, found with
`importlib.resources`, so it is found the same way from a source tree, an installed wheel
and a frozen app.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path, user_log_path

APP_NAME = "AudioStory Studio"


def resource_path(*parts: str) -> Path:
    """A file or folder of the shipped data, e.g. `resource_path("sounds", "catalogue.json")`."""
    return Path(str(resources.files("resources").joinpath(*parts)))


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False, ensure_exists=True)


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    return user_cache_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    return user_log_path(APP_NAME, appauthor=False, ensure_exists=True)
