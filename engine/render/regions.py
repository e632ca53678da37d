"""Composite takes: an earlier take with stretches rendered again over it.

Three edits, on every generator:

- **Regions** (`region_edit`): stretches of a clip rendered again, each with its own seed,
  laid over the take it had, with an equal-power crossfade just outside each edge. A
  backend that can inpaint (`engine.generation.editing.Inpainter`: Stable Audio 3) fills
  every region in one pass from the audio around it; any other renders each region with a
  little audio either side (CONTEXT_S) from the clip's own request, moved to that place in
  the story, matches its level to the take around it, and crossfades it in.
- **Extensions** (`extension_edit`): more audio before or after the take. An inpainting
  backend continues the take itself (the new stretch inpainted after or before it); any
  other renders a continuation from the clip's request at that place in the story (its
  scene state: room, timbre, ambience continuity) and crossfades it in at the join.
- **Variations** (`variation_edit`): the whole take again, close to what it was
  (`engine.generation.editing.Varier`: Stable Audio 3 audio-to-audio, the procedural
  engine's performance); a backend that cannot vary a take renders it with a new seed.

The composite is written as its own full-length take file, at its base take's rate and
aligned sample for sample with it (an extension to the left shifts it by exactly the new
stretch), and records `base_take_id` and its `regions`. Every sample outside the regions
and their crossfades is the base take's own sample, bit for bit. The base take stays on
disk and in the takes list; the composite keeps the base's render key and seed, so it is
as current as the take it came from.

Edits are built on the thread that owns the story (`*_edit`: checked, frozen), rendered
anywhere (`render_composite`: stores the file, leaves the story alone) and recorded on the
event by the caller (`attach_composite`, or the editor's undoable command).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import soxr

from engine.errors import InvalidInput, StudioError
from engine.generation.base import GeneratedAudio, Generator, RenderRequest
from engine.generation.editing import AudioSpan, Inpainter, Varier
from engine.mix.fades import fade_in_gains, fade_out_gains
from engine.model.fields import MAX_DURATION_S, REGION_CROSSFADE_S
from engine.model.story import Event, FadeCurve, Story, Take, TakeRegion
from engine.progress import CancelToken, Progress, no_progress, sub_progress
from engine.project.folder import Project
from engine.render.context import ContextIndex, render_request
from engine.render.take import check_generated

DEFAULT_CROSSFADE_S = REGION_CROSSFADE_S
MAX_CROSSFADE_S = 5.0
CONTEXT_S = 1.0  # audio either side of a region that a backend without inpainting renders
MIN_REGION_S = 0.01
MAX_EXTEND_S = 600.0
LEVEL_MATCH_DB = 6.0  # a re-rendered stretch is brought at most this far to the take's level
EPSILON_S = 1e-9


class EditKind(StrEnum):
    REPLACE = "replace"
    EXTEND_LEFT = "extend_left"
    EXTEND_RIGHT = "extend_right"
    VARIATION = "variation"


@dataclass(frozen=True)
class RegionSpan:
    """A stretch of a clip to render again, in seconds from the clip's start."""

    start_s: float
    end_s: float
    seed: int


@dataclass(frozen=True)
class CompositeEdit:
    """Everything a composite render needs, taken from the story when it was asked for."""

    kind: EditKind
    event_id: str
    base: Take                     # the take it builds on (a copy)
    request: RenderRequest         # the clip's own request, with its story context
    generator: str                 # the backend that renders the new audio
    story_rate: int
    event_start: int               # the clip's place, at the story rate
    event_duration: int
    event_offset: int
    spans: tuple[RegionSpan, ...] = ()   # REPLACE
    seconds: float = 0.0                 # EXTEND_*
    similarity: float = 1.0              # VARIATION
    seed: int = 0                        # EXTEND_* and VARIATION
    crossfade_s: float = DEFAULT_CROSSFADE_S


