"""Keeps the player fed: re-mixes off the GUI thread after edits, and prepares auditions.

- The live mix is made in the quick pool from a snapshot of the story and handed to the
  player with its stems (for the track meters).
- Auditions play one clip (its active take, or any other take) alone as the mix would play
  it, from decoded takes kept at the story rate in a cache; the takes of the selected clip
  are decoded ahead (`prefetch`), so an audition starts at once.
- With pre-roll, the clip is heard in the mix, from a moment before it to its end.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.audio.clip_audio import clip_audio
from app.audio.playback import Player
from app.controllers.workers import QuickPool
from engine.audio.cache import BoundedAudio
from engine.mix.mixer import Mixer, story_rate_audio
from engine.model.story import Take

CACHE_BYTES = 1 << 30  # decoded takes kept for playback and re-mixing
PRE_ROLL_S = 2.0
SCRUB_GRAIN_S = 0.09


class TakeAudioCache:
    """Decoded takes for playback by (path, rate), least recently used dropped first
    (thread-safe). Native-rate entries are the very arrays of the project's own cache
    (`Project.read_take`), so they cost no memory twice; a look-up here touches no file,
    which matters on the GUI thread: every system call there can wait out another thread's
    turn at the interpreter."""

    def __init__(self, limit_bytes: int = CACHE_BYTES) -> None:
        self._held = BoundedAudio(limit_bytes)

    def get(self, project, event):
        """The event's active take as (audio, rate), or None (the mixer's take_audio)."""
        take = event.active_take()
        return None if take is None else self.take(project, take)

    def take(self, project, take: Take, rate: int | None = None):
        """A take as (audio, its rate), or resampled to `rate` once and kept that way."""
        key = (str(project.take_path(take)), rate)
        cached = self._held.get(key)
        if cached is not None:
            return cached
        if not project.take_available(take):
            return None
        audio = project.read_take(take)
        if rate is not None:  # float32, at most stereo, at the story's rate
            audio = (story_rate_audio(audio, rate), rate)
        self._held.put(key, audio)
        return audio

    def has(self, project, take: Take, rate: int | None = None) -> bool:
        return (str(project.take_path(take)), rate) in self._held


class MixPlayer(QObject):
    mixing = Signal(bool)
    message = Signal(str)

    def __init__(self, document, player: Player, pool: QuickPool, parent=None) -> None:
        super().__init__(parent)
        self.player = player
        self.pool = pool
        self.cache = TakeAudioCache()
        self._generation = 0
        self._dirty = True
        self._play_when_ready = False
        self._after_mix = None  # what to do once the mix in progress is ready
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
                document.eventsRemoved, document.trackChanged, document.tracksChanged)

    def mark_dirty(self, *args) -> None:
        self._dirty = True
        if self.player.state == "playing" and not self.player.auditioning:
            self._debounce.start()

    def toggle(self) -> None:
        if self.player.state == "playing" and not self.player.auditioning:
            self.player.pause()
        else:
            self.play()

    def play(self) -> None:
        if not self.player.available:
            return
        if self._dirty or not self.player.has_mix:
            self._after_mix = self.player.play
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
        def mix():
            result = Mixer().mix(story, lambda event: cache.get(project, event))
            _ = result.master  # summed here, off the GUI thread (it is made on first use)
            return result

        self.pool.submit(("mix", generation), mix,
                         on_done=lambda result: self._mixed(generation, result),
                         on_error=lambda reason: self._failed(reason))

    def _mixed(self, generation: int, result) -> None:
        if generation != self._generation:
            return  # a newer mix is on its way
        self.mixing.emit(False)
        self.player.set_mix(result.master, result.sample_rate, result.stems, result.ducking)
        then, self._after_mix = self._after_mix, None
        if then is not None:
            then()

    def _failed(self, reason: str) -> None:
        self.mixing.emit(False)
        self._after_mix = None
        self.message.emit(f"Playback mix failed: {reason}")

    # -- auditions ---------------------------------------------------------------------
    def prefetch(self, event_ids: list[str]) -> None:
        """Decode the takes of these clips at the story rate ahead of an audition."""
        story, project, cache = self.document.story, self.document.project, self.cache
        rate = story.sample_rate
        for event_id in event_ids[:4]:
            for take in story.event(event_id).takes:
                if not cache.has(project, take, rate) and project.take_available(take):
                    self.pool.submit(("decode", str(project.take_path(take)), rate),
                                     lambda take=take: cache.take(project, take, rate))

    def audition(self, event_id: str, take_id: str | None = None) -> bool:
        """Play one clip alone (with `take_id`: that take instead of the active one)."""
        if not self.player.available:
            return False
        story, project = self.document.story, self.document.project
        event = story.event(event_id)
        take = (event.active_take() if take_id is None
                else next((t for t in event.takes if t.id == take_id), None))
        if take is None:
            self.message.emit(f"“{event.caption}” has no take to play yet: render it first (R)")
            return False
        if take_id is not None and take_id != event.active_take_id:
            event = event.model_copy(update={"active_take_id": take.id})
        track = story.track(event.track_id)
        rate = story.sample_rate
        if not self.cache.has(project, take, rate):  # not decoded yet: decode, then play
            # (its own key: a prefetch of the same take may be in flight without a callback)
            self.pool.submit(("decode and play", str(project.take_path(take)), rate),
                             lambda: self.cache.take(project, take, rate),
                             on_done=lambda _: self._play_clip(event, track, take, rate))
            return True
        return self._play_clip(event, track, take, rate)

    def _play_clip(self, event, track, take, rate: int) -> bool:
        audio = self.cache.take(self.document.project, take, rate)
        if audio is None:
            self.message.emit(f"The take file of “{event.caption}” is missing")
            return False
        clip = clip_audio(event, track, audio[0], rate)
        if clip is None:
            return False
        return self.player.audition(clip, rate, clip.start, track.id)

    def audition_in_context(self, event_id: str) -> bool:
        """The clip in the mix, from PRE_ROLL_S before it to its end."""
        event = self.document.story.event(event_id)
        rate = self.document.story.sample_rate
        start = max(event.start - int(PRE_ROLL_S * rate), 0)
        return self._with_mix(lambda: self.player.audition_range(start, event.end))

    def scrub(self, samples: int) -> None:
        """A short grain of the mix at `samples` (dragging on the ruler, transport stopped)."""
        if self.player.state == "playing" and not self.player.auditioning:
            return  # playing: the ruler just seeks
        grain = int(SCRUB_GRAIN_S * self.document.story.sample_rate)
        self._with_mix(lambda: self.player.audition_range(samples, samples + grain, "scrub"))

    def _with_mix(self, then) -> bool:
        if not self.player.available:
            return False
        if self._dirty or not self.player.has_mix:
            self._after_mix = then
            self.remix()
            return True
        return then()
