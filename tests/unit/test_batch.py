"""Batch jobs: what a line means, its content key, the manifest, resuming, and results
published all or nothing (the serial runner, in this process)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from engine.batch import BadLine, Manifest, SerialRunner, read_jobs, run_batch
from engine.batch.outputs import PARTIAL_DIR, clear_partial, publish
from engine.errors import Cancelled, InvalidInput
from engine.progress import CancelToken


def write_jobs(folder: Path, *lines) -> Path:
    path = folder / "jobs.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line)
                              for line in lines) + "\n")
    return path


def keys(folder: Path, *lines) -> list[str]:
    """Each line's key, each read from a file of its own (one job twice is one name twice)."""
    return [read_jobs(write_jobs(folder, line))[0].key for line in lines]


def test_the_key_follows_what_the_result_depends_on(tmp_path):
    base = {"prompt": "rain on a tin roof", "duration_s": 3}
    same, reordered = keys(tmp_path, base, {"duration_s": 3, "prompt": "rain on a tin roof "})
    assert same == reordered  # key order and surrounding spaces do not matter
    changed = keys(tmp_path, {**base, "seed": 2}, {**base, "duration_s": 4},
                   {**base, "generator_settings": {"level_db": -3}},
                   {**base, "export": {"format": "flac"}}, {**base, "keep_project": True},
                   {**base, "prompt": "rain on a tin roof at night"})
    assert same not in changed and len(set(changed)) == len(changed)


def test_names_are_given_or_made_from_the_prompt_and_key(tmp_path):
    named, unnamed = read_jobs(write_jobs(tmp_path, {"name": "storm-01", "prompt": "storm"},
                                          {"prompt": "A dog barks, twice!"}))
    assert named.name == "storm-01" and named.master_name == "storm-01.wav"
    assert unnamed.name == f"a-dog-barks-twice-{unnamed.key[:8]}"


@pytest.mark.parametrize("line, says", [
    ('{"prompt": "rain", "duration_s": 0}', "line 1: duration_s: Input should be greater"),
    ('{"prompt": "rain", "colour": "red"}', "line 1: colour: Extra inputs"),
    ('{"duration_s": 4}', 'line 1: give either "prompt"'),
    ('{"prompt": "rain", "project": "x.story"}', 'line 1: give either "prompt"'),
    ('{"project": "x.story", "seed": 3}', "a project job takes its seed from the project"),
    ('{"prompt": "rain", "generator": "nope"}', "line 1: unknown generator 'nope'"),
    ('{"prompt": "rain", "planner": "nope"}', "line 1: unknown planner 'nope'"),
    ('{"prompt": "rain", "export": {"format": "aiff"}}', "line 1: export: format 'aiff' is not one of"),
    ('{"prompt": "rain", "export": {"stems_per_event": true}}', "stems_per_event needs stems"),
    ('{"prompt": "rain", "name": "../up"}', "not usable as a folder name"),
    ('{"prompt": "   "}', "line 1: the prompt is empty"),
    ('["rain"]', "line 1: each line must be a JSON object"),
    ("{'prompt': 'rain'}", "line 1: not valid JSON"),
])
def test_an_unusable_line_says_what_is_wrong_in_one_line(tmp_path, line, says):
    (bad,) = read_jobs(write_jobs(tmp_path, line))
    assert isinstance(bad, BadLine)
    assert says in bad.error and "\n" not in bad.error


def test_a_name_used_twice_fails_the_second_line_only(tmp_path):
    first, second = read_jobs(write_jobs(tmp_path, {"name": "a", "prompt": "rain"},
                                         "# a comment", "", {"name": "A", "prompt": "wind"}))
    assert first.name == "a" and isinstance(second, BadLine)
    assert "line 4" in second.error and "already used by line 1" in second.error


def test_a_jobs_file_that_cannot_be_used_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="no such jobs file"):
        read_jobs(tmp_path / "missing.jsonl")
    with pytest.raises(InvalidInput, match="no jobs in it"):
        read_jobs(write_jobs(tmp_path, "# nothing", ""))


