"""Beds under the story: the ones its places imply, where the text stops one, and a bed for
every scene that has none of its own (carried on from the scene before, or a fitting general
bed), so no stretch of a long story falls silent between foreground events."""
from __future__ import annotations

import re

from engine.model.story import TrackKind
from engine.planning.offline.captions import sound_of
from engine.planning.offline.clauses import Clause, words_of
from engine.planning.offline.drafts import STOP_OFFSET, DraftEvent
from engine.planning.offline.phrasing import Phrase, _lemmas, is_animate
from engine.planning.offline.semantics import catalogue, embed_cached, similar
from engine.planning.offline.vocabulary import ImpliedSounds, mentions, vocabulary

MIN_SOUNDNESS = 0.32         # below this a phrase names no sound ("he thinks about life")
DUPLICATE_SIMILARITY = 0.62  # an implied sound this close to one the text names is that one


def is_stop(phrase: Phrase) -> bool:
    """ "the rain stops", "the audience falls silent", "the wind dies down"."""
    stops = set(vocabulary().language["stop_verbs"])
    following = phrase.rest.split()[:1]
    return phrase.verb in stops or bool(following) and f"{phrase.verb} {following[0]}" in stops


def apply_stops(stops: list[tuple[Phrase, Clause, dict]], events: list[DraftEvent],
                first_rank: dict[int, float]) -> None:
    """End the beds a stop names. A stop with nothing to end says the sound was there until
    then ("the music stops"): a bed from the scene's start to that moment. A person who
    stops makes no sound."""
    for phrase, clause, cues in stops:
        if end_beds(events, phrase, clause.rank):
            continue
        if not phrase.subject or is_animate(phrase.subject):
            continue
        caption = sound_of(phrase.subject)
        judgement = catalogue().judge(embed_cached([caption]))[0]
        music = mentions(caption, vocabulary().language["music_words"])
        if judgement.soundness < MIN_SOUNDNESS and not music:
            continue
        kind = TrackKind.MUSIC if music else (
            TrackKind.EFFECTS if judgement.kind == TrackKind.SPEECH else judgement.kind)
        if kind == TrackKind.MUSIC and not music:
            kind = TrackKind.AMBIENCE
        start = min(first_rank.get(clause.paragraph, clause.rank), clause.rank)
        events.append(DraftEvent(caption=caption, kind=kind, rank=start, scene=clause.paragraph,
                                 bed=True, end_rank=clause.rank + STOP_OFFSET, implied=True,
                                 soundness=judgement.soundness, cues=dict(cues)))


def end_beds(events: list[DraftEvent], phrase: Phrase, rank: float) -> bool:
    """End every running bed the stop's subject names ("the rain", "the storm"); False if
    none matches."""
    words = words_of(phrase.subject.lower())
    if not words:
        return False
    head = _noun(words[-1])
    ended = False
    for event in events:
        if not event.bed or event.end_rank is not None or event.rank > rank:
            continue
        names = {_noun(w) for w in words_of(event.caption.lower())} | set(event.source)
        if head in names:
            event.end_rank = rank + STOP_OFFSET
            ended = True
    return ended


def _noun(word: str) -> str:
    nouns = _lemmas(word).get("NOUN")
    return nouns[0] if nouns else word


def add_scene_beds(events: list[DraftEvent], clauses: list[Clause],
                   scene_text: dict[int, str]) -> None:
    """Beds the places and combinations of each scene imply (see resources/planning), then a
    bed for a scene that still has none under its start."""
    vocab = vocabulary()
    first = {c.paragraph: c.rank for c in reversed(clauses)}
    for scene, text in scene_text.items():
        # a bed from the scene's first moment: later beds ("later, rain begins") leave the
        # opening bare, and a generic bed for the place fills it
        has_bed = _bed_at(events, scene, first[scene])
        implied: list[DraftEvent] = []
        for entry in (*vocab.places, *vocab.combinations):
            if entry.all_of:
                if not all(mentions(text, group) for group in entry.all_of):
                    continue
                if entry.none_of and mentions(text, entry.none_of):
                    continue
                rank = first[scene]
            else:
                word = mentions(text, entry.words)
                if word is None:
                    continue
                rank = _arrival_rank(clauses, scene, word, first[scene])
            if not entry.signature and has_bed:
                continue
            cues = {"place": entry.place} if entry.place else {}
            describe = _described_as(text, entry.words) if not entry.all_of else ""
            implied.extend(DraftEvent(caption=_with_adjective(c, describe),
                                      kind=TrackKind.AMBIENCE, rank=rank, scene=scene, bed=True,
                                      implied=True, cues=cues)
                           for c in entry.beds)
            has_bed = True  # one implied bed per scene is enough, besides signature ones
        events.extend(implied)
        if not _bed_at(events, scene, first[scene]) and any(e.scene == scene for e in events):
            _fill_bare_scene(events, scene, text, first[scene], vocab.fallbacks)


