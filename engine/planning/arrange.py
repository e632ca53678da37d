"""Turn a validated plan into a story: exact sample positions on tracks ("lanes").

Events of one kind that overlap in time go on separate tracks of that kind, so every clip is
visible on the timeline and the mixer never has to crossfade sounds the plan meant to layer.
The one overlap kept on a lane is a hand-over: a bed of the next scene that starts while a
bed of the scene before fades out (by at most HANDOVER_MAX_S) takes over its lane, so the
mixer crossfades the two (engine.mix.fades). Plan scenes become the story's scenes s1, s2, ...
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.generation.speech.casting import NARRATOR, cast_speakers, normalise
from engine.model.story import (
    DEFAULT_SAMPLE_RATE,
    Event,
    FadeCurve,
    Scene,
    Story,
    Track,
    TrackKind,
)
from engine.planning.plan import Plan, PlannedEvent
from engine.planning.validate import validate_plan

HANDOVER_MAX_S = 4.0
BED_KINDS = (TrackKind.AMBIENCE, TrackKind.MUSIC)

KIND_ORDER = (TrackKind.AMBIENCE, TrackKind.EFFECTS, TrackKind.MUSIC, TrackKind.SPEECH)
KIND_NAMES = {TrackKind.AMBIENCE: "Ambience", TrackKind.EFFECTS: "Effects",
              TrackKind.MUSIC: "Music", TrackKind.SPEECH: "Speech"}


def event_seed(story_seed: int, index: int) -> int:
    """A stable per-event seed derived from the story seed (fits in 31 bits)."""
    return (story_seed * 1_000_003 + index * 7_919 + 1) % (2 ** 31)


def story_from_plan(plan: Plan, prompt: str, title: str = "", seed: int = 0,
                    sample_rate: int = DEFAULT_SAMPLE_RATE, generator: str = "procedural") -> Story:
    plan = validate_plan(plan, plan.duration_s, plan.planner)  # nothing unvalidated gets in
    story = Story(title=title or _title_from(prompt), prompt=prompt, sample_rate=sample_rate,
                  duration=int(round(plan.duration_s * sample_rate)), seed=seed)
    story.scenes = _scenes(plan, story)
    lanes: dict[TrackKind, list[_Lane]] = {kind: [] for kind in KIND_ORDER}
    events: list[Event] = []
    handover = int(round(HANDOVER_MAX_S * sample_rate))
    cast = cast_speakers([p.speaker or NARRATOR for p in plan.events if p.text], seed)
    for index, planned in enumerate(plan.events, start=1):
        start = int(round(planned.start_s * sample_rate))
        duration = max(int(round(planned.duration_s * sample_rate)), 1)
        lane = _free_lane(lanes[planned.track], planned, start, handover)
        lane.busy_until, lane.scene = start + duration, planned.scene
        fades = {"fade_in_s": planned.fade_in_s, "fade_out_s": planned.fade_out_s}
        if planned.track in BED_KINDS and (planned.fade_in_s or planned.fade_out_s):
            fades["fade_curve"] = FadeCurve.EQUAL_POWER  # beds hand over without a dip
        fields = {"generator": generator, **fades, **_spoken(planned, cast)}
        events.append(Event(id=f"e{index}", track_id=lane.track.id, start=start, duration=duration,
                            caption=planned.caption, tone=planned.tone, cues=planned.cues,
                            seed=event_seed(seed, index),
                            scene_id=story.scenes[planned.scene].id, gain_db=planned.gain_db,
                            pan=planned.pan, **fields))
    story.tracks = [lane.track for kind in KIND_ORDER for lane in lanes[kind]]
    story.events = events
    return story


def _spoken(planned: PlannedEvent, cast: dict[str, str]) -> dict:
    """A line with words is spoken by the speech generator in its speaker's cast voice
    (whatever generator renders the sounds: a diffusion model cannot say words)."""
    if not planned.text:
        return {}
    speaker = planned.speaker or NARRATOR
    return {"text": planned.text, "speaker": speaker, "delivery": planned.delivery or None,
            "generator": "speech", "generator_settings": {"voice": cast[normalise(speaker)]}}


def _scenes(plan: Plan, story: Story) -> list[Scene]:
    """The plan's scenes at exact samples: each ends where the next starts."""
    starts = [story.to_samples(scene.start_s) for scene in plan.scenes]
    ends = [*starts[1:], story.duration]
    return [Scene(id=f"s{number}", title=scene.title or f"Scene {number}", start=start,
                  end=end, place=scene.place, time_of_day=scene.time_of_day, tone=scene.tone)
            for number, (scene, start, end) in enumerate(zip(plan.scenes, starts, ends), start=1)]


@dataclass
class _Lane:
    track: Track
    busy_until: int = 0
    scene: int = -1  # the scene of the lane's last event


def _free_lane(lanes: list[_Lane], planned: PlannedEvent, start: int, handover: int) -> _Lane:
    kind = planned.track
    for lane in lanes:
        if lane.busy_until <= start:
            return lane
    if kind in BED_KINDS:  # a bed of the next scene takes over from one fading out
        for lane in lanes:
            if lane.scene < planned.scene and lane.busy_until - start <= handover:
                return lane
    number = len(lanes) + 1
    lane = _Lane(Track(id=f"{kind.value}-{number}", name=f"{KIND_NAMES[kind]} {number}",
                       kind=kind))
    lanes.append(lane)
    return lane


def _title_from(prompt: str) -> str:
    words = prompt.split()
    title = " ".join(words[:8])
    return (title + ("…" if len(words) > 8 else "")) or "Untitled story"
