"""The procedural generator's per-event settings: declared for the inspector, checked before
any work starts (`engine.generation.settings`).

A setting the event does not carry leaves the decision to the caption and the recipe ("a
dog barks twice in the distance" sets count and distance). One the event carries overrides
the caption's words. The inspector stores only values that differ from the defaults, so a
number left at 0.5 (or a choice left at "auto", a count at 0) is the caption's to decide.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InvalidInput
from engine.generation.procedural.catalogue import recipe_names
from engine.generation.procedural.params import ENVELOPES, MATERIALS, MOTIONS
from engine.generation.settings import Setting, parse_settings

AUTO = "auto"
NONE = "none"
LOOP_CHOICES = (AUTO, "on", "off")


def _unit(name: str, meaning: str) -> Setting:
    return Setting(name, "float", 0.5, f"{meaning}, 0..1 (0.5 is ordinary; left there, the "
                   "caption decides)", minimum=0.0, maximum=1.0)


SETTINGS: tuple[Setting, ...] = (
    Setting("recipe", "choice", AUTO, "the sound recipe to play (auto: the caption chooses; "
            "the caption still gives distance, count, ...)", choices=(AUTO, *recipe_names())),
    _unit("intensity", "soft .. violent"),
    _unit("distance", "close .. far away"),
    _unit("brightness", "dark, muffled .. bright, sharp"),
    _unit("speed", "slow .. fast (steps, knocks, a melody)"),
    _unit("size", "tiny .. huge (a big dog barks lower)"),
    Setting("material", "choice", AUTO, "what is walked on or struck",
            choices=(AUTO, *MATERIALS)),
    Setting("count", "int", 0, "how many barks, knocks, shots, tolls (0: the caption decides, "
            "or the sound fills the event)", minimum=0, maximum=64),
    Setting("motion", "choice", AUTO, "the source moves (none: it stays put whatever the "
            "caption says)", choices=(AUTO, NONE, *MOTIONS)),
    Setting("envelope", "choice", AUTO, "the level over the event",
            choices=(AUTO, NONE, *ENVELOPES)),
    Setting("muffled", "choice", AUTO, "heard through a wall or a closed door",
            choices=(AUTO, "yes", "no")),
    Setting("loop", "choice", AUTO, "on: a seamless loop (its end runs into its start, for "
            "a game or a DAW loop); off: never built from a loop; auto: beds longer than "
            "45 s repeat a seamless 30 s loop", choices=LOOP_CHOICES),
)
_OPTIONAL_CHOICES = ("material", "motion", "envelope")


@dataclass(frozen=True)
class ProceduralSettings:
    recipe: str | None = None  # None: the caption chooses
    overrides: Mapping[str, Any] = field(default_factory=dict)  # SoundParams fields set
    loop: str = AUTO
    notes: tuple[str, ...] = ()


def read_settings(given: Mapping[str, Any]) -> ProceduralSettings:
    """An event's generator_settings, checked: a bad value is one clear InvalidInput."""
    given = dict(given)
    name = given.get("recipe")
    if name not in (None, "", AUTO) and name not in recipe_names():
        raise InvalidInput(f"unknown sound recipe {name!r}; see resources/sounds/catalogue.json "
                           "for the names.")
    if given.get("recipe") == "":
        given.pop("recipe")
    if isinstance(given.get("muffled"), bool):  # stories written before the setting was a choice
        given["muffled"] = "yes" if given["muffled"] else "no"
    values, notes = parse_settings(SETTINGS, given, "procedural")
    overrides: dict[str, Any] = {}
    for key in ("intensity", "distance", "brightness", "speed", "size"):
        if key in given:
            overrides[key] = values[key]
    if values["count"]:
        overrides["count"] = values["count"]
    for key in _OPTIONAL_CHOICES:
        if values[key] == NONE:
            overrides[key] = None
        elif values[key] != AUTO:
            overrides[key] = values[key]
    if values["muffled"] != AUTO:
        overrides["muffled"] = values["muffled"] == "yes"
    recipe = values["recipe"] if values["recipe"] != AUTO else None
    return ProceduralSettings(recipe=recipe, overrides=overrides, loop=values["loop"],
                              notes=tuple(notes))
