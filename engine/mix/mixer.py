"""Mixer: events placed at exact sample positions on their tracks, summed to a stereo master.

Per event: the take from its offset, resampled once to the story rate where rates differ,
event gain and pan, fades (linear or equal power) and automatic crossfades where clips on one
track touch (`engine.mix.fades`). Per track (a bus): gain, constant-power pan, mute and solo;
tracks that duck under speech dip while the speech tracks speak (`engine.mix.ducking`). The
master is the exact sum of the track stems; master-bus processing (loudness, limiter) is
`engine.mix.master_bus`'s job.

Memory and speed: every clip is added into its stem in place, a cache-sized block at a time,
with the event and track gains folded into one multiply, so an hour-long story needs its
stems and nothing else of that size; the master is summed from them on first use (or a slice
at a time, for export).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import soxr

from engine.audio.channels import fold_down
from engine.audio.gain import db_to_gain, gain_to_db, pan_gains
from engine.errors import ProjectError
from engine.mix.ducking import DuckCurve, DuckSettings, apply_curve, duck_curve
from engine.mix.fades import ClipPlan, TrackClipPlanner, fade_in_gains, fade_out_gains
from engine.model.story import Event, FadeCurve, Story, Track, TrackKind
from engine.progress import CancelToken, Progress, no_progress

TakeAudio = Callable[[Event], "tuple[np.ndarray, int] | None"]  # (audio, rate) or None
FULL_SCALE_CEILING = db_to_gain(-0.1)  # -0.1 dBFS
BLOCK = 1 << 15  # samples per step when adding clips and summing stems (fits in cache)


@dataclass(frozen=True)
class MixSettings:
    crossfade_s: float = 0.010  # automatic crossfade where clips on one track touch; 0: none
    crossfade_curve: FadeCurve = FadeCurve.EQUAL_POWER
    # Turn the whole mix (master and stems alike) down when the master would pass -0.1 dBFS,
    # so a preview never clips. Export leaves it off: its limiter handles peaks.
    headroom_trim: bool = True
    duck: DuckSettings = DuckSettings()  # beds under speech; depth 0 turns it off


@dataclass(frozen=True)
class MixResult:
    # audible track id -> float32 (2, samples), summing to the master; muted tracks have none
    stems: dict[str, np.ndarray]
    sample_rate: int
    length: int  # samples
    safety_gain_db: float = 0.0  # 0 unless the mix was turned down to stay below 0 dBFS
    clips: dict[str, ClipPlan] = field(default_factory=dict)  # event id -> what was placed
    ducking: dict[str, DuckCurve] = field(default_factory=dict)  # track id -> gain it got

    @cached_property
    def master(self) -> np.ndarray:
        """float32 (2, samples): the sum of the stems (made on first use, then kept)."""
        return sum_stems(list(self.stems.values()), self.length)

    def master_source(self) -> StemSum | np.ndarray:
        """The master without a full-size buffer: any part of it summed on request (or the
        buffer, once `master` has been made)."""
        if "master" in self.__dict__:
            return self.__dict__["master"]
        return StemSum(list(self.stems.values()), self.length)


class StemSum:
    """The sum of the stems, computed a slice at a time: `source[:, a:b]`, `source.shape`.
    Export reads the master this way, so an hour-long mix never needs a master buffer."""

    def __init__(self, stems: list[np.ndarray], length: int) -> None:
        self.stems = stems
        self.shape = (2, length)
        self.dtype = np.dtype(np.float32)

    def __getitem__(self, key) -> np.ndarray:
        rows, columns = key
        if not isinstance(rows, slice) or not isinstance(columns, slice) \
                or columns.step not in (None, 1):
            raise IndexError("StemSum supports [rows, start:stop] only")
        start, stop, _ = columns.indices(self.shape[1])
        channels = len(range(*rows.indices(self.shape[0])))
        return sum_stems([stem[rows, start:stop] for stem in self.stems],
                         max(stop - start, 0), channels)


class Mixer:
    def __init__(self, settings: MixSettings = MixSettings()) -> None:
        self.settings = settings

    def mix(self, story: Story, take_audio: TakeAudio, progress: Progress = no_progress,
            cancel: CancelToken | None = None) -> MixResult:
        length = story.duration
        audible = audible_tracks(story)
        # muted (or not soloed) tracks get no stem: an hour-long stem is 1.4 GB of silence
        stems = {track.id: np.zeros((2, length), dtype=np.float32) for track in story.tracks
                 if track.id in audible}
        clips: dict[str, ClipPlan] = {}
        events = [e for e in story.events if e.track_id in audible]
        done, total = 0, max(len(events), 1)
        scratch = np.empty((2, BLOCK), dtype=np.float32)
        for track in story.tracks:
            if track.id not in audible:
                continue
            planner = self.track_planner(story, track)
            written_to = 0  # clips come in start order: past this, the stem is still zero
            for event in planner.events:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                audio = story_rate_audio(take_audio(event), story.sample_rate)
                plan = planner.plan(event, None if audio is None else audio.shape[1])
                if plan is not None and audio is not None:
                    add_clip(stems[track.id], audio, plan, clip_gains(event, track), scratch,
                             untouched_from=written_to)
                    written_to = max(written_to, plan.end)
                    clips[event.id] = plan
                done += 1
                progress(0.9 * done / total, f"mixed {event.caption}")
        ducking = self.duck(story, stems, audible)
        safety_gain_db = 0.0
        if self.settings.headroom_trim:
            peak = peak_level(StemSum(list(stems.values()), length))
            if not np.isfinite(peak):  # NaN and infinity reach the sum from any clip
                raise non_finite_error(story, take_audio, clips)
            if peak > FULL_SCALE_CEILING:
                gain = np.float32(FULL_SCALE_CEILING / peak)
                for buffer in stems.values():
                    buffer *= gain
                safety_gain_db = gain_to_db(float(gain))
        progress(1.0, "mixed")
        return MixResult(stems, story.sample_rate, length, safety_gain_db, clips, ducking)

    def duck(self, story: Story, stems: dict[str, np.ndarray],
             audible: set[str]) -> dict[str, DuckCurve]:
        """Dip the tracks that duck under speech, keyed by the audible speech stems."""
        if self.settings.duck.depth_db >= 0:
            return {}
        speech = [stems[t.id] for t in story.tracks
                  if t.kind == TrackKind.SPEECH and t.id in audible]
        ducked = [t.id for t in story.tracks if t.id in audible
                  and t.kind != TrackKind.SPEECH and t.ducks_under_speech()]
        if not speech or not ducked:
            return {}
        curve = duck_curve(StemSum(speech, story.duration), story.sample_rate,
                           self.settings.duck)
        for track_id in ducked:
            apply_curve(stems[track_id], curve)
        return {track_id: curve for track_id in ducked}

    def track_planner(self, story: Story, track: Track) -> TrackClipPlanner:
        keys = {}
        for event in story.events_on(track.id):
            take = event.active_take()
            keys[event.id] = take.path if take is not None else None
        return TrackClipPlanner(
            sorted(story.events_on(track.id), key=lambda e: (e.start, e.id)),
            story.to_samples(self.settings.crossfade_s), self.settings.crossfade_curve,
            story.sample_rate, keys)


def non_finite_error(story: Story, take_audio: TakeAudio,
                     clips: dict[str, ClipPlan]) -> ProjectError:
    """The error for a mix that holds NaN or infinite samples, naming the events whose
    takes hold them (found only now, on the way to the error: the mix itself never pays
    for the search)."""
    culprits = []
    for event_id in clips:
        take = take_audio(story.event(event_id))
        if take is not None and not np.isfinite(np.asarray(take[0])).all():
            culprits.append(event_id)
    which = (f"the takes of {', '.join(culprits[:5])}{' and others' * (len(culprits) > 5)} "
             "hold" if culprits else "a take holds")
    return ProjectError(f"cannot mix: {which} samples that are not numbers (NaN or "
                        "infinity); render those events again or import a repaired file.")


def audible_tracks(story: Story) -> set[str]:
    soloed = any(track.solo for track in story.tracks)
    return {t.id for t in story.tracks if not t.mute and (t.solo or not soloed)}


def story_rate_audio(take: tuple[np.ndarray, int] | None, sample_rate: int) -> np.ndarray | None:
    """A take as float32 (1 or 2 channels, samples) at the story rate (resampled once), or
    None. Surround takes are folded down to stereo first (ITU-R BS.775)."""
    if take is None:
        return None
    audio, rate = take
    audio = fold_down(np.asarray(audio, dtype=np.float32))  # before resampling: fewer rows
    if rate != sample_rate:
        audio = np.asarray(resample(audio, rate, sample_rate), dtype=np.float32)
    return audio


def clip_gains(event: Event, track: Track) -> np.ndarray:
    """Left and right gain of a clip: event gain, track gain and pan in one. The event's pan
    places it relative to its track's (positions add, kept within -1 ... +1), and one
    constant-power law turns the position into gains."""
    gain = db_to_gain(event.gain_db + track.gain_db)
    left, right = pan_gains(min(max(track.pan + event.pan, -1.0), 1.0))
    return np.array([[gain * left], [gain * right]], dtype=np.float32)


def add_clip(stem: np.ndarray, audio: np.ndarray, plan: ClipPlan, gains: np.ndarray,
             scratch: np.ndarray | None = None, untouched_from: int | None = None) -> None:
    """Add a planned clip into a (2, samples) buffer in place, a block at a time.

    Samples of `stem` from `untouched_from` on are known to be still zero: there the clip is
    written straight into the stem instead of being added (half the memory traffic).
    """
    length = min(plan.length, stem.shape[1] - plan.start)
    if length <= 0:
        return
    if untouched_from is None:
        untouched_from = stem.shape[1]
    if scratch is None:
        scratch = np.empty((2, BLOCK), dtype=np.float32)
    fade_in = fade_in_gains(plan.fade_in.length, plan.fade_in.curve)
    fade_out = fade_out_gains(plan.fade_out.length, plan.fade_out.curve)
    fade_out_at = plan.length - plan.fade_out.length
    for offset in range(0, length, BLOCK):
        n = min(BLOCK, length - offset)
        target = stem[:, plan.start + offset: plan.start + offset + n]
        fresh = plan.start + offset >= untouched_from
        out = target if fresh else scratch[:, :n]
        source = audio[:, plan.source_start + offset: plan.source_start + offset + n]
        np.multiply(source, gains, out=out)  # a mono take feeds both sides
        _apply_curve(out, offset, fade_in, 0)
        _apply_curve(out, offset, fade_out, fade_out_at)
        if not fresh:
            np.add(target, out, out=target)


def render_clip(audio: np.ndarray, plan: ClipPlan, gains: np.ndarray) -> np.ndarray:
    """The planned clip alone, as (2, plan.length): what it adds to its stem from plan.start."""
    return clip_span(audio, plan, gains, 0, plan.length)


def clip_span(audio: np.ndarray, plan: ClipPlan, gains: np.ndarray, start: int, stop: int
              ) -> np.ndarray:
    """Samples start..stop of the planned clip alone, as (2, n): the same arithmetic as
    `add_clip`, for one stretch (an audition reads a clip a block at a time)."""
    start, stop = max(start, 0), min(stop, plan.length)
    out = np.empty((2, max(stop - start, 0)), dtype=np.float32)
    if stop > start:
        source = plan.source_start
        np.multiply(audio[:, source + start: source + stop], gains, out=out)
        _apply_curve(out, start, fade_in_gains(plan.fade_in.length, plan.fade_in.curve), 0)
        _apply_curve(out, start, fade_out_gains(plan.fade_out.length, plan.fade_out.curve),
                     plan.length - plan.fade_out.length)
    return out


def _apply_curve(block: np.ndarray, block_start: int, curve: np.ndarray, curve_start: int) -> None:
    """Multiply the part of `block` (clip samples from block_start) that the curve covers."""
    lo = max(block_start, curve_start)
    hi = min(block_start + block.shape[1], curve_start + curve.size)
    if lo < hi:
        block[:, lo - block_start: hi - block_start] *= curve[lo - curve_start: hi - curve_start]


def sum_stems(stems: list[np.ndarray], length: int, channels: int = 2) -> np.ndarray:
    """master = stems[0] + stems[1] + ..., a block at a time (one read of each stem)."""
    master = np.empty((channels, length), dtype=np.float32)
    if not stems:
        master.fill(0.0)
        return master
    for start in range(0, length, BLOCK):
        out = master[:, start:start + BLOCK]
        np.copyto(out, stems[0][:, start:start + BLOCK])
        for stem in stems[1:]:
            np.add(out, stem[:, start:start + BLOCK], out=out)
    return master


def peak_level(audio: np.ndarray | StemSum) -> float:
    """Largest absolute sample, a block at a time (no full-size temporary)."""
    peak = 0.0
    for start in range(0, audio.shape[1], BLOCK):
        block = audio[:, start:start + BLOCK]
        if block.size:
            peak = max(peak, float(block.max()), -float(block.min()))
    return peak


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Very-high-quality band-limited resampling (libsoxr)."""
    out = soxr.resample(np.ascontiguousarray(audio.T), from_rate, to_rate, quality="VHQ")
    return np.ascontiguousarray(np.atleast_2d(out.T) if out.ndim == 1 else out.T)
