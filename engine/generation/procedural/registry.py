"""Recipe functions by name. The catalogue data (descriptions, tags, defaults) lives in
resources/sounds/catalogue.json; this is the code side, bound to it by name."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.generation.procedural.params import RecipeContext

RecipeFunction = Callable[[RecipeContext], np.ndarray]


@dataclass(frozen=True)
class RecipeCode:
    name: str
    function: RecipeFunction
    rate: int  # rendered at this rate, then resampled: low-band sounds cost less at 16 kHz


RECIPES: dict[str, RecipeCode] = {}


def recipe(name: str, rate: int = 48_000) -> Callable[[RecipeFunction], RecipeFunction]:
    def register(function: RecipeFunction) -> RecipeFunction:
        if name in RECIPES:
            raise ValueError(f"recipe {name!r} is defined twice")
        RECIPES[name] = RecipeCode(name, function, rate)
        return function

    return register


def all_recipes() -> dict[str, RecipeCode]:
    from engine.generation.procedural import recipes  # noqa: F401  (importing the package registers every recipe)

    return RECIPES
