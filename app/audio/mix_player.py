"""Keeps the player fed with the current mix: re-mixes off the GUI thread after edits."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from app.audio.playback import Player
from app.controllers.workers import QuickPool
from engine.mix.mixer import Mixer

CACHE_BYTES = 1 << 30  # decoded takes kept for re-mixing


class TakeAudioCache:
    """Decoded takes by path, least recently used dropped first (thread-safe)."""

    def __init__(self, limit_bytes: int = CACHE_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self._items: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, project, event):
        take = event.active_take()
        if take is None:
            return None
        key = str(project.take_path(take))
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        if not project.take_available(take):
            return None
        audio = project.read_take(take)
        with self._lock:
            self._items[key] = audio
            self._bytes += audio[0].nbytes
            while self._bytes > self.limit_bytes and len(self._items) > 1:
                _, (dropped, _) = self._items.popitem(last=False)
                self._bytes -= dropped.nbytes
        return audio


class MixPlayer(QObject):
    mixing = Signal(bool)

    def __init__(self, document, player: Player, pool: QuickPool, parent=None) -> None:
        super().__init__(parent)
        self.player = player
        self.pool = pool
        self.cache = TakeAudioCache()
        self._generation = 0
        self._dirty = True
        self._play_when_ready = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.remix)
        self.document = None
        self.set_document(document)

    def set_document(self, document) -> None:
        if self.document is not None:
            for signal in self._signals(self.document):
                signal.disconnect(self.mark_dirty)
        self.document = document
        for signal in self._signals(document):
            signal.connect(self.mark_dirty)
        self.mark_dirty()

    @staticmethod
    def _signals(document):
        return (document.storyReset, document.eventChanged, document.eventsAdded,
                document.eventsRemoved, document.trackChanged)

    def mark_dirty(self, *args) -> None:
        self._dirty = True
        if self.player.state == "playing":
            self._debounce.start()

    def toggle(self) -> None:
        if self.player.state == "playing":
            self.player.pause()
        else:
            self.play()

    def play(self) -> None:
        if not self.player.available:
            return
        if self._dirty:
            self._play_when_ready = True
            self.remix()
        else:
            self.player.play()

    def remix(self) -> None:
        self._generation += 1
        self._dirty = False
        # mix a copy: the live story keeps changing under the user's hands meanwhile
        story = self.document.story.model_copy(deep=True)
        project, cache = self.document.project, self.cache
        self.mixing.emit(True)
        generation = self._generation
        self.pool.submit(("mix", generation), lambda: Mixer().mix(
            story, lambda event: cache.get(project, event)),
            on_done=lambda result: self._mixed(generation, result),
            on_error=lambda reason: self._failed())

    def _mixed(self, generation: int, result) -> None:
        if generation != self._generation:
            return  # a newer mix is on its way
        self.mixing.emit(False)
        self.player.set_mix(result.master, result.sample_rate)
        if self._play_when_ready:
            self._play_when_ready = False
            self.player.play()

    def _failed(self) -> None:
        self.mixing.emit(False)
        self._play_when_ready = False
