"""Which training item each step uses, on each process of a (possibly distributed) run.

Under `accelerate launch` every process runs the same loop with the same seed. Drawing
items from a seeded generator would give every rank the same item each step: N GPUs doing
one GPU's work N times over. Instead each epoch has one shuffled order, the same on every
rank (same seed), and rank r takes its items r, r + N, r + 2N, ... of it, as torch's
DistributedSampler does: the ranks train on different items each step and together see
every item once per epoch. When the items do not divide evenly, the order wraps round to
fill the last places, so every rank takes the same number of steps per epoch.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np


class ItemOrder:
    """An endless iterator of item indices for one rank."""

    def __init__(self, count: int, seed: int, rank: int = 0, world_size: int = 1) -> None:
        if count < 1:
            raise ValueError("there are no training items to draw from")
        if world_size < 1 or not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} is not one of {world_size} processes")
        self.count = count
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self._epoch = 0
        self._pending: Iterator[int] = iter(())

    def epoch_items(self, epoch: int) -> list[int]:
        """This rank's items in `epoch`, in the order it uses them."""
        order = np.random.default_rng([self.seed, epoch]).permutation(self.count)
        per_rank = math.ceil(self.count / self.world_size)
        padded = np.resize(order, per_rank * self.world_size)  # wraps round to fill
        return [int(i) for i in padded[self.rank::self.world_size]]

    def __iter__(self) -> ItemOrder:
        return self

    def __next__(self) -> int:
        index = next(self._pending, None)
        if index is None:
            self._pending = iter(self.epoch_items(self._epoch))
            self._epoch += 1
            index = next(self._pending)
        return index
