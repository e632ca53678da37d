"""`render` with the export options, end to end, as a user runs it."""
from __future__ import annotations

import errno

import opentimelineio as otio
import pyloudnorm
import pytest
import soundfile as sf

from engine.cli import main
from tests.conftest import run_cli

pytestmark = pytest.mark.subprocess

PROMPT = "Waves on a pebble beach; gulls call, then a ship's horn sounds in the distance"


def test_render_writes_master_stems_markers_labels_and_timeline(tmp_path):
    out, stems = tmp_path / "beach.wav", tmp_path / "stems"
    labels, timeline = tmp_path / "beach.txt", tmp_path / "beach.otio"
    args = ["render", PROMPT, "--duration", "12", "-o", str(out), "--stems", str(stems),
            "--markers", "--labels", str(labels), "--otio", str(timeline),
            "--loudness", "podcast", "--project", str(tmp_path / "beach")]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "LUFS" in result.stdout and "true peak" in result.stdout
    audio, rate = sf.read(str(out))
    assert audio.shape == (12 * rate, 2)
    assert pyloudnorm.Meter(rate).integrated_loudness(audio) == pytest.approx(-16.0, abs=0.5)
    stem_files = sorted(stems.iterdir())
    assert stem_files and all(sf.info(str(p)).frames == 12 * rate for p in stem_files)
    assert labels.read_text().count("\n") == len(list(
        otio.adapters.read_from_file(str(timeline)).find_clips()))

    # again without --force: refused at once, before planning or rendering, naming the file
    again = run_cli(*args[:-2])
    assert again.returncode == 2
    assert again.stderr.startswith("error: ") and again.stderr.count("\n") == 1
    assert str(out) in again.stderr and "--force" in again.stderr
    assert "rendering" not in again.stderr and "planning" not in again.stderr

    # an existing stem alone is enough to refuse, also before any rendering
    out.unlink()
    again = run_cli(*args[:-2])
    assert again.returncode == 2 and str(stems) in again.stderr and "--force" in again.stderr
    assert "rendering" not in again.stderr


def test_format_follows_the_extension_and_must_match_it(tmp_path):
    flac = tmp_path / "beach.flac"
    result = run_cli("render", PROMPT, "--duration", "5", "-o", str(flac), "--quiet")
    assert result.returncode == 0, result.stderr
    assert sf.info(str(flac)).format == "FLAC"
    wrong = run_cli("render", PROMPT, "--duration", "5", "-o", str(tmp_path / "b.wav"),
                    "--format", "flac")
    assert wrong.returncode == 2 and "must end in .flac" in wrong.stderr


def test_disk_full_during_export_is_one_clear_line_and_leaves_nothing(tmp_path, monkeypatch,
                                                                       capsys):
    out = tmp_path / "out"
    out.mkdir()
    original = sf.SoundFile.write

    def no_space_in_out(self, data):  # takes still render; the export's disk is full
        if str(self.name).startswith(str(out)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(sf.SoundFile, "write", no_space_in_out)
    code = main(["render", PROMPT, "--duration", "4", "-o", str(out / "m.wav"),
                 "--stems", str(out / "stems"), "--quiet"])
    error = capsys.readouterr().err
    assert code == 1
    assert error.count("\n") == 1 and "disk is full" in error and "nothing was exported" in error
    assert list(out.iterdir()) == []
