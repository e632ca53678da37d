"""Speech engines found on this machine, each speaking one line at a time.

Offline engines come from the system's packages and run as separate programs: espeak-ng
(GPL-3, so it is only ever run, never linked) and Flite (BSD-style). Neural voices (Piper /
VITS models) run through onnxruntime (MIT, the `voices` extra) when a voice folder is in the
models folder (`piper.py`). Each engine maps a persona of the cast (male 2, female 1, child,
narrator) onto one of its own voices, always the same way, so a speaker keeps one voice
through a story.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf

from engine.errors import StudioError, Unavailable
from engine.progress import CancelToken

INSTALL_HINT = (
    "install espeak-ng (Debian/Ubuntu `sudo apt install espeak-ng`, Fedora "
    "`sudo dnf install espeak-ng`, macOS `brew install espeak-ng`, Windows: the installer from "
    "github.com/espeak-ng/espeak-ng/releases) or Flite (`sudo apt install flite`); neural "
    "voices: a Piper voice (`main.py models download piper-en-us-ryan-medium`) with the "
    "`voices` extra and espeak-ng")
MAX_LINE_CHARS = 2_000  # one line of dialogue or a narrator's paragraph; longer text is split
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class SpeechUnavailable(Unavailable):
    """No engine can speak here; the message says how to install one."""


@dataclass(frozen=True)
class Persona:
    """Who speaks, as the cast sees it: a kind of voice and which one of that kind."""

    kind: str   # "male", "female", "child" or "narrator"
    index: int  # 0, 1, 2...: different speakers of one kind get different voices


@dataclass(frozen=True)
class Line:
    """One utterance as an engine is asked to say it."""

    text: str
    persona: Persona
    rate: float = 1.0    # x the voice's ordinary speaking rate
    pitch: float = 0.0   # -1 low ... +1 high, around the voice's own pitch
    volume: float = 1.0  # 0..2, how hard the voice pushes (shouting is louder *and* brighter)


class SpeechEngine(Protocol):
    name: str

    def voice_of(self, persona: Persona) -> str:
        """The engine's own voice for a persona (shown to the user, stored in the take)."""
        ...

    def speak(self, line: Line, cancel: CancelToken | None = None) -> tuple[np.ndarray, int]:
        """Mono float32 audio shaped (1, samples) and its sample rate."""
        ...