@dataclass(frozen=True)
class CompositeTake:
    """A stored composite take and where its clip sits once it plays it."""

    take: Take
    event_id: str
    start: int
    duration: int
    offset: int
    notes: tuple[str, ...] = ()  # what the generator wants known (the take's notes lead with
    #                              a line saying what the edit did)


# -- asking for an edit (on the thread that owns the story) -------------------------------
def region_edit(story: Story, event: Event, spans: list[RegionSpan] | tuple[RegionSpan, ...],
                generator: str | None = None, crossfade_s: float = DEFAULT_CROSSFADE_S,
                index: ContextIndex | None = None) -> CompositeEdit:
    """Regenerate `spans` of the clip (seconds from its start), each with its own seed."""
    base = _base_take(event)
    if not spans:
        raise InvalidInput("give at least one region to regenerate (a start and an end).")
    length_s = story.to_seconds(event.duration)
    ordered = sorted(spans, key=lambda s: s.start_s)
    for span in ordered:
        if not (math.isfinite(span.start_s) and math.isfinite(span.end_s)
                and -EPSILON_S <= span.start_s and span.end_s <= length_s + EPSILON_S
                and span.end_s - span.start_s >= MIN_REGION_S):
            raise InvalidInput(
                f"the region {span.start_s:g}–{span.end_s:g} s is not inside clip {event.id}: "
                f"give a start and an end between 0 and {length_s:.3f} s (from the clip's "
                f"start), at least {MIN_REGION_S:g} s apart.")
    for before, after in zip(ordered, ordered[1:]):
        if after.start_s < before.end_s:
            raise InvalidInput(f"the regions {before.start_s:g}–{before.end_s:g} s and "
                               f"{after.start_s:g}–{after.end_s:g} s overlap; give separate "
                               "stretches, or one that covers both.")
    clipped = tuple(RegionSpan(max(s.start_s, 0.0), min(s.end_s, length_s), s.seed)
                    for s in ordered)
    return _edit(story, event, base, EditKind.REPLACE, generator, index, spans=clipped,
                 crossfade_s=_crossfade(crossfade_s))


def extension_edit(story: Story, event: Event, side: str, seconds: float, seed: int,
                   generator: str | None = None, crossfade_s: float = DEFAULT_CROSSFADE_S,
                   index: ContextIndex | None = None) -> CompositeEdit:
    """Extend the clip's take by `seconds` to the "left" (before) or "right" (after)."""
    base = _base_take(event)
    if side not in ("left", "right"):
        raise InvalidInput(f"extend to the left or the right, not {side!r}.")
    if side == "left":
        room_s = story.to_seconds(event.start)
        if room_s <= 0:
            raise InvalidInput(f"clip {event.id} starts at 0 s: there is no room to extend it "
                               "to the left; move it later first.")
    else:
        room_s = MAX_DURATION_S - story.to_seconds(event.end)
    most_s = min(room_s, MAX_EXTEND_S)
    if not (math.isfinite(seconds) and 0 < seconds <= most_s + EPSILON_S):
        raise InvalidInput(f"extend clip {event.id} to the {side} by more than 0 and at most "
                           f"{most_s:.3f} s, not {seconds:g} s.")
    kind = EditKind.EXTEND_LEFT if side == "left" else EditKind.EXTEND_RIGHT
    return _edit(story, event, base, kind, generator, index, seconds=min(seconds, most_s),
                 seed=seed, crossfade_s=_crossfade(crossfade_s))


def variation_edit(story: Story, event: Event, amount: float, seed: int,
                   generator: str | None = None,
                   index: ContextIndex | None = None) -> CompositeEdit:
    """A close variation of the clip's take: `amount` 0 (none) .. 1 (as free as a new seed)."""
    base = _base_take(event)
    if not (math.isfinite(amount) and 0 < amount <= 1):
        raise InvalidInput(f"a variation amount runs from just above 0 (nearly the same) to 1 "
                           f"(as free as a new seed), not {amount:g}.")
    return _edit(story, event, base, EditKind.VARIATION, generator, index,
                 similarity=1.0 - amount, seed=seed)


