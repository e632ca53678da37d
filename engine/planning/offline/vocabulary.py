"""The curated data the offline planner reads with (resources/planning/*.json), loaded once."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from engine.locations import resource_path

RESOURCES = resource_path("planning")


@dataclass(frozen=True)
class ImpliedSounds:
    """Sounds a word implies: beds under the scene and effects inside it."""

    words: tuple[str, ...]
    beds: tuple[str, ...]
    effects: tuple[str, ...] = ()
    signature: bool = True  # False: added only where the scene has no bed of its own
    place: str = ""
    tone: str = ""
    all_of: tuple[tuple[str, ...], ...] = ()  # combinations: one word from every group
    none_of: tuple[str, ...] = ()  # combinations: not where one of these is (no crickets in a storm)
    recurring: tuple[str, ...] = ()  # effects that come back while it lasts (thunder)
    not_before: tuple[str, ...] = ()  # "church bells": before these words it is no place
    indoors: bool = False  # its quiet is a room tone (an outdoor place's, an ambience)
    own_word: bool = False  # its bed says the text's word for it ("café", not "restaurant")
    quiet: bool = False  # a fallback heard only where the scene is quiet (a room tone)
    sounding: bool = False  # the place is a sound itself (the sea): the text's waves are it


@dataclass(frozen=True)
class Vocabulary:
    language: dict
    examples: dict[str, tuple[str, ...]]
    phenomena: tuple[ImpliedSounds, ...]
    places: tuple[ImpliedSounds, ...]
    combinations: tuple[ImpliedSounds, ...]
    fallbacks: tuple[ImpliedSounds, ...] = ()  # beds for a scene with none (the first: default)

    def words(self, key: str) -> frozenset[str]:
        return frozenset(self.language[key])


def _read(name: str) -> dict:
    return json.loads((RESOURCES / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    language = _read("language.json")
    examples = _read("sound_examples.json")
    scenes = _read("scenes.json")

    def implied(entry: dict, signature_default: bool) -> ImpliedSounds:
        return ImpliedSounds(
            words=tuple(entry.get("words", ())), beds=tuple(entry.get("beds", ())),
            effects=tuple(entry.get("effects", ())),
            signature=bool(entry.get("signature", signature_default)),
            place=entry.get("place", ""), tone=entry.get("tone", ""),
            all_of=tuple(tuple(group) for group in entry.get("all", ())),
            none_of=tuple(entry.get("none", ())), recurring=tuple(entry.get("recurring", ())),
            not_before=tuple(entry.get("not_before", ())),
            indoors=bool(entry.get("indoors", False)),
            own_word=bool(entry.get("own_word", False)),
            quiet=bool(entry.get("quiet", False)),
            sounding=bool(entry.get("sounding", False)))

    return Vocabulary(
        language=language,
        examples={kind: tuple(examples[kind]) for kind in ("ambience", "effects", "music",
                                                           "speech")},
        phenomena=tuple(implied(e, True) for e in scenes["phenomena"]),
        places=tuple(implied(e, False) for e in scenes["places"]),
        combinations=tuple(implied(e, False) for e in scenes["combinations"]),
        fallbacks=tuple(implied(e, False) for e in scenes["fallback"]))


@lru_cache(maxsize=1)
def sound_verbs() -> frozenset[str]:
    """Verbs (lemmas) that are a sound themselves ("hiss", "rumble", "clatter"): the short
    impacts, the verbs with a quality, and the sounds sources typically make."""
    from lemminflect import getAllLemmas

    language = vocabulary().language
    verbs = {*language["sound_verbs"], *language["impulsive_verbs"], *language["verb_qualities"]}
    for sound in language["source_sounds"].values():
        for word in re.findall(r"[a-z]+ing\b", sound.lower()):
            verbs.update(getAllLemmas(word).get("VERB", ()))
    return frozenset(verbs)


@lru_cache(maxsize=1)
def known_verbs() -> frozenset[str]:
    """Verbs (lemmas) that name something heard or a common audible action: the -ing words of
    the example sounds and the sounds scenes imply, and the verb lists of language.json. A word
    that could be a noun or a verb ("car horns", "church bells") is read as a verb only when
    its verb is one of these ("the dog barks")."""
    from lemminflect import getAllLemmas

    vocab = vocabulary()
    captions = [c for captions in vocab.examples.values() for c in captions]
    captions += [c for entry in (*vocab.phenomena, *vocab.places, *vocab.combinations,
                                 *vocab.fallbacks)
                 for c in (*entry.beds, *entry.effects, *entry.recurring)]
    verbs = set()
    for caption in captions:
        for word in re.findall(r"[a-z]+ing\b", caption.lower()):
            verbs.update(getAllLemmas(word).get("VERB", ()))
    language = vocab.language
    for key in ("action_verbs", "sound_verbs", "impulsive_verbs", "stop_verbs", "condition_stop_verbs",
                "intransitive_stop_verbs", "speech_verbs", "voice_verbs", "footstep_verbs",
                "perception_verbs"):
        verbs.update(v for v in language[key] if " " not in v)
    verbs.update(language["verb_qualities"])
    return frozenset(verbs)


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern:
    """A whole-word pattern for a word or phrase, singular or simple plural."""
    return re.compile(rf"\b{re.escape(phrase)}(?:s|es)?\b", re.IGNORECASE)


def mentions(text: str, phrases) -> str | None:
    """The first of `phrases` that occurs in `text` as whole words, else None."""
    for phrase in phrases:
        if phrase_pattern(phrase).search(text):
            return phrase
    return None