def _bed_at(events: list[DraftEvent], scene: int, rank: float) -> bool:
    """A bed under the scene from its start that the text does not stop part way."""
    return any(e.bed and e.scene == scene and e.kind == TrackKind.AMBIENCE and e.rank <= rank
               and e.end_rank is None for e in events)


def _fill_bare_scene(events: list[DraftEvent], scene: int, text: str, rank: float,
                     fallbacks: tuple[ImpliedSounds, ...]) -> None:
    """The scene before carries on under a scene that names no place of its own; the first
    scene gets the general bed whose words fit it best (a quiet room tone by default)."""
    carried = [e for e in events if e.bed and e.kind == TrackKind.AMBIENCE
               and e.end_rank is None and (e.end_scene if e.end_scene is not None
                                           else e.scene) == scene - 1]
    if carried:
        for event in carried:
            event.end_scene = scene
        return
    if not fallbacks:
        return
    scores = [sum(1 for word in entry.words if mentions(text, [word])) for entry in fallbacks]
    best = max(range(len(fallbacks)), key=lambda i: (scores[i], -i))
    entry = fallbacks[best]
    cues = {"place": entry.place} if entry.place else {}
    events.extend(DraftEvent(caption=c, kind=TrackKind.AMBIENCE, rank=rank, scene=scene,
                             bed=True, implied=True, cues=cues) for c in entry.beds)


_ARRIVAL = re.compile(
    r"\b(?:(?:go|goes|went|come|comes|came|walk|run|ran|head|step|drive|drove|ride|rode|fly|"
    r"flew|sail|return|move|hurr|rush|wander|stroll|climb|crawl|march|travel|race|gallop|dash|"
    r"sneak|snuck|tiptoe|creep|crept|slip|float|drift|row|swim|swam|descend|pull|roll|"
    r"stumble|burst|storm)\w*\s+(?:\w+\s+)?(?:into|to|towards?)|"
    r"reach(?:es|ed)?|enter(?:s|ed)?|arriv\w*(?:\s+at|\s+in)?)\s+"
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
    if "ADJ" in _lemmas(first):
        return f"{adjective} {rest}"
    return f"{adjective} {caption}"


def dedupe(events: list[DraftEvent]) -> None:
    """Drop implied sounds that the text already names (or another implied sound repeats)."""
    if len(events) < 2:
        return
    vectors = embed_cached([e.caption for e in events])
    scores = similar(vectors, vectors)
    keep = [True] * len(events)
    replaced: dict[int, DraftEvent] = {}
    order = sorted(range(len(events)), key=lambda i: (events[i].implied, i))
    for position, i in enumerate(order):
        if not events[i].implied or events[i].recurring:
            continue
        for j in order[:position]:
            if keep[j] and scores[i, j] >= DUPLICATE_SIMILARITY:
                keep[i] = False
                replaced[id(events[i])] = events[j]
                if events[i].bed and events[j].kind == TrackKind.AMBIENCE:
                    events[j].rank = min(events[j].rank, events[i].rank)
                    events[j].source = tuple({*events[j].source, *events[i].source})
                break
    for event in events:  # a recurring sound whose bed was a duplicate lives in the original
        if event.span_of is not None and id(event.span_of) in replaced:
            event.span_of = replaced[id(event.span_of)]
    events[:] = [e for e, k in zip(events, keep) if k]
