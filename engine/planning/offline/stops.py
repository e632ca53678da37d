"""Clauses that end a sound rather than make one: "the rain stops", "the power cuts out",
"the hall empties", "everything falls silent"; and which of them end a whole scene."""
from __future__ import annotations

from engine.planning.offline.phrasing import Phrase, _lemmas, is_animate
from engine.planning.offline.vocabulary import mentions, vocabulary

CONDITION, POWER, PLACE, ALL, EVENT = "condition", "power", "place", "all", "event"
_EVERYTHING = frozenset({"everything", "all", "world", "silence"})
_FOLLOWING_OK = frozenset({"away", "off", "out", "down", "slowly", "suddenly", "gradually",
                           "completely", "again", "at", "last", "entirely", "quickly", "too"})


def is_stop(phrase: Phrase) -> bool:
    """ "the rain stops", "the audience falls silent", "the wind dies down"; "the storm
    passes" (a passing car is a sound), "the hall empties" (emptying a bucket is one)."""
    language = vocabulary().language
    verb = _stop_verb(phrase)
    if verb is None:
        return False
    if verb in language["stop_verbs"]:
        return True
    rest = phrase.rest.lower().split()
    if " " in verb and rest[:1] == verb.split()[1:]:
        rest = rest[1:]  # the particle of "blow over"
    inanimate_alone = not is_animate(phrase.subject) and set(rest) <= _FOLLOWING_OK
    if verb in language["condition_stop_verbs"]:
        return inanimate_alone and bool(condition_word(phrase.subject) or mentions(
            phrase.subject, language["event_words"]) or phrase.subject.lower() in _EVERYTHING)
    return verb in language["intransitive_stop_verbs"] and inanimate_alone


def _stop_verb(phrase: Phrase) -> str | None:
    language = vocabulary().language
    stops = {*language["stop_verbs"], *language["condition_stop_verbs"],
             *language["intransitive_stop_verbs"]}
    words = phrase.rest.split()
    for particle in (words[:1], words[-1:] if len(words) > 1 else []):  # "turn the TV off"
        if particle and f"{phrase.verb} {particle[0].lower()}" in stops:
            return f"{phrase.verb} {particle[0].lower()}"
    return phrase.verb if phrase.verb in stops else None


def condition_word(noun_phrase: str) -> str:
    """The weather, phenomenon or time of a noun phrase ("the storm" -> "storm"), or ""."""
    vocab = vocabulary()
    for entry in vocab.phenomena:
        if mentions(noun_phrase, entry.words):
            return entry.words[0]
    words = [*vocab.language["weather_words"], *vocab.language["scene_time_subjects"]]
    return mentions(noun_phrase, words) or ""


def scene_stop(phrase: Phrase) -> tuple[str, str] | None:
    """(what kind of thing it ends, the word) for a stop that ends a scene: weather or a
    phenomenon ("the storm passes"), the power, a place ("the café empties") or everything;
    None for a stop that ends one sound ("the music stops")."""
    if not is_stop(phrase) or is_animate(phrase.subject):
        return None
    words = phrase.subject.lower().split()
    if not words:
        return None
    head = (_lemmas(words[-1]).get("NOUN") or (words[-1],))[0]
    language = vocabulary().language
    if head in _EVERYTHING:
        return ALL, head
    if head in language["power_words"] or words[-1] in language["power_words"]:
        return POWER, head
    condition = condition_word(phrase.subject)
    if mentions(words[-1], language["event_words"]) and head not in language["music_words"]:
        return EVENT, head  # "the parade passes", "the party ends"
    if condition and condition not in language["scene_time_subjects"]:
        return CONDITION, condition
    place = mentions(phrase.subject, [w for entry in vocabulary().places for w in entry.words])
    if place:
        return PLACE, place
    return None


def emptying(phrase: Phrase) -> bool:
    """ "the café empties", "the crowd thins out": the people leave (not "falls quiet")."""
    return _stop_verb(phrase) in ("empty", "thin out", "clear")


def music_stop(phrase: Phrase) -> bool:
    """ "the music fades", "the last note ends", "the singing stops", "she switches the
    music off": all music ends."""
    words = stopped_source(phrase).lower().split()
    return bool(words) and (words[-1] in vocabulary().language["music_stop_words"]
                            or _lemmas(words[-1]).get("NOUN", [""])[0]
                            in vocabulary().language["music_stop_words"])


def kin(word: str) -> set[str]:
    """Words for the same source: "rain" is also a downpour, a drizzle, a shower; "the
    storm" is its rain and thunder too; "a downpour" is rain."""
    groups = {key: words for key, words in vocabulary().language["kin_words"].items()
              if key != "about"}
    if word in groups:
        return {word, *groups[word]}
    return {word} | {key for key, words in groups.items() if word in words}


TRANSITIVE_STOPS = frozenset({"switch off", "turn off", "shut off", "cut off", "stop",
                              "silence", "mute", "turn down", "kill", "unplug", "flick off",
                              "flip off", "shut down", "power down"})


def stopped_source(phrase: Phrase) -> str:
    """What a stop ends: its subject ("the rain stops", "the crickets fall silent"), or the
    object of someone who stops something ("she switches off the radio" -> "radio")."""
    verb = _stop_verb(phrase) or ""
    rest = phrase.rest.split()
    if verb.count(" ") and rest:  # the particle of "switch off", "switch the radio off"
        particle = verb.split()[-1]
        rest = rest[1:] if rest[0].lower() == particle else rest[:-1]
    if not is_animate(phrase.subject) or verb not in TRANSITIVE_STOPS or not rest:
        return phrase.subject
    return " ".join(w for w in rest if w.lower() not in ("the", "a", "an", "her", "his",
                                                           "their", "its", "my", "our"))


def plain_stop(phrase: Phrase) -> bool:
    """A stop that says a sound was there until then ("the wind drops", "the music
    stops"); not "the pool empties" (a place) nor "the sun comes out"."""
    language = vocabulary().language
    verb = _stop_verb(phrase)
    return verb in language["stop_verbs"] or (
        verb in language["condition_stop_verbs"]
        and condition_word(phrase.subject) in language["weather_words"])
