"""The tone of each scene, from the words it is told in (resources/planning/language.json
"tone_words") and the phenomena it holds (a storm is tense).

Each tone word counts once, a phenomenon twice; on a tie the tone the scene sets first wins
(the opening sets the mood). A scene without tone words keeps the tone of the scene before:
the story's mood carries on until the text changes it (it also counts once in the next
scene, and wins a tie there).
"""
from __future__ import annotations

import re

from engine.planning.offline.phrasing import _lemmas
from engine.planning.offline.vocabulary import phrase_pattern, vocabulary

PHENOMENON_WEIGHT = 2
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def scene_tones(scene_text: dict[int, str]) -> dict[int, str]:
    tones: dict[int, str] = {}
    previous = "neutral"
    for scene in sorted(scene_text):
        tone = tone_of(scene_text[scene], carried=previous if tones else "")
        tones[scene] = tone or previous
        previous = tones[scene]
    return tones


def tone_of(text: str, carried: str = "") -> str:
    """The scene's tone, or "" when its words set none; `carried` is the mood of the scene
    before, one vote that wins a tie."""
    lowered = text.lower()
    positions: dict[str, list[int]] = {}  # lemma -> where it occurs
    for match in _WORD.finditer(lowered):
        word = match.group(0)
        lemmas = _lemmas(word)
        for form in {word, *lemmas.get("VERB", ()), *lemmas.get("NOUN", ())}:
            positions.setdefault(form, []).append(match.start())
    scores: dict[str, int] = {}
    first: dict[str, int] = {}

    def count(tone: str, weight: int, at: int) -> None:
        scores[tone] = scores.get(tone, 0) + weight
        first[tone] = min(first.get(tone, at), at)

    if carried and carried != "neutral":
        count(carried, 1, -1)
    for tone, words in vocabulary().language["tone_words"].items():
        for word in words:
            if " " in word:
                found = phrase_pattern(word).search(lowered)
                if found:
                    count(tone, 1, found.start())
            elif word in positions:
                count(tone, 1, positions[word][0])
    for entry in vocabulary().phenomena:
        for word in entry.words:
            found = phrase_pattern(word).search(lowered)
            if found and entry.tone:
                count(entry.tone, PHENOMENON_WEIGHT, found.start())
                break
    if not scores or list(scores) == [carried]:
        return ""
    return min(scores, key=lambda tone: (-scores[tone], first[tone]))
