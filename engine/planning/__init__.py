"""Planner backends, looked up by name. Every backend's output passes `validate_plan`."""
from __future__ import annotations

import importlib
from typing import Protocol

from ..errors import InvalidInput
from ..progress import CancelToken, Progress
from .arrange import story_from_plan
from .plan import Plan, PlannedEvent, PlanRequest
from .validate import PlanError, validate_plan


class Planner(Protocol):
    name: str

    def plan(self, request: PlanRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> Plan:
        """Return a validated plan for the request (see `validate_plan`)."""
        ...


_BACKENDS = {
    "offline": "engine.planning.offline:OfflinePlanner",
    "audiostory": "engine.planning.audiostory:AudioStoryPlanner",
}


def planner_names() -> list[str]:
    return list(_BACKENDS)


def get_planner(name: str, **options) -> Planner:
    if name not in _BACKENDS:
        raise InvalidInput(f"unknown planner {name!r}; choose one of: {', '.join(_BACKENDS)}.")
    module_name, attribute = _BACKENDS[name].split(":")
    return getattr(importlib.import_module(module_name), attribute)(**options)


__all__ = ["Plan", "PlanError", "PlanRequest", "PlannedEvent", "Planner", "get_planner",
           "planner_names", "story_from_plan", "validate_plan"]
