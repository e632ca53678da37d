"""A plan: what every planner backend returns, before it becomes a story.

Times are in seconds here (planners think in seconds); `engine.planning.arrange` turns a
validated plan into exact sample positions on tracks. A plan is told in scenes: stretches of
story time with one place, time of day and mood ("Night storm", "Dawn"); every event belongs
to one of them (`PlannedEvent.scene`, an index into `Plan.scenes`).
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from engine.model.story import TrackKind


class PlannedScene(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(default="", description='a short title: "Night storm", "Dawn"')
    start_s: float
    end_s: float
    place: str = Field(default="", description="where it plays: harbour, forest, kitchen")
    time_of_day: str = Field(default="", description="night, dawn, morning, noon, dusk, evening")
    tone: str = "neutral"

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class PlannedEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    caption: str = Field(description="source, action and acoustic qualities; about 25 words at most")
    track: TrackKind
    start_s: float
    duration_s: float
    tone: str = "neutral"
    cues: dict[str, str] = Field(default_factory=dict,
                                 description="story context: place, time of day, intensity")
    scene: int = Field(default=0, description="index of the scene it belongs to in Plan.scenes")
    gain_db: float = Field(default=0.0, description="level relative to its track's usual level "
                                                   "(distant sounds lower, close ones higher)")
    pan: float = Field(default=0.0, description="-1 left, 0 centre, +1 right")
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    text: str = Field(default="", description="speech: the exact words said (no quotes)")
    speaker: str = Field(default="", description="speech: who says them, as the story names "
                                                 "them (\"the captain\"); empty: unknown")
    delivery: str = Field(default="", description="speech: how (shouted, whispered, calm, "
                                                  "laughing, sad, angry, frightened, excited)")


class Plan(BaseModel):
    model_config = ConfigDict(extra="ignore")

    duration_s: float = Field(gt=0)
    reasoning: str = Field(default="", description="how many events, in what order, and when")
    scenes: list[PlannedScene] = Field(default_factory=list,
                                       description="in story order, covering the story")
    events: list[PlannedEvent]
    planner: str = ""
    warnings: list[str] = Field(default_factory=list, description="shown to the user")


@dataclass(frozen=True)
class PlanRequest:
    prompt: str
    duration_s: float
    seed: int = 0
