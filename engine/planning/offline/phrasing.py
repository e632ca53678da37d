"""Turn a clause into a caption a text-to-audio model renders well.

"the jet engines spool up" -> "jet engines spooling up": the subject, the action as a
present participle, and the rest of the clause (where, with what, how). There is no parser
here: the verb is found with LemmInflect's English word lists and word-order rules that hold
for the short present- and past-tense sentences people write as story prompts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import (
    getAllInflections,
    getAllInflectionsOOV,
    getAllLemmas,
    getAllLemmasOOV,
    getInflection,
)

from engine.planning.offline.vocabulary import known_verbs, sound_verbs, vocabulary

DETERMINERS = frozenset(
    "a an the its his her their our my your this that these those some one two three four "
    "several many every each another no any".split())
PRONOUNS = {"it": "", "he": "a man", "she": "a woman", "they": "", "someone": "a person",
            "somebody": "a person", "something": "", "everyone": "people", "everybody": "people",
            "we": "people", "i": "a person", "you": "a person", "nobody": "", "people": "people"}
PLURAL_PRONOUNS = frozenset({"they", "we", "i", "you", "people"})
INDEFINITES = frozenset({"everything", "nothing"})  # "everything goes quiet": a verb follows
PREPOSITIONS = frozenset(
    "on in into at across over under through past down up off from to toward towards onto "
    "along around by behind above below near with without against out of inside outside "
    "beneath beside between within upon like".split())
CONJUNCTIONS = frozenset({"and", "or", "but", "nor", "yet"})
AUXILIARIES = frozenset("is are was were be been has have had will would can could may might "
                        "must shall should does do did".split())
ASPECT_VERBS = frozenset({"begin", "start", "continue", "keep", "resume", "seem", "try",
                         "appear", "stop", "cease", "finish"})
PARTICLES = frozenset({"up", "down", "off", "out", "away", "back"})
RESULT_WORDS = frozenset({"open", "shut", "closed", "loose", "free", "apart", "awake", "off",
                          "down", "up", "away", "out", "back", "in"})  # "squeaks open"
FILLERS = frozenset({"suddenly", "then", "finally", "later", "eventually", "soon", "again",
                     "still", "just", "also", "once", "now", "slowly", "gradually"})
WEATHER_VERBS = {"rain": "rain", "snow": "snow", "hail": "hail", "drizzle": "drizzle",
                 "pour": "pouring rain", "thunder": "thunder", "storm": "storm"}  # "it rains"
NAME_THE = re.compile(r"^([A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?\s+the\s+", re.UNICODE)


@dataclass(frozen=True)
class Phrase:
    subject: str      # "jet engines" ("" when the clause has none)
    verb: str         # lemma, "" for a verbless phrase
    participle: str   # "spooling"
    rest: str         # "up"
    passive: bool = False
    existential: bool = False  # "there is a knock at the door": the rest is what is heard
    subjects: tuple[str, ...] = ()  # a list subject ("a dog, a cat and a cow"), item by item
    heard: bool = False  # "he hears a bee buzzing": the phrase is what is heard
    hearer: str = ""     # ... and who hears it ("he", resolved), whom the next clause continues

    @property
    def caption(self) -> str:
        action = f"being {self.participle}" if self.passive else self.participle
        return " ".join(part for part in (self.subject, action, self.rest) if part)


@lru_cache(maxsize=8192)
def _lemmas(word: str) -> dict:
    lemmas = getAllLemmas(word)
    if "VERB" not in lemmas and word.islower():  # "a timer dings": lemminflect knows the noun
        stem = re.sub(r"(?:e?s|ed|ing)$", "", word)
        if stem != word and stem in vocabulary().language["sound_verbs"]:
            lemmas = {**lemmas, "VERB": (stem,)}
    return lemmas


def verb_lemma(word: str) -> str | None:
    lemmas = _lemmas(word.lower()).get("VERB")
    return lemmas[0] if lemmas else None


def _unknown_verb(word: str, previous: str) -> str | None:
    """A verb the word lists do not know ("chugs") after a noun: go by its ending."""
    w = word.lower()
    if _lemmas(w) or not previous or _is_function_word(previous):
        return None
    if not re.search(r"[a-z](?:s|ed)$", w) or w.endswith("ss"):
        return None
    lemmas = getAllLemmasOOV(w, "VERB").get("VERB")
    return lemmas[0] if lemmas else None


def _forms(lemma: str) -> dict:
    return getAllInflections(lemma, upos="VERB") or getAllInflectionsOOV(lemma, upos="VERB")


def _is_noun(word: str) -> bool:
    return "NOUN" in _lemmas(word.lower()) or "PROPN" in _lemmas(word.lower())


def _is_plural_noun(word: str) -> bool:
    w = word.lower()
    if "'" in w or "’" in w:
        return False  # "the ship's horn": a possessive, not a plural
    if w in PLURAL_PRONOUNS:
        return True
    lemmas = _lemmas(w).get("NOUN")
    if not lemmas:  # a word the lists do not know ("seagulls"): go by its ending
        return not _lemmas(w) and w.endswith("s") and not w.endswith("ss")
    return any(lemma != w and w in getInflection(lemma, "NNS") for lemma in lemmas)


def _form(word: str, lemma: str) -> str:
    w = word.lower()
    forms = _forms(lemma)
    if w in forms.get("VBG", ()):
        return "VBG"
    if w in forms.get("VBZ", ()):
        return "VBZ"
    if w in forms.get("VBD", ()) or w in forms.get("VBN", ()):
        return "VBD"
    return "VB"


def _is_function_word(word: str) -> bool:
    w = word.lower()
    return w in DETERMINERS or w in PREPOSITIONS or w in PRONOUNS or w in AUXILIARIES


def find_verb(tokens: list[str], continuation: bool = False,
              plural_subject: bool = True) -> int | None:
    """Index of the main verb of a clause, or None for a verbless phrase.

    "Bells ring" and "plays jazz" look alike to word lists: with `plural_subject` a word that
    can be a plural noun, followed by a base-form verb, is read as the subject ("church bells
    ring"); without it, as the verb ("radio plays jazz"). `is_ambiguous` says when the two
    readings differ, and the reader keeps the one that sounds more like a sound.
    """
    lowered = [t.lower() for t in tokens]
    for i, word in enumerate(lowered):
        if word in DETERMINERS or word in PREPOSITIONS or word in PRONOUNS \
                or word in CONJUNCTIONS:
            continue
        if word in AUXILIARIES:
            return i
        if word.endswith("ly") and not verb_lemma(word):
            continue
        previous = lowered[i - 1] if i else ""
        lemma = verb_lemma(word)
        if lemma is None:
            if _unknown_verb(word, previous) and i > 0 and previous not in DETERMINERS:
                return i
            if i > 0 and not _lemmas(word) and _is_plural_noun(previous) and plural_subject:
                return i  # "chickens cluck": a verb the word lists do not know
            continue
        if previous in DETERMINERS or previous in PREPOSITIONS:
            continue  # "the jet", "on fire": a noun after a determiner or preposition
        following = lowered[i + 1] if i + 1 < len(lowered) else ""
        form = _form(word, lemma)
        if form == "VBG" and lowered[0] in PREPOSITIONS and _is_noun(following):
            continue  # "in the hospital waiting room ...": a compound noun in a place phrase
        if (previous in PRONOUNS or previous in INDEFINITES) and form in ("VBZ", "VBD", "VBG"):
            return i  # "it creaks", "he ran"
        if (plural_subject and form == "VBZ" and _is_plural_noun(word) and following
                and lemma not in ("go", "do", "have")  # "goes quiet": no game of go
                and following not in RESULT_WORDS
                and not _is_function_word(following)
                and (_is_plain_or_past(following, participle=i == 0) if verb_lemma(following)
                     else not _lemmas(following))):
            continue  # "tires squeal", "birds sing", ", crowds cheering": subject, then verb
        if (form == "VBD" and _is_noun(word) and following and verb_lemma(following)
                and _form(following, verb_lemma(following)) == "VBZ"):
            continue  # "a single shot echoes": one clause keeps one tense
        if (form in ("VBZ", "VBD") and i > 0 and _is_noun(word) and _is_noun(previous)
                and not _is_function_word(previous) and lemma not in known_verbs()
                and not is_animate(previous)
                and (not following or following in PREPOSITIONS or following == "and"
                     or verb_lemma(following) or not _lemmas(following))):
            continue  # "car horns", "church bells ringing": a compound noun
        if form == "VB" and i > 1 and "and" in lowered[:i - 1] and plural_subject \
                and (_is_noun(previous) or not _lemmas(previous)):  # "fridge": unknown, a noun
            return i  # "the wind and rain lash the windows": two subjects, one verb
        if i == 0:
            if continuation and form in ("VBZ", "VBD", "VBG"):
                return 0
            continue
        if form in ("VBZ", "VBD", "VBG"):
            return i
        if previous in PLURAL_PRONOUNS or _is_plural_noun(previous) or previous in AUXILIARIES:
            return i
    return None


def _is_plain_or_past(word: str, participle: bool = False) -> bool:
    forms = _forms(verb_lemma(word))
    return word in forms.get("VB", ()) or word in forms.get("VBD", ()) or (
        participle and word in forms.get("VBG", ()))


def _without_name(text: str) -> str:
    """ "Jerry the mouse sneaks" -> "mouse sneaks" ("In the kitchen" names nobody)."""
    match = NAME_THE.match(text)
    if match is None or match.group(1).lower() in PREPOSITIONS:
        return text
    return text[match.end():]


def is_ambiguous(text: str, continuation: bool) -> bool:
    tokens = _words(_without_name(text.strip()))
    return (find_verb(tokens, continuation, True) != find_verb(tokens, continuation, False))


def phrase_of(text: str, continuation: bool, previous: Phrase | None,
              character: str = "", plural_subject: bool = True) -> Phrase:
    """The clause as subject + participle + rest.

    `previous` is the clause this one continues (its subject carries on, "it" is its object);
    `character` is the story's named character ("Jerry the mouse"), whom "he" or "she" means.
    """
    tokens = _words(_without_name(text.strip()))  # "Jerry the mouse sneaks": "mouse sneaks"
    while tokens and tokens[0].lower() in ("and", "but", "so", "or", "yet"):
        tokens = tokens[1:]
    inverted = None if continuation else _inverted_speech_tag(tokens)  # "and sang a song"
    if inverted is not None:
        return inverted
    left = _what_is_left(tokens)
    if left is not None:  # "all that's left is the wind", "only the hiss remains"
        return Phrase(subject=_noun_phrase(left), verb="", participle="", rest="",
                      existential=True, subjects=_list_items(left, " ".join(left)))
    index = find_verb(tokens, continuation, plural_subject)
    if index is None:
        return Phrase(subject=_noun_phrase(tokens), verb="", participle="", rest="")
    subject_tokens, verb_word, rest_tokens = tokens[:index], tokens[index], tokens[index + 1:]
    passive = False
    lemma = verb_lemma(verb_word) or verb_word.lower()
    if lemma == verb_word.lower() and not verb_lemma(verb_word):
        lemma = _unknown_lemma(verb_word)
    if verb_word.lower() in AUXILIARIES and rest_tokens:  # "is pulled out", "was ringing"
        main = next((j for j, t in enumerate(rest_tokens) if verb_lemma(t)), None)
        if main == 1 and rest_tokens[0].lower() in DETERMINERS:
            main = None  # "is a hot afternoon": a copula and a noun phrase, no second verb
        if main is not None and main <= 1:
            word = rest_tokens[main]
            lemma = verb_lemma(word) or word.lower()
            passive = _form(word, lemma) == "VBD" and verb_word.lower() not in ("has", "have",
                                                                                  "had")
            rest_tokens = rest_tokens[main + 1:]
    if lemma in ASPECT_VERBS and rest_tokens:  # "begins to fall" -> "falling"
        start = 1 if rest_tokens[0].lower() == "to" else 0
        particle = rest_tokens[0].lower() in PARTICLES  # "starts up": the start is the sound
        if not particle and start < len(rest_tokens) and verb_lemma(rest_tokens[start]):
            lemma = verb_lemma(rest_tokens[start])
            rest_tokens = rest_tokens[start + 1:]
    lowered = [t.lower() for t in subject_tokens]
    if lemma == "be" and lowered[-1:] == ["there"] and (
            len(lowered) == 1 or lowered[0] in PREPOSITIONS):  # "in the kitchen there is"
        noun = _noun_phrase(rest_tokens)  # "there is a knock at the door": "knock at the door"
        return Phrase(subject=noun, verb="", participle="", rest="", existential=True)
    before_where = next((i for i, t in enumerate(lowered) if t in PREPOSITIONS and i), None)
    if lemma == "be" and rest_tokens and set(lowered[:before_where][-1:]) & _SOUND_NOUNS:
        noun = _noun_phrase(rest_tokens)  # "the only sound in the kitchen was the clock ticking"
        return Phrase(subject=noun, verb="", participle="", rest="", existential=True)
    perception = set(vocabulary().language["perception_verbs"])
    if lemma == "be" and rest_tokens and verb_lemma(rest_tokens[0]) in perception:
        lemma, passive, rest_tokens = verb_lemma(rest_tokens[0]), True, rest_tokens[1:]
    if lemma in perception:
        return _heard(subject_tokens, rest_tokens, passive, previous, character)
    subject_tokens = _own_subject(subject_tokens, text)
    items = _list_items(subject_tokens, text)
    if [t.lower() for t in subject_tokens] == ["it"] and lemma in WEATHER_VERBS:
        return Phrase(subject=WEATHER_VERBS[lemma], verb="", participle="", rest="")  # "it rains"
    subject = _subject(subject_tokens, previous, character)
    conditions = vocabulary().language["condition_stop_verbs"]
    particle = rest_tokens[0].lower() if rest_tokens else ""
    if [t.lower() for t in subject_tokens] == ["it"] \
            and (lemma in conditions or f"{lemma} {particle}" in conditions):
        before = previous.subject if previous is not None else ""
        # "a storm shakes the cabin; when it passes"; "(the crickets go silent) ... by
        # morning it has all blown over": everything the night held
        subject = before if before and not is_animate(before) else "everything"
    rest = _rest(rest_tokens, previous, _form(verb_word, lemma))
    participle = "being" if lemma == "be" else _participle(lemma, verb_word)
    if passive:
        participle = (getInflection(lemma, "VBN") or (lemma,))[0]
    return Phrase(subject=subject, verb=lemma, participle=participle, rest=rest,
                  passive=passive, subjects=items)


_TAG_DETERMINERS = frozenset("the a an his her their my our its your".split())


def _inverted_speech_tag(tokens: list[str]) -> Phrase | None:
    """A dialogue tag with the verb first: '"Only the sea," whispers the girl' (subject "girl",
    verb "whisper"). Only a said or saying form before a determiner and a verbless noun
    phrase counts: "whispers fill the hall" and "call the dog" stay as they are."""
    if len(tokens) < 3 or tokens[1].lower() not in _TAG_DETERMINERS:
        return None
    lemma = verb_lemma(tokens[0])
    if lemma is None or tokens[0].lower() == lemma or find_verb(tokens[1:], False) is not None:
        return None
    subject = _noun_phrase(tokens[1:])
    calls = lemma in sound_verbs() and is_animate(subject)  # '"Woof!" barks the dog'
    if lemma not in vocabulary().language["speech_verbs"] and not calls:
        return None
    return Phrase(subject=subject, verb=lemma, participle=_participle(lemma, tokens[0]), rest="")


def _heard(subject_tokens: list[str], rest_tokens: list[str], passive: bool,
           previous: Phrase | None, character: str) -> Phrase:
    """ "he hears a bee buzzing" is the bee; "a bell is heard in the distance" is the bell."""
    if passive:  # the subject is what is heard, the rest where
        subject = _subject(_own_subject(subject_tokens, ""), previous, character)
        return Phrase(subject=" ".join(p for p in (subject, " ".join(rest_tokens).lower()) if p),
                      verb="", participle="", rest="", heard=True)
    hearer = _subject(_own_subject(subject_tokens, ""), previous, character)
    words = [t for t in rest_tokens]
    while words and words[0].lower() in ("to", "the", "a", "an", "some", "is", "are", "was",
                                         "were"):  # "all you can hear is the rain"
        words = words[1:]
    if len(words) > 2 and words[0].lower() in ("sound", "sounds", "noise", "noises") \
            and words[1].lower() == "of":
        words = words[2:]  # "hears the sound of rain"
    heard = phrase_of(" ".join(words), False, previous, character)
    return Phrase(subject=heard.subject, verb=heard.verb, participle=heard.participle,
                  rest=heard.rest, passive=heard.passive, subjects=heard.subjects, heard=True,
                  hearer=hearer)


_LEFT = r"(?:left|remains?|remained|remaining)"
_ALL_THAT_IS_LEFT = re.compile(  # "all that is left is X", "all that remains is X"
    rf"^(?:now\s+)?all\s+(?:that\s+)?(?:is\s+|was\s+)?{_LEFT}\s+(?:now\s+)?(?:is|was|are|were)\s+"
    r"(?P<what>.+)$", re.I)
_ONLY_X_IS_LEFT = re.compile(  # "only the hiss of life support remains", "X is all that's left"
    rf"^(?:(?:now|soon|then)\s+)?(?:only|just)\s+(?P<what>.+?)\s+(?:(?:is|are|was|were)\s+)?{_LEFT}$"
    rf"|^(?P<all>.+?)\s+(?:is|are|was|were)\s+all\s+(?:that\s+)?(?:is\s+|was\s+)?{_LEFT}$",
    re.I)
_JUST_X = re.compile(  # "Inside, just the air conditioner and muffled traffic": only X is heard
    r"^(?:(?:inside|outside|now|then|upstairs|downstairs|here|there)\s+)?"
    r"(?:just|only|nothing\s+but)\s+(?P<what>(?:the|a|an|some|his|her|their|our|my|its)\s+.+)$",
    re.I)


def _what_is_left(tokens: list[str]) -> list[str] | None:
    """The words of what is still heard in "all that's left is X", "only X remains", "X is
    all that remains", "just X", or None for any other clause."""
    text = " ".join(tokens)
    match = _ALL_THAT_IS_LEFT.match(text) or _ONLY_X_IS_LEFT.match(text)
    if match is None:
        match = _JUST_X.match(text)
        if match is None or find_verb(match.group("what").split()) is not None:
            return None  # "just then a door slams"
    what = match.groupdict().get("what") or match.group("all")
    return what.split()


_SOUND_NOUNS = frozenset({"sound", "sounds", "noise", "noises"})
_SUBJECT_STARTS = DETERMINERS | {"he", "she", "they", "it", "we", "i", "someone", "somebody",
                                 "something", "everyone", "people"}


def _own_subject(tokens: list[str], text: str) -> list[str]:
    """The subject without a leading phrase that sets the scene: "One day he", "At the fish
    market a vendor", "Every morning the birds" -> "he", "a vendor", "the birds". A new noun
    phrase starts where a determiner or pronoun follows a word that is not a preposition."""
    if _list_items(tokens, text):
        return tokens
    lowered = [t.lower() for t in tokens]
    for k in range(len(tokens) - 1, 0, -1):
        before = lowered[k - 1]
        if (lowered[k] in _SUBJECT_STARTS and before not in PREPOSITIONS
                and before not in DETERMINERS and before not in ("of", "and", "or", "than")):
            return tokens[k:]
    return tokens


def _list_items(tokens: list[str], text: str) -> tuple[str, ...]:
    """ "a dog, a cat and a cow" -> ("dog", "cat", "cow"); () when the subject is no list."""
    lowered = [t.lower() for t in tokens]
    if not tokens or not ({"and", "or"} & set(lowered) or "," in text):
        return ()
    subject_text = " ".join(tokens)
    raw = re.search(r"\b" + r"\W+".join(re.escape(t) for t in tokens) + r"\b", text)
    if raw is not None:
        subject_text = raw.group(0)
    pieces = [p for p in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+",
                                  subject_text) if p.strip()]
    if len(pieces) < 2:
        return ()
    items = []
    for piece in pieces:
        words = _strip_determiners(_words(piece))
        if not words or len(words) > 4 or not (_is_noun(words[-1]) or not _lemmas(
                words[-1].lower())):
            return ()
        if any(w.lower() in PREPOSITIONS for w in words):
            return ()
        items.append(" ".join(_lower_common(words)))
    return tuple(items)