def _base_take(event: Event) -> Take:
    take = event.active_take()
    if take is None:
        raise InvalidInput(f"clip {event.id} has no take yet; render it first.")
    return take.model_copy(deep=True)


def _crossfade(seconds: float) -> float:
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_CROSSFADE_S):
        raise InvalidInput(f"a crossfade runs from 0 to {MAX_CROSSFADE_S:g} s, not {seconds:g} s.")
    return seconds


def _edit(story: Story, event: Event, base: Take, kind: EditKind, generator: str | None,
          index: ContextIndex | None, **fields) -> CompositeEdit:
    return CompositeEdit(kind=kind, event_id=event.id, base=base,
                         request=render_request(story, event, index=index),
                         generator=generator or event.generator, story_rate=story.sample_rate,
                         event_start=event.start, event_duration=event.duration,
                         event_offset=event.offset, **fields)


# -- rendering it (any thread: reads the base take, writes the new one) -------------------
def render_composite(project: Project, edit: CompositeEdit, generator: Generator,
                     progress: Progress = no_progress,
                     cancel: CancelToken | None = None) -> CompositeTake:
    """Render the edit's new audio with `generator`, lay it over the base take and store the
    result as a take file. The story is not touched."""
    if not project.take_available(edit.base):
        raise StudioError(f"the take file {edit.base.path} of clip {edit.event_id} is missing; "
                          "render the clip again first.")
    audio, rate = project.read_take(edit.base)
    work = sub_progress(progress, 0.0, 0.95)
    if edit.kind == EditKind.REPLACE:
        audio, regions, notes = _replace(edit, audio, rate, generator, work, cancel)
        placement = (edit.event_start, edit.event_duration)
    elif edit.kind == EditKind.VARIATION:
        audio, regions, notes = _vary(edit, audio, rate, generator, work, cancel)
        placement = (edit.event_start, edit.event_duration)
    else:
        audio, regions, notes, shift = _extend(edit, audio, rate, generator, work, cancel)
        if edit.kind == EditKind.EXTEND_LEFT:
            placement = (edit.event_start - shift, edit.event_duration + shift)
        else:
            placement = (edit.event_start, edit.event_duration + shift)
    if not np.all(np.isfinite(audio)):
        raise StudioError("the generator produced invalid audio (NaN or infinite samples)")
    if cancel is not None:
        cancel.raise_if_cancelled()
    progress(0.95, "storing the take")
    base = edit.base
    stored = project.store_take(edit.request, GeneratedAudio(audio, rate, notes=tuple(notes)),
                                base.generator, base.generator_version)
    take = stored.model_copy(update={
        "generator": base.generator, "generator_version": base.generator_version,
        "parameters": base.parameters, "seed": base.seed, "render_key": base.render_key,
        "layers": base.layers, "base_take_id": base.id, "regions": regions,
        "notes": [*notes, *base.notes][:100]})
    progress(1.0, "done")
    return CompositeTake(take, edit.event_id, placement[0], placement[1], edit.event_offset,
                         tuple(notes[1:]))


def attach_composite(event: Event, composite: CompositeTake) -> Take:
    """Record a composite take on its event as the active one; the clip moves and grows to
    play it where the edit said (an extension), nothing else changes."""
    take = composite.take.model_copy(update={"id": event.next_take_id()})
    event.takes = [*event.takes, take]
    event.use_take(take.id)
    event.start, event.duration, event.offset = (composite.start, composite.duration,
                                                 composite.offset)
    return take


