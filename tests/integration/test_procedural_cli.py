"""`main.py sound` renders one caption; `render` uses the procedural engine by default."""
from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import run_cli

pytestmark = pytest.mark.subprocess


def test_sound_writes_the_caption_as_a_stereo_wav(tmp_path):
    out = tmp_path / "creak.wav"
    done = run_cli("sound", "a door creaks open slowly", "--duration", "3", "--seed", "4",
                   "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "door_creak" in done.stdout and str(out) in done.stdout
    info = sf.info(str(out))
    assert (info.samplerate, info.channels, info.frames, info.subtype) == (48_000, 2, 144_000,
                                                                          "PCM_24")
    audio, _ = sf.read(str(out), always_2d=True)
    assert np.max(np.abs(audio)) < 0.9 and np.sqrt(np.mean(audio ** 2)) > 1e-3


def test_sound_is_repeatable_per_seed(tmp_path):
    paths = [tmp_path / f"{name}.wav" for name in ("a", "b", "c")]
    for path, seed in zip(paths, ("7", "7", "8")):
        done = run_cli("sound", "waves crash against rocks while gulls cry", "--duration", "2",
                       "--seed", seed, "-o", str(path), "--quiet")
        assert done.returncode == 0, done.stderr
    a, b, c = (sf.read(str(path))[0] for path in paths)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sound_reports_a_caption_it_could_not_match(tmp_path):
    done = run_cli("sound", "she remembers her childhood", "--duration", "1", "-o",
                   str(tmp_path / "x.wav"))
    assert done.returncode == 0, done.stderr
    assert "note: no sound recipe matched" in done.stderr


def test_sound_rejects_bad_input_with_one_line(tmp_path):
    out = tmp_path / "x.wav"
    for args in (["   ", "-o", str(out)],
                 ["a dog barks", "-o", str(tmp_path / "x.mp3")],
                 ["a dog barks", "--duration", "0", "-o", str(out)]):
        done = run_cli("sound", *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("error:"), done.stderr
    out.write_bytes(b"keep me")
    done = run_cli("sound", "a dog barks", "-o", str(out))
    assert done.returncode == 2 and "--force" in done.stderr
    assert out.read_bytes() == b"keep me"


def test_render_uses_the_procedural_engine_by_default(tmp_path):
    done = run_cli("render", "Rain drums on a tin roof as a dog barks in the distance.",
                   "--duration", "8", "--project", str(tmp_path / "rain"),
                   "-o", str(tmp_path / "rain.wav"), "--quiet")
    assert done.returncode == 0, done.stderr
    story = json.loads((tmp_path / "rain.story" / "story.json").read_text())
    takes = [take for event in story["story"]["events"] for take in event["takes"]]
    assert takes and {take["generator"] for take in takes} == {"procedural"}


def test_sound_prints_what_the_sound_is_made_of_and_renders_loops(tmp_path):
    out = tmp_path / "rain.wav"
    done = run_cli("sound", "heavy rain falling and drumming", "--duration", "2", "--set",
                   "loop=on", "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "recipe rain_heavy: 'heavy rain falling and drumming'" in done.stdout
    assert "intensity 0.85" in done.stdout and "a seamless loop" in done.stdout
    assert "war_drums" not in done.stdout, "the rain drums; no drum kit joins it"
    bad = run_cli("sound", "rain", "--set", "intensity=loud", "-o", str(tmp_path / "x.wav"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "'intensity' must be a number" in bad.stderr
