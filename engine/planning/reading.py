"""Read a narrative into draft sound events: what is heard, in which order, on which track.

Times are not set here, only ranks (the order of the clauses, equal for "while"/"as") and
which ranks a bed spans; `engine.planning.timing` turns ranks into seconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..story import TrackKind
from .clauses import BEFORE, SAME, Clause, split_clauses, words_of
from .phrasing import Phrase, is_ambiguous, named_character, phrase_of, verb_lemma
from .semantics import catalogue, embed_cached, similar
from .vocabulary import ImpliedSounds, mentions, vocabulary

MIN_SOUNDNESS = 0.32      # below this a phrase names no sound ("he thinks about life")
DUPLICATE_SIMILARITY = 0.62  # an implied sound this close to one the text names is that one
MAX_CAPTION_WORDS = 25
STOP_OFFSET = 0.5  # a bed the text stops ends half way through that clause's slot


@dataclass
class DraftEvent:
    caption: str
    kind: TrackKind
    rank: float                   # order in the story; equal ranks happen together
    scene: int                    # paragraph
    bed: bool = False             # spans from `rank` to `end_rank` (or the scene's end)
    end_rank: float | None = None
    impulsive: bool = False       # a short hit (a knock, a crash) rather than a process
    implied: bool = False         # not named by the text; the scene implies it
    offset: float = 0.0           # where in its rank's slot it starts (0..1)
    soundness: float = 1.0
    cues: dict[str, str] = field(default_factory=dict)
    tone: str = "neutral"


@dataclass
class Reading:
    events: list[DraftEvent]
    scenes: int
    ranks_by_scene: dict[int, tuple[float, float]]  # first and last rank of each scene


def read_story(text: str) -> Reading:
    clauses = split_clauses(text)
    _assign_ranks(clauses)
    character = named_character(text)
    language = vocabulary().language
    scene_text = _scene_texts(clauses)
    events: list[DraftEvent] = []
    candidates: list[tuple[DraftEvent, Clause]] = []
    previous: Phrase | None = None
    main: Phrase | None = None
    scene_cues: dict[int, dict[str, str]] = {}
    stops: dict[int, Phrase] = {}
    silent = set(language["silent_verbs"])
    for clause in clauses:
        subordinate = clause.connective in language["simultaneous"]
        carried = (previous if subordinate else main) if clause.continuation else None
        phrase = _best_reading(clause, carried or previous, character)
        previous = phrase
        if not subordinate:
            main = phrase
        if clause.paragraph not in scene_cues:
            scene_cues[clause.paragraph] = _scene_cues(scene_text[clause.paragraph])
        cues = {**scene_cues[clause.paragraph], **_intensity(clause.text)}
        if clause.quote:
            events.append(_speech(clause, phrase, cues))
            continue
        if phrase.verb in silent or phrase.verb == "be" and not phrase.existential:
            continue  # "she stands on the deck", "it was a cold night": nothing is heard
        phenomenon = _phenomenon(clause.text)
        if phenomenon is not None and _names_phenomenon(phrase, phenomenon):
            events.extend(_implied(phenomenon, clause.rank, clause.paragraph, cues))
            continue
        if clause.heading or not phrase.verb and _is_place_only(clause.text):
            continue  # scene setting: its places give the beds below
        caption = _trim(phrase.caption or clause.text)
        if not phrase.verb:
            caption = _fuller(caption)
        else:
            caption = _with_quality(caption, phrase)
        event = DraftEvent(caption=caption, kind=TrackKind.EFFECTS, rank=clause.rank,
                           scene=clause.paragraph, cues=cues,
                           impulsive=phrase.verb in set(language["impulsive_verbs"]))
        if phrase.verb in set(language["stop_verbs"]):
            stops[id(event)] = phrase
        candidates.append((event, clause))
    _judge(candidates, events)
    for event in [e for e in events if id(e) in stops]:
        if _stop_bed(events, stops[id(event)], event.rank):
            events.remove(event)  # "the rain stops": the rain bed ends here, no new sound
    _add_scene_beds(events, clauses, scene_text)
    _dedupe(events)
    ranks: dict[int, tuple[float, float]] = {}
    for clause in clauses:
        low, high = ranks.get(clause.paragraph, (clause.rank, clause.rank))
        ranks[clause.paragraph] = (min(low, clause.rank), max(high, clause.rank))
    tones = {scene: _tone(words) for scene, words in scene_text.items()}
    for event in events:
        event.tone = tones.get(event.scene, "neutral")
    return Reading(events=events, scenes=len(scene_text), ranks_by_scene=ranks)


def _best_reading(clause: Clause, previous: Phrase | None, character: str) -> Phrase:
    """The clause's phrase; where word order allows two readings ("church bells ring" /
    "the radio plays jazz"), the one whose caption sounds more like a sound."""
    phrase = phrase_of(clause.text, clause.continuation, previous, character)
    if not is_ambiguous(clause.text, clause.continuation):
        return phrase
    other = phrase_of(clause.text, clause.continuation, previous, character,
                      plural_subject=False)
    first, second = catalogue().judge(embed_cached([phrase.caption, other.caption]))
    return other if second.soundness > first.soundness else phrase


def _assign_ranks(clauses: list[Clause]) -> None:
    rank = 0.0
    for index, clause in enumerate(clauses):
        if index == 0:
            clause.rank = 0.0
        elif clause.relation == SAME:
            clause.rank = rank
        elif clause.relation == BEFORE:  # "Y after X": X came first
            clause.rank = rank
            clauses[index - 1].rank = rank + 1
            rank += 1
        else:
            rank += 1
            clause.rank = rank


def _scene_texts(clauses: list[Clause]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for clause in clauses:
        texts.setdefault(clause.paragraph, []).append(clause.text)
    return {scene: " ".join(parts) for scene, parts in texts.items()}


def _trim(caption: str) -> str:
    words = caption.split()
    return " ".join(words[:MAX_CAPTION_WORDS]).strip(" ,;:-")


def _speech(clause: Clause, phrase: Phrase, cues: dict) -> DraftEvent:
    speaker = phrase.subject or "a voice"
    verb = phrase.participle if phrase.verb in set(vocabulary().language["speech_verbs"]) \
        else "saying"
    quote = " ".join(clause.quote.split()[:15])
    return DraftEvent(caption=_trim(f'{speaker} {verb} "{quote}"'), kind=TrackKind.SPEECH,
                      rank=clause.rank, scene=clause.paragraph, cues=cues)


def _stop_bed(events: list[DraftEvent], phrase: Phrase, rank: float) -> bool:
    """End the bed the clause's subject names ("the rain stops"); False if none matches."""
    subject = set(words_of(phrase.subject.lower()))
    for event in reversed(events):
        caption_words = set(words_of(event.caption.lower()))
        if (event.bed and event.end_rank is None and event.rank < rank
                and subject & caption_words):
            event.end_rank = rank + STOP_OFFSET
            return True
    return False


