"""What a release carries: one version everywhere, and the icon the desktop entry names."""
from __future__ import annotations

import configparser
import tomllib

from engine import __version__
from engine.locations import resource_path
from tests.conftest import ROOT


def test_the_package_version_is_the_apps_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == __version__


def test_the_icon_ships_as_package_data_in_every_size_the_desktop_entry_needs():
    icons = resource_path("icons")
    assert (icons / "audiostory.svg").read_text().lstrip().startswith("<?xml")
    for size in (16, 32, 48, 64, 128, 256, 512):
        data = (icons / f"audiostory-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == int.from_bytes(data[20:24], "big") == size
    assert (icons / "audiostory.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_the_desktop_entry_runs_the_app_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "installers" / "linux" / "audiostory-studio.desktop")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "AudioStory Studio"
    assert desktop["Exec"].split()[0] == "audiostory-studio"
    assert desktop["Icon"] == "audiostory-studio" and desktop["Categories"].endswith(";")
