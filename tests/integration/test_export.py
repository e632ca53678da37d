"""Export of a real rendered project: master, stems, formats, loudness targets and reports,
refusals before any work, and no partial files when writing fails."""
from __future__ import annotations

import errno
import re

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
import soxr

from engine.errors import Cancelled, InvalidInput, ProjectError
from engine.export.exporter import ExportSettings, available_formats, export_project
from engine.export.naming import ucs_block
from engine.progress import CancelToken
from tests.support.export import rendered_project

SR = 48_000


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return rendered_project(tmp_path_factory.mktemp("export"))


def read(path):
    audio, rate = sf.read(str(path), dtype="float64", always_2d=True)
    assert rate == SR
    return audio


def loudness(path) -> float:
    return pyloudnorm.Meter(SR).integrated_loudness(read(path))


def soxr_true_peak_db(path) -> float:
    up = soxr.resample(read(path), SR, 4 * SR, quality="VHQ")
    return 20 * np.log10(np.abs(up).max())


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("preset, target", [("ebu", -23.0), ("podcast", -16.0),
                                            ("streaming", -14.0)])
def test_master_meets_each_loudness_target_under_the_true_peak_ceiling(project, tmp_path,
                                                                       preset, target):
    master = tmp_path / "village.wav"
    report = export_project(project, ExportSettings(master, loudness=preset))
    assert loudness(master) == pytest.approx(target, abs=0.5)
    assert soxr_true_peak_db(master) <= -1.0
    stats = report.loudness(master)
    assert stats.integrated_lufs == pytest.approx(loudness(master), abs=0.05)
    assert stats.true_peak_dbtp <= -1.0
    assert stats.short_term_max_lufs >= stats.integrated_lufs
    assert stats.loudness_range_lu is not None and stats.duration_s == pytest.approx(20.0)


def test_stems_line_up_with_the_master_and_sum_to_it(project, tmp_path):
    master, stems = tmp_path / "mix.wav", tmp_path / "stems"
    report = export_project(project, ExportSettings(master, format="wav32f", loudness="podcast",
                                                    stems_dir=stems))
    names = files_in(stems)
    assert names == sorted(f"mix - {t.name}.wav" for t in project.story.tracks)
    mixed = read(master)
    parts = [read(stems / name) for name in names]
    assert all(part.shape == mixed.shape for part in parts)
    # the limiter is a gain applied to every stem alike, so the stems still sum to the master
    assert np.max(np.abs(sum(parts) - mixed)) < 1e-6
    for name in names:  # every file has its own loudness report
        stats = report.loudness(stems / name)
        assert stats.integrated_lufs == pytest.approx(loudness(stems / name), abs=0.05)
        assert stats.true_peak_dbtp is not None
    assert [f.kind for f in report.files] == ["master"] + ["stem"] * len(names)


def test_one_stem_per_event_and_sound_library_names(project, tmp_path):
    stems = tmp_path / "events"
    export_project(project, ExportSettings(None, format="wav32f", stems_dir=stems,
                                           stems_per_event=True, ucs_naming=True))
    names = files_in(stems)
    assert len(names) == len(project.story.events)
    for name in names:  # CatID_FXName_CreatorID_SourceID.wav
        assert re.fullmatch(r"[A-Z]+[A-Za-z]*_[^_]+_ASTUDIO_[^_]+\.wav", name), name
    by_caption = {e.caption: e for e in project.story.events}
    dog = next(caption for caption in by_caption if "dog" in caption)
    assert any(name.startswith(f"ANMLDog_{dog} {by_caption[dog].id}_") for name in names)
    rain = next((caption for caption in by_caption if "rain" in caption), None)
    if rain is not None:
        expected = "RAIN_" + ucs_block(f"{rain} {by_caption[rain].id}")
        assert any(name.startswith(expected) for name in names), (expected, names)
    total = sum(read(stems / name) for name in names)
    whole = tmp_path / "whole.wav"
    export_project(project, ExportSettings(whole, format="wav32f"))
    assert np.max(np.abs(total - read(whole))) < 1e-5


@pytest.mark.parametrize("audio_format, subtype", [("wav16", "PCM_16"), ("wav24", "PCM_24"),
                                                   ("wav32f", "FLOAT"), ("flac", "PCM_24")])
def test_lossless_formats(project, tmp_path, audio_format, subtype):
    extension = ".flac" if audio_format == "flac" else ".wav"
    master = tmp_path / f"m{extension}"
    export_project(project, ExportSettings(master, format=audio_format, markers=False))
    info = sf.info(str(master))
    assert (info.subtype, info.samplerate, info.channels, info.frames) == (subtype, SR, 2, 20 * SR)
    assert loudness(master) == pytest.approx(-23.0, abs=0.5)


