"""The transport as the window sees it: play, stop, seek, loop, follow the playhead,
audition, scrub, and the meters while playing. It connects the player (app/audio) with the
timeline, the transport bar and the selection; the window only forwards commands to it."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

METER_INTERVAL_MS = 33


class PlaybackController(QObject):
    def __init__(self, player, mix, timeline, transport, document: Callable, selected: Callable,
                 message: Callable[[str], None], parent=None) -> None:
        super().__init__(parent)
        self.player, self.mix, self.timeline, self.transport = player, mix, timeline, transport
        self._document, self._selected, self._message = document, selected, message
        self.follow = True
        self.looping = False
        self.meter_timer = QTimer(self)
        self.meter_timer.setInterval(METER_INTERVAL_MS)
        self.meter_timer.timeout.connect(self.update_meters)
        player.positionChanged.connect(self.position_changed)
        player.stateChanged.connect(self.state_changed)
        ruler = timeline.ruler
        ruler.seekRequested.connect(self.seek)
        ruler.scrubRequested.connect(mix.scrub)
        ruler.scrubFinished.connect(self.scrub_finished)
        ruler.loopChanged.connect(self.loop_region_changed)
        transport.playToggled.connect(self.toggle_play)
        transport.stopRequested.connect(self.stop)

    # -- transport ---------------------------------------------------------------------
    def toggle_play(self) -> None:
        self.mix.toggle()

    def stop(self) -> None:
        self.player.stop()

    def go_to_start(self) -> None:
        self.seek(0)

    def seek(self, samples: int) -> None:
        self.player.seek(samples)
        self.position_changed(samples)

    def reset(self) -> None:
        """A new story: stopped, at its start, no loop."""
        self.player.stop()
        self.set_looping(False)
        self.seek(0)

    def set_follow(self, on: bool) -> None:
        self.follow = on

    def set_looping(self, on: bool) -> None:
        """Loop the ruler's region, or else the span of the selected clips."""
        self.looping = on
        button = self.transport.loop_button
        button.blockSignals(True)
        button.setChecked(on)
        button.blockSignals(False)
        ruler = self.timeline.ruler
        selected = self._selected()
        if on and ruler.loop is None and selected:
            events = [self._document().story.event(i) for i in selected]
            ruler.set_loop((min(e.start for e in events), max(e.end for e in events)))
        self.player.set_loop(ruler.loop if on else None)

    def loop_region_changed(self, region) -> None:
        if self.looping:
            self.player.set_loop(region)

    # -- auditions ---------------------------------------------------------------------
    def audition_selected(self) -> None:
        selected = self._selected()
        if not selected:
            self._message("Select a clip to audition (A)")
            return
        self.mix.audition(selected[0])

    def audition_in_context(self) -> None:
        selected = self._selected()
        if selected:
            self.mix.audition_in_context(selected[0])

    def scrub_finished(self, samples: int) -> None:
        """Letting go of the ruler ends the scrub; the playhead stays where the mouse was."""
        if self.player.auditioning:
            self.player.stop()
        self.seek(samples)

    # -- what the player reports -------------------------------------------------------
    def position_changed(self, samples: int) -> None:
        story = self._document().story
        follow = self.player.state == "playing" and self.follow
        self.timeline.set_playhead(samples, follow=follow)
        self.transport.show_time(samples, story.duration, story.sample_rate)

    def state_changed(self, state: str) -> None:
        self.transport.show_state(state)
        if state == "playing":
            self.meter_timer.start()
        else:
            self.meter_timer.stop()
            self.transport.meter.set_peaks(0.0, 0.0)
            self.timeline.headers.set_levels({})

    def update_meters(self) -> None:
        reading = self.player.meter
        self.transport.meter.set_peaks(reading.peak_left, reading.peak_right)
        self.timeline.headers.set_levels(self.player.track_peaks(),
                                         self.player.track_ducking())
