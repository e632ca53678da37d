"""Turn a validated plan into a story: exact sample positions on tracks ("lanes").

Events of one kind that overlap in time go on separate tracks of that kind, so every clip is
visible on the timeline and the mixer never has to crossfade sounds the plan meant to layer.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from engine.model.story import DEFAULT_SAMPLE_RATE, Event, Scene, Story, Track, TrackKind
from engine.planning.plan import Plan
from engine.planning.validate import validate_plan

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
    lanes: dict[TrackKind, list[_Lane]] = {kind: [] for kind in KIND_ORDER}
    events: list[Event] = []
    for index, planned in enumerate(plan.events, start=1):
        start = int(round(planned.start_s * sample_rate))
        duration = max(int(round(planned.duration_s * sample_rate)), 1)
        lane = _free_lane(lanes[planned.track], planned.track, start)
        lane.busy_until = start + duration
        events.append(Event(id=f"e{index}", track_id=lane.track.id, start=start, duration=duration,
                            caption=planned.caption, tone=planned.tone, cues=planned.cues,
                            seed=event_seed(seed, index), generator=generator))
    story.tracks = [lane.track for kind in KIND_ORDER for lane in lanes[kind]]
    story.scenes = [Scene(id="s1", title="Scene 1", start=0, end=story.duration,
                          tone=_usual_tone(events))]
    for event in events:
        event.scene_id = "s1"
    story.events = events
    return story


def _usual_tone(events: list[Event]) -> str:
    tones = Counter(e.tone for e in events if e.tone != "neutral")
    return tones.most_common(1)[0][0] if tones else "neutral"


@dataclass
class _Lane:
    track: Track
    busy_until: int = 0


def _free_lane(lanes: list[_Lane], kind: TrackKind, start: int) -> _Lane:
    for lane in lanes:
        if lane.busy_until <= start:
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
