"""Playback through sounddevice (PortAudio): the live mix with loop, auditions of single
clips or takes, scrubbing, and level meters for the master and every track.

The audio callback runs on PortAudio's thread and only reads a block at a time from a
prepared "source" (the mix, or one clip rendered as it is read); the mix itself is computed
elsewhere (app/audio/mix_player.py). Positions are story samples. Without PortAudio or an
output device the player reports why and the rest of the app works as usual. Tests and
benchmarks pass their own `stream_factory` (a fake output stream), so everything but the
sound card is exercised.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from engine.model.fields import DEFAULT_SAMPLE_RATE

METER_WINDOW_S = 0.05  # track meters read this much audio before the playhead


@dataclass
class MeterReading:
    peak_left: float = 0.0
    peak_right: float = 0.0


class Audio(Protocol):
    """What a source plays from: `length` samples, read in stretches as (2, n) float32."""

    @property
    def length(self) -> int: ...

    def read(self, start: int, stop: int) -> np.ndarray: ...


@dataclass(frozen=True)
class Samples:
    """Audio already in memory, (channels, samples): the mix."""

    audio: np.ndarray

    @property
    def length(self) -> int:
        return self.audio.shape[1]

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.audio[:2, start:stop]


@dataclass(frozen=True)
class Source:
    """What the callback plays: `audio` starting at story sample `origin`; playback stops at
    `stop_at` (None: the end of the audio). The callback reads a block at a time, so nothing
    the size of the mix is ever copied, and a clip is rendered only as far as it plays."""

    audio: Audio
    origin: int = 0
    stop_at: int | None = None
    kind: str = "mix"  # "mix", "audition" or "scrub"
    track_id: str | None = None  # an audition's track (for its meter)

    @property
    def end(self) -> int:
        end = self.origin + self.audio.length
        return end if self.stop_at is None else min(end, self.stop_at)


StreamFactory = Callable[..., object]  # (samplerate, channels, callback) -> a started-able stream


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


class _Stop(Exception):
    """The callback ran off the end of what it plays."""


class Player(QObject):
    positionChanged = Signal(int)  # samples
    stateChanged = Signal(str)     # "playing", "paused" or "stopped"
    auditionChanged = Signal(bool)  # an audition (clip, take, scrub) started or ended

    def __init__(self, device: str = "", parent=None,
                 stream_factory: StreamFactory | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self._stream_factory = stream_factory
        if stream_factory is None:
            self.available, self.unavailable_reason = probe_output(device)
        else:
            self.available, self.unavailable_reason = True, ""
        self.sample_rate = DEFAULT_SAMPLE_RATE  # until the first mix says otherwise
        self.state = "stopped"
        self.meter = MeterReading()
        self._mix = Source(Samples(np.zeros((2, 0), np.float32)))
        self._stems: dict[str, np.ndarray] = {}
        self._ducking: dict = {}  # track id -> DuckCurve of the mix playing
        self._source = self._mix
        self._position = 0
        self._start_position = 0
        self._return_to: int | None = None  # where an audition found the transport
        self._loop: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._stream = None
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)

    # -- content -----------------------------------------------------------------------
    def set_mix(self, master: np.ndarray, sample_rate: int,
                stems: dict[str, np.ndarray] | None = None,
                ducking: dict | None = None) -> None:
        """Swap in a new mix (2, samples) float32; playback continues where it was.
        `ducking`: track id -> the DuckCurve the mixer applied (for the headers)."""
        buffer = np.asarray(master, dtype=np.float32)
        with self._lock:
            restart = self.state == "playing" and sample_rate != self.sample_rate
            playing_mix = self._source is self._mix
            self._mix = Source(Samples(buffer))
            self._stems = dict(stems or {})
            self._ducking = dict(ducking or {})
            if playing_mix:
                self._source = self._mix
            self.sample_rate = sample_rate
        if restart:
            self._close_stream()
            self._open_stream()

    @property
    def has_mix(self) -> bool:
        return self._mix.audio.length > 0

    def set_loop(self, region: tuple[int, int] | None) -> None:
        with self._lock:
            self._loop = region if region and region[1] > region[0] else None

    @property
    def position(self) -> int:
        return self._position

    @property
    def auditioning(self) -> bool:
        return self._source.kind != "mix"

    # -- transport ---------------------------------------------------------------------
    def play(self) -> bool:
        """Play the mix from the current position (an audition in progress stops)."""
        if self.auditioning:
            self._end_audition(return_position=True)
        return self._start()

    def pause(self) -> None:
        if self.state == "playing":
            self._close_stream()
            self._timer.stop()
            if self.auditioning:
                self._end_audition(return_position=True)
            self._set_state("paused")

    def stop(self) -> None:
        self._close_stream()
        self._timer.stop()
        if self.auditioning:
            self._end_audition(return_position=True)
            self._set_state("stopped")
            return
        self.seek(self._start_position)
        self._set_state("stopped")

    def seek(self, samples: int) -> None:
        with self._lock:
            self._position = max(int(samples), 0)
            if self.state != "playing":
                self._start_position = self._position
        self.positionChanged.emit(self._position)

    # -- auditions ---------------------------------------------------------------------
    def audition(self, audio: Audio, sample_rate: int, origin: int,
                 track_id: str | None = None) -> bool:
        """Play `audio` alone from story sample `origin`; the playhead runs over it, and
        returns where it was when the audition ends."""
        return self._play_source(Source(audio, origin, None, "audition", track_id), origin,
                                 sample_rate)

    def audition_range(self, start: int, end: int, kind: str = "audition") -> bool:
        """Play the mix from `start` to `end` (a clip with pre-roll, a scrub grain)."""
        mix = self._mix
        if mix.audio.length == 0:
            return False
        return self._play_source(Source(mix.audio, 0, end, kind), start, self.sample_rate)

    def _play_source(self, source: Source, start: int, sample_rate: int) -> bool:
        if not self.available:
            return False
        was_playing = self.state == "playing"
        with self._lock:
            if self._return_to is None:
                self._return_to = self._position
            rate_changed = sample_rate != self.sample_rate
            self._source = source
            self._position = start
            self.sample_rate = sample_rate
        self.auditionChanged.emit(True)
        if was_playing and not rate_changed:
            return True  # the callback picks the new source up on its next block
        if was_playing:
            self._close_stream()
            self.state = "stopped"
        return self._start()

    def _end_audition(self, return_position: bool) -> None:
        with self._lock:
            self._source = self._mix
            back = self._return_to
            self._return_to = None
            if return_position and back is not None:
                self._position = back
        self.auditionChanged.emit(False)
        self.positionChanged.emit(self._position)

    def _start(self) -> bool:
        if not self.available or self.state == "playing":
            return False
        if not self._open_stream():
            return False
        self._set_state("playing")
        self._timer.start()
        return True

    # -- meters --------------------------------------------------------------------------
    def track_peaks(self) -> dict[str, float]:
        """Peak of each track over the audio just before the playhead (for the headers)."""
        if self.state != "playing":
            return {}
        position = self._position
        window = int(METER_WINDOW_S * self.sample_rate)
        source = self._source
        if source.kind == "audition":
            index = position - source.origin
            block = source.audio.read(max(index - window, 0), max(index, 0))
            peak = float(np.abs(block).max()) if block.size else 0.0
            return {source.track_id: peak} if source.track_id else {}
        peaks = {}
        for track_id, stem in self._stems.items():
            block = stem[:, max(position - window, 0):position]
            peaks[track_id] = float(np.abs(block).max()) if block.size else 0.0
        return peaks

    def track_ducking(self) -> dict[str, float]:
        """The gain (dB) ducking applies to each ducked track at the playhead."""
        if self.state != "playing" or self._source is not self._mix:
            return {}
        return {track_id: curve.at(self._position) for track_id, curve in self._ducking.items()}

    # -- the audio thread's work -------------------------------------------------------
    def render_block(self, out: np.ndarray) -> bool:
        """Fill `out` (frames, 2) from the source; False once playback ran off its end."""
        with self._lock:
            source, position = self._source, self._position
            loop = self._loop if source.kind == "mix" else None
            audio, origin, end = source.audio, source.origin, source.end
            frames = out.shape[0]
            written = 0
            while written < frames:
                stop = loop[1] if loop and position < loop[1] else end
                count = min(frames - written, max(stop - position, 0))
                if count > 0:
                    index = position - origin
                    out[written:written + count] = audio.read(index, index + count).T
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
        if not self.render_block(outdata):
            if self._stream_factory is None:
                import sounddevice

                raise sounddevice.CallbackStop
            raise _Stop

    def _open_stream(self) -> bool:
        try:
            if self._stream_factory is not None:
                self._stream = self._stream_factory(samplerate=self.sample_rate, channels=2,
                                                    callback=self._callback)
            else:
                import sounddevice

                self._stream = sounddevice.OutputStream(
                    samplerate=self.sample_rate, channels=2, dtype="float32",
                    device=self.device or None, callback=self._callback)
            self._stream.start()
        except Exception as exc:  # PortAudioError, ValueError: no device after all
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
            if self.auditioning:
                self._end_audition(return_position=True)
            self._set_state("stopped")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)
