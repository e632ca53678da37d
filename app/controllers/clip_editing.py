"""Clip edits that are commands rather than gestures: split at the playhead, nudge, copy,
cut and paste. Each is one undo step on the document's stack."""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData

from app.document.edits import AddEvents, RemoveEvents, SetEventFields
from app.document.story_document import StoryDocument
from engine.model.story import Event

CLIP_MIME = "application/x-audiostory-clips"
FRAME_S = 1 / 30  # "nudge by frame": one video frame at 30 fps


def split_point_inside(event: Event, position: int, shortest: int) -> bool:
    return event.start + shortest <= position <= event.end - shortest


class ClipEditor:
    def __init__(self, document: StoryDocument) -> None:
        self.document = document

    # -- split ---------------------------------------------------------------------------
    def split(self, event_ids: list[str], position: int) -> list[str]:
        """Cut each clip at `position` into two that play back exactly like the one did
        (same take, the right part starting further into it). Returns the new clips' ids."""
        story = self.document.story
        shortest = max(int(0.01 * story.sample_rate), 1)
        targets = [story.event(i) for i in event_ids]
        targets = [e for e in targets if split_point_inside(e, position, shortest)]
        if not targets:
            return []
        changes, added, reserved = {}, [], set()
        for event in targets:
            left = position - event.start
            changes[event.id] = {"duration": left, "fade_out_s": 0.0}
            new_id = story.next_event_id(reserved)
            reserved.add(new_id)
            added.append(event.model_copy(deep=True, update={
                "id": new_id, "start": position, "duration": event.duration - left,
                "offset": event.offset + left, "fade_in_s": 0.0}))
        stack = self.document.undo_stack
        stack.beginMacro(f"Split {len(targets)} clip{'s' if len(targets) > 1 else ''}")
        stack.push(SetEventFields(self.document, changes, "Split"))
        stack.push(AddEvents(self.document, added, "Split"))
        stack.endMacro()
        return [e.id for e in added]

    # -- nudge ---------------------------------------------------------------------------
    def nudge(self, event_ids: list[str], delta: int) -> bool:
        """Move the clips by `delta` samples (never before the story's start)."""
        story = self.document.story
        events = [story.event(i) for i in event_ids]
        if not events or delta == 0:
            return False
        delta = max(delta, -min(e.start for e in events))
        if delta == 0:
            return False
        self.document.undo_stack.push(SetEventFields(
            self.document, {e.id: {"start": e.start + delta} for e in events},
            f"Nudge {len(events)} clip{'s' if len(events) > 1 else ''}"))
        return True

    # -- clipboard -----------------------------------------------------------------------
    def copy(self, event_ids: list[str]) -> QMimeData | None:
        """The clips as clipboard data: full events (takes included) plus their captions."""
        story = self.document.story
        events = sorted((story.event(i) for i in event_ids), key=lambda e: (e.start, e.id))
        if not events:
            return None
        mime = QMimeData()
        payload = {"sample_rate": story.sample_rate,
                   "events": [e.model_dump(mode="json") for e in events]}
        mime.setData(CLIP_MIME, json.dumps(payload).encode())
        mime.setText("\n".join(e.caption for e in events))
        return mime

    @staticmethod
    def release_clipboard(clipboard) -> None:
        """Drop copied clips from the clipboard when the window closes: they name takes of
        this project, and Qt must not free the clip data after the application is gone
        (which crashed the process at exit)."""
        mime = clipboard.mimeData()
        if mime is not None and mime.hasFormat(CLIP_MIME):
            clipboard.clear()

    def cut(self, event_ids: list[str]) -> QMimeData | None:
        mime = self.copy(event_ids)
        if mime is not None:
            self.document.undo_stack.push(RemoveEvents(
                self.document, event_ids, f"Cut {len(event_ids)} clip"
                + ("s" if len(event_ids) > 1 else "")))
        return mime

    def paste(self, mime: QMimeData, position: int) -> list[str]:
        """Copied clips at `position`, keeping their spacing and tracks (a track that is not
        in this story: the first of the same kind, else the first track)."""
        if mime is None or not mime.hasFormat(CLIP_MIME):
            return []
        story = self.document.story
        if not story.tracks:
            return []
        try:
            payload = json.loads(bytes(mime.data(CLIP_MIME)).decode())
            events = [Event.model_validate(data) for data in payload["events"]]
        except (ValueError, KeyError, TypeError):
            return []
        kinds = {t.id: t.kind for t in story.tracks}
        first = min(e.start for e in events)
        ratio = story.sample_rate / int(payload.get("sample_rate", story.sample_rate))
        pasted, reserved = [], set()
        for event in events:
            track_id = event.track_id if event.track_id in kinds else next(
                (t.id for t in story.tracks if event.track_id.startswith(t.kind.value)),
                story.tracks[0].id)
            new_id = story.next_event_id(reserved)
            reserved.add(new_id)
            pasted.append(event.model_copy(update={
                "id": new_id, "track_id": track_id, "scene_id": None,
                "start": position + int(round((event.start - first) * ratio)),
                "duration": max(int(round(event.duration * ratio)), 1),
                "offset": int(round(event.offset * ratio))}))
        self.document.undo_stack.push(AddEvents(
            self.document, pasted, f"Paste {len(pasted)} clip" + ("s" if len(pasted) > 1 else "")))
        return [e.id for e in pasted]
