"""Mouse gestures on clips: move, trim, slip, fade and gain handles, with snapping.

While the mouse moves, only the items change (a preview); on release the whole gesture
becomes one undoable `SetEventFields` command, and the items re-sync from the model.

- body: move the selected clips in time and across tracks (Alt: no snapping);
- left / right edge: trim (the left edge keeps the audio in place);
- Ctrl+Alt on the body: slip the audio inside the clip (its place and length stay);
- the squares at the top corners of the waveform: fade in / fade out;
- the gain line across the waveform: clip gain.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt

from app.document.edits import SetEventFields
from app.timeline.handles import clamp_fades, depth_to_gain, gain_to_depth
from app.timeline.snapping import SNAP_PX, grid_step_samples, snap_shift, snap_targets

MIN_CLIP_S = 0.01
HANDLE_MODES = ("fade_in", "fade_out", "gain", "slip")


@dataclass(frozen=True)
class _Original:
    start: int
    duration: int
    offset: int
    lane: int
    has_take: bool
    take_frames: int  # at the story rate; 0 without a take
    fade_in_s: float
    fade_out_s: float
    gain_db: float


@dataclass
class _Gesture:
    mode: str  # "body", "left", "right", "slip", "fade_in", "fade_out" or "gain"
    primary: str
    origin: QPointF
    originals: dict[str, _Original]
    targets: list[int]  # snap positions in samples
    preview: dict[str, tuple[int, int, int, int]]  # id -> start, duration, offset, lane
    handle_fields: dict  # fades / gain / offset previewed by a handle gesture


class DragController:
    def __init__(self, scene) -> None:
        self.scene = scene
        self.gesture: _Gesture | None = None
        self._top_z = 0.0

    # -- gesture ---------------------------------------------------------------------
    def press(self, item, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        modifiers = event.modifiers()
        slip = (modifiers & Qt.KeyboardModifier.ControlModifier
                and modifiers & Qt.KeyboardModifier.AltModifier)
        additive = not slip and modifiers & (Qt.KeyboardModifier.ControlModifier
                                             | Qt.KeyboardModifier.ShiftModifier)
        if additive:
            item.setSelected(not item.isSelected())
        elif not item.isSelected():
            self.scene.clearSelection()
            item.setSelected(True)
        self._raise(item)
        mode = item.handle_at(event.pos())
        if slip and mode == "body":
            mode = "slip"
        ids = self.scene.selected_event_ids() if mode == "body" else [item.event_id]
        if item.event_id not in ids:
            ids = [item.event_id]
        story = self.scene.document.story
        originals = {}
        for event_id in ids:
            ev = story.event(event_id)
            take = ev.active_take()
            frames = (int(take.frames * story.sample_rate / take.sample_rate)
                      if take is not None else 0)
            originals[event_id] = _Original(ev.start, ev.duration, ev.offset,
                                            self.scene.lane_of(ev.track_id), take is not None,
                                            frames, ev.fade_in_s, ev.fade_out_s, ev.gain_db)
        self.gesture = _Gesture(mode, item.event_id, event.scenePos(), originals,
                                self._snap_targets(set(ids)), {}, {})
        event.accept()

    def move(self, event) -> None:
        gesture = self.gesture
        if gesture is None:
            return
        scale = self.scene.scale
        delta = scale.samples(event.scenePos().x()) - scale.samples(gesture.origin.x())
        snapping = self.scene.snapping and not (event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if gesture.mode in HANDLE_MODES:
            gesture.handle_fields = self._handled(gesture, delta, event.scenePos())
            self.scene.item(gesture.primary).set_preview(gesture.handle_fields)
            return
        if gesture.mode == "body":
            lane_delta = self.scene.lane_at(event.scenePos().y()) - self.scene.lane_at(
                gesture.origin.y())
            gesture.preview = self._moved(gesture, delta, lane_delta, snapping)
        else:
            gesture.preview = self._trimmed(gesture, delta, snapping)
        for event_id, (start, duration, _, lane) in gesture.preview.items():
            self.scene.item(event_id).set_geometry(start, duration, lane)

    def release(self, event) -> None:
        gesture, self.gesture = self.gesture, None
        if gesture is None:
            return
        document = self.scene.document
        if gesture.mode in HANDLE_MODES:
            item = self.scene.item(gesture.primary)
            item.set_preview({})
            current = document.story.event(gesture.primary)
            fields = {name: value for name, value in gesture.handle_fields.items()
                      if getattr(current, name) != value}
            if fields:
                verb = {"fade_in": "Fade in", "fade_out": "Fade out", "gain": "Clip gain",
                        "slip": "Slip audio"}[gesture.mode]
                document.undo_stack.push(SetEventFields(document, {gesture.primary: fields},
                                                        verb))
            return
        changes = {}
        for event_id, (start, duration, offset, lane) in gesture.preview.items():
            original = gesture.originals[event_id]
            fields = {}
            if start != original.start:
                fields["start"] = start
            if duration != original.duration:
                fields["duration"] = duration
            if offset != original.offset:
                fields["offset"] = offset
            if lane != original.lane:
                fields["track_id"] = self.scene.track_id_at(lane)
            if fields:
                changes[event_id] = fields
        if changes:
            verb = {"body": "Move", "left": "Trim", "right": "Trim"}[gesture.mode]
            count = f"{len(changes)} clips" if len(changes) > 1 else "clip"
            document.undo_stack.push(SetEventFields(document, changes, f"{verb} {count}"))
        for event_id in gesture.originals:
            if self.scene.has_item(event_id):
                self.scene.item(event_id).sync()

    def cancel(self) -> None:
        """Drop a gesture in progress (Esc, or the story went away): the model is untouched."""
        gesture, self.gesture = self.gesture, None
        if gesture is None:
            return
        for event_id in gesture.originals:
            if self.scene.has_item(event_id):
                item = self.scene.item(event_id)
                item.set_preview({})
                item.sync()

    def _raise(self, item) -> None:
        """The clip being handled is drawn above clips it overlaps."""
        self._top_z += 1e-3
        item.setZValue(self._top_z)

    # -- geometry ----------------------------------------------------------------------
    def _handled(self, gesture: _Gesture, delta: int, pos: QPointF) -> dict:
        o = gesture.originals[gesture.primary]
        rate = self.scene.document.story.sample_rate
        length_s = o.duration / rate
        if gesture.mode == "fade_in":
            fade_in, _ = clamp_fades(o.fade_in_s + delta / rate, 0.0, length_s)
            return {"fade_in_s": min(fade_in, round(length_s - o.fade_out_s, 3))}
        if gesture.mode == "fade_out":
            _, fade_out = clamp_fades(0.0, o.fade_out_s - delta / rate, length_s)
            return {"fade_out_s": min(fade_out, round(length_s - o.fade_in_s, 3))}
        if gesture.mode == "gain":  # the line follows the mouse from where it was
            item = self.scene.item(gesture.primary)
            area = max(item.rect().height() - item.wave_top(), 1.0)
            depth = gain_to_depth(o.gain_db) + (pos.y() - gesture.origin.y()) / area
            return {"gain_db": depth_to_gain(depth)}
        # slip: the audio moves under the clip (dragging right shows earlier audio)
        if not o.has_take:
            return {}
        latest = max(o.take_frames - o.duration, 0)
        return {"offset": int(min(max(o.offset - delta, 0), latest))}

    def _moved(self, gesture: _Gesture, delta: int, lane_delta: int, snapping: bool) -> dict:
        primary = gesture.originals[gesture.primary]
        if snapping:
            delta += self._snap([primary.start + delta, primary.start + primary.duration + delta],
                                gesture.targets)
        delta = max(delta, -min(o.start for o in gesture.originals.values()))
        lanes = self.scene.lane_count()
        lane_delta = max(min(lane_delta, lanes - 1 - max(o.lane for o in gesture.originals.values())),
                         -min(o.lane for o in gesture.originals.values()))
        return {event_id: (o.start + delta, o.duration, o.offset, o.lane + lane_delta)
                for event_id, o in gesture.originals.items()}

    def _trimmed(self, gesture: _Gesture, delta: int, snapping: bool) -> dict:
        o = gesture.originals[gesture.primary]
        rate = self.scene.document.story.sample_rate
        shortest = max(int(MIN_CLIP_S * rate), 1)
        end = o.start + o.duration
        if gesture.mode == "left":
            start = o.start + delta
            if snapping:
                start += self._snap([start], gesture.targets)
            earliest = max(o.start - o.offset, 0) if o.has_take else 0
            start = min(max(start, earliest), end - shortest)
            offset = o.offset + (start - o.start) if o.has_take else 0
            return {gesture.primary: (start, end - start, offset, o.lane)}
        new_end = end + delta
        if snapping:
            new_end += self._snap([new_end], gesture.targets)
        new_end = max(new_end, o.start + shortest)
        return {gesture.primary: (o.start, new_end - o.start, o.offset, o.lane)}

    def _snap_targets(self, moving: set[str]) -> list[int]:
        story = self.scene.document.story
        fixed = [0, story.duration, self.scene.playhead_samples()]
        for scene in story.scenes:
            fixed += [scene.start, scene.end]
        return snap_targets(((ev.start, ev.end) for ev in story.events if ev.id not in moving),
                            fixed)

    def _snap(self, positions: list[int], targets: list[int]) -> int:
        scale = self.scene.scale
        return snap_shift(positions, targets, SNAP_PX / scale.px_per_sample,
                          grid_step_samples(scale.px_per_second, scale.sample_rate))
