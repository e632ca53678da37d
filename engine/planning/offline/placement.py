"""How loud and where: an event's level (dB, relative to its track's usual level) and pan
(-1 left ... +1 right) from the words of its clause ("distant", "far away", "close",
"to the left", "overhead"), as a sound designer sets a fader and a pan knob. The words and
their values are data: resources/planning/language.json "levels" and "sides".

The levels are moderate on purpose: a generator that reads the caption ("a distant bell")
may already render the sound further away.
"""
from __future__ import annotations

import re
from functools import lru_cache

from engine.planning.offline.vocabulary import vocabulary

LEVEL_RANGE_DB = (-12.0, 6.0)


def level_and_pan(text: str) -> tuple[float, float]:
    """(gain_db, pan) the words of a clause give its sounds; (0, 0) when they say nothing."""
    lowered = text.lower()
    gain = 0.0
    for pattern, value in _levels():
        if pattern.search(lowered):
            gain += value
    gain = min(max(gain, LEVEL_RANGE_DB[0]), LEVEL_RANGE_DB[1])
    pan = 0.0
    for pattern, value in _sides():
        if pattern.search(lowered):
            pan = value
            break
    return round(gain, 1), pan


@lru_cache(maxsize=1)
def _levels() -> list[tuple[re.Pattern, float]]:
    """Longest phrases first; a phrase inside a longer one that matched does not count
    twice ("far away" is not also "away")."""
    levels = vocabulary().language["levels"]
    words = sorted((w for w in levels if w != "about"), key=len, reverse=True)
    patterns = []
    for word in words:
        longer = [w for w in words if w != word and word in w]
        guard = "".join(rf"(?<!{re.escape(w[:w.index(word)])})" for w in longer
                        if w.index(word) > 0)
        after = "".join(rf"(?!{re.escape(w[w.index(word) + len(word):])})" for w in longer
                        if w.index(word) + len(word) < len(w))
        patterns.append((re.compile(rf"{guard}\b{re.escape(word)}\b{after}"),
                         float(levels[word])))
    return patterns


@lru_cache(maxsize=1)
def _sides() -> list[tuple[re.Pattern, float]]:
    sides = vocabulary().language["sides"]
    owners = r"(?:the|her|his|their|my|your|our|its)"
    out = []
    for side, value in (("left", -1.0), ("right", 1.0)):
        for reach, amount in (("far|hard|extreme", sides["far"]), ("", sides["near"])):
            reach_words = rf"(?:{reach})\s+" if reach else ""
            out.append((re.compile(rf"\b(?:to|on|from|at|toward|towards)\s+{owners}\s+"
                                   rf"{reach_words}{side}\b(?!\s+to\b)"), value * amount))
            out.append((re.compile(rf"\b{reach_words}{side}\s+(?:side|hand side)\b"),
                        value * amount))
    return out
