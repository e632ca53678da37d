"""A wheel built from the source carries the data the app needs (sound catalogue, planning
data, the published schema) and finds it from wherever it is installed."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.subprocess

# what a built or installed tree does not need; build/ would also leak stale files into it
_LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info",
                                   "__pycache__", ".*_cache")


def test_the_wheel_holds_the_resources_and_finds_them_installed(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=_LEFT_OUT)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--quiet", "--disable-pip-version-check", "-w", str(tmp_path / "dist")],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("audiostory_studio-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    assert "resources/sounds/catalogue.json" in names
    assert "resources/schema/story.schema.json" in names
    planning = {Path(n).name for n in names if n.startswith("resources/planning/")}
    shipped = {p.name for p in (ROOT / "resources" / "planning").glob("*.json")}
    assert shipped and shipped <= planning
    assert {n for n in names if n.startswith("tests/")} == set()
    # the unpacked wheel, first on the path, in a folder away from the source tree
    probe = ("import engine, json; from engine.locations import resource_path; "
             "print(engine.__file__); "
             "print(len(json.loads(resource_path('sounds', 'catalogue.json').read_text())))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "installed"),
                                              "PATH": "/usr/bin:/bin"}, timeout=120)
    assert found.returncode == 0, found.stderr[-3000:]
    module_file, entries = found.stdout.split()
    assert Path(module_file).is_relative_to(tmp_path / "installed")
    assert int(entries) > 0
