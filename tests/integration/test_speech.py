"""The speech generator speaks real lines with the installed engines (espeak-ng, Flite run
as programs): the audio is voiced speech at a human pitch, a speaker keeps one voice, a
delivery changes how a line is said, and a machine without engines says how to get one."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from engine.errors import Unavailable
from engine.generation.base import RenderRequest
from engine.generation.speech.engines import find_engines
from engine.generation.speech.generator import SpeechGenerator
from engine.meter.loudness import integrated_lufs
from tests.support.speech_analysis import pitch_track, syllable_rate_hz, voiced_share

pytestmark = pytest.mark.subprocess
LINE = "Hold fast, lads, the storm is coming, and the sea will not wait for us."
SR = 48_000


def speak(text: str = LINE, speaker: str = "the old captain", delivery: str = "",
          seed: int = 1, **settings) -> tuple[np.ndarray, dict, tuple]:
    result = SpeechGenerator().render(RenderRequest(
        caption=f"{speaker} speaking", duration_s=4.0, seed=seed, track_kind="speech",
        text=text, speaker=speaker, delivery=delivery, settings=settings, story_seed=3))
    assert result.sample_rate == SR and result.audio.shape[0] == 2
    return result.audio, dict(result.metadata), result.notes


@pytest.fixture(params=sorted(find_engines()) or ["none installed"])
def engine(request) -> str:
    if request.param == "none installed":
        pytest.skip("no speech engine on this machine (CI installs espeak-ng and flite)")
    return request.param


def test_a_line_is_voiced_speech_at_a_human_pitch_and_syllable_rate(engine):
    audio, metadata, notes = speak(engine=engine)
    words = len(LINE.split())
    seconds = audio.shape[1] / SR
    assert 0.18 * words < seconds < 0.6 * words  # people say 2-5 words a second
    pitch = pitch_track(audio, SR)
    assert len(pitch) > 20 and 70 < np.median(pitch) < 300
    assert 2.0 <= syllable_rate_hz(audio, SR) <= 8.0
    assert metadata["natural_length"] is True
    assert metadata["layers"][0]["kind"] == "voice"
    assert metadata["layers"][0]["name"].startswith(engine)
    assert abs(integrated_lufs(audio, SR) - (-20.0)) < 0.5  # each line at the speech target
    assert any(engine in note for note in notes)


def test_the_same_line_and_seed_give_the_same_take(engine):
    first, *_ = speak(engine=engine)
    again, *_ = speak(engine=engine)
    assert np.array_equal(first, again)


def test_different_speakers_get_different_voices_and_keep_them(engine):
    captain, meta_captain, _ = speak(speaker="the old captain", engine=engine)
    daughter, meta_daughter, _ = speak(speaker="his daughter", engine=engine)
    captain_again, *_ = speak(text="Reef the sails!", speaker="the old captain",
                              engine=engine)
    assert meta_captain["layers"][0]["name"] != meta_daughter["layers"][0]["name"] or (
        meta_captain["layers"][0]["parameters"] != meta_daughter["layers"][0]["parameters"])
    assert np.median(pitch_track(daughter, SR)) > 1.2 * np.median(pitch_track(captain, SR))
    assert np.median(pitch_track(captain_again, SR)) == pytest.approx(
        np.median(pitch_track(captain, SR)), rel=0.2)


def test_a_shout_is_higher_and_brighter_and_a_whisper_has_no_voice(engine):
    plain, *_ = speak(engine=engine)
    shout, *_ = speak(delivery="shouted", engine=engine)
    whisper, *_ = speak(delivery="whispered", engine=engine)

    def bright_share(audio):
        spectrum = np.abs(np.fft.rfft(audio[0])) ** 2
        freqs = np.fft.rfftfreq(audio.shape[1], 1 / SR)
        return spectrum[freqs > 2000].sum() / spectrum.sum()

    assert np.median(pitch_track(shout, SR)) > 1.1 * np.median(pitch_track(plain, SR))
    assert bright_share(shout) > bright_share(plain)
    assert voiced_share(plain, SR) > 0.5 and voiced_share(whisper, SR) < 0.15


def test_stretch_fits_the_line_to_its_clip(engine):
    audio, metadata, _ = speak(fit="stretch", engine=engine)
    assert audio.shape[1] == 4 * SR and metadata["natural_length"] is False


def test_a_machine_without_engines_says_how_to_install_one(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng, no flite
    with pytest.raises(Unavailable, match="no speech engine is installed; install espeak-ng"):
        speak()


def test_a_line_without_words_is_a_voice_from_the_procedural_engine():
    result = SpeechGenerator().render(RenderRequest(
        caption="a man muttering to himself", duration_s=2.0, seed=4, track_kind="speech"))
    assert result.audio.shape == (2, 2 * SR)
    assert "recipes" in result.metadata  # the procedural engine rendered it


def test_unknown_voice_is_refused_with_the_choices():
    if not shutil.which("espeak-ng") and not shutil.which("flite"):
        pytest.skip("no speech engine on this machine")
    with pytest.raises(Exception, match="unknown voice 'robot-9'"):
        speak(voice="robot-9")


def _dialogue_project(folder):
    from engine.model.story import Event, Story, Track, TrackKind
    from engine.project.folder import Project
    from engine.render.events import render_events

    lines = [("e1", 1.0, "Hold fast, lads, the storm is coming.", "the captain", "shouted"),
             ("e2", 5.0, "Aye, captain.", "a sailor", ""),
             ("e3", 8.0, "Father, the lamp is out.", "his daughter", "")]
    events = [Event(id=i, track_id="vo", start=int(at * SR), duration=2 * SR,
                    caption=f"{speaker} speaking", seed=1, text=text, speaker=speaker,
                    delivery=delivery or None, generator="speech")
              for i, at, text, speaker, delivery in lines]
    events.append(Event(id="rain", track_id="amb", start=0, duration=12 * SR,
                        caption="heavy rain on a harbour", seed=2))
    story = Story(duration=12 * SR, seed=5, events=events, tracks=[
        Track(id="amb", name="Ambience", kind=TrackKind.AMBIENCE),
        Track(id="vo", name="Speech", kind=TrackKind.SPEECH)])
    project = Project.create(folder / "dialogue", story)
    report = render_events(project, project.stale_events())
    assert not report.failed and not report.unavailable
    return project


def test_clips_follow_their_lines_and_export_writes_speaker_stems_and_subtitles(tmp_path):
    if not find_engines():
        pytest.skip("no speech engine on this machine")
    import soundfile as sf

    from engine.export.exporter import ExportSettings, export_project

    project = _dialogue_project(tmp_path)
    line = project.story.event("e2")
    take = line.active_take()
    assert take.natural_length and line.duration == take.frames  # the clip is the line
    assert line.duration < 2 * SR  # "Aye, captain." is shorter than the planned 2 s
    report = export_project(project, ExportSettings(
        tmp_path / "out.wav", stems_dir=tmp_path / "stems",
        subtitles_path=tmp_path / "out.srt"))
    kinds = sorted(f.kind for f in report.files)
    assert kinds.count("speaker stem") == 3 and "subtitles" in kinds
    stems = {f.path.name: sf.read(str(f.path), dtype="float64")[0] for f in report.files
             if f.kind in ("stem", "speaker stem")}
    master, _ = sf.read(str(tmp_path / "out.wav"), dtype="float64")
    np.testing.assert_allclose(sum(stems.values()), master, atol=2e-4)  # 24-bit rounding
    assert {"out - Speech (Captain).wav", "out - Speech (Sailor).wav",
            "out - Speech (His Daughter).wav"} <= set(stems)
    srt_text = (tmp_path / "out.srt").read_text()
    assert "00:00:01,000 --> " in srt_text and "Hold fast, lads, the storm is coming." in srt_text


def test_a_piper_voice_in_the_models_folder_speaks_the_line(tmp_path, monkeypatch):
    """A neural voice, found like other checkpoints (the models folder's voices/), takes
    the line as phonemes from the espeak-ng program and renders it with onnxruntime."""
    if not shutil.which("espeak-ng"):
        pytest.skip("the espeak-ng program phonemizes for Piper voices; CI installs it")
    from tests.support.tiny_voice import HOP, build_tiny_voice

    build_tiny_voice(tmp_path / "models" / "voices" / "tiny", speakers=2)
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(tmp_path / "models"))
    assert "piper" in find_engines()
    audio, metadata, notes = speak(text="Hold fast, lads!", engine="piper")
    assert metadata["layers"][0]["name"].startswith("piper:xx_tiny-medium#")  # a speaker of it
    assert any("piper" in note for note in notes)
    from engine.generation.speech.piper import find_voices

    voice = find_voices([tmp_path / "models" / "voices"])[0]
    faster, *_ = speak(text="Hold fast, lads!", engine="piper", rate=2.0)
    assert faster.shape[1] < 0.7 * audio.shape[1]  # the model's length scale follows the rate
    captain, *_ = speak(text="Hold fast, lads!", speaker="the captain", engine="piper")
    daughter, *_ = speak(text="Hold fast, lads!", speaker="his daughter", engine="piper")
    assert not np.array_equal(captain, daughter)  # another speaker of the model
    from engine.generation.speech.engines import Line, Persona
    from engine.generation.speech.piper import Piper

    ids = Piper([voice], shutil.which("espeak-ng")).phoneme_ids(voice, "Hold fast, lads!")
    assert ids[0] == voice.phoneme_ids["^"][0] and ids[-1] == voice.phoneme_ids["$"][0]
    assert voice.phoneme_ids["!"][0] in ids and voice.phoneme_ids[","][0] in ids
    raw, rate = Piper([voice], shutil.which("espeak-ng")).speak(
        Line("Hold fast, lads!", Persona("male", 0)))
    assert rate == 16_000 and raw.shape[1] == len(ids) * HOP


CAPTAIN = ('The old captain said, "Hold fast, lads, the storm is coming." Thunder rolled over '
           'the harbour.')


def test_render_speaks_the_line_over_a_ducked_bed_with_a_speech_stem_and_subtitles(tmp_path):
    if not find_engines():
        pytest.skip("no speech engine on this machine")
    import soundfile as sf

    from tests.conftest import run_cli

    out, stems, srt = tmp_path / "out.wav", tmp_path / "stems", tmp_path / "out.srt"
    done = run_cli("render", CAPTAIN, "--duration", "20", "-o", str(out), "--stems",
                   str(stems), "--subtitles", str(srt), "--quiet")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in stems.iterdir())
    assert "out - Speech 1 (Old Captain).wav" in names
    cue = srt.read_text().split("\n")
    assert cue[0] == "1" and cue[2] == "Hold fast, lads, the storm is coming."
    start = cue[1].split(" --> ")[0]
    seconds = sum(float(x) * f for x, f in zip(start.replace(",", ".").split(":"),
                                                (3600, 60, 1)))
    bed, rate = sf.read(str(stems / next(n for n in names if "Ambience" in n)))
    voice, _ = sf.read(str(stems / "out - Speech 1 (Old Captain).wav"))
    loud = np.flatnonzero(np.abs(voice[:, 0]) > 0.01)
    assert abs(loud[0] / rate - seconds) < 0.3  # the subtitle starts with the voice

    def level(a, b):
        part = bed[int(a * rate):int(b * rate)]
        return 20 * np.log10(np.sqrt(np.mean(part ** 2)))

    spoken = (loud[0] / rate + 0.5, loud[-1] / rate - 0.3)
    after = (loud[-1] / rate + 1.5, loud[-1] / rate + 4.5)  # released again
    assert level(*spoken) < level(*after) - 6  # the bed dips under the line


def test_without_a_speech_engine_the_rest_renders_and_says_how_to_install_one(tmp_path):
    import sys

    from tests.conftest import ROOT

    empty = tmp_path / "bin"
    empty.mkdir()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "render", CAPTAIN,
                           "--duration", "10", "-o", str(tmp_path / "out.wav")],
                          capture_output=True, text=True, env={"PATH": str(empty),
                                                               "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "left silent" in done.stderr and "install espeak-ng" in done.stderr
    assert (tmp_path / "out.wav").is_file()
