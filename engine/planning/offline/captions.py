"""Captions a text-to-audio model renders well, made from a clause's phrase.

"the jet engines spool up" -> "jet engines spooling up"; a verbless "car horns" -> "car horns
honking" (the sound the source typically makes, resources/planning/language.json
"source_sounds"); "a dog, a cat and a cow making noise" -> one caption per animal; "the hunter
walks between the pines" -> "footsteps of a hunter walking between the pines".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.planning.offline.clauses import Clause, words_of
from engine.planning.offline.phrasing import (
    DETERMINERS,
    PREPOSITIONS,
    Phrase,
    _is_plural_noun,
    _lemmas,
    _list_items,
    _participle,
    is_animate,
    is_person,
    verb_lemma,
)
from engine.planning.offline.semantics import catalogue, embed_cached
from engine.planning.offline.vocabulary import known_verbs, mentions, sound_verbs, vocabulary
from engine.planning.validate import MAX_CAPTION_WORDS

FOOTSTEPS_OF = "footsteps of "  # a walker's steps: "footsteps of a hunter walking …"


@dataclass(frozen=True)
class Caption:
    text: str
    impulsive: bool = False
    voice: bool = False
    action: bool = False  # someone handling, opening, climbing: heard whatever it is
    walla: bool = False  # several people talking: a bed of voices, no lines


def trim(caption: str) -> str:
    words = plain_words(caption).split()
    return " ".join(words[:MAX_CAPTION_WORDS]).strip(" ,;:-")


def plain_words(caption: str) -> str:
    """A caption without words a text-to-audio model hears as another sound: "rain
    drumming on the roof" -> "rain pattering on the roof" (drums are not there); quoted
    words stay as they are."""
    misleading = vocabulary().language["misleading_words"]
    parts = caption.split('"')
    for index in range(0, len(parts), 2):  # outside the quotes
        words = parts[index].split(" ")
        lowered = {w.lower().strip(",.;:!?") for w in caption.split()}
        for position, word in enumerate(words):
            key = word.lower()
            if key in misleading and key != "about":
                plain, genuine = misleading[key]
                music = vocabulary().language["music_words"]
                if not lowered & {*genuine, *music, *(w + "s" for w in music)}:
                    words[position] = plain
        parts[index] = " ".join(words)
    return '"'.join(parts)


def clause_captions(clause: Clause, phrase: Phrase) -> list[Caption]:
    """What the clause makes heard, one caption per source; [] when it only sets the scene."""
    if not phrase.verb:
        return [Caption(trim(c)) for c in verbless_captions(clause.text, phrase)]
    language = vocabulary().language
    rest = phrase.rest.split()
    if rest[:1] == ["and"] and rest[1:2] and rest[1].lower() in ("a", "an", "the", "some") \
            and phrase.participle.endswith("ing"):  # "dryers tumbling and a washing machine
        first = f"{phrase.subject} {phrase.participle}"  # on spin cycle": two sounds
        return [Caption(trim(c)) for c in (first, sound_of(" ".join(rest[2:])))]
    if phrase.verb in ("start", "begin") and rest[:1] == ["up"] and is_animate(phrase.subject) \
            and not is_person(phrase.subject):  # "crickets start up": they start to chirp
        return [Caption(trim(" ".join([sound_of(phrase.subject), *rest[1:]])))]
    if phrase.verb == "leave" and rest[:1] and rest[0].lower() in ("only", "just"):
        left = [w for w in rest[1:] if w.lower() not in DETERMINERS]
        return [Caption(trim(sound_of(" ".join(left))))] if left else []  # what is left heard
    impulsive = phrase.verb in set(language["impulsive_verbs"])
    items = phrase.subjects or (phrase.subject,)
    if _generic(phrase):  # "a dog and a cat make noise": the sounds they make
        where = _after_generic_object(phrase.rest)
        return [Caption(trim(" ".join(p for p in (sound_of(item), where) if p)))
                for item in items]
    moves = phrase.verb in set(language["footstep_verbs"]) or phrase.verb == "get" and \
        rest[:1] and rest[0].lower() in ("off", "out", "on", "in", "down", "away")  # "get off"
    if moves and is_animate(phrase.subject) and not phrase.subjects:
        last = phrase.subject.split()[-1]
        named = last[:1].isupper() and not _lemmas(last.lower())  # "Sam", not "a Sam"
        walker = phrase.subject if _is_plural_noun(last) or named \
            or re.match(r"(?:a|an|the)\s", phrase.subject, re.I) else f"a {phrase.subject}"
        caption = " ".join(p for p in (FOOTSTEPS_OF.strip(), walker, phrase.participle, phrase.rest)
                           if p)
        return [Caption(trim(caption), action=True)]
    voice = phrase.verb in set(language["voice_verbs"]) and not phrase.subjects and (
        _one_person(phrase.subject) or is_person(phrase.subject) and _voices_words(phrase.rest))
    action = (is_person(phrase.subject) and phrase.verb in known_verbs()
              and phrase.verb not in set(language["silent_verbs"]) and not phrase.passive)
    walla = phrase.verb in set(language["walla_verbs"]) and is_person(phrase.subject) \
        and _is_plural_noun(phrase.subject.split()[-1])
    out = []
    for item in items:
        single = Phrase(subject=item, verb=phrase.verb, participle=phrase.participle,
                        rest=phrase.rest, passive=phrase.passive)
        out.append(Caption(trim(with_quality(single.caption, single)), impulsive, voice,
                           action, walla))
    return out


def verbless_captions(text: str, phrase: Phrase) -> list[str]:
    """ "Rain over a fishing village" -> "rain falling over a fishing village"; [] for a
    phrase that only says where or when ("On the savanna at dawn", "A busy airport")."""
    first = text.split()[:1]
    if first and first[0].lower() in PREPOSITIONS and not phrase.existential:
        return []  # "Inside the submarine", "Over the hills": where the next clause plays
    language = vocabulary().language
    if not phrase.existential and mentions(text, language["storyteller_words"]):
        return []  # "Goodnight, little farm.": the teller speaking
    tokens = phrase.subject.split()
    if tokens and tokens[0].lower().endswith("ing") \
            and verb_lemma(tokens[0]) in language["silent_verbs"]:
        return []  # "Sitting in the car", "Waiting on the platform": where the listener is
    sources = _source_of_sound(tokens)
    if sources:
        return sources
    cut = next((i for i, t in enumerate(tokens) if t in PREPOSITIONS), len(tokens))
    head, where = tokens[:cut], " ".join(tokens[cut:])
    if not head or not any("NOUN" in _lemmas(t) or not _lemmas(t) for t in head):
        return []  # "Late at night in the city", "Inside"
    if len(head) == 1 and where and "ADV" in _lemmas(head[0].lower()):
        return []  # "High on the glacier", "Back at home": where the next clause plays
    head_text = " ".join(head)
    times = [w for words in language["time_of_day"].values() for w in words]
    ending = " ".join(head[-2:])  # the head noun says what it is: "church bells" are bells
    places = [w for entry in vocabulary().places for w in entry.words]
    if any(_ends_with(ending, words) for words in (
            places, times, language["silence_words"], language["scene_time_subjects"])):
        return []
    items = _list_items(head, text) or (head_text,)
    return [" ".join(p for p in (sound_of(item), where) if p) for item in items]


def _source_of_sound(tokens: list[str]) -> list[str]:
    """ "hiss of frying onions" -> "frying onions hissing", "the constant hum of traffic and
    people talking" -> "constant traffic humming", "people talking": a sound noun whose "of"
    names its source (not "snake hissing of ..."); [] for any other phrase."""
    lowered = [t.lower() for t in tokens]
    at = next((i for i in (1, 2) if i < len(tokens) - 1 and lowered[i] == "of"), None)
    if at is None:
        return []
    lemma = verb_lemma(tokens[at - 1])
    if lemma is None or lemma not in sound_verbs():
        return []
    rest = tokens[at + 1:]
    if rest[0].lower() in ("the", "a", "an"):
        rest = rest[1:]
    also: list[str] = []
    if "and" in rest:  # "... of traffic and people talking", "... of the ovens and a soft
        cut = rest.index("and")  # jazz song": a second sound of its own
        after = rest[cut + 1:]
        if any(t.endswith("ing") for t in after):
            rest, also = rest[:cut], [" ".join(after)]
        elif after and after[0].lower() in ("a", "an", "the", "some"):
            rest, also = rest[:cut], [sound_of(" ".join(after[1:]))]
    cut = next((i for i, t in enumerate(rest) if t in PREPOSITIONS), len(rest))
    if not cut:
        return []
    source = [*tokens[:at - 1], *rest[:cut], _participle(lemma, tokens[at - 1]), *rest[cut:]]
    return [" ".join(source), *also]


def _ends_with(text: str, words) -> bool:
    found = mentions(text, words)
    return found is not None and bool(re.search(rf"\b{re.escape(found)}(?:s|es)?$", text, re.I))


def sound_of(noun_phrase: str) -> str:
    """A source said with the sound it typically makes: "car horns" -> "car horns honking"."""
    words = noun_phrase.split()
    if not words or any(w.endswith("ing") and verb_lemma(w) for w in words):
        return noun_phrase  # "a creaking door" says its sound already
    sounds = vocabulary().language["source_sounds"]
    singular = [_singular(w) for w in words]
    for key in (" ".join(singular[-2:]), singular[-1]):
        if key in sounds:
            return " ".join(p for p in (noun_phrase, sounds[key]) if p)
    return fuller(noun_phrase)


def _singular(word: str) -> str:
    nouns = _lemmas(word).get("NOUN")
    return nouns[0] if nouns else word


def fuller(noun_phrase: str) -> str:
    """A bare sound noun ("a distant siren") said the way the catalogue says it."""
    words = noun_phrase.lower().split()
    if not words or len(words) > 3:
        return noun_phrase
    cat = catalogue()
    scores = (embed_cached([noun_phrase]) @ cat.vectors.T)[0]
    head = words[-1]
    for index in scores.argsort()[::-1][:5]:
        example = cat.captions[index]
        if scores[index] >= 0.6 and re.search(rf"\b{re.escape(head)}", example):
            extra = [w for w in words[:-1]
                     if re.sub(r"['’]s$", "", w) not in example.split()]
            return " ".join([*extra, example])
    return noun_phrase


def with_quality(caption: str, phrase: Phrase) -> str:
    """A short caption gets how the action sounds: "dog barking" -> "dog barking loudly"."""
    quality = vocabulary().language["verb_qualities"].get(phrase.verb)
    words = caption.split()
    if not quality or len(words) > 4 or phrase.rest:
        return caption
    if any(w.endswith("ly") for w in words) or phrase.passive:
        return caption
    return f"{caption} {quality}"


def _generic(phrase: Phrase) -> bool:
    """ "makes noise", "make a racket": a sound the verb does not say."""
    objects = vocabulary().language["generic_sound_objects"]
    rest = phrase.rest.lower()
    return phrase.verb in ("make", "produce", "emit", "create") and any(
        rest == o or rest.startswith(o + " ") for o in objects)


def _after_generic_object(rest: str) -> str:
    objects = sorted(vocabulary().language["generic_sound_objects"], key=len, reverse=True)
    lowered = rest.lower()
    for o in objects:
        if lowered == o or lowered.startswith(o + " "):
            return rest[len(o):].strip()
    return rest


def _voices_words(rest: str) -> bool:
    """ "shout orders", "call out their prices": what the voices say is words (speech, not
    the murmur of a crowd)."""
    spoken = set(vocabulary().language["spoken_objects"])
    return any(_singular(word) in spoken for word in words_of(rest.lower())[:4])


def _one_person(subject: str) -> bool:
    words = subject.split()
    return bool(words) and is_person(subject) and not _is_plural_noun(words[-1])


# speech ---------------------------------------------------------------------------------

def speech_caption(clause: Clause, phrase: Phrase) -> str:
    """ 'she shouts "Hold on!"' -> 'captain shouting "Hold on!"' (a voice when nobody is
    named, or the one speaking is a thing: 'her radio crackles: "Base?"')."""
    speaking = _speech_verb(clause, phrase)
    said = phrase.verb in vocabulary().language["speech_verbs"]  # whoever shouts speaks
    speaker = phrase.subject if phrase.subject and (said or is_animate(phrase.subject)) \
        else "a voice"
    verb = _participle(speaking, speaking) if speaking else "saying"
    quote = " ".join(clause.quote.split()[:15]).rstrip(",")
    return trim(f'{speaker} {verb} "{quote}"')


def spoken_alongside(phrase: Phrase) -> str:
    """What else the speaking clause makes heard: 'a customer laughs and asks' -> 'customer
    laughing'; 'her radio crackles' -> 'radio crackling'; '' when it is only speech."""
    speech = set(vocabulary().language["speech_verbs"]) | set(
        vocabulary().language["voice_verbs"])
    silent = set(vocabulary().language["silent_verbs"])
    if not phrase.verb or phrase.verb in speech or phrase.verb in silent or phrase.verb == "be":
        return ""
    manners = vocabulary().language["speech_manner_verbs"]["verbs"]
    if phrase.verb in manners and is_person(phrase.subject) and not phrase.rest:
        return ""  # 'the captain barks, "Shields up!"': how the line is said
    rest = re.split(r"\band\s+(?:\w+ing)\b", phrase.rest)[0].strip()
    rest_words = [w for w in words_of(rest) if verb_lemma(w) not in speech]
    caption = " ".join(p for p in (phrase.subject, phrase.participle, " ".join(rest_words)) if p)
    return trim(caption) if phrase.subject else ""


def _speech_verb(clause: Clause, phrase: Phrase) -> str:
    speech = vocabulary().language["speech_verbs"]
    manners = vocabulary().language["speech_manner_verbs"]["verbs"]
    if phrase.verb in speech or (phrase.verb in manners and is_person(phrase.subject)):
        return phrase.verb  # "the captain barks": the line is barked
    for word in words_of(clause.text):
        lemma = verb_lemma(word)
        if lemma in speech and word.lower() not in DETERMINERS:
            return lemma
    return ""
