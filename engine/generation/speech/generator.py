"""The speech generator: speaks a line of the story in its speaker's voice.

A speech event carries its words (`text`), who says them (`speaker`) and how (`delivery`).
The voice is the one the cast gave the speaker (the `voice` setting, filled when the story is
planned), else a stable voice for the speaker's name. The clip follows the speech: a take is
as long as the line takes to say (the editor and the CLI then fit the clip to it), or, with
`fit: stretch`, the line is spoken faster or slower to fill the clip exactly. Each line is
normalised on its own to the speech loudness target. A speech event without words (a crowd
murmuring) is rendered by the procedural engine, as before.
"""
from __future__ import annotations

import numpy as np
import soxr

from engine.errors import StudioError
from engine.generation.base import GeneratedAudio, RenderRequest
from engine.generation.settings import Setting, parse_settings
from engine.generation.speech.casting import persona_for, persona_of, voice_name
from engine.generation.speech.delivery import delivery_of, shape
from engine.generation.speech.engines import ENGINE_NAMES, Line, choose_engine, clean_text
from engine.mix.master_bus import plan_master_bus
from engine.mix.targets import take_target_lufs
from engine.model.fields import DEFAULT_SAMPLE_RATE
from engine.progress import CancelToken, Progress, no_progress

PEAK_CEILING_DBTP = -1.0
SILENCE_DB = -45.0     # below the line's peak: where a line starts and ends
PRE_ROLL_S = 0.03      # kept before the first word, so its onset is not clipped
TAIL_S = 0.12          # kept after the last word: the voice's own decay
EDGE_FADE_S = 0.005
FIT_TOLERANCE = 0.02   # a stretched line within 2 % of its slot is padded or trimmed


class SpeechGenerator:
    runs_in_workers = True  # no model to hold: renders go to every core (engine.render.pool)
    name = "speech"
    version = "1"
    SETTINGS = (
        Setting("voice", "str", "auto", "the speaker's voice: auto (from the cast or the "
                "speaker's name), narrator-1, male-1…8, female-1…5, child-1…2"),
        Setting("engine", "choice", "auto", "which installed speech engine speaks",
                choices=("auto", *ENGINE_NAMES)),
        Setting("fit", "choice", "natural", "natural: the clip follows the speech; "
                "stretch: speak faster or slower to fill the clip", choices=("natural",
                                                                             "stretch")),
        Setting("rate", "float", 1.0, "speaking rate, x the voice's ordinary rate",
                minimum=0.5, maximum=2.0),
        Setting("pitch", "float", 0.0, "pitch, -1 low … +1 high", minimum=-1.0, maximum=1.0),
    )

    def render(self, request: RenderRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> GeneratedAudio:
        progress = progress or no_progress
        text = clean_text(request.text)
        if not text:  # no words to say: a voice without words, as the procedural engine makes
            from engine.generation import get_generator

            return get_generator("procedural").render(request, progress, cancel)
        settings, notes = parse_settings(self.SETTINGS, request.settings, self.name)
        persona = persona_of(settings["voice"])
        if persona is None:
            if settings["voice"] != "auto":
                raise StudioError(f"unknown voice {settings['voice']!r}; use auto, narrator-1, "
                                  "male-1…8, female-1…5 or child-1…2")
            persona = persona_for(request.speaker or "narrator", request.story_seed)
        engine = choose_engine(settings["engine"])
        delivery = delivery_of(request.delivery)
        line = Line(text, persona, rate=settings["rate"] * delivery.rate,
                    pitch=float(np.clip(settings["pitch"] + delivery.pitch, -1.0, 1.0)),
                    volume=delivery.volume)
        progress(0.1, f"{engine.name}: speaking")
        audio, rate = engine.speak(line, cancel)
        audio = trim_silence(audio, rate)
        if settings["fit"] == "stretch":
            spoken_s = audio.shape[1] / rate
            if abs(spoken_s - request.duration_s) > FIT_TOLERANCE * request.duration_s:
                faster = float(np.clip(spoken_s / request.duration_s, 0.4, 2.5))
                line = Line(text, persona, rate=line.rate * faster, pitch=line.pitch,
                            volume=line.volume)
                audio, rate = engine.speak(line, cancel)
                audio = trim_silence(audio, rate)
        progress(0.7, "shaping and levelling")
        rng = np.random.default_rng([request.seed, 0x5EEC])
        audio = shape(audio, rate, delivery, rng)
        audio = _to_story_rate(audio, rate)
        if settings["fit"] == "stretch":
            audio = _fit_length(audio, int(round(request.duration_s * DEFAULT_SAMPLE_RATE)))
        stereo = np.ascontiguousarray(np.repeat(audio, 2, axis=0))  # a voice sits centre
        stereo = _level(stereo, take_target_lufs(request.track_kind or "speech"))
        voice = engine.voice_of(persona)
        layer = {"kind": "voice", "name": f"{engine.name}:{voice}",
                 "parameters": {"voice": voice_name(persona), "speaker": request.speaker,
                                "delivery": request.delivery or "neutral",
                                "rate": round(line.rate, 3), "pitch": round(line.pitch, 3)}}
        progress(1.0, "spoken")
        return GeneratedAudio(
            stereo, DEFAULT_SAMPLE_RATE,
            metadata={"layers": [layer], "natural_length": settings["fit"] == "natural"},
            notes=(f"spoken by {engine.name} ({voice}) as {voice_name(persona)}", *notes))


def trim_silence(audio: np.ndarray, rate: int) -> np.ndarray:
    """The line from just before its first word to just after its last."""
    level = np.abs(audio[0])
    peak = float(level.max()) if level.size else 0.0
    if peak <= 0:
        raise StudioError("the speech engine returned silence for the line")
    loud = np.flatnonzero(level > peak * 10 ** (SILENCE_DB / 20))
    first = max(int(loud[0]) - int(PRE_ROLL_S * rate), 0)
    last = min(int(loud[-1]) + int(TAIL_S * rate), audio.shape[1])
    return audio[:, first:last]


def _to_story_rate(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == DEFAULT_SAMPLE_RATE:
        return audio
    resampled = soxr.resample(audio[0], rate, DEFAULT_SAMPLE_RATE, quality="HQ")
    return resampled[np.newaxis, :].astype(np.float32)


def _fit_length(audio: np.ndarray, frames: int) -> np.ndarray:
    if audio.shape[1] >= frames:
        return audio[:, :frames]
    return np.pad(audio, ((0, 0), (0, frames - audio.shape[1])))


def _level(audio: np.ndarray, target_lufs: float) -> np.ndarray:
    """Each line to the speech target under a -1 dBTP ceiling (the master bus's own loudness
    loop and limiter), edges faded so a clip never clicks."""
    bus = plan_master_bus(audio, DEFAULT_SAMPLE_RATE, loudness=target_lufs,
                          true_peak_db=PEAK_CEILING_DBTP)
    out = bus.process(audio, 0)
    fade = min(int(EDGE_FADE_S * DEFAULT_SAMPLE_RATE), out.shape[1] // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        out[:, :fade] *= ramp
        out[:, -fade:] *= ramp[::-1]
    return out.astype(np.float32)
