"""Neural voices: Piper (VITS) voice models run with onnxruntime (MIT).

A voice is a folder holding a Piper model, `NAME.onnx`, and its `NAME.onnx.json` (sample
rate, the phoneme alphabet, speakers). Voices are found in the models folder's `voices/`
(one sub-folder per voice) and in the catalogue (`main.py models download piper-…`).
The words are turned into phonemes by the espeak-ng *program* (run as a separate process:
espeak-ng is GPL-3 and is never linked), clause by clause so punctuation keeps its pauses;
the model turns the phonemes into audio. onnxruntime is the optional `voices` extra.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.errors import StudioError
from engine.generation.speech.engines import Line, Persona, persona_kind
from engine.progress import CancelToken

VOICES_FOLDER = "voices"
CATALOGUE_VOICES = ("piper-en-us-ryan-medium", "piper-en-gb-alan-medium")
_CLAUSE = re.compile(r"([^.!?,;:…]+)([.!?,;:…]*)")
_PAD, _BOS, _EOS = "_", "^", "$"


@dataclass(frozen=True)
class PiperVoice:
    """One voice model: where it is and what its config says."""

    name: str
    model: Path
    sample_rate: int
    espeak_voice: str
    phoneme_ids: dict[str, list[int]]
    speakers: int
    noise_scale: float
    length_scale: float
    noise_w: float

    @classmethod
    def load(cls, model: Path) -> PiperVoice:
        config_path = model.with_name(model.name + ".json")
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
            inference = config.get("inference", {})
            return cls(
                name=model.stem, model=model,
                sample_rate=int(config["audio"]["sample_rate"]),
                espeak_voice=str(config.get("espeak", {}).get("voice", "en-us")),
                phoneme_ids={str(k): [int(i) for i in v]
                             for k, v in config["phoneme_id_map"].items()},
                speakers=max(int(config.get("num_speakers", 1)), 1),
                noise_scale=float(inference.get("noise_scale", 0.667)),
                length_scale=float(inference.get("length_scale", 1.0)),
                noise_w=float(inference.get("noise_w", 0.8)))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StudioError(f"{config_path}: not a usable Piper voice config ({exc}).") \
                from None


def find_voices(folders: list[Path]) -> list[PiperVoice]:
    """Every Piper voice in `folders` (each searched a few levels deep), by name."""
    found: dict[str, PiperVoice] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for model in sorted(folder.glob("**/*.onnx")):
            if model.with_name(model.name + ".json").is_file() and model.stem not in found:
                try:
                    found[model.stem] = PiperVoice.load(model)
                except StudioError:
                    continue
    return list(found.values())


def voice_folders() -> list[Path]:
    """Where voices are looked for: the models folder's voices/, and downloaded ones."""
    from engine.checkpoints.catalogue import CATALOGUE
    from engine.checkpoints.resolve import find_local, models_dir

    folders = [models_dir() / VOICES_FOLDER]
    for name in CATALOGUE_VOICES:
        local = find_local(CATALOGUE[name]) if name in CATALOGUE else None
        if local is not None:
            folders.append(local)
    return folders


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class Piper:
    """Speaks with the Piper voices found here; a persona is cast onto a voice (and onto a
    speaker of a multi-speaker voice) the same way every time."""

    name = "piper"

    def __init__(self, voices: list[PiperVoice], espeak: str) -> None:
        if not voices:
            raise StudioError("no Piper voice is installed")
        self.voices = sorted(voices, key=lambda v: v.name)
        self.espeak = espeak
        self._lock = threading.Lock()

    def _slots(self) -> list[tuple[PiperVoice, int]]:
        return [(voice, speaker) for voice in self.voices for speaker in range(voice.speakers)]

    def _slot(self, persona: Persona) -> tuple[PiperVoice, int]:
        slots = self._slots()
        kinds = ("male", "female", "child", "narrator")
        offset = kinds.index(persona_kind(persona)) * 3  # kinds start apart in the list
        return slots[(offset + persona.index) % len(slots)]

    def voice_of(self, persona: Persona) -> str:
        voice, speaker = self._slot(persona)
        return voice.name if voice.speakers == 1 else f"{voice.name}#{speaker}"

    def speak(self, line: Line, cancel: CancelToken | None = None) -> tuple[np.ndarray, int]:
        voice, speaker = self._slot(line.persona)
        ids = self.phoneme_ids(voice, line.text, cancel)
        session = _session(str(voice.model))
        scales = np.array([voice.noise_scale, voice.length_scale / max(line.rate, 0.3),
                           voice.noise_w], dtype=np.float32)
        inputs = {"input": np.array([ids], dtype=np.int64),
                  "input_lengths": np.array([len(ids)], dtype=np.int64), "scales": scales}
        if "sid" in {i.name for i in session.get_inputs()}:
            inputs["sid"] = np.array([speaker], dtype=np.int64)
        with self._lock:  # one run at a time per process: the session holds the threads
            audio = session.run(None, inputs)[0]
        samples = np.asarray(audio, dtype=np.float32).reshape(1, -1)
        return samples * np.float32(min(line.volume, 2.0)), voice.sample_rate

    def phoneme_ids(self, voice: PiperVoice, text: str,
                    cancel: CancelToken | None = None) -> list[int]:
        """The model's input: ^ then each phoneme followed by a pad, then $."""
        table = voice.phoneme_ids
        ids = list(table.get(_BOS, [])) + list(table.get(_PAD, []))
        for words, punctuation in _CLAUSE.findall(text):
            if cancel is not None:
                cancel.raise_if_cancelled()
            phonemes = self._phonemes(voice.espeak_voice, words.strip())
            for symbol in phonemes + punctuation[:1] + " ":
                if symbol in table:
                    ids.extend(table[symbol])
                    ids.extend(table.get(_PAD, []))
        ids.extend(table.get(_EOS, []))
        return ids

    def _phonemes(self, espeak_voice: str, words: str) -> str:
        if not words:
            return ""
        try:
            done = subprocess.run([self.espeak, "-q", "--ipa", "-v", espeak_voice, "--stdin"],
                                  input=words, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StudioError(f"espeak-ng could not phonemize a line for the Piper voice "
                              f"({exc}).") from None
        if done.returncode != 0:
            raise StudioError(f"espeak-ng could not phonemize a line ({done.stderr.strip()})")
        return " ".join(done.stdout.split())


@lru_cache(maxsize=4)
def _session(model: str):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # renders already run one per core
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def find_piper() -> Piper | None:
    """The Piper engine, when onnxruntime, the espeak-ng program and a voice are all here
    (asked before every line: the voice folders are read again only when they change)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None or not onnxruntime_available():
        return None
    folders = tuple(voice_folders())
    stamps = tuple(_stamp(folder) for folder in folders)
    return _piper(folders, stamps, espeak)


def _stamp(folder: Path) -> int:
    try:
        return max([folder.stat().st_mtime_ns] + [p.stat().st_mtime_ns for p in folder.iterdir()])
    except OSError:
        return 0


@lru_cache(maxsize=4)
def _piper(folders: tuple[Path, ...], stamps: tuple[int, ...], espeak: str) -> Piper | None:
    voices = find_voices(list(folders))
    return Piper(voices, espeak) if voices else None
