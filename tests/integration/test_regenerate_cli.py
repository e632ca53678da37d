"""`main.py regenerate` in a fresh process, as a user runs it: a region of a procedural clip,
refused ranges, and a model backend without its weights."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from engine.generation.procedural import ProceduralGenerator
from engine.project.folder import Project
from engine.render.events import render_events
from tests.conftest import ROOT, make_story
from tests.support.tiny_models import cli_env

pytestmark = pytest.mark.subprocess
SR = 48_000


@pytest.fixture
def project(tmp_path) -> Project:
    project = Project.create(tmp_path / "harbour", make_story(10.0))
    render_events(project, project.story.events, generator_for=lambda name: ProceduralGenerator())
    project.save()
    return project


def regenerate(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "regenerate", *args],
                          capture_output=True, text=True, timeout=300, env=env)


def test_a_region_of_a_procedural_clip_changes_only_that_stretch(project):
    base = project.story.event("e1").active_take()
    result = regenerate("--project", str(project.folder), "--event", "e1", "--from", "2",
                        "--to", "4", "--seed", "5", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "e1: take t2" in result.stdout and "2–4 s (seed 5)" in result.stdout
    reopened = Project.open(project.folder)
    event = reopened.story.event("e1")
    composite = event.active_take()
    assert [t.id for t in event.takes] == ["t1", "t2"] and composite.base_take_id == "t1"
    before, _ = reopened.read_take(base)
    after, _ = reopened.read_take(composite)
    changed = np.flatnonzero(np.any(before != after, axis=0))
    fade = int(0.05 * SR)
    assert changed.min() >= 2 * SR - fade and changed.max() < 4 * SR + fade
    assert changed.size > 1.9 * SR
    assert not reopened.needs_render(event)


def test_a_range_outside_the_clip_is_refused_with_the_valid_range(project):
    result = regenerate("--project", str(project.folder), "--event", "e2", "--from", "1",
                        "--to", "5")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: the region 1–5 s is not inside clip e2: give a start and an end between 0 "
        "and 2.000 s (from the clip's start), at least 0.01 s apart."]
    assert len(Project.open(project.folder).story.event("e2").takes) == 1


def test_stable_audio_3_without_weights_names_what_to_download(project, tmp_path):
    env = cli_env(tmp_path / "no-models", HF_HUB_CACHE=str(tmp_path / "hf"))
    result = regenerate("--project", str(project.folder), "--event", "e3", "--generator",
                        "stable-audio-3", "--from", "0.5", "--to", "1.5", env=env)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "stabilityai/stable-audio-3-small-sfx" in line and "2.6 GB" in line
    assert "Stability AI Community License" in line and "gated" in line
    assert "python main.py models download stable-audio-3-small" in line
    assert len(Project.open(project.folder).story.event("e3").takes) == 1
