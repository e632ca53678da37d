"""Caption -> recipes: meaning (sentence embeddings) plus the words that name a sound.

Each recipe has a few descriptions; their embeddings are precomputed in
resources/sounds/description_embeddings.npz (rebuild with
`python -m engine.generation.procedural`; a test checks they match the catalogue).
A caption scores each recipe by its closest description, plus a bonus for every tag it
names outright ("dog", "tin roof"), plus a small prior for recipes that belong on the event's
track. A caption naming several sources ("rain and distant thunder", "a dog barks as a car
passes") is split into clauses; each clause that clearly names another recipe adds a layer,
with its own modifiers. A caption that matches nothing renders the closest ambience.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
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
from engine.text.embeddings import embed

log = logging.getLogger(__name__)
EMBEDDINGS_FILE = SOUNDS_FOLDER / "description_embeddings.npz"
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
TAG_BONUS = 0.12  # per tag word named in the caption
MAX_TAG_BONUS = 0.3
KIND_PRIOR = {"music": 0.12, "speech": 0.2, "ambience": 0.03, "effects": 0.0}
MIN_MEANING = 0.55  # a caption naming no tag must be at least this close in meaning
LAYER_MIN_SCORE = 0.42  # a clause must clearly name another sound to add a layer
LAYER_MARGIN = 0.15  # a clause's runner-up counts when its best is already a layer
CLAUSE_OWNED_MARGIN = 0.05  # a clause this close in meaning to a chosen sound describes it
MAX_LAYERS = 3
# Where a caption names another sound; "over the harbour", "in the hall" name places, not sounds.
_SPLIT = re.compile(r"\s*(?:,|;|\band then\b|\bthen\b|\band\b|\bwith\b|\bas\b|\bwhile\b|"
                    r"\bplus\b|\bamid\b)\s*")


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


def stem(word: str) -> str:
    """A tiny suffix stripper, applied alike to captions and tags (barking = barks = bark)."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (
                suffix == "s" and word.endswith("ss")):
            word = word[: len(word) - len(suffix)] + keep
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def stems(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[a-z]+", text.lower())]


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
        # what stands in when nothing matched: a place (room, street, forest, night, tavern)
        self.ambience = np.array([e.category == "ambiences" for e in self.entries])

    def scores(self, texts: list[str], track_kind: str) -> tuple[np.ndarray, np.ndarray]:
        """(final scores, tag bonuses), each (len(texts), recipes); final = meaning (cosine
        to the closest description) + tag bonus + track prior."""
        meaning, bonus = self._meaning(texts), self._bonuses(texts)
        return meaning + bonus + self.prior(track_kind), bonus

    def _meaning(self, texts: list[str]) -> np.ndarray:
        sims = embed(texts) @ self.vectors.T
        best = np.full((len(texts), len(self.entries)), -1.0)
        np.maximum.at(best.T, self.owner, sims.T)
        return best

    def _bonuses(self, texts: list[str]) -> np.ndarray:
        return np.array([[self._tag_bonus(stems(text), i) for i in range(len(self.entries))]
                         for text in texts])

    def prior(self, track_kind: str) -> np.ndarray:
        return np.array([KIND_PRIOR.get(track_kind, 0.0) if e.kind == track_kind else 0.0
                         for e in self.entries])

    def _tag_bonus(self, words: list[str], index: int) -> float:
        named = 0
        for tag in self.tag_stems[index]:
            if tag and _contains(words, tag):
                named += len(tag)
        return min(TAG_BONUS * named, MAX_TAG_BONUS)

    def match(self, caption: str, track_kind: str = "effects") -> Match:
        return self.match_many([caption], [track_kind])[0]

    def match_many(self, captions: list[str], track_kinds: list[str]) -> list[Match]:
        """Match several captions with one embedding call (a whole story, a test set)."""
        pieces, texts = [], []
        for caption in captions:
            text = _clean(caption)
            clauses = [c for c in _SPLIT.split(text) if len(stems(c)) > 0]
            clauses = clauses if len(clauses) >= 2 else []
            pieces.append((text, clauses, len(texts)))
            texts += [text] + clauses
        meaning, bonus = self._meaning(texts), self._bonuses(texts)
        matches = []
        for (text, clauses, at), kind in zip(pieces, track_kinds):
            rows = slice(at, at + 1 + len(clauses))
            prior = self.prior(kind)
            matches.append(self._decide(text, clauses, meaning[rows] + bonus[rows] + prior,
                                        bonus[rows], prior))
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


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i:i + size]) == phrase for i in range(len(words) - size + 1))


def _clean(caption: str) -> str:
    """Lower case, quoted speech replaced by a marker (the words said are not sounds)."""
    text = re.sub(r"[\"“”][^\"“”]*[\"“”]", " words ", caption.lower())
    return " ".join(text.split())


@lru_cache(maxsize=1)
def matcher() -> Matcher:
    return Matcher()
