"""Meaning-based judgements for the offline planner, on all-MiniLM-L6-v2 embeddings.

- `SoundCatalogue.judge`: does a phrase describe a sound at all, and which track does a sound
  designer put it on? A vote of the nearest labelled examples (resources/planning/
  sound_examples.json), so sounds the word lists never mention still land somewhere sensible.
- `similar`: cosine similarity between two lists of captions (duplicates, implied sounds
  that the text already names).
"""
from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.atomic import write_bytes_atomic
from engine.locations import cache_dir
from engine.model.story import TrackKind
from engine.planning.offline.vocabulary import vocabulary
from engine.text.embeddings import embed, model_folder

NEIGHBOURS = 5
MIN_SOUNDNESS = 0.32  # below this a phrase names no sound ("he thinks about life")
_lock = threading.RLock()


@dataclass(frozen=True)
class Judgement:
    soundness: float       # cosine to the nearest example sound: low means "not a sound"
    kind: TrackKind
    kind_margin: float     # vote share of the winning kind among the neighbours


class SoundCatalogue:
    def __init__(self) -> None:
        examples = vocabulary().examples
        self.kinds = [TrackKind(kind) for kind, captions in examples.items() for _ in captions]
        self.captions = [caption for captions in examples.values() for caption in captions]
        self.vectors = cached_embeddings(self.captions)

    def judge(self, vectors: np.ndarray) -> list[Judgement]:
        if len(vectors) == 0:
            return []
        scores = vectors @ self.vectors.T
        out = []
        for row in scores:
            nearest = np.argsort(-row)[:NEIGHBOURS]
            votes: dict[TrackKind, float] = {}
            for index in nearest:  # closer examples weigh more
                votes[self.kinds[index]] = votes.get(self.kinds[index], 0.0) + float(
                    np.exp(row[index] * 10))
            kind = max(votes, key=votes.get)
            out.append(Judgement(soundness=float(row[nearest[0]]), kind=kind,
                                 kind_margin=votes[kind] / sum(votes.values())))
        return out


def cached_embeddings(texts: list[str]) -> np.ndarray:
    """Embeddings of fixed texts (the curated examples), kept on disk between runs: embedding
    them takes seconds, reading them back a millisecond."""
    try:
        weights = model_folder() / "model.safetensors"
        identity = f"{weights}:{weights.stat().st_size}"
    except (OSError, RuntimeError):
        identity = "unknown"
    digest = hashlib.sha256("\n".join([identity, *texts]).encode()).hexdigest()[:20]
    path = cache_dir() / "planning" / f"{digest}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape[0] == len(texts):
            return vectors
    except (OSError, ValueError):
        pass
    vectors = embed(texts)
    try:
        buffer = io.BytesIO()
        np.save(buffer, vectors, allow_pickle=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, buffer.getvalue())
    except OSError:
        pass  # a cache that cannot be written only costs time
    return vectors


@lru_cache(maxsize=1)
def _catalogue() -> SoundCatalogue:
    return SoundCatalogue()


def catalogue() -> SoundCatalogue:
    """The process-wide catalogue (embeds the examples once, a second or two)."""
    with _lock:
        if _catalogue.cache_info().currsize == 0:
            vocab = vocabulary()
            implied = [c for entry in (*vocab.phenomena, *vocab.places, *vocab.combinations,
                                       *vocab.fallbacks)
                       for c in (*entry.beds, *entry.effects, *entry.recurring)]
            for text, vector in zip(implied, cached_embeddings(implied)):
                _cache[text] = vector  # the sounds scenes imply recur: embed them once
        return _catalogue()


_cache: dict[str, np.ndarray] = {}
CACHE_SIZE = 4096
EMBEDDING_WIDTH = 384


def embed_cached(texts: list[str]) -> np.ndarray:
    """`embed`, remembering captions seen before (implied beds recur in every story)."""
    if not texts:
        return np.zeros((0, EMBEDDING_WIDTH), np.float32)
    with _lock:  # one planner thread at a time fills and reads the cache
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
        if missing:
            if len(_cache) + len(missing) > CACHE_SIZE:
                _cache.clear()
            vectors = embed(missing)
            for text, vector in zip(missing, vectors):
                _cache[text] = vector
        return np.stack([_cache[t] for t in texts])


def similar(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), np.float32)
    return a @ b.T
