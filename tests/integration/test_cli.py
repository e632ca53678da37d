"""The command line end to end, in fresh processes, as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.subprocess

PROMPT = "A thunderstorm rolls over a farmhouse at night"


def test_render_30_seconds_gives_a_clean_stereo_master(tmp_path):
    out = tmp_path / "storm.wav"
    result = run_cli("render", PROMPT, "--duration", "30", "-o", str(out),
                     "--project", str(tmp_path / "storm"))
    assert result.returncode == 0, result.stderr
    assert "rendering" in result.stderr  # progress on stderr
    info = sf.info(str(out))
    assert (info.samplerate, info.channels, info.frames) == (48_000, 2, 30 * 48_000)
    audio, _ = sf.read(str(out), dtype="float32")
    rms = np.sqrt(np.mean(audio ** 2))
    assert 20 * np.log10(rms) > -50  # clearly audible
    assert np.max(np.abs(audio)) < 1.0  # never clips
    assert (tmp_path / "storm.story" / "story.json").is_file()

    # re-rendering the project renders nothing new and mixes the same master
    again = tmp_path / "again.wav"
    result = run_cli("render", "--project", str(tmp_path / "storm.story"), "-o", str(again))
    assert result.returncode == 0, result.stderr
    assert "rendering" not in result.stderr
    assert np.array_equal(sf.read(str(again), dtype="float32")[0], audio)


def test_rerender_replaces_only_missing_takes(tmp_path):
    folder = tmp_path / "p.story"
    assert run_cli("render", PROMPT, "--duration", "12", "-o", str(tmp_path / "a.wav"),
                   "--project", str(folder), "--quiet").returncode == 0
    takes = sorted((folder / "takes").iterdir())
    untouched = {p.name: p.read_bytes() for p in takes[1:]}
    takes[0].unlink()
    result = run_cli("render", "--project", str(folder), "-o", str(tmp_path / "b.wav"))
    assert result.returncode == 0, result.stderr
    assert "missing" in result.stderr and "[1/1]" in result.stderr
    now = {p.name: p.read_bytes() for p in (folder / "takes").iterdir()}
    assert len(now) == len(takes)  # one new take replaces the lost one
    assert {name: data for name, data in now.items() if name in untouched} == untouched


def test_quiet_silences_progress(tmp_path):
    result = run_cli("render", PROMPT, "--duration", "5", "-o", str(tmp_path / "q.wav"), "--quiet")
    assert result.returncode == 0 and result.stderr == ""


def test_plan_json_has_the_documented_shape():
    result = run_cli("plan", PROMPT + "; a dog barks, then the rain stops.", "--duration", "40",
                     "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["events"]
    for event in plan["events"]:
        assert isinstance(event["caption"], str) and event["caption"]
        assert event["track"] in {"ambience", "effects", "music", "speech"}
        assert 0 <= event["start_s"] < 40 and 0 < event["duration_s"] <= 40 - event["start_s"]
        assert isinstance(event["tone"], str)


def test_plan_prints_a_readable_table():
    result = run_cli("plan", PROMPT, "--duration", "20")
    assert result.returncode == 0
    assert "Plan for a 20 s story" in result.stdout and "ambience" in result.stdout


def _damaged_project(tmp_path):
    folder = tmp_path / "bad.story"
    (folder / "takes").mkdir(parents=True)
    (folder / "story.json").write_text("{ this is not json")
    return folder


@pytest.mark.parametrize("case, args, code, message", [
    ("empty prompt", ["render", "  ", "-o", "{tmp}/x.wav"], 2, "prompt is empty"),
    ("zero duration", ["render", PROMPT, "--duration", "0", "-o", "{tmp}/x.wav"], 2,
     "shorter than the minimum of 0.05 s"),
    ("negative duration", ["plan", PROMPT, "--duration=-5"], 2, "minimum of 0.05 s"),
    ("too long", ["render", PROMPT, "--duration", "99999", "-o", "{tmp}/x.wav"], 2,
     "longer than the maximum"),
    ("not a number", ["plan", PROMPT, "--duration", "soon"], 2, "not a number"),
    ("missing folder", ["render", PROMPT, "-o", "{tmp}/nowhere/x.wav"], 2, "no such folder"),
    ("read-only place", ["render", PROMPT, "-o", "/proc/x.wav"], 2, "cannot write there"),
    ("not a wav", ["render", PROMPT, "-o", "{tmp}/x.mp4"], 2, "must end in .wav"),
    ("unknown option", ["render", PROMPT, "--colour", "red", "-o", "{tmp}/x.wav"], 2,
     "unrecognized arguments: --colour"),
    ("unknown command", ["dance"], 2, "invalid choice: 'dance'"),
    ("nothing to render", ["render", "-o", "{tmp}/x.wav"], 2, "give a PROMPT"),
    ("corrupt project", ["render", "--project", "{tmp}/bad.story", "-o", "{tmp}/x.wav"], 1,
     "not valid JSON"),
    ("absent project", ["render", "--project", "{tmp}/none.story", "-o", "{tmp}/x.wav"], 1,
     "no such project folder"),
])
def test_bad_input_gives_one_clear_line(tmp_path, case, args, code, message):
    _damaged_project(tmp_path)
    result = run_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == code, (case, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, (case, result.stderr)
    assert lines[0].startswith("error: ") and message in lines[0], (case, lines[0])
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.wav").exists()


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "x.wav"
    out.write_bytes(b"precious")
    result = run_cli("render", PROMPT, "--duration", "3", "-o", str(out))
    assert result.returncode == 2 and "--force" in result.stderr
    assert out.read_bytes() == b"precious"
    assert run_cli("render", PROMPT, "--duration", "3", "-o", str(out), "--force",
                   "--quiet").returncode == 0
    assert sf.info(str(out)).frames == 3 * 48_000


def test_the_cli_prints_the_plan_for_bad_and_good_prompts():
    result = run_cli("plan", "A dog barks in the quiet house, then a door slams.", "--duration",
                     "10", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert sorted(e["track"] for e in plan["events"]) == ["ambience", "effects", "effects"]
    assert plan["reasoning"].startswith("A 10 s story with 3 sound events: 1 ambience bed(s) "
                                        "and 2 foreground event(s)")  # a room tone under the two
    result = run_cli("plan", "?!?!", "--duration", "10")
    assert result.returncode == 2 and "no words to plan from" in result.stderr


WITHOUT_TORCH = """
import runpy, sys
class NoModelLibraries:  # the desktop build before the AI pack is installed
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "torchaudio", "diffusers", "transformers"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoModelLibraries())
sys.argv = ["main.py", *sys.argv[1:]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_a_model_generator_without_its_libraries_says_to_install_the_ai_pack(tmp_path):
    out = tmp_path / "m.wav"
    done = subprocess.run([sys.executable, "-c", WITHOUT_TORCH, "render", "rain", "--duration",
                           "2", "-o", str(out), "--generator", "tangoflux"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "needs torch, which is not installed; install the AI pack" in done.stderr
    assert "internal error" not in done.stderr and not out.exists()