def _phenomenon(text: str) -> ImpliedSounds | None:
    for entry in vocabulary().phenomena:
        if mentions(text, entry.words):
            return entry
    return None


def _names_phenomenon(phrase: Phrase, entry: ImpliedSounds) -> bool:
    """True when the phenomenon is what the clause is about, not a passing mention."""
    return bool(mentions(phrase.subject, entry.words)) or not phrase.verb


def _implied(entry: ImpliedSounds, rank: float, scene: int, cues: dict) -> list[DraftEvent]:
    beds = [DraftEvent(caption=c, kind=TrackKind.AMBIENCE, rank=rank, scene=scene, bed=True,
                       implied=True, cues=dict(cues)) for c in entry.beds]
    hits = [DraftEvent(caption=c, kind=TrackKind.EFFECTS, rank=rank, scene=scene, implied=True,
                       offset=0.45, cues=dict(cues)) for c in entry.effects]
    return beds + hits


def _is_place_only(text: str) -> bool:
    places = vocabulary().places
    return any(mentions(text, entry.words) for entry in places)


def _judge(candidates: list[tuple[DraftEvent, Clause]], events: list[DraftEvent]) -> None:
    """Keep the phrases that name sounds, each on the track its meaning belongs on."""
    if not candidates:
        return
    language = vocabulary().language
    music_words = language["music_words"]
    vectors = embed_cached([event.caption for event, _ in candidates])
    for (event, clause), judgement in zip(candidates, catalogue().judge(vectors)):
        event.soundness = judgement.soundness
        if judgement.soundness < MIN_SOUNDNESS and not mentions(event.caption, music_words):
            continue
        kind = judgement.kind
        if mentions(event.caption, music_words) and kind != TrackKind.SPEECH:
            kind = TrackKind.MUSIC
        elif kind in (TrackKind.MUSIC, TrackKind.SPEECH):
            kind = TrackKind.EFFECTS  # music and speech need their words (above) or quotes
        if kind == TrackKind.AMBIENCE and event.impulsive and judgement.kind_margin < 0.8:
            kind = TrackKind.EFFECTS  # "the crowd gasps": a moment, not a bed
        event.kind = kind
        event.bed = kind in (TrackKind.AMBIENCE, TrackKind.MUSIC)
        event.impulsive = event.impulsive and kind == TrackKind.EFFECTS
        events.append(event)


