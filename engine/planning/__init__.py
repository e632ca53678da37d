"""Planner backends, looked up by name. Every backend's output passes `validate_plan`."""
from __future__ import annotations

import importlib
import inspect
from typing import Protocol

from engine.errors import InvalidInput
from engine.planning.arrange import story_from_plan
from engine.planning.plan import Plan, PlannedEvent, PlanRequest
from engine.planning.validate import PlanError, validate_plan
from engine.progress import CancelToken, Progress


class Planner(Protocol):
    name: str

    def plan(self, request: PlanRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> Plan:
        """Return a validated plan for the request (see `validate_plan`)."""
        ...


_BACKENDS = {
    "offline": "engine.planning.offline.planner:OfflinePlanner",
    "transformers": "engine.planning.llm.transformers_planner:TransformersPlanner",
    "openai": "engine.planning.llm.openai_compatible:OpenAICompatiblePlanner",
    "audiostory": "engine.planning.audiostory:AudioStoryPlanner",
}


def planner_names() -> list[str]:
    return list(_BACKENDS)


def planner_options(name: str) -> set[str]:
    """The options a planner takes (e.g. {'model', 'base_url'}), for settings dialogs."""
    if name not in _BACKENDS:
        return set()
    module_name, attribute = _BACKENDS[name].split(":")
    backend = getattr(importlib.import_module(module_name), attribute)
    return {key for key, p in inspect.signature(backend).parameters.items()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}


def get_planner(name: str, **options) -> Planner:
    """The planner called `name`, built with `options` (None values are left out)."""
    if name not in _BACKENDS:
        raise InvalidInput(f"unknown planner {name!r}; choose one of: {', '.join(_BACKENDS)}.")
    module_name, attribute = _BACKENDS[name].split(":")
    backend = getattr(importlib.import_module(module_name), attribute)
    options = {key: value for key, value in options.items() if value is not None}
    accepted = inspect.signature(backend).parameters
    unknown = [key for key in options if key not in accepted]
    if unknown and not any(p.kind == p.VAR_KEYWORD for p in accepted.values()):
        flags = ", ".join("--" + key.replace("_", "-") for key in unknown)
        raise InvalidInput(f"the {name} planner does not take {flags}.")
    return backend(**options)


__all__ = ["Plan", "PlanError", "PlanRequest", "PlannedEvent", "Planner", "get_planner",
           "planner_names", "planner_options", "story_from_plan", "validate_plan"]
