"""Recipe functions by name. The catalogue data (descriptions, tags, defaults) lives in
resources/sounds/catalogue.json; this is the code side, bound to it by name.

Whatever a recipe's own function builds (one channel or two), `RecipeCode.render` returns
one shape: float32 `(channels, samples)`, exactly the context's `n` samples long.
"""
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

    def render(self, context: RecipeContext) -> np.ndarray:
        """The recipe's sound as float32 (channels, context.n), one or two channels."""
        audio = np.asarray(self.function(context))
        if audio.ndim == 1:
            audio = audio[None, :]
        if audio.ndim != 2 or audio.shape[0] not in (1, 2):
            raise ValueError(f"recipe {self.name!r} returned audio shaped {audio.shape}")
        if audio.shape[1] != context.n:
            audio = audio[:, :context.n] if audio.shape[1] > context.n else np.pad(
                audio, ((0, 0), (0, context.n - audio.shape[1])))
        return np.ascontiguousarray(audio, dtype=np.float32)


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
