"""Waveform peaks of takes, computed in the quick pool and kept in memory."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controllers.workers import QuickPool
from engine.audio.files import read_audio
from engine.audio.peaks import Peaks, compute_peaks


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
        self._pending: set[str] = set()

    def get(self, path: Path) -> Peaks | None:
        """Peaks if known; otherwise start computing them and return None for now."""
        key = str(path)
        peaks = self._peaks.get(key)
        if peaks is None and key not in self._failed and key not in self._pending:
            self._pending.add(key)
            self._pool.submit(("peaks", key), lambda: _load_peaks(path),
                              on_done=lambda result: self._loaded(key, result),
                              on_error=lambda reason: self._load_failed(key))
        return peaks

    def known(self, path: Path) -> bool:
        """Loaded, or known to be unreadable: nothing more will arrive for it."""
        key = str(path)
        return key in self._peaks or key in self._failed

    def idle(self) -> bool:
        """No peaks are being computed (what is drawn now is final)."""
        return not self._pending

    def _loaded(self, key: str, peaks: Peaks) -> None:
        self._pending.discard(key)
        self._peaks[key] = peaks
        self.ready.emit(key)

    def _load_failed(self, key: str) -> None:
        self._pending.discard(key)
        self._failed.add(key)
