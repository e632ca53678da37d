"""`main.py library ...` and `render --generator library` in fresh processes, on a library
made here (with an M4A made by ffmpeg), with and without ffmpeg on the PATH."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.audio.files import read_audio
from engine.project.folder import Project
from tests.conftest import ROOT, make_story
from tests.support.library import has_ffmpeg, make_library

pytestmark = pytest.mark.subprocess
needs_ffmpeg = pytest.mark.skipif(not has_ffmpeg(), reason="ffmpeg is not installed")


def cli(*args: str, index: Path, path: str | None = None, timeout: float = 300):
    env = {**os.environ, "AUDIOSTORY_LIBRARY": str(index)}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


@needs_ffmpeg
def test_add_list_search_rescan_remove(tmp_path):
    root = tmp_path / "SFX"
    files = make_library(root)
    index = tmp_path / "library.sqlite"
    added = cli("library", "add", str(root), index=index)
    assert added.returncode == 0, added.stderr
    assert "library: 10 added, 0 updated, 0 removed, 0 unchanged, 2 skipped" in added.stdout
    assert "[100%] library: indexed 12 of 12 files" in added.stderr  # the progress bar
    assert f"skipped {files['damaged']}: not a readable audio file" in added.stderr
    listed = cli("library", "list", "--skipped", "--json", index=index)
    data = json.loads(listed.stdout)
    assert data["folders"] == [{"path": str(root), "files": 10, "skipped": 2, "reachable": True}]
    assert {Path(s["path"]).name for s in data["skipped"]} == {files["damaged"].name,
                                                               files["not_audio"].name}
    found = cli("library", "search", "people chatting in a cafe", "--json", "--limit", "3",
                index=index)
    results = json.loads(found.stdout)
    assert results[0]["path"] == str(files["crowd_m4a"])  # the M4A, decoded by ffmpeg
    assert set(results[0]) >= {"path", "score", "duration_s", "category"}
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert results[0]["duration_s"] == pytest.approx(2.0, abs=0.1)
    plain = cli("library", "search", "thunder", "--limit", "1", index=index)
    assert "WTHRThun_Rolling Thunder Far" in plain.stdout and "[WEATHER / THUNDER]" in plain.stdout
    files["birds"].unlink()
    rescan = cli("library", "rescan", "--quiet", index=index)
    assert "0 added, 0 updated, 1 removed, 11 unchanged" in rescan.stdout
    removed = cli("library", "remove", str(root), index=index)
    assert removed.returncode == 0 and "9 files forgotten" in removed.stdout
    assert root.is_dir() and files["rain"].is_file()  # nothing on disk is touched
    empty = cli("library", "search", "rain", index=index)
    assert empty.returncode == 2 and "the library is empty" in empty.stderr
    bad = cli("library", "add", str(tmp_path / "nowhere"), index=index)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "no such folder" in bad.stderr


@needs_ffmpeg
def test_without_ffmpeg_an_m4a_is_skipped_with_the_hint_and_indexed_once_it_is_there(tmp_path):
    root = tmp_path / "SFX"
    files = make_library(root)
    index = tmp_path / "library.sqlite"
    without = cli("library", "add", str(root), index=index, path=str(tmp_path / "no-bin"))
    assert without.returncode == 0
    assert (f"skipped {files['crowd_m4a']}: this format needs ffmpeg; install ffmpeg"
            in without.stderr)
    again = cli("library", "rescan", index=index)  # ffmpeg is on the PATH again
    assert "1 added" in again.stdout and "11 unchanged" in again.stdout


@needs_ffmpeg
def test_render_a_story_from_the_library(tmp_path):
    root = tmp_path / "SFX"
    files = make_library(root)
    index = tmp_path / "library.sqlite"
    assert cli("library", "add", str(root), "--quiet", index=index).returncode == 0
    out = tmp_path / "storm.wav"
    done = cli("render", "Heavy rain drums on a tin roof. A dog barks twice, then someone "
               "knocks at the door.", "--duration", "15", "--generator", "library",
               "--project", str(tmp_path / "storm"), "-o", str(out), "--quiet", index=index)
    assert done.returncode == 0, done.stderr
    audio, rate = read_audio(out)
    assert rate == 48_000 and audio.shape[1] == 15 * rate and np.max(np.abs(audio)) > 0.01
    project = Project.open(tmp_path / "storm")
    used = {}
    for event in project.story.events:
        take = event.active_take()
        used[event.caption] = take.layers[0].name if take.layers[0].kind == "recording" else None
    names = {name for name in used.values() if name}
    assert files["rain"].name in names and files["knock"].name in names
    assert any(name.startswith("ANMLDog_Bark Close") for name in names)


@needs_ffmpeg
def test_an_m4a_imports_onto_the_timeline(tmp_path):
    root = tmp_path / "SFX"
    files = make_library(root)
    project = Project.create(tmp_path / "p", make_story())
    event = project.story.events[1]
    take = project.import_take(files["crowd_m4a"], event)
    audio, rate = project.read_take(take)
    assert rate == 44_100 and audio.shape[0] == 2 and audio.shape[1] / rate == pytest.approx(2.0, abs=0.1)
    assert take.notes == ["imported from cafe crowd murmur.m4a"]


def test_an_m4a_without_ffmpeg_is_one_clear_error(tmp_path, monkeypatch):
    from engine.errors import ProjectError

    fake = tmp_path / "clip.m4a"
    fake.write_bytes(b"\0\0\0\x20ftypM4A " + bytes(200))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(ProjectError, match="needs ffmpeg, which is not installed; install ffmpeg"):
        read_audio(fake)
