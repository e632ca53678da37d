"""A fake audio output stream for the player: everything but the sound card.

`FakeOutputStream` has the shape of sounddevice.OutputStream as the player uses it
(`start`, `stop`, `close`, `active`, a callback filling (frames, 2) float32 blocks). In
manual mode the test pulls blocks itself; in real-time mode a thread pulls one block every
block period, as PortAudio would, and records when the first sound came out.
"""
from __future__ import annotations

import threading
import time

import numpy as np


class FakeOutputStream:
    def __init__(self, samplerate: int, channels: int, callback, blocksize: int = 256,
                 realtime: bool = False, on_sound=None) -> None:
        self.samplerate = samplerate
        self.channels = channels
        self.callback = callback
        self.blocksize = blocksize
        self.realtime = realtime
        self.on_sound = on_sound  # called with time.perf_counter() of the first loud block
        self.active = False
        self.blocks: list[np.ndarray] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.active = True
        if self.realtime:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self.active = False
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1.0)

    def close(self) -> None:
        self.active = False

    def pull(self, blocks: int = 1) -> np.ndarray:
        """Run the callback `blocks` times; return what it played, (frames, channels)."""
        out = []
        for _ in range(blocks):
            if not self.active:
                break
            out.append(self._one_block())
        return np.concatenate(out) if out else np.zeros((0, self.channels), np.float32)

    def _one_block(self) -> np.ndarray:
        block = np.zeros((self.blocksize, self.channels), np.float32)
        try:
            self.callback(block, self.blocksize, None, None)
        except Exception:  # the player's way of saying "that was the end"
            self.active = False
        self.blocks.append(block)
        if self.on_sound is not None and np.abs(block).max() > 1e-4:
            self.on_sound(time.perf_counter())
            self.on_sound = None
        return block

    def _run(self) -> None:
        period = self.blocksize / self.samplerate
        deadline = time.perf_counter()
        while self.active:
            self._one_block()
            deadline += period
            time.sleep(max(deadline - time.perf_counter(), 0))


class StreamFactory:
    """Hands the player fake streams and keeps them for the test to pull from."""

    def __init__(self, **options) -> None:
        self.options = options
        self.streams: list[FakeOutputStream] = []

    def __call__(self, samplerate: int, channels: int, callback) -> FakeOutputStream:
        stream = FakeOutputStream(samplerate, channels, callback, **self.options)
        self.streams.append(stream)
        return stream

    @property
    def last(self) -> FakeOutputStream:
        return self.streams[-1]
