"""Searching the index by meaning, with exact words and UCS categories counting extra.

    results = LibrarySearch(index).search("a dog barking in the distance", limit=10)

A file's score is the cosine similarity of the query's embedding and the file's vector,
plus `WORD_BOOST` times the share of the query's words found among the file's own words
(stemmed, through the FTS5 table), plus `CATEGORY_BOOST` when the query names the file's
UCS category or subcategory ("thunder" for WTHRThun). The vectors of the whole library are
held in memory, one matrix product per query, and reloaded only when the index changed.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.library.describe import query_words
from engine.library.index import LibraryIndex
from engine.library.ucs import categories_named

WORD_BOOST = 0.25
CATEGORY_BOOST = 0.12
DEFAULT_LIMIT = 20
_RESULT_COLUMNS = ("path", "duration_s", "category", "subcategory", "cat_id", "fx_name",
                   "description", "sample_rate", "channels", "loudness_lufs", "peak_dbfs",
                   "overview", "ixml", "format")


@dataclass(frozen=True)
class SearchResult:
    id: int
    path: str
    score: float
    duration_s: float
    category: str
    subcategory: str
    cat_id: str
    fx_name: str
    description: str
    sample_rate: int
    channels: int
    loudness_lufs: float | None
    peak_dbfs: float | None
    overview: bytes
    ixml: dict
    format: str

    @property
    def category_label(self) -> str:
        if not self.category:
            return ""
        return self.category + (f" / {self.subcategory}" if self.subcategory and
                                self.subcategory != "MISC" else "")

    def to_json(self) -> dict:
        return {"path": self.path, "score": round(self.score, 4),
                "duration_s": round(self.duration_s, 3), "category": self.category_label,
                "cat_id": self.cat_id, "fx_name": self.fx_name, "description": self.description,
                "sample_rate": self.sample_rate, "channels": self.channels,
                "loudness_lufs": self.loudness_lufs, "peak_dbfs": self.peak_dbfs}


@lru_cache(maxsize=512)
def query_embedding(query: str) -> np.ndarray:
    """The query's vector (a caption searched again, by another seed or event, is free)."""
    from engine.text.embeddings import embed

    vector = embed([query])[0]
    vector.setflags(write=False)
    return vector


class _Matrix:
    """Every file's id, vector, CatID and length, as arrays."""

    def __init__(self, index: LibraryIndex) -> None:
        self.generation = index.generation()
        rows = index.query("SELECT id, vector, cat_id, duration_s FROM files ORDER BY id")
        self.ids = np.array([r[0] for r in rows], np.int64)
        self.vectors = (np.frombuffer(b"".join(r[1] for r in rows), np.float16)
                        .reshape(len(rows), -1).astype(np.float32) if rows
                        else np.zeros((0, 384), np.float32))
        self.cat_codes = {cat_id: n for n, cat_id in enumerate(sorted({r[2] for r in rows}))}
        self.cat_ids = np.array([self.cat_codes[r[2]] for r in rows], np.int32)
        self.durations = np.array([r[3] for r in rows], np.float64)
        self._word_rows: dict[str, np.ndarray] = {}

    def word_rows(self, index: LibraryIndex, word: str) -> np.ndarray:
        """The rows whose words hold `word` (looked up once per word and index version)."""
        rows = self._word_rows.get(word)
        if rows is None:
            rows = self.rows_of(index.word_matches(word))
            if len(self._word_rows) > 4096:
                self._word_rows.clear()
            self._word_rows[word] = rows
        return rows

    def rows_of(self, file_ids: list[int]) -> np.ndarray:
        """The matrix rows of the given file ids (ids no longer indexed are left out)."""
        ids = np.asarray(file_ids, np.int64)
        rows = np.searchsorted(self.ids, ids)
        rows = np.minimum(rows, max(len(self.ids) - 1, 0))
        return rows[self.ids[rows] == ids] if len(self.ids) else rows[:0]


class LibrarySearch:
    def __init__(self, index: LibraryIndex) -> None:
        self.index = index
        self._matrix: _Matrix | None = None
        self._lock = threading.Lock()

    def matrix(self) -> _Matrix:
        with self._lock:
            if self._matrix is None or self._matrix.generation != self.index.generation():
                self._matrix = _Matrix(self.index)
            return self._matrix

    def scores(self, query: str, query_vector: np.ndarray | None = None) -> tuple[_Matrix, np.ndarray]:
        """(the matrix, every file's score for `query`)."""
        matrix = self.matrix()
        if not len(matrix.ids):
            return matrix, np.zeros(0, np.float32)
        if query_vector is None:
            query_vector = query_embedding(query)
        scores = matrix.vectors @ query_vector
        words = query_words(query)
        if words:
            hits = np.zeros(len(matrix.ids), np.float32)
            for word in words:
                hits[matrix.word_rows(self.index, word)] += 1.0
            scores += WORD_BOOST * hits / len(words)
            named = [matrix.cat_codes[c] for c in categories_named(words) if c in matrix.cat_codes]
            if named:
                scores += CATEGORY_BOOST * np.isin(matrix.cat_ids, named)
        return matrix, scores

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[SearchResult]:
        matrix, scores = self.scores(query)
        if not scores.size:
            return []
        limit = max(1, min(int(limit), scores.size))
        top = np.argpartition(-scores, limit - 1)[:limit]
        top = top[np.argsort(-scores[top], kind="stable")]
        return self.results([(int(matrix.ids[r]), float(scores[r])) for r in top])

    def results(self, scored: list[tuple[int, float]]) -> list[SearchResult]:
        rows = self.index.rows([i for i, _ in scored], _RESULT_COLUMNS)
        out = []
        for file_id, score in scored:
            row = rows.get(file_id)
            if row is None:
                continue
            values = dict(zip(_RESULT_COLUMNS, row))
            values["ixml"] = json.loads(values["ixml"] or "{}")
            out.append(SearchResult(id=file_id, score=score, **values))
        return out