def _with_quality(caption: str, phrase: Phrase) -> str:
    """A short caption gets how the action sounds: "dog barking" -> "dog barking loudly"."""
    quality = vocabulary().language["verb_qualities"].get(phrase.verb)
    words = caption.split()
    if not quality or len(words) > 4 or phrase.rest:
        return caption
    if any(w.endswith("ly") for w in words) or phrase.passive:
        return caption
    return f"{caption} {quality}"


def _fuller(noun_phrase: str) -> str:
    """A bare sound noun ("rain", "a distant siren") said the way the catalogue says it."""
    words = noun_phrase.lower().split()
    if not words or len(words) > 3:
        return noun_phrase
    cat = catalogue()
    scores = (embed_cached([noun_phrase]) @ cat.vectors.T)[0]
    head = words[-1]
    for index in scores.argsort()[::-1][:5]:
        example = cat.captions[index]
        if scores[index] >= 0.6 and re.search(rf"\b{re.escape(head)}", example):
            extra = [w for w in words[:-1] if w not in example.split()]
            return " ".join([*extra, example])
    return noun_phrase


def _add_scene_beds(events: list[DraftEvent], clauses: list[Clause],
                    scene_text: dict[int, str]) -> None:
    """Beds the places and combinations of each scene imply (see resources/planning)."""
    vocab = vocabulary()
    for scene, text in scene_text.items():
        first = {c.paragraph: c.rank for c in reversed(clauses)}[scene]
        # a bed from the scene's first moment: later beds ("later, rain begins") leave the
        # opening bare, and a generic bed for the place fills it
        has_bed = any(e.bed and e.scene == scene and e.kind == TrackKind.AMBIENCE
                      and e.rank <= first for e in events)
        implied: list[DraftEvent] = []
        for entry in (*vocab.places, *vocab.combinations):
            if entry.all_of:
                if not all(mentions(text, group) for group in entry.all_of):
                    continue
                rank = first
            else:
                word = mentions(text, entry.words)
                if word is None:
                    continue
                rank = _arrival_rank(clauses, scene, word, first)
            if not entry.signature and has_bed:
                continue
            cues = {"place": entry.place} if entry.place else {}
            describe = _described_as(text, entry.words) if not entry.all_of else ""
            implied.extend(DraftEvent(caption=_with_adjective(c, describe), kind=TrackKind.AMBIENCE,
                                      rank=rank, scene=scene, bed=True, implied=True, cues=cues)
                           for c in entry.beds)
            has_bed = True  # one implied bed per scene is enough, besides signature ones
        events.extend(implied)


_ARRIVAL = re.compile(r"\b(?:into|to|towards?|reach(?:es|ed)?|enters?|arriv\w*(?:\s+at)?)\s+"
                      r"(?:the\s+|a\s+|an\s+)?(?:\w+\s+)?$", re.I)