# -- the three edits -----------------------------------------------------------------------
def _replace(edit: CompositeEdit, base: np.ndarray, rate: int, generator: Generator,
             progress: Progress, cancel: CancelToken | None):
    frames = base.shape[1]
    clip_start = _take_sample(edit.event_offset, edit.story_rate, rate)
    fade = int(round(edit.crossfade_s * rate))
    spans = []
    for span in edit.spans:
        start = min(clip_start + int(round(span.start_s * rate)), frames - 1)
        end = min(clip_start + int(round(span.end_s * rate)), frames)
        if end <= start:
            raise StudioError(f"the take of clip {edit.event_id} is shorter than the region "
                              f"{span.start_s:g}–{span.end_s:g} s; render the clip again first.")
        spans.append((start, end, max(start - fade, 0), min(end + fade, frames), span.seed))
    out = base.copy()
    notes = []
    if isinstance(generator, Inpainter):
        filled = generator.inpaint(edit.request, base, rate,
                                   [AudioSpan(lo, hi, seed) for _, _, lo, hi, seed in spans],
                                   progress, cancel)
        fresh = _at_rate(filled, rate, base.shape[0], frames)
        method = {"method": "inpaint", "passes": filled.metadata.get("passes", 1)}
        pieces = [fresh[:, lo:hi] for _, _, lo, hi, _ in spans]
        notes += list(filled.notes)
    else:
        pieces = []
        for number, (_, _, lo, hi, seed) in enumerate(spans):
            step = sub_progress(progress, number / len(spans), (number + 1) / len(spans))
            pieces.append(_render_with_context(edit, generator, base, rate, clip_start, lo, hi,
                                               seed, step, cancel))
        method = {"method": "render with context", "context_s": CONTEXT_S}
    regions = []
    for (start, end, lo, hi, seed), piece in zip(spans, pieces):
        out[:, lo:hi] = crossfade_in(base[:, lo:hi], piece, start - lo, hi - end)
        request = _request_for(edit, (end - start) / rate, seed, (start - clip_start) / rate)
        regions.append(_region(EditKind.REPLACE, start, end, seed, fade, edit, generator,
                               method, request))
    notes.insert(0, f"regenerated {len(spans)} region{'s' if len(spans) > 1 else ''} over take "
                 f"{edit.base.id} with {generator.name}")
    return out, regions, notes


def _vary(edit: CompositeEdit, base: np.ndarray, rate: int, generator: Generator,
          progress: Progress, cancel: CancelToken | None):
    frames = base.shape[1]
    take_start_s = -_take_sample(edit.event_offset, edit.story_rate, rate) / rate
    if isinstance(generator, Varier):  # the take's own request; the variation has its seed
        request = _request_for(edit, frames / rate, edit.request.seed, take_start_s)
        varied = generator.vary(request, base, rate, edit.similarity, edit.seed, progress,
                                cancel)
        method = {"method": "variation", "similarity": round(edit.similarity, 4)}
        notes = list(varied.notes)
    else:
        request = _request_for(edit, frames / rate, edit.seed, take_start_s)
        varied = generator.render(request, progress, cancel)
        method = {"method": "new seed"}
        notes = [*varied.notes, f"the {generator.name} generator cannot vary a take by an "
                 f"amount; this variation is a fresh render with seed {edit.seed} (procedural "
                 "and stable-audio-3 make close variations)"]
    out = _at_rate(varied, rate, base.shape[0], frames)
    region = _region(EditKind.VARIATION, 0, frames, edit.seed, 0, edit, generator, method,
                     request)
    notes.insert(0, f"variation of take {edit.base.id} (amount {1 - edit.similarity:.2f}) with "
                 f"{generator.name}")
    return out, [region], notes


