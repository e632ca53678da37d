"""Which recording an event gets.

1. Every file is scored for the caption (`LibrarySearch.scores`), plus a small prior for the
   track: beds want recordings that sound throughout and last, foreground sounds short ones.
2. Coherence: the event's source identity ("dog", "dog:2" for another dog, "dog:rex" from a
   `source` cue) picks a recording family - the files of one folder that share an FX name
   once take numbers are dropped (`Bark Close 01`, `Bark Close 02`: the same dog). The
   family is the best one for the identity's own words, so every event of that identity in
   the story gets it, whatever its caption says; "another dog" takes the next family.
   When no file of that family matches the caption well enough, the whole library is used.
3. The seed: of the K candidates within `SEED_MARGIN` of the best, seed N takes number
   N mod K, so seed + 1 is the next-best candidate, and the same seed always the same file.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from engine.library import LibrarySearch
from engine.library.describe import name_words

SEED_MARGIN = 0.08
MAX_ALTERNATIVES = 8
FAMILY_MARGIN = 0.05
BED_KINDS = ("ambience", "music")
_BED_PRIOR = 0.06     # beds: recordings of at least BED_MIN_S
_BED_MIN_S = 4.0
_SHORT_PENALTY = 0.1  # beds: one-shots under a second or two are not beds
_LONG_PENALTY = 0.05  # foreground: an hour of ambience is rarely the door slam wanted


@dataclass(frozen=True)
class Candidate:
    id: int
    score: float
    rank: int      # 0: the best match for the caption in the whole library
    family: str


@dataclass(frozen=True)
class Choice:
    picked: Candidate
    best: Candidate       # the best match anywhere (what the fallback threshold reads)
    alternatives: int     # how many near-best candidates the seed chose among
    family_kept: bool     # the identity's family supplied the file


def family_key(folder_path: str, fx_name: str) -> str:
    words = " ".join(name_words(re.sub(r"\d+", " ", fx_name)))
    return f"{folder_path}|{words}"


def rank(search: LibrarySearch, caption: str, track_kind: str) -> list[Candidate]:
    matrix, scores = search.scores(caption)
    if not scores.size:
        return []
    scores = scores + _kind_prior(matrix.durations, track_kind)
    order = np.argsort(-scores, kind="stable")[:200]
    ids = [int(matrix.ids[r]) for r in order]
    families = _families(search, ids)
    return [Candidate(i, float(scores[r]), n, families[i])
            for n, (i, r) in enumerate(zip(ids, order))]


def choose(search: LibrarySearch, caption: str, track_kind: str, identity: str,
           identity_words: str, seed: int) -> Choice | None:
    ranked = rank(search, caption, track_kind)
    if not ranked:
        return None
    best = ranked[0]
    family = identity_family(search, identity, identity_words, track_kind)
    pool = ranked
    family_kept = False
    if family is not None:
        members = [c for c in ranked if c.family == family]
        if members and members[0].score >= best.score - 2 * SEED_MARGIN - 0.1:
            pool, family_kept = members, True
    near = [c for c in pool if c.score >= pool[0].score - SEED_MARGIN][:MAX_ALTERNATIVES]
    picked = near[seed % len(near)]
    return Choice(picked, best, len(near), family_kept)


def identity_family(search: LibrarySearch, identity: str, words: str,
                    track_kind: str) -> str | None:
    """The recording family of a source identity: the best family for its words, the
    second best for "another" one (`dog:2`), a named one's by its name."""
    ranked = rank(search, words, track_kind)
    if not ranked:
        return None
    families: list[str] = []
    for candidate in ranked:
        if candidate.score < ranked[0].score - FAMILY_MARGIN - 0.15:
            break
        if candidate.family not in families:
            families.append(candidate.family)
    mark = identity.partition(":")[2]
    step = int(mark) - 1 if mark.isdigit() else (sum(map(ord, mark)) if mark else 0)
    return families[step % len(families)]


def _families(search: LibrarySearch, ids: list[int]) -> dict[int, str]:
    rows = search.index.rows(ids, ("folder", "path", "fx_name"))
    out = {}
    for file_id, (folder, path, fx_name) in rows.items():
        out[file_id] = family_key(os.path.dirname(path) or folder, fx_name)
    return out


def _kind_prior(durations: np.ndarray, track_kind: str) -> np.ndarray:
    if track_kind in BED_KINDS:
        return np.where(durations >= _BED_MIN_S, _BED_PRIOR,
                        np.where(durations < 1.5, -_SHORT_PENALTY, 0.0)).astype(np.float32)
    return np.where(durations > 120.0, -_LONG_PENALTY, 0.0).astype(np.float32)
