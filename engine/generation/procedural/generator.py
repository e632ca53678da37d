"""The procedural generator: caption -> recipes -> one clean, loudness-normalised stereo take.

Per event: match the caption to recipes (with the modifiers each clause names), read the
scene state (space, tone, who is who), render each layer with a performance seeded by the
event and a timbre seeded by the story and the source, place it (position, distance,
motion, muffling), send it to the scene's shared reverb, and finish the take for its track.
"""
from __future__ import annotations

from dataclasses import asdict, replace

import numpy as np
import soxr

from engine.generation.base import GeneratedAudio, RenderRequest
from engine.generation.procedural import dsp, effects
from engine.generation.procedural.catalogue import entry
from engine.generation.procedural.finishing import active_level_db, finish, target_lufs
from engine.generation.procedural.loops import close_loop, loop_tail_n, tile_loop
from engine.generation.procedural.matching import Layer, Match, matcher
from engine.generation.procedural.modifiers import parse_modifiers
from engine.generation.procedural.params import RecipeContext, SoundParams
from engine.generation.procedural.scene import (
    SceneState,
    place_of_source,
    scene_for,
    source_identity,
)
from engine.generation.procedural.settings import SETTINGS, ProceduralSettings, read_settings
from engine.generation.procedural.variation import Variation, splice
from engine.model.story import TrackKind
from engine.progress import CancelToken, Progress, no_progress

SAMPLE_RATE = 48_000
MIN_RENDER_S = 1.0  # recipes always get room to play; a shorter take is cut from it
LOOP_ABOVE_S = 45.0  # beds longer than this repeat a seamless loop of LOOP_TEXTURE_S
LOOP_TEXTURE_S = 30.0
MIN_WET_SHARE = 0.08  # less room than this is inaudible under the dry sound: skip it
LAYER_GAIN_DB = (0.0, -3.0, -5.0)  # first named sound leads, later ones sit under it
BED_UNDER_EVENT_DB = -4.0  # a bed layered under a foreground sound sits lower still
# A bed has no single point to move: "the rain moving away" fades it instead.
_BED_MOTION = {"approaching": "fade_in", "receding": "fade_out", "passing": "swell"}