def _extend(edit: CompositeEdit, base: np.ndarray, rate: int, generator: Generator,
            progress: Progress, cancel: CancelToken | None):
    frames = base.shape[1]
    left = edit.kind == EditKind.EXTEND_LEFT
    shift, added = _aligned_lengths(edit.seconds, edit.story_rate, rate,
                                    edit.event_start if left else None)
    fade = min(int(round(edit.crossfade_s * rate)), frames)
    silence = np.zeros((base.shape[0], added), np.float32)
    clip_start = _take_sample(edit.event_offset, edit.story_rate, rate)
    first_s = ((-added if left else frames) - clip_start) / rate  # the new stretch, in clip time
    if isinstance(generator, Inpainter):
        padded = np.concatenate([silence, base] if left else [base, silence], axis=1)
        span = AudioSpan(0, added + fade, edit.seed) if left else AudioSpan(
            frames - fade, frames + added, edit.seed)
        filled = generator.inpaint(edit.request, padded, rate, [span], progress, cancel)
        new = _at_rate(filled, rate, base.shape[0], frames + added)[:, span.start:span.end]
        method: dict[str, object] = {"method": "inpaint"}
        notes = list(filled.notes)
    else:
        first = -added if left else frames - fade  # take samples, before the base's first
        new = _render_span(edit, generator, rate, base.shape[0], first - clip_start,
                           added + fade, edit.seed, progress, cancel)
        near = min(int(CONTEXT_S * rate), frames, added + fade)  # each side of the join
        reference = base[:, :near] if left else base[:, frames - near:]
        ours = new[:, added + fade - near:] if left else new[:, :near]
        new = new * _level_gain(ours, reference)
        method = {"method": "continuation", "context_s": CONTEXT_S}
        notes = []
    if left:
        joined = np.concatenate([new[:, :added], crossfade_in(base[:, :fade], new[:, added:],
                                                              0, fade), base[:, fade:]], axis=1)
        region = _region(EditKind.EXTEND_LEFT, 0, added, edit.seed, fade, edit, generator,
                         method, _request_for(edit, added / rate, edit.seed, first_s))
    else:
        joined = np.concatenate([base[:, :frames - fade],
                                 crossfade_in(base[:, frames - fade:], new[:, :fade], fade, 0),
                                 new[:, fade:]], axis=1)
        region = _region(EditKind.EXTEND_RIGHT, frames, frames + added, edit.seed, fade, edit,
                         generator, method, _request_for(edit, added / rate, edit.seed, first_s))
    notes.insert(0, f"extended take {edit.base.id} by {added / rate:.3f} s to the "
                 f"{'left' if left else 'right'} with {generator.name}")
    return np.ascontiguousarray(joined, np.float32), [region], notes, shift


# -- pieces -------------------------------------------------------------------------------
def crossfade_in(base: np.ndarray, new: np.ndarray, fade_in: int, fade_out: int) -> np.ndarray:
    """`new` laid over `base` (same shape): equal power from base to new over the first
    `fade_in` samples and back over the last `fade_out`; the first sample of a fade-in and
    the last of a fade-out are the base's own."""
    length = base.shape[1]
    gain = np.ones(length, np.float32)
    if fade_in:
        gain[:fade_in] = fade_in_gains(fade_in, FadeCurve.EQUAL_POWER)
    if fade_out:
        gain[length - fade_out:] = fade_in_gains(fade_out, FadeCurve.EQUAL_POWER)[::-1]
    keep = np.zeros(length, np.float32)
    if fade_in:
        keep[:fade_in] = fade_out_gains(fade_in, FadeCurve.EQUAL_POWER)
    if fade_out:
        keep[length - fade_out:] = fade_out_gains(fade_out, FadeCurve.EQUAL_POWER)[::-1]
    out = new * gain + base * keep
    if fade_in:
        out[:, 0] = base[:, 0]
    if fade_out:
        out[:, -1] = base[:, -1]
    return out.astype(np.float32, copy=False)


def _render_with_context(edit: CompositeEdit, generator: Generator, base: np.ndarray,
                         rate: int, clip_start: int, lo: int, hi: int, seed: int,
                         progress: Progress, cancel: CancelToken | None) -> np.ndarray:
    """Samples [lo, hi) of the take rendered afresh with CONTEXT_S either side, brought to
    the level of the take around them."""
    context = int(round(CONTEXT_S * rate))
    first, last = max(lo - context, 0), min(hi + context, base.shape[1])
    window = _render_span(edit, generator, rate, base.shape[0], first - clip_start,
                          last - first, seed, progress, cancel)
    outside = np.r_[0:lo - first, hi - first:last - first]
    if outside.size:
        window = window * _level_gain(window[:, outside], base[:, first:last][:, outside])
    return window[:, lo - first:hi - first]


