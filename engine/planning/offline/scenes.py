"""Where the story's time moves on: the scenes of a narrative, and their titles.

A scene is a stretch of story time with one place, time of day and mood. A new one starts
at a paragraph; where a time cue moves the story on ("at dawn" in a night scene, "by
morning", "hours later", "the next day", a clock time, the clause after "... until dawn");
where a clause only says that time passes ("night falls", "the sun comes out"); and where a
stop ends what the scene was ("the storm passes", "the power cuts out", "the café empties",
"everything falls silent"). "then", "soon", "suddenly", "after" and "until" order the
clauses inside a scene (engine.planning.offline.reading); they do not start one.

Titles say what the scene is: "Night storm", "Dawn", "Hours later", "After the storm",
"Power cut", "Empty café", "Harbour at night".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.planning.offline.clauses import NEXT, Clause
from engine.planning.offline.phrasing import Phrase, _is_plural_noun, _lemmas, is_animate
from engine.planning.offline.stops import (
    ALL,
    CONDITION,
    EVENT,
    PLACE,
    POWER,
    emptying,
    scene_stop,
)
from engine.planning.offline.time_cues import CLOCK, DURATIVE, LATER, POINT, UNTIL, TimeCue
from engine.planning.offline.vocabulary import mentions, vocabulary

START, PARAGRAPH, TIME, STOP, MOVE = "start", "paragraph", "time", "stop", "move"  # what
# opened a scene (MOVE: someone went somewhere else: "she ducks into the bakery")
_MOVES_TO = re.compile(r"^(?:back\s+|up\s+|down\s+|out\s+)?(?:(?:into|onto|inside|in\s+to)\s+"
                       r"(?:the|a|an|his|her|their|our|my)\b|inside\b|indoors\b|outside\b|"
                       r"outdoors\b|home\b)", re.I)
TIME_TITLES = {"night": "Night", "dawn": "Dawn", "morning": "Morning", "noon": "Midday",
               "dusk": "Dusk", "evening": "Evening"}
TIME_PHRASES = {"night": "at night", "dawn": "at dawn", "morning": "in the morning",
                "noon": "at midday", "dusk": "at dusk", "evening": "in the evening"}


@dataclass
class SceneDraft:
    index: int
    opened_by: str              # START, PARAGRAPH, TIME or STOP
    time_of_day: str = ""       # "night", "dawn", ... ("" when the text never says)
    later: str = ""             # the words of a cue that skipped time ("Hours later")
    ended: str = ""             # what the stop that opened it ended: "storm", "power", "café"
    ended_kind: str = ""        # CONDITION, POWER, PLACE or ALL
    place: str = ""             # the place it plays in (resources/planning/scenes.json)
    place_word: str = ""        # ... as the text says it ("café")
    tone: str = "neutral"
    title: str = ""
    sentence: int = -1          # the sentence that opened it
    emptied: bool = False       # the place's people left ("the café empties")
    stopped: set[str] = field(default_factory=set)  # words of what the text ended in it
    emptied_places: set[str] = field(default_factory=set)  # places whose people left


def segment(clauses: list[Clause], phrases: list[Phrase]) -> list[SceneDraft]:
    """Set every clause's scene; a clause that opens a scene follows the one before it (never
    plays with it). Appends an empty clause (and phrase) where the text ends on "until dawn",
    so the dawn it waits for is a scene of its own."""
    scenes: list[SceneDraft] = []
    until: TimeCue | None = None
    for index, (clause, phrase) in enumerate(zip(clauses, phrases)):
        if index == 0 or clause.paragraph != clauses[index - 1].paragraph:
            scene = SceneDraft(len(scenes), START if index == 0 else PARAGRAPH)
            _take_time(scene, [*([until] if until else []), *clause.time_cues])
            scenes.append(scene)
        else:
            last = index + 1 == len(clauses) or clauses[index + 1].paragraph != clause.paragraph
            opened = _opened(clause, phrase, scenes[-1], until, last)
            if opened is not None:
                scenes.append(opened)
                clause.relation = NEXT
        if scenes[-1].sentence < 0:
            scenes[-1].sentence = clause.sentence
        clause.scene = len(scenes) - 1
        until = next((cue for cue in clause.time_cues if cue.kind == UNTIL), None)
    if until is not None and clauses:  # "the party goes on until dawn."
        last = clauses[-1]
        clauses.append(Clause(text="", relation=NEXT, sentence=last.sentence,
                              paragraph=last.paragraph, continuation=False,
                              scene=len(scenes)))
        phrases.append(Phrase(subject="", verb="", participle="", rest=""))
        scene = SceneDraft(len(scenes), TIME)
        _take_time(scene, [until])
        scenes.append(scene)
    return scenes


def _opened(clause: Clause, phrase: Phrase, current: SceneDraft, until: TimeCue | None,
            last: bool) -> SceneDraft | None:
    """The scene this clause opens, or None when it goes on in the current one (a stop that
    ends the paragraph, "... and the rain stops.", ends its scene's sound, not the scene)."""
    scene = SceneDraft(current.index + 1, TIME)
    cues = [*([until] if until else []), *clause.time_cues]
    stop = scene_stop(phrase)
    if stop is not None:
        scene.ended_kind, scene.ended = stop
        scene.emptied = stop[0] == PLACE and emptying(phrase)
    if until is not None or any(cue.kind in (LATER, CLOCK) for cue in cues):
        _take_time(scene, cues)
        return scene
    for cue in cues:
        if cue.kind == POINT and cue.time_of_day != current.time_of_day:
            _take_time(scene, cues)
            return scene
        if cue.kind == DURATIVE and cue.time_of_day:
            if not current.time_of_day:
                current.time_of_day = cue.time_of_day  # "... all afternoon": when it plays
            elif cue.time_of_day != current.time_of_day:
                _take_time(scene, cues)
                return scene
    passing = time_passes(phrase)
    if passing is not None:
        scene.time_of_day = passing
        return scene
    if clause.sentence > 0 and moves_elsewhere(phrase):  # (the first sentence sets the scene)
        scene.opened_by = MOVE
        scene.time_of_day = current.time_of_day
        return scene
    if stop is not None and not last and not (clause.sentence == current.sentence
                                              and current.opened_by in (TIME, STOP, MOVE)):
        scene.opened_by = STOP  # (a stop in the sentence that opened a scene is part of it)
        return scene
    return None


def moves_elsewhere(phrase: Phrase) -> bool:
    """ "She ducks into the bakery", "once we're inside", "when he gets home", "I step out
    into the rain": the one the story follows goes somewhere else, and leaves its sounds."""
    language = vocabulary().language
    moving = phrase.verb in language["footstep_verbs"] or phrase.verb in (
        "go", "get", "duck", "step", "head", "come", "return", "slip", "be")
    subject = phrase.subject.split()
    group = bool(subject) and _is_plural_noun(subject[-1]) and phrase.subject != "people"
    return moving and bool(_MOVES_TO.match(phrase.rest)) and not group and (
        is_animate(phrase.subject) or phrase.subject in ("people", "a person"))  # "we", "I"


def _take_time(scene: SceneDraft, cues: list[TimeCue]) -> None:
    for cue in cues:
        if cue.time_of_day and not scene.time_of_day:
            scene.time_of_day = cue.time_of_day
        if cue.kind == LATER and not scene.later:
            scene.later = " ".join(cue.words.split())


def time_passes(phrase: Phrase) -> str | None:
    """For a clause that only says time passes ("night falls" -> "night", "the sun comes out"
    -> ""), the time of day it makes; None for any other clause."""
    language = vocabulary().language
    words = phrase.subject.lower().split()
    if not phrase.verb or phrase.heard or not words:
        return None
    head = (_lemmas(words[-1]).get("NOUN") or (words[-1],))[0]
    if head not in language["time_passing_subjects"]:
        return None
    following = phrase.rest.lower().split()[:1]
    verbs = language["scene_time_verbs"]
    for key in (f"{head} {phrase.verb} {following[0]}" if following else "",
                f"{head} {phrase.verb}"):
        if key in verbs:
            return verbs[key]
    return ""


def scene_title(scene: SceneDraft, text: str) -> str:
    """ "Night storm", "Dawn", "Hours later", "After the storm", "Harbour at night"."""
    bare_later = scene.opened_by == TIME and scene.later.lower() == "later" \
        and not scene.time_of_day  # "Later the café empties": "Empty café" says more
    if scene.opened_by == STOP or bare_later:
        if scene.ended_kind in (CONDITION, EVENT):
            return f"After the {scene.ended}"
        if scene.ended_kind == POWER:
            return "Power cut"
        if scene.ended_kind == PLACE:
            return f"{'Empty' if scene.emptied else 'Quiet'} {scene.ended}"
        if scene.ended_kind == ALL:
            return "Silence"
    when = TIME_TITLES.get(scene.time_of_day, "")
    condition = _condition(text, exclude=scene.ended)
    if condition:
        return f"{when} {condition}" if when else condition.capitalize()
    if scene.opened_by == TIME:
        return when or (scene.later[:1].upper() + scene.later[1:]) or "Later"
    if scene.place_word:
        place = scene.place_word[:1].upper() + scene.place_word[1:]
        return f"{place} {TIME_PHRASES[scene.time_of_day]}" if when else place
    return when


def _condition(text: str, exclude: str = "") -> str:
    """The weather or phenomenon a scene is told in ("storm", "rain"), or ""."""
    vocab = vocabulary()
    text = re.sub(r"\bwind(?:s|ing)?\s+(?:down|up)\b", "", text, flags=re.I)  # machines
    for entry in vocab.phenomena:
        if entry.words[0] != exclude and mentions(text, entry.words):
            return entry.words[0]
    weather = [w for w in vocab.language["weather_words"] if w != exclude]
    return mentions(text, weather) or ""
