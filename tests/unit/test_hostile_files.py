"""Hostile and damaged project files, take files and imports, on real files on disk.

Every case ends in one clear ProjectError (or a warning and a re-render), reads nothing
outside the project folder, writes nothing outside it, and keeps the user's work.
"""
from __future__ import annotations

import json
import os
import struct
import time

import numpy as np
import pytest
import soundfile as sf

from engine.errors import Cancelled, ProjectError
from engine.export.interchange import otio_timeline
from engine.generation.base import GeneratedAudio
from engine.mix.master_bus import plan_master_bus
from engine.mix.mixer import Mixer
from engine.model import schema
from engine.model.fields import MAX_EVENTS
from engine.progress import CancelToken
from engine.project.folder import AUTOSAVE_FILE, STORY_FILE, Project, take_is_current
from engine.project.imports import MAX_IMPORT_CHANNELS
from engine.render.context import render_request
from engine.render.events import render_events
from tests.conftest import make_story, sine

RATE = 48_000


def add_sine_take(project: Project, event_id: str, freq: float = 440.0):
    event = project.story.event(event_id)
    request = render_request(project.story, event)
    audio = sine(freq, request.duration_s, RATE, channels=2)
    return project.add_take(event, request, GeneratedAudio(audio, RATE), event.generator, "1")


def saved_project(tmp_path, story=None) -> Project:
    project = Project.create(tmp_path / "p", story or make_story())
    add_sine_take(project, "e2")
    project.save()
    return project


def story_document(project: Project) -> dict:
    return json.loads((project.folder / STORY_FILE).read_text())


def write_document(project: Project, document: dict) -> None:
    (project.folder / STORY_FILE).write_text(json.dumps(document))


def files_beside(tmp_path) -> set[str]:
    return {p.name for p in tmp_path.iterdir()}


# -- 1. ids that would make take files land outside the project ---------------------------
@pytest.mark.parametrize("event_id", ["../../pwned", "a/b", "/abs/olute", "", "x" * 65])
def test_an_event_id_that_is_not_a_file_name_is_refused_at_load(tmp_path, event_id):
    project = saved_project(tmp_path)
    document = story_document(project)
    document["story"]["events"][0]["id"] = event_id
    write_document(project, document)
    before = files_beside(tmp_path)
    with pytest.raises(ProjectError) as info:
        Project.open(project.folder)
    assert str(project.folder / STORY_FILE) in str(info.value)
    assert "events.0.id" in str(info.value)
    assert files_beside(tmp_path) == before


def test_a_render_request_with_a_strange_event_id_still_writes_inside(tmp_path):
    project = Project.create(tmp_path / "p", make_story())
    event = project.story.event("e2")
    request = render_request(project.story, event)
    request = type(request)(**{**request.__dict__, "event_id": "../../pwned"})
    take = project.store_take(request, GeneratedAudio(sine(440, 2, RATE), RATE), "x", "1")
    assert take.path.startswith("takes/take-")
    assert (project.folder / take.path).is_file()
    assert files_beside(tmp_path) == {"p.story"}


# -- 2. take paths that lead out of the project -----------------------------------------
@pytest.mark.parametrize("path", ["../../outside.flac", "{abs}", "takes/../../outside.flac"])
def test_a_take_path_outside_the_project_is_never_read(tmp_path, path):
    outside = tmp_path / "outside.flac"
    sf.write(outside, sine(1000, 2, RATE, 2).T, RATE, subtype="PCM_24")
    project = saved_project(tmp_path)
    document = story_document(project)
    take = document["story"]["events"][1]["takes"][0]
    take["path"] = path.replace("{abs}", str(outside))
    write_document(project, document)
    opened = Project.open(project.folder)
    event = opened.story.event("e2")
    take = event.active_take()
    assert any("outside the project" in w and "e2" in w for w in opened.warnings)
    assert opened.needs_render(event) and event in opened.stale_events()
    assert opened.active_take_audio(event) is None
    with pytest.raises(ProjectError, match="outside the project"):
        opened.read_take(take)
    assert opened.take_path(take).resolve().is_relative_to(opened.folder.resolve())
    timeline = otio_timeline(opened.story, lambda e: _take_file(opened, e))
    urls = [getattr(c.media_reference, "target_url", None) for c in timeline.find_clips()]
    assert not any(url and "outside" in url for url in urls)


