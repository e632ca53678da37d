"""Phrases that say when: "at dawn", "all afternoon", "hours later", "until dawn", "at six".

They are found in a paragraph before it is split into clauses and replaced by a token (as
quoted speech is), so "until dawn" or "after midnight" split nothing, and a caption never
says "at dawn gulls crying": the cue goes to the clause as a `TimeCue`, and the scene reader
(engine.planning.offline.scenes) decides whether the story's time moved on. The words are
data: resources/planning/language.json "time_cues" and "time_of_day".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas

from engine.planning.offline.vocabulary import vocabulary

TIME_TOKEN = "TIMECUE"
_HOW_OFTEN = re.compile(r"(?:now|from|once)\b")  # ("every few seconds" is durative already)
POINT, DURATIVE, UNTIL, LATER, CLOCK = "point", "durative", "until", "later", "clock"


@dataclass(frozen=True)
class TimeCue:
    kind: str         # POINT "at dawn", DURATIVE "all night", UNTIL "until dawn",
    #                   LATER "hours later", CLOCK "at six"
    time_of_day: str  # "night", "dawn", "morning", "noon", "dusk", "evening"; "" if none
    words: str        # as the text says it


def mark_time_cues(text: str, found: list[TimeCue]) -> str:
    """`text` with every time cue replaced by ` TIMECUE<n> ` (n indexes `found`)."""
    def keep(match: re.Match) -> str:
        if match.group("after") and _has_finite_verb(match.group("after").split()[1:]):
            return match.group(0)  # "after the last train leaves": a clause, not a moment
        found.append(_cue(match.group(0)))
        return f" {TIME_TOKEN}{len(found) - 1} "

    return _pattern().sub(keep, text)


def time_of(word: str) -> str:
    """The time of day a word names ("sunset" -> "dusk"), "" for none."""
    return _times().get(word.lower(), "")


def _cue(words: str) -> TimeCue:
    lowered = " ".join(words.lower().split())
    data = vocabulary().language["time_cues"]
    if lowered in data["fixed"]:
        return TimeCue(POINT, data["fixed"][lowered], words)
    if re.search(r"\blater\b", lowered) or lowered in data["later_phrases"]:
        return TimeCue(LATER, _named_time(lowered), words)
    time = _named_time(lowered)
    clock = "|".join(data["clock_words"])
    if time == "" and re.search(rf"\d|\b(?:{clock})\b", lowered) \
            and lowered.split()[0] in ("at", "by", "around", "until", "till"):
        return TimeCue(UNTIL if lowered.split()[0] in ("until", "till") else CLOCK, "", words)
    first = lowered.split()[0]
    if any(lowered.startswith(p + " ") for p in data["until"]):
        return TimeCue(UNTIL, time, words)
    if any(lowered.startswith(p + " ") for p in data["durative"]) or lowered.endswith(" long"):
        return TimeCue(DURATIVE, time, words)
    if first in ("the", "next") and time == "":
        return TimeCue(LATER, "", words)  # "the next day"
    if _HOW_OFTEN.match(lowered):
        return TimeCue(DURATIVE, "", words)
    if first == "after" and time == "":
        return TimeCue(LATER, "", words)  # "after the race": the story has moved on
    return TimeCue(POINT, time, words)


def _named_time(phrase: str) -> str:
    for word in sorted(_times(), key=len, reverse=True):
        if re.search(rf"\b{re.escape(word)}\b", phrase):
            return _times()[word]
    return ""


@lru_cache(maxsize=1)
def _times() -> dict[str, str]:
    language = vocabulary().language
    times = {word: name for name, words in language["time_of_day"].items() for word in words
             if word not in ("moonlight", "moonlit")}
    times.update(language["time_cues"]["extra_time_words"])
    return times


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    data = vocabulary().language["time_cues"]

    def alternatives(words) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                        for w in sorted(words, key=len, reverse=True))

    times = alternatives(_times())
    leads = alternatives([*data["point"], *data["durative"], *data["until"]])
    counts = alternatives(data["later_counts"])
    units = alternatives(data["later_units"])
    clock = alternatives(data["clock_words"])
    # "after the chequered flag", "after dinner": a moment the story moves on from, up to
    # the comma or the main clause's subject
    subjects = alternatives(data["clause_subjects"])
    after = (rf"(?P<after>after\s+(?:(?:the|a|an|his|her|their|our|my|its)\s+)?"
             rf"(?:[a-z'-]+\s+){{0,2}}?[a-z'-]+(?=\s*,|\s+(?:{subjects})\b))")
    parts = [
        alternatives(data["fixed"]),
        alternatives(data["later_phrases"]),
        rf"(?:(?:{counts})\s+)?(?:{units})s?\s+later(?:\s+that\s+(?:{times}))?",
        rf"(?:(?:late|early)\s+)?(?:{leads})\s+(?:(?:early|late)\s+)?(?:{times})(?:\s+long)?",
        rf"(?:at|by|around|until|till)\s+(?:{clock}|\d{{1,2}})(?::\d\d)?"
        rf"(?:\s*o'clock)?(?:\s*(?:a\.?m\.?|p\.?m\.?))?(?![\w'-])",
        after,
        # how often, not when: "every few seconds", "now and then" (a cue that moves nothing)
        r"(?:every|each)\s+(?:few\s+|couple\s+of\s+|\w+\s+)?(?:seconds?|minutes?|moments?)"
        r"|every\s+(?:now\s+and\s+then|so\s+often)|now\s+and\s+(?:then|again)"
        r"|from\s+time\s+to\s+time|once\s+in\s+a\s+while",
        r"later",  # last: "later that night" and "hours later" are longer cues at the same place
    ]
    return re.compile(rf"(?<![\w'-])(?:{'|'.join(parts)})(?![\w'-])", re.IGNORECASE)


def _has_finite_verb(words: list[str]) -> bool:
    """A word after a noun that reads as a verb with its subject ("train leaves", "storm
    passed"): the words are a clause."""
    for before, word in zip(words, words[1:]):
        lemmas = getAllLemmas(word.lower())
        if "NOUN" not in getAllLemmas(before.lower()) or "VERB" not in lemmas:
            continue
        forms = getAllInflections(lemmas["VERB"][0], upos="VERB")
        if word.lower() in (*forms.get("VBZ", ()), *forms.get("VBD", ())):
            return True
    return False