def _render_span(edit: CompositeEdit, generator: Generator, rate: int, channels: int,
                 from_clip_start: int, length: int, seed: int, progress: Progress,
                 cancel: CancelToken | None) -> np.ndarray:
    """`length` take samples of the clip's sound rendered as if the clip started
    `from_clip_start` take samples after where it starts now (negative: before)."""
    request = _request_for(edit, length / rate, seed, from_clip_start / rate)
    generated = generator.render(request, progress, cancel)
    check_generated(generated, request)
    return _at_rate(generated, rate, channels, length)


def _request_for(edit: CompositeEdit, duration_s: float, seed: int,
                 moved_s: float = 0.0) -> RenderRequest:
    """The clip's request for `duration_s` seconds starting `moved_s` after the clip does,
    with `seed` (settings, context and scene unchanged)."""
    return replace(edit.request, duration_s=max(duration_s, 1e-3), seed=int(seed),
                   start_s=max(edit.request.start_s + moved_s, 0.0))


def _at_rate(generated: GeneratedAudio, rate: int, channels: int, length: int) -> np.ndarray:
    """Generated audio as (channels, length) float32 at `rate`."""
    audio = np.asarray(generated.audio, np.float32)
    if generated.sample_rate != rate:
        audio = np.asarray(soxr.resample(np.ascontiguousarray(audio.T), generated.sample_rate,
                                         rate, quality="VHQ"), np.float32).reshape(
            -1, audio.shape[0]).T
    if audio.shape[0] != channels:
        mono = audio.mean(axis=0, keepdims=True)
        audio = mono if channels == 1 else np.repeat(mono, channels, axis=0)
    if audio.shape[1] < length:
        audio = np.pad(audio, ((0, 0), (0, length - audio.shape[1])))
    return np.ascontiguousarray(audio[:, :length], np.float32)


def _level_gain(ours: np.ndarray, reference: np.ndarray) -> float:
    """The gain that brings `ours` to the RMS level of `reference`, within ±LEVEL_MATCH_DB."""
    ours_rms = float(np.sqrt(np.mean(np.square(ours, dtype=np.float64)))) if ours.size else 0.0
    ref_rms = (float(np.sqrt(np.mean(np.square(reference, dtype=np.float64))))
               if reference.size else 0.0)
    if ours_rms <= 1e-7 or ref_rms <= 1e-7:
        return 1.0
    limit = 10 ** (LEVEL_MATCH_DB / 20)
    return float(np.clip(ref_rms / ours_rms, 1 / limit, limit))


def _take_sample(story_samples: int, story_rate: int, take_rate: int) -> int:
    return int(round(story_samples * take_rate / story_rate))


def _aligned_lengths(seconds: float, story_rate: int, take_rate: int,
                     most: int | None = None) -> tuple[int, int]:
    """(story samples, take samples) of an extension of about `seconds`, the same length
    in both rates exactly where the room (`most` story samples) allows, so the take's old
    samples stay on their story samples."""
    step = story_rate // math.gcd(story_rate, take_rate)  # story samples per whole take step
    steps = max(int(round(seconds * story_rate / step)), 1)
    if most is not None:
        if most < step:  # less room than one exact step: as close as the rates allow
            return most, max(int(round(most * take_rate / story_rate)), 1)
        steps = min(steps, most // step)
    shift = steps * step
    return shift, shift * take_rate // story_rate


def _region(kind: EditKind, start: int, end: int, seed: int, crossfade: int,
            edit: CompositeEdit, generator: Generator, method: dict,
            request: RenderRequest) -> TakeRegion:
    return TakeRegion(kind=kind.value, start=start, end=end, seed=seed, crossfade=crossfade,
                      parameters={"generator": generator.name,
                                  "generator_version": generator.version, **method,
                                  "request": request.to_json()})


__all__ = ["DEFAULT_CROSSFADE_S", "CompositeEdit", "CompositeTake", "EditKind", "RegionSpan",
           "attach_composite", "crossfade_in", "extension_edit", "region_edit",
           "render_composite", "variation_edit"]