def _take_file(project, event):
    from engine.export.exporter import take_file
    return take_file(project, event)


def test_a_take_file_that_is_a_link_out_of_the_project_is_not_followed(tmp_path):
    outside = tmp_path / "secret.flac"
    sf.write(outside, sine(1000, 2, RATE, 2).T, RATE, subtype="PCM_24")
    project = saved_project(tmp_path)
    take = project.story.event("e2").active_take()
    file = project.folder / take.path
    file.unlink()
    file.symlink_to(outside)
    opened = Project.open(project.folder)
    assert opened.active_take_audio(opened.story.event("e2")) is None
    assert "outside the project" in opened.take_problem(take)
    link_inside = project.folder / "takes" / "inside.flac"
    link_inside.symlink_to((project.folder / take.path).with_suffix(".none"))
    assert opened.take_problem(take.model_copy(update={"path": "takes/inside.flac"})) \
        == "is missing"


def test_a_takes_folder_that_is_a_link_receives_no_take(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = Project.create(tmp_path / "p", make_story())
    (project.folder / "takes").rmdir()
    (project.folder / "takes").symlink_to(elsewhere, target_is_directory=True)
    event = project.story.event("e2")
    request = render_request(project.story, event)
    with pytest.raises(ProjectError, match="is a link or a file"):
        project.store_take(request, GeneratedAudio(sine(440, 2, RATE), RATE), "x", "1")
    assert list(elsewhere.iterdir()) == []
    report = render_events(project, [event])
    assert "is a link or a file" in report.failed["e2"]
    assert list(elsewhere.iterdir()) == []


def test_save_as_copies_only_the_projects_own_files(tmp_path):
    secret = tmp_path / "secret.wav"
    sf.write(secret, sine(1000, 1, RATE).T, RATE)
    project = saved_project(tmp_path)
    takes = project.folder / "takes"
    (takes / "linked.wav").symlink_to(secret)
    (takes / "loop").symlink_to(takes, target_is_directory=True)  # a link loop
    own = sorted(p.name for p in takes.iterdir() if p.is_file() and not p.is_symlink())
    project.move_to(tmp_path / "copy")
    copied = project.folder / "takes"
    assert sorted(p.name for p in copied.iterdir()) == own
    assert not any(p.is_symlink() for p in copied.iterdir())


def test_save_as_does_not_enter_a_takes_folder_that_is_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sf.write(elsewhere / "private.wav", sine(1000, 1, RATE).T, RATE)
    project = Project.create(tmp_path / "p", make_story())
    (project.folder / "takes").rmdir()
    (project.folder / "takes").symlink_to(elsewhere, target_is_directory=True)
    project.move_to(tmp_path / "copy")
    assert list((tmp_path / "copy.story" / "takes").iterdir()) == []
    assert any("link out of the project" in w for w in project.warnings)


def test_save_as_that_fails_leaves_no_half_copied_folder(tmp_path, monkeypatch):
    project = saved_project(tmp_path)
    add_sine_take(project, "e3")
    copies = []

    def copy_then_fail(source, target, **options):
        if copies:
            raise OSError(28, "No space left on device")
        copies.append(target)
        return real_copy(source, target, **options)

    import shutil
    real_copy = shutil.copy2
    monkeypatch.setattr(shutil, "copy2", copy_then_fail)
    with pytest.raises(ProjectError, match="nothing was left there"):
        project.move_to(tmp_path / "copy")
    assert not (tmp_path / "copy.story").exists() and copies
    assert project.folder == tmp_path / "p.story"


# -- 8. damaged takes read as missing and are rendered again --------------------------
def _damage(path, how: str) -> None:
    data = path.read_bytes()
    if how == "zero-length":
        path.write_bytes(b"")
    elif how == "truncated":
        path.write_bytes(data[:len(data) // 2])
    else:
        path.write_bytes(b"<html>not audio at all</html>" * 100)


@pytest.mark.parametrize("how", ["zero-length", "truncated", "not audio"])
def test_a_damaged_take_is_treated_like_a_missing_one(tmp_path, how):
    project = saved_project(tmp_path)
    take = project.story.event("e2").active_take()
    _damage(project.folder / take.path, how)
    opened = Project.open(project.folder)
    event = opened.story.event("e2")
    assert [w for w in opened.warnings if "e2" in w][0].startswith(f"take {take.path} of "
                                                                   "event e2 is damaged (")
    assert opened.needs_render(event)
    assert opened.active_take_audio(event) is None
    report = render_events(opened, opened.stale_events())
    assert not report.failed and "e2" in report.rendered
    audio, rate = opened.read_take(event.active_take())
    assert audio.shape[1] == 2 * RATE and np.abs(audio).max() > 0.01
    assert (opened.folder / take.path).exists()  # the damaged file is left as it was


def test_a_take_damaged_inside_is_found_on_the_full_read(tmp_path):
    project = saved_project(tmp_path)
    take = project.story.event("e2").active_take()
    path = project.folder / take.path
    audio = sine(440, 2, RATE, 2) * 2.0  # beyond full scale: a float WAV may hold anything
    audio[0, RATE] = np.nan
    wav = path.with_suffix(".wav")
    sf.write(wav, audio.T, RATE, subtype="FLOAT")
    event = project.story.event("e2")
    event.takes = [take.model_copy(update={"path": f"takes/{wav.name}"})]
    opened = Project(project.folder, project.story)
    assert opened.take_available(event.active_take())  # the header is whole
    assert opened.active_take_audio(event) is None
    assert any("not numbers" in w for w in opened.warnings)
    assert opened.needs_render(event)  # from now on it reads as damaged


# -- 7. damaged values in story.json ----------------------------------------------------
def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def _edit(document: dict, case: str) -> dict | str:
    story = document["story"]
    event = story["events"][2]
    if case == "settings nested 600 deep":
        event["generator_settings"] = _nested(600)
    elif case == "json nested 100000 deep":
        return '{"story": ' + "[" * 100_000 + "]" * 100_000 + "}"
    elif case == "5,001-digit integer":
        return json.dumps(document).replace('"seed": 13', '"seed": ' + "9" * 5001)
    elif case == "fade of Infinity":
        return json.dumps(document).replace('"fade_in_s": 0.1', '"fade_in_s": Infinity')
    elif case == "duration of 10^30":
        return json.dumps(document).replace(f'"duration": {story["duration"]}',
                                            '"duration": ' + "1" + "0" * 30, 1)
    elif case == "lone surrogate":
        return json.dumps(document).replace("footsteps", "foot\\ud800steps")
    elif case == "100,000 events":
        story["events"] = [{"id": f"x{i}", "track_id": "effects-1", "start": i,
                            "duration": 10, "caption": "tick", "seed": i}
                           for i in range(100_000)]
    return document


@pytest.mark.parametrize("case, message", [
    ("settings nested 600 deep", "events.2.generator_settings"),
    ("json nested 100000 deep", "nested too deeply"),
    ("5,001-digit integer", "a value no story has"),
    ("fade of Infinity", "events.2.fade_in_s"),
    ("duration of 10^30", "duration"),
    ("lone surrogate", "a valid string"),
    ("100,000 events", f"100,000 events; a story holds at most {MAX_EVENTS:,}"),
])
def test_damaged_values_are_one_clear_error_at_load(tmp_path, case, message):
    project = saved_project(tmp_path)
    edited = _edit(story_document(project), case)
    (project.folder / STORY_FILE).write_text(edited if isinstance(edited, str)
                                             else json.dumps(edited))
    started = time.monotonic()
    with pytest.raises(ProjectError) as info:
        Project.open(project.folder)
    assert time.monotonic() - started < 5.0
    text = str(info.value)
    assert text.startswith(str(project.folder / STORY_FILE)) and message in text, text
    assert "\n" not in text


def _many(document: dict, what: str) -> None:
    story = document["story"]
    if what == "tracks":
        story["tracks"] += [dict(story["tracks"][0], id=f"x{i}") for i in range(300)]
    elif what == "scenes":
        story["scenes"] = [{"id": f"s{i}", "start": i, "end": i + 1} for i in range(600)]
    elif what == "takes":
        take = story["events"][1]["takes"][0]
        story["events"][1]["takes"] = [dict(take, id=f"t{i}") for i in range(600)]
        story["events"][1]["active_take_id"] = "t1"
    elif what == "settings":
        story["events"][0]["generator_settings"] = {"notes": "n" * 200_000}
    elif what == "caption":
        story["events"][0]["caption"] = "c" * 5_000


@pytest.mark.parametrize("what, message", [
    ("tracks", "tracks: List should have at most 256 items"),
    ("scenes", "scenes: List should have at most 500 items"),
    ("takes", "events.1.takes: List should have at most 500 items"),
    ("settings", "at most 100,000 are kept"),
    ("caption", "events.0.caption: String should have at most 1000 characters"),
])
def test_counts_and_sizes_are_bounded(tmp_path, what, message):
    project = saved_project(tmp_path)
    document = story_document(project)
    _many(document, what)
    write_document(project, document)
    with pytest.raises(ProjectError, match=message):
        Project.open(project.folder)


def test_a_version_1_file_with_an_infinite_time_is_refused(tmp_path):
    v1 = {"format": schema.FORMAT, "schema_version": 1, "story": {
        "duration_s": 1e400, "tracks": [], "events": []}}
    text = json.dumps(v1).replace("Infinity", "1e400")
    with pytest.raises(ProjectError, match="cannot upgrade from schema v1"):
        schema.loads(text, "old.json")


@pytest.mark.parametrize("fade_s", [500.0, 1e308, 10 ** 400])
def test_a_fade_longer_than_its_clip_is_clamped_on_load(tmp_path, fade_s):
    project = saved_project(tmp_path)
    document = story_document(project)
    document["story"]["events"][2]["fade_out_s"] = fade_s
    write_document(project, document)
    event = Project.open(project.folder).story.event("e3")
    assert event.fade_out_s == pytest.approx(event.duration / RATE)


HOSTILE_VALUES = ["9" * 400, "-" + "9" * 400, "Infinity", "NaN", "null", "[]", '"x"', "true"]


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def test_any_hostile_value_anywhere_is_a_story_or_one_project_error(tmp_path):
    project = saved_project(tmp_path)
    document = story_document(project)
    outcomes = {"loaded": 0, "refused": 0}
    for path in _leaves(document):
        for value in HOSTILE_VALUES:
            edited = json.loads(json.dumps(document))
            node = edited
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = "@HOSTILE@"
            text = json.dumps(edited).replace('"@HOSTILE@"', value)
            try:
                schema.loads(text, "story.json")
                outcomes["loaded"] += 1
            except ProjectError as exc:
                assert str(exc).startswith("story.json: ") and "\n" not in str(exc)
                outcomes["refused"] += 1
    assert outcomes["refused"] > 100 and outcomes["loaded"] > 10, outcomes


def test_a_story_file_larger_than_any_story_is_refused_unread(tmp_path):
    project = saved_project(tmp_path)
    with open(project.folder / STORY_FILE, "r+b") as handle:
        handle.truncate(schema.MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    with pytest.raises(ProjectError, match="larger than any story"):
        Project.open(project.folder)


# -- events that run past the story's end --------------------------------------------
def test_an_event_longer_than_the_story_is_rendered_only_up_to_the_end(tmp_path):
    story = make_story(duration_s=10.0)
    story.event("e3").duration = 3600 * RATE  # an hour, in a 10 s story
    project = Project.create(tmp_path / "p", story)
    event = project.story.event("e3")
    assert render_request(project.story, event).duration_s == pytest.approx(6.0)
    render_events(project, [event])
    take = event.active_take()
    assert take.frames == 6 * RATE
    assert not project.needs_render(event)
    assert take_is_current(event, take, RATE, project.story.duration)


def test_an_event_after_the_story_end_is_silent_and_not_rendered(tmp_path):
    story = make_story(duration_s=10.0)
    story.event("e3").start = 20 * RATE
    project = Project.create(tmp_path / "p", story)
    assert "e3" not in [e.id for e in project.stale_events()]
    assert any("e3 starts at or after the story's end" in w
               for w in Project.open(project.folder).warnings)


# -- 6. the autosave ----------------------------------------------------------------
def test_a_headless_save_keeps_the_editors_autosave_on_offer(tmp_path):
    project = saved_project(tmp_path)
    project.story.title = "Unsaved work in the editor"
    project.autosave()
    autosave = (project.folder / AUTOSAVE_FILE).read_bytes()
    headless = Project.open(project.folder)
    add_sine_take(headless, "e3")
    headless.save(keep_autosave=True)
    assert (project.folder / AUTOSAVE_FILE).read_bytes() == autosave
    again = Project.open(project.folder)
    assert again.has_recovery()
    assert again.recover().title == "Unsaved work in the editor"
    again.save()  # an explicit save is what removes it
    assert not (project.folder / AUTOSAVE_FILE).exists()


def test_a_corrupt_autosave_is_named_in_the_error(tmp_path):
    project = saved_project(tmp_path)
    (project.folder / AUTOSAVE_FILE).write_text('{"format": "audiostory-studio/story", [[[')
    opened = Project.open(project.folder)  # the project itself opens
    assert opened.has_recovery()
    with pytest.raises(ProjectError) as info:
        opened.recover()
    assert str(project.folder / AUTOSAVE_FILE) in str(info.value)


# -- 10. temporaries left by a crash ------------------------------------------------
def test_stale_partial_files_are_removed_on_open(tmp_path):
    project = saved_project(tmp_path)
    old = time.time() - 3600
    stale = [project.folder / ".story.1a2b3c4d.partial.json",
             project.folder / "takes" / ".e2-abcd.0f0f0f0f.partial.flac"]
    for path in stale:
        path.write_bytes(b"half a write")
        os.utime(path, (old, old))
    fresh = project.folder / "takes" / ".e3-abcd.12345678.partial.flac"  # this process's
    fresh.write_bytes(b"being written")
    unrelated = project.folder / "takes" / "notes.partial.txt"
    unrelated.write_text("mine")
    os.utime(unrelated, (old, old))
    Project.open(project.folder)
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and unrelated.exists()


# -- 9. imports -------------------------------------------------------------------------
def _event(project: Project, start_s: float = 0.0):
    from engine.model.story import Event
    event = Event(id="drop1", track_id="effects-1", start=int(start_s * RATE), duration=1,
                  caption="dropped file", seed=0)
    project.story.events.append(event)
    return event


def test_an_import_with_too_many_channels_is_refused_clearly(tmp_path):
    path = tmp_path / "sixteen.wav"
    sf.write(path, np.zeros((RATE, 16), np.float32), RATE)
    project = Project.create(tmp_path / "p", make_story())
    with pytest.raises(ProjectError) as info:
        project.import_take(path, _event(project))
    assert f"16 channels; imports take at most {MAX_IMPORT_CHANNELS}" in str(info.value)
    assert list((project.folder / "takes").iterdir()) == []


def test_a_ten_hour_import_is_refused_from_its_header(tmp_path):
    path = tmp_path / "ten-hours.wav"
    frames = 10 * 3600 * RATE
    data_bytes = frames * 2  # mono 16-bit: 3.5 GB, within what a WAV can hold
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16,
                         1, 1, RATE, RATE * 2, 2, 16, b"data", data_bytes)
    with open(path, "wb") as handle:  # a real WAV header for ten hours...
        handle.write(header)
        handle.truncate(len(header) + data_bytes)  # ...and ten hours of (sparse) silence
    assert sf.info(str(path)).duration == pytest.approx(36_000)
    project = Project.create(tmp_path / "p", make_story())
    started = time.monotonic()
    with pytest.raises(ProjectError, match="10.0 h long; an import can be at most 2.0 h"):
        project.import_take(path, _event(project))
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_an_import_with_non_finite_samples_is_refused(tmp_path, bad):
    audio = sine(440, 2, RATE, 2)
    audio[1, RATE // 2] = bad
    path = tmp_path / "broken.wav"
    sf.write(path, audio.T, RATE, subtype="FLOAT")
    project = Project.create(tmp_path / "p", make_story())
    with pytest.raises(ProjectError, match=r"not numbers \(NaN or infinity\) at 0.500 s"):
        project.import_take(path, _event(project))
    assert list((project.folder / "takes").iterdir()) == []


@pytest.mark.parametrize("name, content", [("empty.wav", b""), ("text.wav", b"hello " * 99)])
def test_an_import_that_is_not_audio_is_one_clear_error(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    project = Project.create(tmp_path / "p", make_story())
    with pytest.raises(ProjectError, match=f"{name}: not an audio file"):
        project.import_take(tmp_path / name, _event(project))


def test_an_import_is_cut_where_the_story_ends_and_reports_progress(tmp_path):
    path = tmp_path / "long.flac"
    sf.write(path, sine(440, 30, RATE, 2).T, RATE, subtype="PCM_24")
    project = Project.create(tmp_path / "p", make_story(duration_s=10.0))
    event = _event(project, start_s=4.0)
    seen = []
    take = project.import_take(path, event, progress=lambda f, m: seen.append(f))
    assert take.frames == 6 * RATE and take.generator == "import"
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(ProjectError, match="at or after the story's end"):
        project.import_take(path, _event_at_end(project))


def _event_at_end(project):
    event = _event(project)
    event.id, event.start = "drop2", project.story.duration
    return event


def test_an_import_can_be_cancelled_midway_and_leaves_nothing(tmp_path):
    path = tmp_path / "long.wav"
    sf.write(path, sine(440, 40, RATE, 2).T, RATE)
    project = Project.create(tmp_path / "p", make_story(duration_s=60.0))
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        project.import_take(path, _event(project), progress=lambda f, m: cancel.cancel(),
                            cancel=cancel)
    assert list((project.folder / "takes").iterdir()) == []


# -- the mixer and the master bus refuse non-finite audio -----------------------------
def test_the_mixer_names_the_event_whose_take_is_not_finite():
    story = make_story(duration_s=10.0)
    good = sine(440, 10, RATE, 2)
    bad = sine(440, 2, RATE, 2)
    bad[0, 100] = np.inf

    def take_audio(event):
        return (bad, RATE) if event.id == "e2" else (good, RATE)

    with pytest.raises(ProjectError, match="takes of e2 hold samples that are not numbers"):
        Mixer().mix(story, take_audio)


def test_the_master_bus_refuses_a_mix_that_is_not_finite():
    master = sine(440, 5, RATE, 2)
    master[1, 1000] = np.nan
    with pytest.raises(ProjectError, match="cannot master the mix: it holds samples that are "
                                           "not numbers"):
        plan_master_bus(master, RATE)
