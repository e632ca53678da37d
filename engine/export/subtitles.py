"""Subtitles of the story's speech: SubRip (.srt) and WebVTT (.vtt) files beside the master.

One cue per spoken line at its clip's exact time, wrapped at 42 characters on at most two
lines (the usual broadcast limits); a long line (a narrator's paragraph) is split into cues
at sentence and clause ends, each given a share of the clip's time by its length. WebVTT
names the speaker with a voice span (`<v Captain>`), which players show or style.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from engine.model.story import Event, Story

LINE_CHARS = 42
CUE_LINES = 2
SUBTITLE_SUFFIXES = (".srt", ".vtt")
_BREAKS = re.compile(r"(?<=[.!?;:…])\s+|(?<=,)\s+")


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str
    speaker: str = ""


def spoken_events(story: Story) -> list[Event]:
    """Events with words to show, in story order, that start inside the story."""
    return sorted((e for e in story.events if e.text and e.text.strip()
                   and e.start < story.duration), key=lambda e: (e.start, e.id))


def cues(story: Story) -> list[Cue]:
    out = []
    for event in spoken_events(story):
        start = story.to_seconds(event.start)
        end = story.to_seconds(min(event.end, story.duration))
        pieces = _pieces(" ".join((event.text or "").split()))
        total = sum(len(p) for p in pieces)
        at = start
        for piece in pieces:
            length = (end - start) * len(piece) / total
            out.append(Cue(at, at + length, piece, event.speaker or ""))
            at += length
    return out


def _pieces(text: str) -> list[str]:
    """The text in parts that each fit one cue (two lines of 42 characters)."""
    limit = LINE_CHARS * CUE_LINES
    if len(text) <= limit:
        return [text]
    pieces, current = [], ""
    for part in _BREAKS.split(text):
        while len(part) > limit:  # one clause longer than a cue: cut at a word
            cut = part.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(part[:cut].strip())
            part = part[cut:].strip()
        if current and len(current) + 1 + len(part) > limit:
            pieces.append(current)
            current = part
        else:
            current = f"{current} {part}".strip()
    if current:
        pieces.append(current)
    return pieces


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LINE_CHARS)) or text


def _timestamp(seconds: float, separator: str) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def srt(story: Story) -> str:
    blocks = [f"{n}\n{_timestamp(c.start_s, ',')} --> {_timestamp(c.end_s, ',')}\n"
              f"{_wrapped(c.text)}\n" for n, c in enumerate(cues(story), start=1)]
    return "\n".join(blocks)


def webvtt(story: Story) -> str:
    blocks = ["WEBVTT\n"]
    for cue in cues(story):
        text = _wrapped(_escape(cue.text))
        if cue.speaker:
            text = f"<v {_escape(cue.speaker)}>{text}"
        blocks.append(f"{_timestamp(cue.start_s, '.')} --> {_timestamp(cue.end_s, '.')}\n"
                      f"{text}\n")
    return "\n".join(blocks)


def subtitles_text(story: Story, suffix: str) -> str:
    return webvtt(story) if suffix.lower() == ".vtt" else srt(story)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def marker_label(event: Event) -> str:
    """What a marker or label says of an event: the line for speech, else the caption."""
    if event.text and event.text.strip():
        words = " ".join(event.text.split())
        return f"{event.speaker}: “{words}”" if event.speaker else f"“{words}”"
    return " ".join(event.caption.split())
