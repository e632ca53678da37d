"""Moving and trimming clips with the mouse, with snapping.

While the mouse moves, only the items move (a preview); on release the whole gesture becomes
one undoable `SetEventFields` command, and the items re-sync from the model.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt

from app.document.edits import SetEventFields

SNAP_PX = 8.0
MIN_CLIP_S = 0.01


@dataclass(frozen=True)
class _Original:
    start: int
    duration: int
    offset: int
    lane: int
    has_take: bool


@dataclass
class _Gesture:
    mode: str  # "body", "left" or "right"
    primary: str
    origin: QPointF
    originals: dict[str, _Original]
    targets: list[int]  # snap positions in samples
    preview: dict[str, tuple[int, int, int, int]]  # id -> start, duration, offset, lane


class DragController:
    def __init__(self, scene) -> None:
        self.scene = scene
        self.gesture: _Gesture | None = None

    # -- gesture ---------------------------------------------------------------------
    def press(self, item, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        additive = event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                        | Qt.KeyboardModifier.ShiftModifier)
        if additive:
            item.setSelected(not item.isSelected())
        elif not item.isSelected():
            self.scene.clearSelection()
            item.setSelected(True)
        self._raise(item)
        mode = item.edge_at(event.pos().x())
        ids = self.scene.selected_event_ids() if mode == "body" else [item.event_id]
        if item.event_id not in ids:
            ids = [item.event_id]
        story = self.scene.document.story
        originals = {}
        for event_id in ids:
            ev = story.event(event_id)
            originals[event_id] = _Original(ev.start, ev.duration, ev.offset,
                                            self.scene.lane_of(ev.track_id),
                                            ev.active_take() is not None)
        self.gesture = _Gesture(mode, item.event_id, event.scenePos(), originals,
                                self._snap_targets(set(ids)), {})
        event.accept()

    def move(self, event) -> None:
        gesture = self.gesture
        if gesture is None:
            return
        scale = self.scene.scale
        delta = scale.samples(event.scenePos().x()) - scale.samples(gesture.origin.x())
        snapping = self.scene.snapping and not (event.modifiers() & Qt.KeyboardModifier.AltModifier)
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
            self.scene.document.undo_stack.push(
                SetEventFields(self.scene.document, changes, f"{verb} {count}"))
        for event_id in gesture.originals:
            if any(e.id == event_id for e in self.scene.document.story.events):
                self.scene.item(event_id).sync()

    def _raise(self, item) -> None:
        """The clip being handled is drawn above clips it overlaps."""
        self._top_z = getattr(self, "_top_z", 0.0) + 1e-3
        item.setZValue(self._top_z)

    # -- geometry ----------------------------------------------------------------------
    def _moved(self, gesture: _Gesture, delta: int, lane_delta: int, snapping: bool) -> dict:
        primary = gesture.originals[gesture.primary]
        if snapping:
            delta += self._snap_offset([primary.start + delta,
                                        primary.start + primary.duration + delta],
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
                start += self._snap_offset([start], gesture.targets)
            earliest = max(o.start - o.offset, 0) if o.has_take else 0
            start = min(max(start, earliest), end - shortest)
            offset = o.offset + (start - o.start) if o.has_take else 0
            return {gesture.primary: (start, end - start, offset, o.lane)}
        new_end = end + delta
        if snapping:
            new_end += self._snap_offset([new_end], gesture.targets)
        new_end = max(new_end, o.start + shortest)
        return {gesture.primary: (o.start, new_end - o.start, o.offset, o.lane)}

    def _snap_targets(self, moving: set[str]) -> list[int]:
        story = self.scene.document.story
        targets = {0, story.duration, self.scene.playhead_samples()}
        for ev in story.events:
            if ev.id not in moving:
                targets.update((ev.start, ev.end))
        return sorted(targets)

    def _snap_offset(self, positions: list[int], targets: list[int]) -> int:
        """The smallest shift that puts one of `positions` on a target (clip edges, the
        playhead, the story's ends) or, when none is in reach, on a grid line."""
        scale = self.scene.scale
        reach = SNAP_PX / scale.px_per_sample
        grid = max(int(scale.tick_step_s(80.0) / 4 * scale.sample_rate), 1)
        for candidates in (
                [(t - p) for p in positions for t in targets],
                [(int(round(p / grid)) * grid - p) for p in positions]):
            in_reach = [shift for shift in candidates if abs(shift) <= reach]
            if in_reach:
                return min(in_reach, key=abs)
        return 0
