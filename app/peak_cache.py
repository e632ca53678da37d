"""Waveform peaks of takes, computed in the quick pool and kept in memory."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from engine.audio_io import read_audio
from engine.peaks import Peaks, compute_peaks

from .workers import QuickPool


def _load_peaks(path: Path) -> Peaks:
    audio, rate = read_audio(path)
    return compute_peaks(audio, rate)


class PeakCache(QObject):
    ready = Signal(str)  # absolute take path

    def __init__(self, pool: QuickPool, parent=None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._peaks: dict[str, Peaks] = {}
        self._failed: set[str] = set()
        pool.done.connect(self._on_done)
        pool.error.connect(self._on_error)

    def get(self, path: Path) -> Peaks | None:
        """Peaks if known; otherwise start computing them and return None for now."""
        key = str(path)
        peaks = self._peaks.get(key)
        if peaks is None and key not in self._failed:
            self._pool.submit(("peaks", key), lambda: _load_peaks(path))
        return peaks

    def _on_done(self, key, result) -> None:
        if isinstance(key, tuple) and key[0] == "peaks":
            self._peaks[key[1]] = result
            self.ready.emit(key[1])

    def _on_error(self, key, message: str) -> None:
        if isinstance(key, tuple) and key[0] == "peaks":
            self._failed.add(key[1])