def test_manifest_ignores_a_torn_line_and_keeps_the_newest_record(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.append({"name": "a", "key": "k1", "status": "failed"})
    with open(manifest.path, "a") as handle:
        handle.write('{"name": "a", "key": "k1", "sta')  # a crash mid-write
    manifest.append({"name": "a", "key": "k1", "status": "done", "outputs": []})
    latest = manifest.latest()
    assert latest["a"]["status"] == "done"
    assert manifest.finished("a", "k1", tmp_path, latest)
    assert not manifest.finished("a", "k2", tmp_path, latest)  # another key: not this job


def test_publish_replaces_a_result_whole_and_a_stopped_swap_is_undone(tmp_path):
    publish(tmp_path, "job", {"job.wav": b"old", "stems/a.wav": b"old stem"})
    publish(tmp_path, "job", {"job.wav": b"new"})
    assert (tmp_path / "job" / "job.wav").read_bytes() == b"new"
    assert not (tmp_path / "job" / "stems").exists()  # nothing of the old result lingers
    assert not (tmp_path / PARTIAL_DIR).exists()
    # a batch stopped between moving the old result aside and moving the new one in
    aside = tmp_path / PARTIAL_DIR / "job.1a2b3c4d.old"
    aside.parent.mkdir()
    (tmp_path / "job").rename(aside)
    (tmp_path / PARTIAL_DIR / "other.5e6f7a8b").mkdir()  # half-written, never published
    clear_partial(tmp_path)
    assert (tmp_path / "job" / "job.wav").read_bytes() == b"new"
    assert not (tmp_path / PARTIAL_DIR).exists()


JOBS = ({"name": "rain", "prompt": "rain on a tin roof", "duration_s": 2, "seed": 3},
        {"name": "bell", "prompt": "a harbour bell rings twice", "duration_s": 2,
         "export": {"stems": True, "labels": True}})


def test_serial_batch_renders_skips_on_rerun_and_redoes_only_a_changed_job(tmp_path):
    out = tmp_path / "out"
    jobs = write_jobs(tmp_path, *JOBS, {"name": "broken", "prompt": "rain",
                                        "generator_settings": {"recipe": "no-such-recipe"}})
    summary = run_batch(read_jobs(jobs), out, SerialRunner())
    assert (summary.done, summary.failed, summary.skipped) == (2, 1, 0)
    assert "broken" in summary.failures  # a failing job does not stop the others
    info = sf.info(str(out / "rain" / "rain.wav"))
    assert (info.samplerate, info.channels, info.frames) == (48_000, 2, 2 * 48_000)
    stems = sorted(p.name for p in (out / "bell" / "stems").iterdir())
    assert stems and all(name.startswith("bell - ") for name in stems)
    assert (out / "bell" / "bell.txt").is_file()
    records = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    rain = next(r for r in records if r["name"] == "rain")
    assert rain["status"] == "done" and rain["error"] is None
    assert rain["loudness"]["integrated_lufs"] == pytest.approx(-23.0, abs=0.5)
    assert {o["path"] for o in rain["outputs"]} == {"rain/rain.wav"}
    broken = next(r for r in records if r["name"] == "broken")
    assert broken["status"] == "failed" and broken["error"]

    before = (out / "rain" / "rain.wav").stat().st_mtime_ns
    changed = write_jobs(tmp_path, JOBS[0], {**JOBS[1], "seed": 9})
    again = run_batch(read_jobs(changed), out, SerialRunner())
    assert (again.done, again.skipped, again.failed) == (1, 1, 0)
    assert (out / "rain" / "rain.wav").stat().st_mtime_ns == before  # not written again

    (out / "rain" / "rain.wav").unlink()  # an output gone: the job runs again
    assert run_batch(read_jobs(changed), out, SerialRunner()).done == 1


def test_cancelling_keeps_finished_jobs_and_a_rerun_continues(tmp_path):
    out = tmp_path / "out"
    jobs = read_jobs(write_jobs(tmp_path, *JOBS))
    cancel = CancelToken()

    class StopAfterFirst:
        def started(self, summary):
            pass

        def finished(self, outcome, summary):
            cancel.cancel()

    with pytest.raises(Cancelled, match="1 of 2 jobs left"):
        run_batch(jobs, out, SerialRunner(), StopAfterFirst(), cancel)
    assert (out / "rain" / "rain.wav").is_file() and not (out / "bell").exists()
    summary = run_batch(jobs, out, SerialRunner())
    assert (summary.skipped, summary.done) == (1, 1)


def test_a_project_job_renders_a_copy_and_leaves_the_project_alone(tmp_path):
    from engine.model import schema
    from tests.conftest import make_story

    folder = tmp_path / "harbour.story"
    folder.mkdir()
    story_text = schema.dumps(make_story(duration_s=3))
    (folder / "story.json").write_text(story_text)
    jobs = write_jobs(tmp_path, {"project": "harbour.story", "keep_project": True})
    summary = run_batch(read_jobs(jobs), tmp_path / "out", SerialRunner())
    assert summary.done == 1, summary.failures
    assert (folder / "story.json").read_text() == story_text and not (folder / "takes").exists()
    kept = tmp_path / "out" / "harbour" / "project"
    # every event that starts inside the 3 s story is rendered in the copy (e3, at 4 s, is
    # past the end: silent, not rendered)
    assert len(list((kept / "takes").iterdir())) == 2
    assert sf.info(str(tmp_path / "out" / "harbour" / "harbour.wav")).frames == 3 * 48_000