def _unknown_lemma(word: str) -> str:
    lemmas = getAllLemmasOOV(word.lower(), "VERB").get("VERB")
    return lemmas[0] if lemmas else word.lower()


def _participle(lemma: str, word: str) -> str:
    """The -ing form; for verbs the word lists do not know ("dinged"), by spelling rules."""
    if verb_lemma(word) or verb_lemma(lemma):
        return (getInflection(lemma, "VBG") or (lemma,))[0]
    w = word.lower()
    if w.endswith("ing") and len(w) > 5:
        return w  # already the -ing form ("its hooves clopping")
    if w.endswith("ed"):
        stem = w[:-2]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
            stem = stem[:-1]  # "dinned" -> "din"
    elif w.endswith("es") and w[-3:-2] in ("s", "x", "z", "h"):
        stem = w[:-2]
    elif w.endswith("s"):
        stem = w[:-1]
    else:
        stem = w
    return stem[:-1] + "ing" if stem.endswith("e") and not stem.endswith("ee") else stem + "ing"


def _words(text: str) -> list[str]:
    text = _CONTRACTED_IS.sub(r"\1 is", text)  # "it's late", "there's a hum": not possessives
    text = _CONTRACTED.sub(lambda m: f"{m.group(1)} {_CONTRACTIONS[m.group(2).lower()]}", text)
    return re.findall(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*|\d+(?:\.\d+)?", text)


_CONTRACTIONS = {"re": "are", "m": "am", "ve": "have", "ll": "will", "d": "would"}
_CONTRACTED = re.compile(r"\b(\w+)['’](re|m|ve|ll|d)\b", re.IGNORECASE)  # "we're inside"
_CONTRACTED_IS = re.compile(r"\b(it|there|here|that|what|he|she|everything|nothing)['’]s\b",
                            re.IGNORECASE)


def _strip_determiners(tokens: list[str]) -> list[str]:
    tokens = [t for t in tokens if t.lower() not in FILLERS]
    while tokens and tokens[0].lower() in DETERMINERS:
        tokens = tokens[1:]
    return tokens


def _noun_phrase(tokens: list[str]) -> str:
    return " ".join(_lower_common(_strip_determiners(tokens)))


def _lower_common(tokens: list[str]) -> list[str]:
    """Lower case, except acronyms and names ("Tom": a capitalised word no word list knows)."""
    return [t if (t.isupper() and len(t) > 1) or (t[:1].isupper() and not _lemmas(t.lower()))
            else t.lower() for t in tokens]


def named_character(text: str) -> str:
    """ "Jerry the mouse" -> "mouse": the noun a story's named character is ("Then the
    doorbell rings" names nobody)."""
    for match in re.finditer(r"\b([A-Z][a-z]+)\s+the\s+([a-z]+)", text):
        name = match.group(1).lower()
        lemmas = _lemmas(name)
        if _is_function_word(name) or name in FILLERS or name in _NOT_NAMES or "ADV" in lemmas:
            continue
        if "VERB" in lemmas and "NOUN" not in lemmas:
            continue  # "Hear the rain"
        return match.group(2)
    return ""


_NOT_NAMES = frozenset("when while as and but so if until after before because though where "
                       "meanwhile inside outside suddenly finally later then".split())


def _subject(tokens: list[str], previous: Phrase | None, character: str) -> str:
    tokens = _strip_determiners(tokens)
    if not tokens:  # no subject of its own: the previous clause's subject carries on
        return previous.subject if previous else ""
    if len(tokens) == 1 and tokens[0].lower() in PRONOUNS:
        word = tokens[0].lower()
        if word == "it" and previous is not None:
            return _thing_meant(previous) or PRONOUNS[word]
        plural_character = bool(character) and _is_plural_noun(character.split()[-1])
        if word in ("he", "she") and character and not plural_character:
            return character
        if word in ("he", "she") and previous is not None and is_person(previous.subject):
            return previous.subject
        if word == "they" and previous is not None and previous.subject.split() \
                and _is_plural_noun(previous.subject.split()[-1]):
            return previous.subject  # "chairs scrape as they are stacked"
        if word == "they" and plural_character:
            return character  # "children play ... a bell rings and they run inside"
        return PRONOUNS[word]
    return " ".join(_lower_common(tokens))


PERSON_NOUNS = frozenset(
    "man woman boy girl child kid baby person captain chef cook pilot driver sailor soldier "
    "king queen prince princess mother father mom dad grandmother grandfather teacher guard "
    "doctor nurse farmer hunter knight wizard witch detective officer stranger lady gentleman "
    "friend neighbour neighbor passenger crew narrator host hero villain thief monk priest "
    "worker player singer dancer runner walker waiter waitress actor visitor conductor "
    "announcer lifeguard janitor mailman postman commander sergeant general warrior giant "
    "student professor scientist robot vendor customer clerk shopkeeper merchant mum mummy "
    "dad daddy grandma grandpa granny grandad uncle aunt sister brother son daughter wife "
    "husband toddler teenager rider referee striker bride groom tourist traveller traveler "
    "commuter shopper pedestrian librarian blacksmith fisherman fishermen camper hiker "
    "butler maid servant nanny coach keeper sleeper cleaner caretaker ranger watchman miner "
    "baker butcher fireman firefighter sheriff cowboy pirate diver surfer swimmer skier "
    "climber jogger patient surgeon porter cashier barista bartender mechanic plumber "
    "carpenter painter gardener shepherd lumberjack woodcutter spy burglar intruder prisoner "
    "nun villager pilgrim explorer astronaut engineer teller guest lifeguard "
    "diner shopper parent adult stranger neighbour fan spectator reveller people dj "
    "commentator presenter reporter newsreader busker musician performer invigilator trader "
    "seller hawker uncle".split())
_PERSON_SUFFIX = re.compile(r"\w{3,}(?:ist|ian|man|woman|smith)$")


def is_person(noun_phrase: str) -> bool:
    """A rough test that a subject is someone (whom "he"/"she" can mean)."""
    words = noun_phrase.lower().split()
    if not words:
        return False
    head = words[-1]
    last = noun_phrase.split()[-1]
    if last[:1].isupper() and not last.isupper() and not _lemmas(head):
        return True  # a name: "Tom" (not "TV")
    singular = (_lemmas(head).get("NOUN") or (head,))[0]
    return head in PERSON_NOUNS or singular in PERSON_NOUNS or bool(
        _PERSON_SUFFIX.search(head)) and _is_noun(head)


def is_animate(noun_phrase: str) -> bool:
    """Someone or an animal: a character whose actions "he", "she" or "it" may continue."""
    words = noun_phrase.lower().split()
    if not words:
        return False
    head = words[-1]
    animals = frozenset(vocabulary().language["animals"])
    singular = (_lemmas(head).get("NOUN") or (head,))[0]
    return is_person(noun_phrase) or head in animals or singular in animals \
        or singular in PERSON_NOUNS


def previous_object(phrase: Phrase) -> str:
    """The thing a following "it" most likely means: the object, else the subject."""
    tokens = _words(phrase.rest)
    if tokens and tokens[0].lower() in PREPOSITIONS and tokens[0].lower() not in PARTICLES:
        return ""  # "hums in the dark kitchen. It stops": "it" is what hums, not the kitchen
    if tokens[:1] == ["and"] and len(tokens) > 1 and tokens[1].lower().endswith("ing"):
        return ""  # "groans and creaks (as it shifts)": a second verb, no object
    noun: list[str] = []
    for token in tokens:
        word = token.lower()
        if word in PREPOSITIONS or word in ("and", "with"):
            if noun:
                break
            continue
        if word in DETERMINERS:
            continue
        noun.append(word)
    return " ".join(noun) if noun else ""


def _thing_meant(previous: Phrase) -> str:
    """What "it" continues: the clause before's object, else its subject; never a person
    ("somebody sighs and kicks it" kicks the printer, not somebody)."""
    for candidate in (previous_object(previous), _where_one_is(previous), previous.subject):
        if candidate and not is_person(candidate):
            return candidate
    return ""


def _where_one_is(previous: Phrase) -> str:
    """ "Sitting in the car (as it rolls ...)": the car, not the sitting."""
    words = previous.subject.split()
    if previous.verb or not words or not words[0].lower().endswith("ing"):
        return ""
    at = next((i for i, w in enumerate(words) if w.lower() in PREPOSITIONS), None)
    return " ".join(_strip_determiners(words[at + 1:])) if at is not None else ""


def _rest(tokens: list[str], previous: Phrase | None, main_form: str = "") -> str:
    """The words after the verb: "it" resolved, "and hisses" made "and hissing"."""
    out: list[str] = []
    for token in tokens:
        word = token.lower()
        if word in FILLERS:
            continue
        if word == "it" and previous is not None and not out:
            word = _thing_meant(previous) or word
        elif out and out[-1] == "and" and verb_lemma(word) and not _is_noun(word):
            word = (getInflection(verb_lemma(word), "VBG") or (word,))[0]
        elif (out and out[-1] == "and" and main_form in ("VB", "VBZ", "VBD")
              and verb_lemma(word) in known_verbs()
              and _form(word, verb_lemma(word)) == main_form):
            word = (getInflection(verb_lemma(word), "VBG") or (word,))[0]  # "buzz and flicker"
        elif (out and out[-1] == "and" and token is tokens[-1]
              and _form(word, verb_lemma(word) or word) == "VBZ"):
            word = (getInflection(verb_lemma(word), "VBG") or (word,))[0]
        out.append(token if (token.isupper() and len(token) > 1) else word)
    return " ".join(out)