@pytest.mark.parametrize("audio_format", ["mp3", "ogg"])
def test_lossy_formats_where_available(project, tmp_path, audio_format):
    if audio_format not in available_formats():
        with pytest.raises(InvalidInput, match="not available"):
            export_project(project, ExportSettings(tmp_path / f"m.{audio_format}",
                                                   format=audio_format))
        return
    master = tmp_path / f"m.{audio_format}"
    report = export_project(project, ExportSettings(master, format=audio_format))
    decoded = read(master)
    assert decoded.shape[1] == 2 and abs(decoded.shape[0] - 20 * SR) < SR // 10
    # the report measures what a player decodes, not what went into the encoder
    assert report.loudness(master).integrated_lufs == pytest.approx(
        pyloudnorm.Meter(SR).integrated_loudness(decoded), abs=0.05)
    assert report.loudness(master).integrated_lufs == pytest.approx(-23.0, abs=0.5)


def test_existing_files_are_refused_before_any_work(project, tmp_path):
    master, stems = tmp_path / "m.wav", tmp_path / "stems"
    stems.mkdir()
    taken = stems / "m - Effects 1.wav"
    taken.write_bytes(b"keep me")
    calls = []
    with pytest.raises(InvalidInput) as caught:
        export_project(project, ExportSettings(master, stems_dir=stems),
                       progress=lambda fraction, message: calls.append(message))
    assert str(taken) in str(caught.value) and "--force" in str(caught.value)
    assert calls == []  # refused before mixing started
    assert files_in(tmp_path) == ["stems/m - Effects 1.wav"] and taken.read_bytes() == b"keep me"
    export_project(project, ExportSettings(master, stems_dir=stems, force=True))
    assert sf.info(str(taken)).frames == 20 * SR


def test_bad_settings_are_clear(project, tmp_path):
    cases = [
        (ExportSettings(tmp_path / "m.flac", format="wav24"), "must end in .wav"),
        (ExportSettings(tmp_path / "m.wav", format="aiff"), "not available"),
        (ExportSettings(tmp_path / "m.wav", loudness="loud"), "loudness preset"),
        (ExportSettings(tmp_path / "m.wav", true_peak_db=2.0), "dBTP"),
        (ExportSettings(None), "nothing to export"),
        (ExportSettings(tmp_path / "m.wav", otio_path=tmp_path / "t.json"), ".otio"),
        (ExportSettings(tmp_path / "m.wav", labels_path=tmp_path / "m.wav"), "twice"),
    ]
    for settings, message in cases:
        with pytest.raises(InvalidInput, match=re.escape(message)):
            export_project(project, settings)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("error, message", [
    (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
])
def test_a_failed_write_leaves_no_partial_file(project, tmp_path, monkeypatch, error, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.wav").write_bytes(b"an earlier export")
    original = sf.SoundFile.write
    calls = {"n": 0}

    def failing_write(self, data):
        calls["n"] += 1
        if calls["n"] == 4:  # part-way through the audio files
            raise error
        return original(self, data)

    monkeypatch.setattr(sf.SoundFile, "write", failing_write)
    with pytest.raises(ProjectError) as caught:
        export_project(project, ExportSettings(
            out / "old.wav", stems_dir=out / "stems", labels_path=out / "labels.txt",
            otio_path=out / "timeline.otio", force=True))
    text = str(caught.value)
    assert message in text and "nothing was exported" in text and str(out) in text
    assert "\n" not in text
    assert files_in(out) == ["old.wav"]  # no stems folder, no temporary, old file intact
    assert (out / "old.wav").read_bytes() == b"an earlier export"


def test_cancelling_leaves_nothing(project, tmp_path):
    token = CancelToken()

    def progress(fraction, message):
        if fraction > 0.5:
            token.cancel()

    with pytest.raises(Cancelled):
        export_project(project, ExportSettings(tmp_path / "m.wav", stems_dir=tmp_path / "s"),
                       progress=progress, cancel=token)
    assert files_in(tmp_path) == []


def test_muted_tracks_get_no_stem_and_the_report_says_so(project, tmp_path):
    story = project.story
    muted = story.tracks[1]
    muted.mute = True
    try:
        report = export_project(project, ExportSettings(tmp_path / "m.wav",
                                                        stems_dir=tmp_path / "s"))
    finally:
        muted.mute = False
    assert f"m - {muted.name}.wav" not in files_in(tmp_path / "s")
    assert len(files_in(tmp_path / "s")) == len(story.tracks) - 1
    assert any(muted.name in warning for warning in report.warnings)
