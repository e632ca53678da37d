"""Caption -> recipes: meaning (sentence embeddings) plus the words that name a sound.

Each recipe has a few descriptions; their embeddings are precomputed in
resources/sounds/description_embeddings.npz (rebuild with
`python -m engine.generation.procedural`; a test checks they match the catalogue).
A caption scores each recipe by its closest description, plus a bonus for every tag it
names outright ("dog", "tin roof"), plus a small prior for recipes that belong on the event's
track. Tags are read in their sentence (`reading`): a word that only describes ("rain
drumming", "wind whistling") names a sound of its own only when that sound belongs to the
clause's source ("a dog barking"). A caption naming several sources ("rain and distant
thunder", "a dog barks as a car passes") is split into clauses; each clause that clearly
names another recipe adds a layer, with its own modifiers. A caption that matches nothing
renders the closest ambience.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from engine.generation.procedural.catalogue import (
    SOUNDS_FOLDER,
    RecipeEntry,
    catalogue,
    catalogue_texts,
)
from engine.generation.procedural.modifiers import parse_modifiers
from engine.generation.procedural.reading import Clause, clauses_of, stem, stems
from engine.model.story import TrackKind
from engine.text.embeddings import embed

log = logging.getLogger(__name__)
EMBEDDINGS_FILE = SOUNDS_FOLDER / "description_embeddings.npz"
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
TAG_BONUS = 0.12  # per tag word named in the caption
MAX_TAG_BONUS = 0.3
KIND_PRIOR = {TrackKind.MUSIC: 0.12, TrackKind.SPEECH: 0.2, TrackKind.AMBIENCE: 0.03,
              TrackKind.EFFECTS: 0.0}
MIN_MEANING = 0.55  # a caption naming no tag must be at least this close in meaning
LAYER_MIN_SCORE = 0.42  # a clause must clearly name another sound to add a layer
LAYER_MARGIN = 0.15  # a clause's runner-up counts when its best is already a layer
CLAUSE_OWNED_MARGIN = 0.05  # a clause this close in meaning to a chosen sound describes it
MAX_LAYERS = 3
# Words of a recipe's tags and descriptions that say nothing of its source.
_FUNCTION_WORDS = frozenset(stems("a an the of in on at to by from into over under and or with "
                                  "its his her their out up down off one some"))


@dataclass(frozen=True)
class Layer:
    entry: RecipeEntry
    phrase: str  # the part of the caption it renders
    score: float
    modifiers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    layers: tuple[Layer, ...]
    matched: bool  # False: nothing matched; the closest ambience stands in
    candidates: tuple[tuple[str, float], ...]  # the best few recipes and scores, for the take

    @property
    def primary(self) -> Layer:
        return self.layers[0]


__all__ = ["Layer", "Match", "Matcher", "matcher", "stem", "stems"]


def texts_digest(texts: list[tuple[str, str]]) -> str:
    payload = json.dumps([EMBEDDING_MODEL, texts], ensure_ascii=False).encode()
    return hashlib.sha256(payload).hexdigest()


def build_embeddings() -> tuple[np.ndarray, str]:
    texts = catalogue_texts()
    return embed([text for _, text in texts]), texts_digest(texts)


def save_embeddings() -> None:
    from engine.atomic import atomic_path

    vectors, digest = build_embeddings()
    with atomic_path(EMBEDDINGS_FILE) as temp:
        with open(temp, "wb") as handle:
            np.savez_compressed(handle, vectors=vectors.astype(np.float32), digest=digest)


def load_embeddings() -> np.ndarray:
    """The stored description embeddings; rebuilt in memory if the catalogue changed."""
    texts = catalogue_texts()
    try:
        with np.load(EMBEDDINGS_FILE) as stored:
            if str(stored["digest"]) == texts_digest(texts):
                return stored["vectors"]
    except (OSError, KeyError, ValueError):
        pass
    log.warning("recipe description embeddings are stale; rebuilding them in memory (run "
                "`python -m engine.generation.procedural` to store them)")
    return build_embeddings()[0]


class Matcher:
    def __init__(self) -> None:
        self.entries = catalogue()
        texts = catalogue_texts()
        index = {e.name: i for i, e in enumerate(self.entries)}
        self.owner = np.array([index[name] for name, _ in texts])
        self.vectors = load_embeddings()
        self.tag_stems = [[tuple(stems(tag)) for tag in e.tags] for e in self.entries]
        # what a recipe's sound belongs to: the words of its tags and descriptions
        self.vocabulary = [frozenset(s for text in (*e.tags, *e.descriptions)
                                     for s in stems(text)) - _FUNCTION_WORDS
                           for e in self.entries]
        # what stands in when nothing matched: a place (room, street, forest, night, tavern)
        self.ambience = np.array([e.category == "ambiences" for e in self.entries])

    def scores(self, caption: str, track_kind: str) -> tuple[np.ndarray, np.ndarray]:
        """(final scores, tag bonuses) of a whole caption, each (recipes,); final = meaning
        (cosine to the closest description) + tag bonus + track prior."""
        text = _clean(caption)
        whole, _ = self.tag_bonuses(clauses_of(text))
        return self._meaning([text])[0] + whole + self.prior(track_kind), whole

    def _meaning(self, texts: list[str]) -> np.ndarray:
        sims = embed(texts) @ self.vectors.T
        best = np.full((len(texts), len(self.entries)), -1.0)
        np.maximum.at(best.T, self.owner, sims.T)
        return best

    def prior(self, track_kind: str) -> np.ndarray:
        return np.array([KIND_PRIOR.get(track_kind, 0.0) if e.kind == track_kind else 0.0
                         for e in self.entries])

    def tag_bonuses(self, clauses: list[Clause]) -> tuple[np.ndarray, np.ndarray]:
        """(bonus of the whole caption, bonus of each clause), for every recipe.

        A tag counts where the caption names it, unless every word of it only describes
        and the clause's source (its own nouns, else the last clause's) is not the
        recipe's: "rain drumming" is no drum, "a dog barking" is the dog's bark."""
        subjects: frozenset[str] = frozenset()
        named_in_clause = []
        for clause in clauses:
            spans = self._tag_spans(clause)
            own = frozenset(clause.stems[k] for _, _, start, size in spans
                            for k in range(start, start + size) if not clause.describing[k])
            subjects = own or subjects
            named = defaultdict(set)
            for index, tag, start, size in spans:
                describing = all(clause.describing[start:start + size])
                if describing and subjects and not subjects & self.vocabulary[index]:
                    continue
                named[index].add(tag)
            named_in_clause.append(named)
        whole = defaultdict(set)
        for named in named_in_clause:
            for index, tags in named.items():
                whole[index] |= tags
        return (self._bonus_row(whole),
                np.array([self._bonus_row(named) for named in named_in_clause]))

    def _tag_spans(self, clause: Clause) -> list[tuple[int, int, int, int]]:
        """(recipe, tag, first word, words) of every tag the clause names."""
        words = clause.stems
        spans = []
        for index, tags in enumerate(self.tag_stems):
            for number, tag in enumerate(tags):
                size = len(tag)
                if not size or tag[0] not in words:
                    continue
                for start in range(len(words) - size + 1):
                    if words[start:start + size] == tag:
                        spans.append((index, number, start, size))
        return spans

    def _bonus_row(self, named: dict[int, set[int]]) -> np.ndarray:
        row = np.zeros(len(self.entries))
        for index, tags in named.items():
            words = sum(len(self.tag_stems[index][tag]) for tag in tags)
            row[index] = min(TAG_BONUS * words, MAX_TAG_BONUS)
        return row

    def match(self, caption: str, track_kind: str = TrackKind.EFFECTS) -> Match:
        return self.match_many([caption], [track_kind])[0]

    def match_many(self, captions: list[str], track_kinds: list[str]) -> list[Match]:
        """Match several captions with one embedding call (a whole story, a test set)."""
        pieces, texts = [], []
        for caption in captions:
            text = _clean(caption)
            read = clauses_of(text)
            whole, per_clause = self.tag_bonuses(read)
            clauses = [clause.text for clause in read] if len(read) >= 2 else []
            bonus = np.vstack([whole, per_clause]) if clauses else whole[None, :]
            pieces.append((text, clauses, len(texts), bonus))
            texts += [text] + clauses
        meaning = self._meaning(texts)
        matches = []
        for (text, clauses, at, bonus), kind in zip(pieces, track_kinds):
            rows = slice(at, at + 1 + len(clauses))
            prior = self.prior(kind)
            matches.append(self._decide(text, clauses, meaning[rows] + bonus + prior, bonus,
                                        prior))
        return matches

    def _decide(self, text: str, clauses: list[str], score: np.ndarray, bonus: np.ndarray,
                prior: np.ndarray) -> Match:
        order = np.argsort(-score[0])
        candidates = tuple((self.entries[i].name, round(float(score[0, i]), 3)) for i in order[:5])
        top = int(order[0])
        if not bonus[0].any() and score[0, top] - prior[top] < MIN_MEANING:
            fallback = int(np.argmax(np.where(self.ambience, score[0], -np.inf)))
            layer = Layer(self.entries[fallback], text, float(score[0, fallback]),
                          parse_modifiers(text))
            return Match((layer,), False, candidates)
        primary_phrase = text
        if clauses:  # the clause that names the primary sound carries its modifiers
            owner = [i for i in range(len(clauses)) if int(np.argmax(score[1 + i])) == top]
            if owner:
                primary_phrase = clauses[owner[0]]
        layers = [self._layer(top, primary_phrase, float(score[0, top]))]
        chosen_index = [top]
        for i, clause in enumerate(clauses):
            if len(layers) >= MAX_LAYERS:
                break
            chosen = {layer.entry.family for layer in layers}
            row = score[1 + i]
            meaning = row - bonus[1 + i]
            if meaning[chosen_index].max() >= meaning.max() - CLAUSE_OWNED_MARGIN:
                continue  # by meaning, the clause names a sound already there ("a mirror cracks")
            for index in np.argsort(-row)[:3]:  # the clause's own sound, if not already in
                if row[index] < row.max() - LAYER_MARGIN or row[index] < LAYER_MIN_SCORE:
                    break
                if self.entries[index].family in chosen:
                    continue
                if bonus[1 + i, index] > 0:
                    layers.append(self._layer(int(index), clause, float(row[index])))
                    chosen_index.append(int(index))
                break
        return Match(tuple(layers), True, candidates)

    def _layer(self, index: int, phrase: str, score: float) -> Layer:
        modifiers = parse_modifiers(phrase)
        entry = select_variant(self.entries[index], modifiers, self.entries)
        return Layer(entry, phrase, score, modifiers)


def select_variant(chosen: RecipeEntry, modifiers: dict[str, Any],
                   entries: tuple[RecipeEntry, ...]) -> RecipeEntry:
    """Within a family, the variant the caption's modifiers ask for (gravel, far, heavy)."""
    def fits(candidate: RecipeEntry) -> bool:
        return all(_selects(key, value, modifiers) for key, value in candidate.select.items())

    if chosen.select and fits(chosen):
        return chosen
    for sibling in entries:
        if sibling.family == chosen.family and sibling.select and fits(sibling):
            return sibling
    return chosen


def _selects(key: str, wanted: Any, modifiers: dict[str, Any]) -> bool:
    if key not in modifiers:
        return False
    value = modifiers[key]
    if wanted == "high":
        return isinstance(value, (int, float)) and value >= 0.7
    if wanted == "low":
        return isinstance(value, (int, float)) and value <= 0.35
    if isinstance(wanted, list):
        return value in wanted
    return value == wanted


def _clean(caption: str) -> str:
    """Lower case, quoted speech replaced by a marker (the words said are not sounds)."""
    text = re.sub(r"[\"“”][^\"“”]*[\"“”]", " words ", caption.lower())
    return " ".join(text.split())


@lru_cache(maxsize=1)
def matcher() -> Matcher:
    return Matcher()