def clean_text(text: str) -> str:
    """Words only: control characters out, whitespace tidied, bounded length."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text[:MAX_LINE_CHARS]


def _run(command: list[str], stdin: str, output: Path, cancel: CancelToken | None,
         timeout_s: float) -> None:
    """Run an engine program, polling the cancel flag; its output file is checked after."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise SpeechUnavailable(f"cannot run {command[0]} ({exc.strerror or exc}); "
                                f"{INSTALL_HINT}.") from None
    try:
        if process.stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
    except BrokenPipeError:
        pass
    waited = 0.0
    while True:
        try:
            process.wait(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            waited += 0.1
            if (cancel is not None and cancel.cancelled) or waited > timeout_s:
                process.kill()
                process.wait()
                if cancel is not None:
                    cancel.raise_if_cancelled()
                raise StudioError(
                    f"{command[0]} did not finish a line in {timeout_s:.0f} s") from None
    if process.returncode != 0 or not output.is_file() or output.stat().st_size <= 44:
        detail = ((process.stderr.read() if process.stderr else "") or "").strip().splitlines()[:1]
        raise StudioError(f"{command[0]} could not speak the line"
                          + (f" ({detail[0]})" if detail else ""))


def _read_line_audio(path: Path) -> tuple[np.ndarray, int]:
    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(audio.T[:1]), int(rate)


def _timeout_for(text: str) -> float:
    return 10.0 + len(text) / 20.0  # far more than any engine needs on a slow machine


class EspeakNG:
    """espeak-ng, run as a program: many English voices and variants, fast, robotic."""

    name = "espeak-ng"
    # persona kind -> voices of that kind, by index ("en-gb+f1" would silently drop the
    # variant: the British voice is "en")
    VOICES = {
        "male": ("en+m3", "en-us+m1", "en-gb-scotland+m2", "en-us+m4", "en-gb-x-rp+m7",
                 "en-029+m5", "en-us+m6", "en+m8"),
        "female": ("en-us+f2", "en+f1", "en-us+linda", "en-gb-x-rp+f3", "en-us+f5"),
        "child": ("en-us+Annie", "en+f5"),
        "narrator": ("en-gb-x-rp+m3", "en-us+f3"),
    }
    BASE_PITCH = {"male": 45, "female": 55, "child": 80, "narrator": 42}
    BASE_RATE_WPM = {"male": 165, "female": 165, "child": 175, "narrator": 150}

    def __init__(self, program: str) -> None:
        self.program = program

    def voice_of(self, persona: Persona) -> str:
        return voice_in(self.VOICES, persona)

    def speak(self, line: Line, cancel: CancelToken | None = None) -> tuple[np.ndarray, int]:
        kind = persona_kind(line.persona)
        pitch = int(np.clip(self.BASE_PITCH[kind] + 25 * line.pitch, 0, 99))
        rate = int(np.clip(self.BASE_RATE_WPM[kind] * line.rate, 80, 450))
        amplitude = int(np.clip(100 * line.volume, 10, 200))
        with tempfile.TemporaryDirectory(prefix="speech-") as folder:
            output = Path(folder) / "line.wav"
            # the text goes in on stdin, never as an argument, and without SSML: it is spoken
            # as written, whatever it holds
            command = [self.program, "-v", self.voice_of(line.persona), "-p", str(pitch),
                       "-s", str(rate), "-a", str(amplitude), "-w", str(output), "--stdin"]
            _run(command, line.text, output, cancel, _timeout_for(line.text))
            return _read_line_audio(output)


class Flite:
    """Flite, run as a program: a few natural-sounding voices, shaped by pitch and rate."""

    name = "flite"
    VOICES = {"male": ("awb", "rms", "kal"), "female": ("slt",), "child": ("slt",),
              "narrator": ("awb",)}
    BASE_F0_HZ = {"male": 110.0, "female": 180.0, "child": 260.0, "narrator": 100.0}
    VARIATION_HZ = 12.0  # voices of one kind beyond the engine's own differ in pitch

    def __init__(self, program: str) -> None:
        self.program = program

    def voice_of(self, persona: Persona) -> str:
        return voice_in(self.VOICES, persona)

    def speak(self, line: Line, cancel: CancelToken | None = None) -> tuple[np.ndarray, int]:
        kind = persona_kind(line.persona)
        voices = self.VOICES[kind]
        spread = (line.persona.index // len(voices)) * self.VARIATION_HZ
        f0 = self.BASE_F0_HZ[kind] * (2 ** (line.pitch / 3)) + spread
        with tempfile.TemporaryDirectory(prefix="speech-") as folder:
            text_file, output = Path(folder) / "line.txt", Path(folder) / "line.wav"
            text_file.write_text(line.text, encoding="utf-8")
            command = [self.program, "-voice", self.voice_of(line.persona),
                       "--setf", f"duration_stretch={1 / max(line.rate, 0.3):.3f}",
                       "--setf", f"int_f0_target_mean={f0:.1f}",
                       "-f", str(text_file), "-o", str(output)]
            _run(command, "", output, cancel, _timeout_for(line.text))
            audio, rate = _read_line_audio(output)
            return audio * np.float32(min(line.volume, 2.0)), rate


def voice_in(voices: dict[str, tuple[str, ...]], persona: Persona) -> str:
    """The persona's voice in an engine's table of voices by kind (the same one every time)."""
    of_kind = voices.get(persona.kind, voices["male"])
    return of_kind[persona.index % len(of_kind)]


def persona_kind(persona: Persona) -> str:
    return persona.kind if persona.kind in EspeakNG.VOICES else "male"


ENGINE_NAMES = ("piper", "espeak-ng", "flite")


def find_engines() -> dict[str, SpeechEngine]:
    """The engines installed here, best first: neural Piper voices where a voice model is
    installed, then espeak-ng, then Flite."""
    from engine.generation.speech.piper import find_piper

    found: dict[str, SpeechEngine] = {}
    piper = find_piper()
    if piper is not None:
        found["piper"] = piper
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program:
        found["espeak-ng"] = EspeakNG(program)
    program = shutil.which("flite")
    if program:
        found["flite"] = Flite(program)
    return found


def choose_engine(preferred: str = "auto") -> SpeechEngine:
    """The engine to speak with: the one asked for, or the first one installed."""
    engines = find_engines()
    if preferred != "auto":
        if preferred not in engines:
            raise SpeechUnavailable(f"the speech engine {preferred!r} is not installed; "
                                    f"{INSTALL_HINT}.")
        return engines[preferred]
    if not engines:
        raise SpeechUnavailable(f"no speech engine is installed; {INSTALL_HINT}.")
    return next(iter(engines.values()))