def _arrival_rank(clauses: list[Clause], scene: int, word: str, first: float) -> float:
    """A place is the setting from the scene's start, unless the story goes there later."""
    for clause in clauses:
        if clause.paragraph != scene:
            continue
        match = re.search(rf"\b{re.escape(word)}", clause.text, re.I)
        if match:
            arriving = _ARRIVAL.search(clause.text[:match.start()])
            return clause.rank if arriving and clause.rank > first else first
    return first


def _described_as(text: str, words) -> str:
    """The adjective the text puts before a place word ("a busy kitchen" -> "busy")."""
    from .phrasing import _lemmas

    for word in words:
        match = re.search(rf"\b([a-z]+)\s+{re.escape(word)}s?\b", text, re.I)
        if match:
            candidate = match.group(1).lower()
            if "ADJ" in _lemmas(candidate):
                return candidate
    return ""


def _with_adjective(caption: str, adjective: str) -> str:
    """Put the text's own description of the place first: "busy kitchen ambience ..." """
    if not adjective or adjective in caption.split():
        return caption
    first, _, rest = caption.partition(" ")
    if "ADJ" in __import__("lemminflect").getAllLemmas(first):
        return f"{adjective} {rest}"
    return f"{adjective} {caption}"


def _dedupe(events: list[DraftEvent]) -> None:
    """Drop implied sounds that the text already names (or another implied sound repeats)."""
    if len(events) < 2:
        return
    vectors = embed_cached([e.caption for e in events])
    scores = similar(vectors, vectors)
    keep = [True] * len(events)
    order = sorted(range(len(events)), key=lambda i: (events[i].implied, i))
    for position, i in enumerate(order):
        if not events[i].implied:
            continue
        for j in order[:position]:
            if keep[j] and scores[i, j] >= DUPLICATE_SIMILARITY:
                keep[i] = False
                if events[i].bed and events[j].kind == TrackKind.AMBIENCE:
                    events[j].rank = min(events[j].rank, events[i].rank)
                break
    events[:] = [e for e, k in zip(events, keep) if k]


def _scene_cues(scene_text: str) -> dict[str, str]:
    """Where and when a scene plays (the cues every event of the scene carries)."""
    cues: dict[str, str] = {}
    for entry in vocabulary().places:
        if mentions(scene_text, entry.words):
            cues["place"] = entry.place
            break
    for name, words in vocabulary().language["time_of_day"].items():
        if mentions(scene_text, words):
            cues["time_of_day"] = name
            break
    return cues


def _intensity(clause_text: str) -> dict[str, str]:
    levels = vocabulary().language["intensity"]
    for level in ("high", "low"):
        if mentions(clause_text, levels[level]):
            return {"intensity": level}
    return {}


def _tone(text: str) -> str:
    words = [w.lower() for w in words_of(text)]
    lemmas = {verb_lemma(w) or w for w in words} | set(words)
    scores = {tone: sum(1 for w in tone_words if w in lemmas)
              for tone, tone_words in vocabulary().language["tone_words"].items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "neutral"


def soundless_reason(text: str) -> str:
    """Why nothing was heard in a text, for the user."""
    return ("found no sounds, places or weather in the text; planned a quiet room tone. "
            "Name what is heard (\"rain on a tin roof\", \"a dog barks\") for a richer plan.")


def looks_english(text: str) -> bool:
    """Most words are English (known to the word lists) - the offline planner reads English."""
    from .phrasing import _lemmas

    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if not words:
        return False
    known = sum(1 for w in words if _lemmas(w) or w in _FUNCTION_WORDS)
    return known / len(words) >= 0.6


_FUNCTION_WORDS = frozenset("a an the and or but of to in on at by for with as while then "
                            "is are was were it he she they we i you its his her their".split())


def nearest_bed(text: str) -> tuple[str, float]:
    """The ambience example closest in meaning to a text, and how close it is."""
    cat = catalogue()
    vector = embed_cached([text[:2000]])
    scores = (vector @ cat.vectors.T)[0]
    ambience = [i for i, kind in enumerate(cat.kinds) if kind == TrackKind.AMBIENCE]
    best = max(ambience, key=lambda i: scores[i])
    return cat.captions[best], float(scores[best])


