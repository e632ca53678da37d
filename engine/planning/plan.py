"""A plan: what every planner backend returns, before it becomes a story.

Times are in seconds here (planners think in seconds); `engine.planning.arrange` turns a
validated plan into exact sample positions on tracks.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from engine.model.story import TrackKind


class PlannedEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    caption: str = Field(description="source, action and acoustic qualities; about 25 words at most")
    track: TrackKind
    start_s: float
    duration_s: float
    tone: str = "neutral"
    cues: dict[str, str] = Field(default_factory=dict,
                                 description="story context: place, time of day, intensity")


class Plan(BaseModel):
    model_config = ConfigDict(extra="ignore")

    duration_s: float = Field(gt=0)
    reasoning: str = Field(default="", description="how many events, in what order, and when")
    events: list[PlannedEvent]
    planner: str = ""
    warnings: list[str] = Field(default_factory=list, description="shown to the user")


@dataclass(frozen=True)
class PlanRequest:
    prompt: str
    duration_s: float
    seed: int = 0
