"""Playback of the mix through sounddevice (PortAudio), with loop and a level meter.

The audio callback runs on PortAudio's thread and only copies from a prepared buffer; the
mix itself is computed elsewhere (app/audio/mix_player.py). Without PortAudio or an output device
the player reports why and the rest of the app works as usual.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from engine.model.fields import DEFAULT_SAMPLE_RATE


@dataclass
class MeterReading:
    peak_left: float = 0.0
    peak_right: float = 0.0


def probe_output(device: str = "") -> tuple[bool, str]:
    """(usable, reason): whether an output device can be opened."""
    try:
        import sounddevice
    except OSError:
        return False, "PortAudio is not installed (Debian/Ubuntu: apt install libportaudio2)"
    except ImportError:
        return False, "sounddevice is not installed"
    try:
        sounddevice.query_devices(device or None, kind="output")
    except (sounddevice.PortAudioError, ValueError) as exc:
        return False, f"no audio output device ({exc})"
    return True, ""


class Player(QObject):
    positionChanged = Signal(int)  # samples
    stateChanged = Signal(str)     # "playing", "paused" or "stopped"

    def __init__(self, device: str = "", parent=None) -> None:
        super().__init__(parent)
        self.device = device
        self.available, self.unavailable_reason = probe_output(device)
        self.sample_rate = DEFAULT_SAMPLE_RATE  # until the first mix says otherwise
        self.state = "stopped"
        self.meter = MeterReading()
        self._buffer = np.zeros((0, 2), np.float32)
        self._position = 0
        self._start_position = 0
        self._loop: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._stream = None
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)

    # -- content -----------------------------------------------------------------------
    def set_mix(self, master: np.ndarray, sample_rate: int) -> None:
        """Swap in a new mix (channels, samples); playback continues where it was."""
        buffer = np.ascontiguousarray(master.T, dtype=np.float32)
        with self._lock:
            restart = self.state == "playing" and sample_rate != self.sample_rate
            self._buffer = buffer
            self.sample_rate = sample_rate
        if restart:
            self._close_stream()
            self._open_stream()

    def set_loop(self, region: tuple[int, int] | None) -> None:
        with self._lock:
            self._loop = region if region and region[1] > region[0] else None

    @property
    def position(self) -> int:
        return self._position

    # -- transport ---------------------------------------------------------------------
    def play(self) -> bool:
        if not self.available or self.state == "playing":
            return False
        if not self._open_stream():
            return False
        self._set_state("playing")
        self._timer.start()
        return True

    def pause(self) -> None:
        if self.state == "playing":
            self._close_stream()
            self._timer.stop()
            self._set_state("paused")

    def stop(self) -> None:
        self._close_stream()
        self._timer.stop()
        self.seek(self._start_position)
        self._set_state("stopped")

    def seek(self, samples: int) -> None:
        with self._lock:
            self._position = max(int(samples), 0)
            if self.state != "playing":
                self._start_position = self._position
        self.positionChanged.emit(self._position)

    # -- the audio thread's work -------------------------------------------------------
    def render_block(self, out: np.ndarray) -> bool:
        """Fill `out` (frames, 2) from the mix; False once playback ran off the end."""
        with self._lock:
            buffer, position, loop = self._buffer, self._position, self._loop
            frames = out.shape[0]
            written = 0
            while written < frames:
                end = loop[1] if loop and position < loop[1] else buffer.shape[0]
                count = min(frames - written, max(end - position, 0))
                if count > 0:
                    out[written:written + count] = buffer[position:position + count]
                    written += count
                    position += count
                if written < frames:
                    if loop and position >= loop[1]:
                        position = loop[0]
                        continue
                    out[written:] = 0.0
                    break
            self._position = position
            block = out[:written]
            self.meter = MeterReading(float(np.abs(block[:, 0]).max(initial=0.0)),
                                      float(np.abs(block[:, 1]).max(initial=0.0)))
            return written == frames or loop is not None

    def _callback(self, outdata, frames, time_info, status) -> None:
        import sounddevice

        if not self.render_block(outdata):
            raise sounddevice.CallbackStop

    def _open_stream(self) -> bool:
        import sounddevice

        try:
            self._stream = sounddevice.OutputStream(
                samplerate=self.sample_rate, channels=2, dtype="float32",
                device=self.device or None, callback=self._callback)
            self._stream.start()
        except (sounddevice.PortAudioError, ValueError) as exc:
            self.available, self.unavailable_reason = False, f"audio output failed ({exc})"
            self._stream = None
            return False
        return True

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def _tick(self) -> None:
        self.positionChanged.emit(self._position)
        stream = self._stream
        if stream is not None and not stream.active:  # reached the end
            self._close_stream()
            self._timer.stop()
            self._set_state("stopped")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)
