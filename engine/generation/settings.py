"""Per-event generator settings: what each backend accepts, checked before any work starts.

A backend declares `SETTINGS`, a tuple of `Setting`s; the editor reads them (through
`settings_schema(name)`) to build its inspector fields, and `parse_settings` turns an event's
`generator_settings` into checked values with defaults filled in.
"""
from __future__ import annotations

import importlib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engine.errors import InvalidInput


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str                 # "int", "float", "str" or "choice"
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["choices"] = list(self.choices)
        return data


def settings_schema(generator_name: str) -> list[dict[str, Any]]:
    """The settings a registered generator accepts, as JSON-ready dicts (no weights load)."""
    from engine.generation import _BACKENDS

    if generator_name not in _BACKENDS:
        raise InvalidInput(f"unknown generator {generator_name!r}; choose one of: "
                           f"{', '.join(_BACKENDS)}.")
    module_name, attribute = _BACKENDS[generator_name].split(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    return [setting.to_json() for setting in getattr(factory, "SETTINGS", ())]


def parse_settings(schema: tuple[Setting, ...], given: Mapping[str, Any],
                   generator: str) -> tuple[dict[str, Any], list[str]]:
    """(values with defaults, notes). Unknown keys are ignored with a note: an event keeps
    the settings of a generator it used before, and switching back should still work."""
    known = {s.name: s for s in schema}
    values = {s.name: s.default for s in schema}
    notes = []
    for key, raw in given.items():
        setting = known.get(key)
        if setting is None:
            notes.append(f"setting {key!r} is not used by the {generator} generator")
            continue
        values[key] = _check(setting, raw, generator)
    return values, notes


def _check(setting: Setting, raw: Any, generator: str) -> Any:
    where = f"{generator} setting {setting.name!r}"
    if setting.kind == "choice":
        if raw not in setting.choices:
            raise InvalidInput(f"{where} is {raw!r}; choose one of: {', '.join(setting.choices)}.")
        return raw
    if setting.kind == "str":
        if not isinstance(raw, str):
            raise InvalidInput(f"{where} must be text, got {raw!r}.")
        return raw
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = int(raw) if setting.kind == "int" else float(raw)
        if setting.kind == "int" and value != float(raw):
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput(f"{where} must be a{'n integer' if setting.kind == 'int' else ' number'}"
                           f", got {raw!r}.") from None
    if not math.isfinite(value) or (setting.minimum is not None and value < setting.minimum) or (
            setting.maximum is not None and value > setting.maximum):
        raise InvalidInput(f"{where} is {raw!r}; it must be between {setting.minimum:g} and "
                           f"{setting.maximum:g}.")
    return value


# Settings every model-based backend shares.
DEVICE = Setting("device", "choice", "auto", "where the model runs",
                 choices=("auto", "cuda", "mps", "cpu"))
DTYPE = Setting("dtype", "choice", "auto", "precision of the weights",
                choices=("auto", "bf16", "fp16", "fp32"))
OFFLOAD = Setting("offload", "choice", "auto", "keep weights in RAM and move them to the GPU "
                  "module by module (for small GPUs)", choices=("auto", "on", "off"))
NEGATIVE_PROMPT = Setting("negative_prompt", "str", "", "what the sound should not contain")
CONTEXT_STRENGTH = Setting(
    "context_strength", "float", 0.15, "how far the neighbouring events pull this one's "
    "conditioning (0: caption only)", minimum=0.0, maximum=1.0)
CROSSFADE_S = Setting("crossfade_s", "float", 2.0, "overlap between windows when an event is "
                      "longer than the model's maximum", minimum=0.1, maximum=10.0)
