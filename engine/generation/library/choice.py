"""Which recording an event gets.

1. Every file is scored for the caption (`LibrarySearch.scores`), plus a small prior for the
   track: beds want recordings that sound throughout and last, foreground sounds short ones.
2. Coherence: the event's source identity ("dog", "dog:2" for another dog, "dog:rex" from a
   `source` cue) picks a recording family - the files of one folder that share an FX name
   once take numbers are dropped (`Bark Close 01`, `Bark Close 02`: the same dog). The
   family is the best one for the identity's words and what the story prompt says of them
   ("dog: a large dog barks at the gate"), the same text for every event of that identity,
   so they all get it; "another dog" takes the next family. When the family's best file
   for the caption scores more than `FAMILY_KEEP_MARGIN` under the best in the library (the
   caption asks for something that family does not hold), the whole library is used.
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
from engine.library.ucs import singular

SEED_MARGIN = 0.08
MAX_ALTERNATIVES = 8
FAMILY_MARGIN = 0.05
FAMILY_KEEP_MARGIN = 0.35  # the family's best file may score this much under the overall best
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
           identity_words: str, story_prompt: str, seed: int, min_score: float = 0.0
           ) -> Choice | None:
    ranked = rank(search, caption, track_kind)
    if not ranked:
        return None
    best = ranked[0]
    family = identity_family(search, identity, identity_words, story_prompt, track_kind)
    pool = ranked
    family_kept = False
    if family is not None:
        members = [c for c in ranked if c.family == family]
        if members and members[0].score >= max(min_score, best.score - FAMILY_KEEP_MARGIN):
            pool, family_kept = members, True
    near = [c for c in pool if c.score >= pool[0].score - SEED_MARGIN][:MAX_ALTERNATIVES]
    picked = near[seed % len(near)]
    return Choice(picked, best, len(near), family_kept)


OTHER_WORDS = frozenset({"another", "other", "second", "different", "new", "third"})


def identity_query(words: str, story_prompt: str, marked: bool = False) -> str:
    """The identity's words and the story's sentences that mention them (for "another"
    one, the sentences that say so; for the first one, the others)."""
    names = {w for w in words.lower().split() if len(w) > 2}
    mentions = []
    for sentence in re.split(r"(?<=[.!?;])\s+", story_prompt):
        said = {singular(w) for w in re.findall(r"[a-z]+", sentence.lower())}
        if names & said and bool(OTHER_WORDS & said) == marked:
            mentions.append(sentence.strip())
    return f"{words}: {' '.join(mentions)}"[:300] if mentions else words


def identity_family(search: LibrarySearch, identity: str, words: str, story_prompt: str,
                    track_kind: str) -> str | None:
    """The recording family of a source identity: the best family for what the story says
    of it; for "another" one (`dog:2`), the best other family for what the story says of
    that one; a named one (`dog:rex`) takes a family fixed by its name."""
    base = _family_order(search, identity_query(words, story_prompt), track_kind)
    if not base:
        return None
    mark = identity.partition(":")[2]
    if not mark:
        return base[0]
    if mark.isdigit():
        others = [f for f in _family_order(search, identity_query(words, story_prompt, True),
                                           track_kind) if f != base[0]]
        return others[(int(mark) - 2) % len(others)] if others else base[0]
    return base[sum(map(ord, mark)) % len(base)]


def _family_order(search: LibrarySearch, query: str, track_kind: str) -> list[str]:
    ranked = rank(search, query, track_kind)
    families: list[str] = []
    for candidate in ranked:
        if candidate.score < ranked[0].score - FAMILY_MARGIN - 0.15:
            break
        if candidate.family not in families:
            families.append(candidate.family)
    return families


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
