"""Training items per rank: under `accelerate launch`, each process trains on its own share."""
from __future__ import annotations

from itertools import islice

import pytest

from engine.training.sampling import ItemOrder


def draws(count: int, world_size: int, steps: int, seed: int = 1) -> list[list[int]]:
    return [list(islice(ItemOrder(count, seed, rank, world_size), steps))
            for rank in range(world_size)]


def test_ranks_draw_different_items_at_every_step_and_share_each_epoch():
    ranks = draws(count=8, world_size=4, steps=6)  # an epoch is 2 steps per rank
    for step in range(6):
        assert len({rank[step] for rank in ranks}) == 4, step
    for epoch in range(3):
        seen = sorted(i for rank in ranks for i in rank[2 * epoch:2 * epoch + 2])
        assert seen == list(range(8)), epoch
    assert ranks[0][:2] != ranks[0][2:4] or ranks[0][2:4] != ranks[0][4:6]  # reshuffled


def test_one_process_sees_every_item_once_per_epoch_in_a_repeatable_order():
    (alone,) = draws(count=5, world_size=1, steps=10)
    assert sorted(alone[:5]) == sorted(alone[5:]) == list(range(5))
    assert draws(count=5, world_size=1, steps=10) == [alone]
    assert draws(count=5, world_size=1, steps=10, seed=2) != [alone]


def test_fewer_items_than_ranks_still_gives_every_rank_work():
    ranks = draws(count=3, world_size=4, steps=2)
    assert all(0 <= i < 3 for rank in ranks for i in rank)
    assert {rank[0] for rank in ranks} == {0, 1, 2}  # all of them, one twice


def test_bad_ranks_are_refused():
    with pytest.raises(ValueError, match="rank 2 is not one of 2"):
        ItemOrder(4, 1, rank=2, world_size=2)
    with pytest.raises(ValueError, match="no training items"):
        ItemOrder(0, 1)
