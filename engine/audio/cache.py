"""Decoded takes kept in memory between mixes, least recently used dropped first.

Keyed by the file's path *and* its size and modification time, so a file replaced on disk is
decoded again. A take just rendered is put here by whoever wrote it, so the mix that follows
never reads back what was just written.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

import numpy as np

CACHE_BYTES = 1 << 30  # a story's worth of decoded takes; older ones are decoded again

Audio = tuple[np.ndarray, int]  # (samples, rate)


def file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (str(path), stat.st_size, stat.st_mtime_ns)


class BoundedAudio:
    """(audio, rate) by any key, thread-safe, at most `limit_bytes` of samples held."""

    def __init__(self, limit_bytes: int = CACHE_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self._items: OrderedDict[Hashable, Audio] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: Hashable) -> Audio | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, audio: Audio) -> None:
        if audio[0].nbytes > self.limit_bytes:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = audio
            self._bytes += audio[0].nbytes
            while self._bytes > self.limit_bytes and len(self._items) > 1:
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= dropped.nbytes


class AudioCache:
    """(audio, rate) by file, thread-safe; `limit_bytes` bounds what it holds."""

    def __init__(self, limit_bytes: int = CACHE_BYTES) -> None:
        self._held = BoundedAudio(limit_bytes)

    def get(self, path: Path, read: Callable[[Path], Audio]) -> Audio:
        key = file_key(path)
        cached = self._held.get(key) if key is not None else None
        if cached is not None:
            return cached
        audio = read(path)
        if key is not None:
            self._held.put(key, audio)
        return audio

    def put(self, path: Path, audio: Audio, key: tuple[str, int, int] | None = None) -> None:
        """Keep `audio` as the decoded content of the file now at `path`."""
        key = key or file_key(path)
        if key is not None:
            self._held.put(key, audio)
