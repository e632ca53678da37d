"""The command line on hostile projects and unlucky machines, in fresh processes.

Every case ends in exit 0 with warnings, or in one clear line with exit 1 or 2: no internal
error, no traceback, nothing written outside the project or the output, the user's work
kept. Full and read-only disks are real small tmpfs mounts (root only; skipped otherwise)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import soundfile as sf

from engine.project.folder import AUTOSAVE_FILE, STORY_FILE, Project
from tests.conftest import ROOT, run_cli, sine
from tests.support.export import rendered_project
from tests.support.tmpfs import remount_read_only, tmpfs

pytestmark = pytest.mark.subprocess

RATE = 48_000


def one_error_line(result: subprocess.CompletedProcess, code: int) -> str:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


def edit_story(project: Project, change) -> None:
    path = project.folder / STORY_FILE
    document = json.loads(path.read_text())
    change(document["story"])
    path.write_text(json.dumps(document))


@pytest.fixture(scope="module")
def village(tmp_path_factory):
    """A small rendered project, copied by the tests that change it."""
    return rendered_project(tmp_path_factory.mktemp("village"), seconds=6.0)


def copy_of(village: Project, folder) -> Project:
    import shutil
    target = folder / "village.story"
    shutil.copytree(village.folder, target, symlinks=True)
    return Project.open(target)


def test_an_id_that_leads_out_of_the_project_writes_nothing_there(tmp_path, village):
    project = copy_of(village, tmp_path)
    edit_story(project, lambda story: story["events"][0].update(id="../../pwned",
                                                                 takes=[],
                                                                 active_take_id=None))
    line = one_error_line(run_cli("render", "--project", str(project.folder), "-o",
                                  str(tmp_path / "out.wav")), 1)
    assert "events.0.id" in line and str(project.folder / STORY_FILE) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["village.story"]


def test_outside_and_damaged_takes_are_rendered_again_inside(tmp_path, village):
    project = copy_of(village, tmp_path)
    outside = tmp_path / "outside.flac"
    sf.write(outside, sine(1000, 6, RATE, 2).T, RATE, subtype="PCM_24")
    outside_bytes = outside.read_bytes()
    first, second = project.story.events[0], project.story.events[1]
    (project.folder / second.active_take().path).write_bytes(b"")  # zero-length
    edit_story(project, lambda story: story["events"][0]["takes"][-1].update(
        path="../../outside.flac"))
    result = run_cli("render", "--project", str(project.folder), "-o", str(tmp_path / "o.wav"),
                     "--otio", str(tmp_path / "o.otio"))
    assert result.returncode == 0, result.stderr
    assert f"event {first.id} lies outside the project folder" in result.stderr
    assert f"event {second.id} is damaged (the file is empty)" in result.stderr
    assert outside.read_bytes() == outside_bytes
    reopened = Project.open(project.folder)
    assert reopened.warnings == []
    for event in (reopened.story.event(first.id), reopened.story.event(second.id)):
        assert event.active_take().path.startswith("takes/")
        assert reopened.take_available(event.active_take())
    timeline = (tmp_path / "o.otio").read_text()
    assert "outside.flac" not in timeline
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.otio", "o.wav", "outside.flac",
                                                          "village.story"]


def test_render_project_keeps_the_editors_autosave(tmp_path, village):
    project = copy_of(village, tmp_path)
    project.story.title = "Unsaved edits"
    project.autosave()
    autosave = (project.folder / AUTOSAVE_FILE).read_bytes()
    edit_story(project, lambda story: story["events"][0].update(seed=4242))  # stale: renders
    result = run_cli("render", "--project", str(project.folder), "-o", str(tmp_path / "o.wav"))
    assert result.returncode == 0, result.stderr
    assert "holds the editor's unsaved changes; it is kept" in result.stderr
    assert (project.folder / AUTOSAVE_FILE).read_bytes() == autosave
    reopened = Project.open(project.folder)
    assert reopened.has_recovery() and reopened.recover().title == "Unsaved edits"
    assert not reopened.needs_render(reopened.story.events[0])  # the render was saved


def test_a_read_only_project_can_still_be_exported(tmp_path, village):
    with tmpfs(tmp_path / "disk", "16m") as disk:
        project = copy_of(village, disk)
        before = (project.folder / STORY_FILE).read_bytes()
        remount_read_only(disk)
        result = run_cli("render", "--project", str(project.folder), "-o",
                         str(tmp_path / "o.wav"))
        assert result.returncode == 0, result.stderr
        assert (project.folder / STORY_FILE).read_bytes() == before
    assert sf.info(str(tmp_path / "o.wav")).frames == 6 * RATE


def test_a_read_only_project_that_needs_a_render_says_so(tmp_path, village):
    with tmpfs(tmp_path / "disk", "16m") as disk:
        project = copy_of(village, disk)
        edit_story(project, lambda story: story["events"][0].update(seed=4242))
        remount_read_only(disk)
        line = one_error_line(run_cli("render", "--project", str(project.folder), "-o",
                                      str(tmp_path / "o.wav"), "--quiet"), 1)
    assert "read-only" in line.lower() and "System error" not in line
    assert not (tmp_path / "o.wav").exists()


@pytest.mark.parametrize("what", ["master", "stems"])
def test_a_full_disk_for_the_export_is_said_in_words(tmp_path, village, what):
    with tmpfs(tmp_path / "disk", "128k") as disk:
        master = (disk if what == "master" else tmp_path) / "o.wav"
        stems = ["--stems", str(disk / "stems")] if what == "stems" else []
        line = one_error_line(run_cli("render", "--project", str(village.folder), "-o",
                                      str(master), *stems, "--quiet"), 1)
        assert "the disk is full" in line and "nothing was exported" in line, line
        assert "System error" not in line
        assert [p.name for p in disk.rglob("*") if p.is_file()] == []
    assert not master.exists()


def test_a_full_disk_for_the_takes_is_said_in_words(tmp_path):
    with tmpfs(tmp_path / "disk", "256k") as disk:
        result = run_cli("render", "A storm over the sea with thunder and rain", "--duration",
                         "30", "--project", str(disk / "storm"), "-o", str(tmp_path / "o.wav"),
                         "--quiet")
        line = one_error_line(result, 1)
        assert "cannot write the take (the disk is full" in line, line
        assert "System error" not in line
        assert (disk / "storm.story" / STORY_FILE).is_file()  # the story itself is kept
    assert not (tmp_path / "o.wav").exists()


def test_a_prompt_that_is_not_utf8_is_an_input_error(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "render",
                             b"rain on a roof \xff\xfe", "-o", str(tmp_path / "o.wav"),
                             "--project", str(tmp_path / "p")],
                            capture_output=True, text=True, timeout=300)
    line = one_error_line(result, 2)
    assert "not UTF-8" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage, message", [
    (lambda story: story.update(events=[{"id": f"x{i}", "track_id": "effects-1", "start": i,
                                         "duration": 10, "caption": "tick", "seed": i}
                                        for i in range(100_000)]),
     "100,000 events; a story holds at most 5,000"),
    (lambda story: story["events"][0].update(generator_settings=_nested(700)),
     "generator_settings"),
])
def test_an_oversized_or_deeply_nested_story_is_refused_at_load(tmp_path, village, damage,
                                                                message):
    project = copy_of(village, tmp_path)
    edit_story(project, damage)
    line = one_error_line(run_cli("render", "--project", str(project.folder), "-o",
                                  str(tmp_path / "o.wav")), 1)
    assert message in line, line


def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"k": value}
    return value


def test_a_full_disk_when_saving_keeps_the_previous_story(tmp_path, village):
    from engine.errors import ProjectError

    with tmpfs(tmp_path / "disk", "16m") as disk:
        project = copy_of(village, disk)
        before = (project.folder / STORY_FILE).read_bytes()
        filler = disk / "filler"
        with open(filler, "wb") as handle:  # fill what is left, for real
            try:
                while True:
                    handle.write(b"\0" * 65536)
                    handle.flush()
            except OSError:
                pass
        project.story.prompt = "a longer prompt " * 5000  # more than the disk has left
        with pytest.raises(ProjectError) as info:
            project.save()
        assert "cannot save (the disk is full" in str(info.value)
        assert "previous version is kept" in str(info.value)
        assert (project.folder / STORY_FILE).read_bytes() == before
        assert not any(".partial" in p.name for p in project.folder.iterdir())


def test_a_full_disk_for_a_sound_is_said_in_words(tmp_path):
    with tmpfs(tmp_path / "disk", "64k") as disk:
        line = one_error_line(run_cli("sound", "heavy rain on a tin roof", "--duration", "5",
                                      "-o", str(disk / "rain.wav"), "--quiet"), 1)
        assert "cannot write the audio file (the disk is full" in line, line
        assert list(disk.iterdir()) == []
