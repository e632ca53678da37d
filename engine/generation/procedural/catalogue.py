"""The recipe catalogue: what each recipe is (data in resources/sounds/catalogue.json) bound to
how it sounds (code in recipes/)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.generation.procedural.params import SoundParams
from engine.generation.procedural.registry import RecipeCode, all_recipes
from engine.locations import resource_path
from engine.model.story import TrackKind

SOUNDS_FOLDER = resource_path("sounds")
CATALOGUE_FILE = SOUNDS_FOLDER / "catalogue.json"


@dataclass(frozen=True)
class RecipeEntry:
    name: str
    family: str  # recipes that are variants of one source (footsteps on gravel, on snow...)
    category: str  # weather, water, animals, ... (the gallery and tests group by it)
    kind: TrackKind  # the track kind it usually belongs on
    descriptions: tuple[str, ...]  # sentences the caption is compared with, by meaning
    tags: tuple[str, ...]  # words and phrases that name it outright
    bed: bool  # a continuous texture (rain, crowd murmur): diffuse, no single position
    moving: bool  # the recipe moves the source itself (a car passing by)
    doppler: bool  # motion bends its pitch (vehicles, aircraft)
    reverb: float  # how much of the scene's room it takes (0 dry .. 1 drenched)
    tonal: bool  # its sound is a pitch (a bell, a siren, a tune): a noisy render is a fault
    defaults: SoundParams
    select: Mapping[str, Any] = field(default_factory=dict)  # which family variant it is
    code: RecipeCode | None = None

    @property
    def text_for_matching(self) -> tuple[str, ...]:
        return self.descriptions


def _entry(raw: dict, code: RecipeCode | None) -> RecipeEntry:
    return RecipeEntry(
        name=raw["name"], family=raw.get("family", raw["name"]), category=raw["category"],
        kind=TrackKind(raw.get("kind", "effects")), descriptions=tuple(raw["descriptions"]),
        tags=tuple(t.lower() for t in raw.get("tags", ())), bed=bool(raw.get("bed", False)),
        moving=bool(raw.get("moving", False)), doppler=bool(raw.get("doppler", False)),
        reverb=float(raw.get("reverb", 0.5)), tonal=bool(raw.get("tonal", False)),
        defaults=SoundParams().merged(raw.get("defaults", {})),
        select=dict(raw.get("select", {})), code=code)


@lru_cache(maxsize=1)
def _raw_catalogue() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def recipe_names() -> tuple[str, ...]:
    """Every recipe's name, from the data alone (no recipe code is loaded)."""
    return tuple(item["name"] for item in _raw_catalogue()["recipes"])


@lru_cache(maxsize=1)
def catalogue() -> tuple[RecipeEntry, ...]:
    """Every recipe, in catalogue order. Fails loudly if data and code disagree."""
    raw = _raw_catalogue()
    code = all_recipes()
    entries = tuple(_entry(item, code.get(item["name"])) for item in raw["recipes"])
    missing = [e.name for e in entries if e.code is None]
    unlisted = sorted(set(code) - {e.name for e in entries})
    if missing or unlisted:
        raise RuntimeError(f"recipe catalogue out of step with the code: no code for {missing}, "
                           f"no catalogue entry for {unlisted}")
    return entries


def entry(name: str) -> RecipeEntry:
    for item in catalogue():
        if item.name == name:
            return item
    raise KeyError(name)


def catalogue_texts() -> list[tuple[str, str]]:
    """(recipe name, text) for every description: what the matcher embeds."""
    return [(e.name, text) for e in catalogue() for text in e.text_for_matching]