class ProceduralGenerator:
    runs_in_workers = True  # no model to hold: renders go to every core (engine.render.pool)
    name = "procedural"
    version = "1.1"
    SETTINGS = SETTINGS

    def warm_up(self) -> None:
        """Load the matcher and the recipes' modules and tables now (a short render), so the
        first real render is as quick as the rest."""
        self.render(RenderRequest(caption="rain and footsteps in a room", duration_s=0.5,
                                  seed=0))

    def render(self, request: RenderRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> GeneratedAudio:
        return self._render(request, progress, cancel)

    def vary(self, request: RenderRequest, audio: np.ndarray, sample_rate: int,
             similarity: float, seed: int, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> GeneratedAudio:
        """`audio` (the take `request` rendered) with about 1 - similarity of it played by
        a new performance of the same recipes in the same scene (see `variation.py`)."""
        variation = Variation(1.0 - min(max(float(similarity), 0.0), 1.0), seed)
        other = self._render(request, progress, cancel, variation)
        if other.sample_rate != sample_rate or other.audio.shape != audio.shape:
            other = GeneratedAudio(_fitted(other.audio, SAMPLE_RATE, sample_rate,
                                           audio.shape), sample_rate, other.metadata,
                                   other.notes)
        varied = splice(np.asarray(audio, np.float32), other.audio, sample_rate, variation)
        return GeneratedAudio(varied, sample_rate, other.metadata, other.notes)

    def _render(self, request: RenderRequest, progress: Progress | None,
                cancel: CancelToken | None, variation: Variation | None = None
                ) -> GeneratedAudio:
        progress = progress or no_progress
        settings = read_settings(request.settings)
        progress(0.0, "matching the caption")
        match = _chosen_recipe(request, settings) or matcher().match(request.caption,
                                                                     request.track_kind)
        scene = scene_for(request)
        n = max(int(round(request.duration_s * SAMPLE_RATE)), 1)
        seamless = settings.loop == "on"
        total = n + loop_tail_n(n, SAMPLE_RATE) if seamless else n
        dry: np.ndarray | None = None
        send: np.ndarray | None = None
        layers_info = []
        for index, layer in enumerate(match.layers):
            if cancel is not None:
                cancel.raise_if_cancelled()
            progress(index / (len(match.layers) + 1), f"rendering {layer.entry.name}")
            audio, wet_share, info = render_layer(layer, request, settings, scene, index, total,
                                                  variation)
            gain_db = _layer_gain_db(match, index)
            gain = 10 ** (gain_db / 20)
            if wet_share > 0:  # (the send first: the dry total may reuse `audio` itself)
                send = _accumulate(send, audio * wet_share, gain)
            dry = _accumulate(dry, audio, gain * (1 - 0.5 * wet_share))
            info["parameters"]["gain_db"] = gain_db
            layers_info.append(info)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(len(match.layers) / (len(match.layers) + 1), "adding the room")
        if send is not None:  # (beds send next to nothing: they skip the costly room)
            dry += effects.reverb(send, SAMPLE_RATE, scene.space, scene.space_seed)
        mixed = effects.tone_colour(dry, SAMPLE_RATE, scene.brightness_shift)
        if seamless:
            mixed = close_loop(mixed, n)
        primary = match.primary.entry
        params = _params_for(match.primary, settings, scene)
        target = target_lufs(request.track_kind, params, primary.defaults)
        audio = finish(mixed, SAMPLE_RATE, target, seamless=seamless)
        progress(1.0, "done")
        notes = settings.notes
        if not match.matched:
            notes += (f"no sound recipe matched {request.caption!r}; rendered the closest "
                      f"ambience ({primary.name}) instead",)
        metadata = {"recipes": [layer.entry.name for layer in match.layers],
                    "matched": match.matched, "layers": layers_info,
                    "candidates": [list(c) for c in match.candidates],
                    "scene": scene.to_json(), "target_lufs": round(target, 2),
                    "tonal": primary.tonal, "loop": seamless}
        if variation is not None:
            metadata["variation"] = asdict(variation)
        return GeneratedAudio(audio=audio, sample_rate=SAMPLE_RATE, metadata=metadata,
                              notes=notes)


def _fitted(audio: np.ndarray, rate: int, to_rate: int, shape: tuple[int, int]) -> np.ndarray:
    """Audio at another rate and shape (channels, samples): resampled, cut or padded."""
    if rate != to_rate:
        audio = soxr.resample(audio.T, rate, to_rate).T
    audio = audio.mean(axis=0, keepdims=True) if shape[0] == 1 else audio[:shape[0]]
    audio = dsp.fit_length(audio, shape[1])
    return np.ascontiguousarray(np.broadcast_to(audio, shape), np.float32)


def _accumulate(total: np.ndarray | None, audio: np.ndarray, gain: float) -> np.ndarray:
    """total + gain * audio; the first layer becomes the total itself (no full-length copy)."""
    if total is None:
        audio *= gain
        return audio
    total += audio * gain
    return total


def _chosen_recipe(request: RenderRequest, settings: ProceduralSettings) -> Match | None:
    """The recipe setting names a recipe outright (the caption still gives the modifiers)."""
    if settings.recipe is None:
        return None
    chosen = entry(settings.recipe)
    layer = Layer(chosen, request.caption, 1.0, parse_modifiers(request.caption))
    return Match((layer,), True, ((chosen.name, 1.0),))


def suggest_track_kind(caption: str) -> TrackKind:
    """The track kind a caption's sound usually belongs on (for a caption with no track)."""
    return matcher().match(caption, TrackKind.EFFECTS).primary.entry.kind


def _layer_gain_db(match: Match, index: int) -> float:
    gain = LAYER_GAIN_DB[min(index, len(LAYER_GAIN_DB) - 1)]
    if index > 0 and match.layers[index].entry.bed and not match.primary.entry.bed:
        gain += BED_UNDER_EVENT_DB
    return gain


def _params_for(layer: Layer, settings: ProceduralSettings, scene: SceneState) -> SoundParams:
    """Recipe defaults, then the caption's words, then the event's settings, then the tone."""
    params = replace(layer.entry.defaults.merged(layer.modifiers), **settings.overrides)
    return params.shifted(brightness=scene.brightness_shift, intensity=scene.intensity_shift)


def render_layer(layer: Layer, request: RenderRequest, settings: ProceduralSettings,
                 scene: SceneState, index: int, n: int, variation: Variation | None = None
                 ) -> tuple[np.ndarray, float, dict]:
    """(stereo audio at SAMPLE_RATE, its reverb send share 0..1, what was rendered as a
    take layer: {"kind": "recipe", "name", "parameters"})."""
    entry = layer.entry
    params = _params_for(layer, settings, scene)
    performance = request.seed
    if variation is not None:
        params = variation.nudged(params, index)
        performance = variation.performance_seed(request.seed)
    identity = source_identity(entry.family, layer.phrase, dict(request.cues))
    rate = entry.code.rate
    render_n = max(int(np.ceil(n * rate / SAMPLE_RATE)), int(MIN_RENDER_S * rate))
    looped = (entry.bed and entry.kind != TrackKind.MUSIC and settings.loop != "off"
              and render_n > LOOP_ABOVE_S * rate)
    period = int(LOOP_TEXTURE_S * rate)
    context = RecipeContext(
        n=period + loop_tail_n(period, rate) if looped else render_n, sr=rate,
        rng=dsp.rng_for(performance, index, entry.name),
        timbre=np.random.default_rng(scene.identity_seed(identity)), p=params,
        start_s=request.start_s, scene_seed=dsp.int_seed(request.story_seed, identity),
        name=entry.name)
    audio = entry.code.render(context)
    if looped:  # a long steady bed: a seamless half-minute loop, played round
        audio = tile_loop(close_loop(audio, period), render_n, int(context.rng.integers(period)))
    if rate != SAMPLE_RATE:
        audio = soxr.resample(audio.T, rate, SAMPLE_RATE).T
    audio = _window(audio, n, from_onset=settings.loop != "on")
    audio = _normalise(audio)
    # The event's own pan is the mixer's to apply: a source then stays centred here.
    spatial = not entry.bed and request.track_kind != TrackKind.MUSIC and not request.pan
    position = place_of_source(dsp.rng_for(request.story_seed, "place", identity), spatial)
    audio = _place(audio, params, entry, position, performance)
    if params.muffled:
        audio = effects.muffle(audio, SAMPLE_RATE)
    audio = effects.air_absorption(audio, SAMPLE_RATE, params.distance)
    shape = effects.envelope(n, params.envelope or (_BED_MOTION.get(params.motion) if entry.bed
                                                    else None))
    if shape is not None:
        audio *= shape
    wet_share = float(np.clip((scene.space.wet + 0.5 * params.distance) * entry.reverb * 2, 0, 0.9))
    if wet_share < MIN_WET_SHARE:
        wet_share = 0.0
    info = {"kind": "recipe", "name": entry.name,
            "parameters": {"phrase": layer.phrase, "score": round(layer.score, 3),
                           "identity": identity, "pan": round(position, 3), "looped": looped,
                           **asdict(params)}}
    return audio, wet_share, info


def _window(audio: np.ndarray, n: int, from_onset: bool = True) -> np.ndarray:
    """Exactly n samples; a take shorter than the render starts where the sound does (a
    0.3 s event of a dog barking holds the bark, not the silence before it)."""
    if audio.shape[-1] <= n or not from_onset:
        return dsp.fit_length(audio, n)
    level = np.abs(audio).max(axis=0)
    active = np.flatnonzero(level > 0.05 * level.max()) if level.max() > 0 else np.array([0])
    start = min(max(int(active[0]) - int(0.005 * SAMPLE_RATE), 0), audio.shape[-1] - n)
    return audio[..., start:start + n]


def _normalise(audio: np.ndarray) -> np.ndarray:
    """Every layer to one audible level before layer gains: layers mix by intent, not by how
    loud a recipe happens to come out."""
    level = active_level_db(audio, SAMPLE_RATE)
    if level > -200:
        audio *= 10 ** ((-20.0 - level) / 20)
    return audio


def _place(audio: np.ndarray, params: SoundParams, entry, position: float,
           seed: int) -> np.ndarray:
    """Stereo at a position, or moving (approaching, receding, passing) when asked."""
    if params.motion and not entry.moving and not entry.bed:
        moved, pan_curve = effects.motion(audio.mean(axis=0), SAMPLE_RATE, params.motion,
                                          dsp.rng_for(seed, "motion"), doppler=entry.doppler)
        return dsp.pan(moved, np.clip(position + pan_curve, -1, 1))
    if audio.shape[0] == 1:
        return dsp.pan(audio[0], position)
    if position:  # a stereo source with a place: keep some width, lean it to its side
        left, right = audio
        mid = (left + right) / 2
        return dsp.pan(mid, position) * 0.7 + 0.3 * audio
    return audio
