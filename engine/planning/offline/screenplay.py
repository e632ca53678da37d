"""Screenplay scene headings read as prose: "INT. HOSPITAL WARD - NIGHT." opens a scene.

Sound designers paste scripts. A slugline names where a scene plays and when; it is never a
sound. Each becomes a paragraph of its own (so a scene starts there) that opens with a
heading the reader already understands: "In the hospital ward at night:". Transitions
("CUT TO:", "FADE IN:") only say that the picture changes, and are dropped.
"""
from __future__ import annotations

import re

# a transition is a line of its own, in capitals: "CUT TO:", "FADE IN:", "FADE OUT."
_TRANSITION = re.compile(
    r"(?:^|(?<=[\n.!?]))[ \t]*(?:(?:SMASH |MATCH |JUMP )?CUT TO|DISSOLVE TO|FADE (?:IN|OUT)"
    r"(?: TO BLACK)?|FADE TO BLACK)[ \t]*(?:[:.]|(?=\n)|$)[ \t]*")
# INT./EXT. in capitals ("int. the cat sleeps" is no heading); the place and time in any case
_SLUGLINE = re.compile(
    r"(?:^|(?<=[\n.!?:]))[ \t]*(?P<where>INT\.?[ \t]*/[ \t]*EXT|EXT\.?[ \t]*/[ \t]*INT|I/E|INT|EXT)"
    r"\.[ \t]+(?P<place>[^\n.]+?)(?:[ \t]+[-–—]+[ \t]+(?P<when>[^\n.]+?))?[ \t]*(?:\.|\n|$)")
# what a slugline's time says, as the words a story would use ("" says nothing of time)
_WHEN = {"night": "at night", "day": "", "dawn": "at dawn", "dusk": "at dusk",
         "morning": "in the morning", "afternoon": "in the afternoon",
         "evening": "in the evening", "noon": "at midday", "midnight": "at midnight",
         "sunrise": "at sunrise", "sunset": "at sunset", "continuous": "", "same": "",
         "same time": ""}  # (any "... later" is kept as it is)


def as_prose(text: str) -> str:
    """`text` with each slugline turned into a paragraph break and a heading, and without
    transitions; prose comes back as it was."""
    text = _TRANSITION.sub("", text)
    return _SLUGLINE.sub(_heading, text).strip() if _SLUGLINE.search(text) else text.strip()


def _heading(match: re.Match) -> str:
    place = " ".join(match.group("place").lower().split())
    outside = match.group("where").startswith("EXT")
    when = " ".join((match.group("when") or "").lower().split())
    time = _WHEN.get(when, when if re.search(r"\blater\b", when) else "")
    words = f"{'At' if outside else 'In'} the {place}{' ' + time if time else ''}"
    return f"\n\n{words}:\n"
