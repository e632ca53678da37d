"""What the text ends, and where: "the rain stops", "until the bell rings", "the power cuts
out", "the café empties", one piece of music following another. Beds and sounds the text
ends get an end rank (engine.planning.offline.timing turns it into seconds); a stop that ends
nothing the story made heard says the sound was there until then ("the wind drops")."""
from __future__ import annotations

import re

from engine.model.story import TrackKind
from engine.planning.offline.captions import sound_of
from engine.planning.offline.clauses import NEXT, Clause, words_of
from engine.planning.offline.drafts import (
    COMBINATION,
    PHENOMENON,
    STOP_OFFSET,
    STOP_WITH_OFFSET,
    STOPPED,
    TEXT,
    DraftEvent,
)
from engine.planning.offline.phrasing import Phrase, _is_plural_noun, _lemmas, is_animate
from engine.planning.offline.scenes import STOP, TIME, SceneDraft
from engine.planning.offline.semantics import MIN_SOUNDNESS, catalogue, embed_cached
from engine.planning.offline.stops import (
    ALL,
    CONDITION,
    EVENT,
    POWER,
    kin,
    music_stop,
    plain_stop,
    scene_stop,
    stopped_source,
)
from engine.planning.offline.stops import PLACE as PLACE_EMPTIED
from engine.planning.offline.vocabulary import mentions, vocabulary

MOMENT_CONNECTIVES = ("when", "once", "after")  # the stop is the moment the next sound starts
DEPARTURE_VERBS = frozenset({"leave", "exit", "depart", "disperse"})  # and "get off", "get out"
STOP_SIMILARITY = 0.45  # "shooting" ~ "gunfire shaking the village"; not "wind" ~ "rain"


def apply_stops(stops: list[tuple[Phrase, Clause, dict]], events: list[DraftEvent],
                first_rank: dict[int, float], scenes: list[SceneDraft]) -> None:
    """End the sounds a stop names. A stop that opens a scene ends them at its start (they
    hand over to the new scene's beds); one that goes with the clause before it, as that
    clause's sound begins; one that says when the next begins ("when the music stops, ..."),
    at its moment; any other half way through its moment. The power going off ends
    what runs on power; a place emptying, the sounds of its people; "everything falls
    silent", every bed; "the music fades", all music. A stop with nothing to end says the
    sound was there until then ("the wind drops"): a bed from the scene's start to that
    moment. A person who stops makes no sound."""
    for phrase, clause, cues in stops:
        scene = scenes[clause.scene]
        if clause.with_previous and clause.continuation:
            offset = STOP_WITH_OFFSET  # "at dawn it sputters and dies": just after it starts
        elif first_rank.get(clause.scene) == clause.rank and scene.index > 0 \
                and scene.opened_by in (TIME, STOP):
            offset = 0.0
        elif clause.connective in MOMENT_CONNECTIVES:
            offset = 0.0  # "when the last note ends, the audience applauds": as it begins
        elif clause.with_previous:
            offset = STOP_WITH_OFFSET
        else:
            offset = STOP_OFFSET
        kind = scene_stop(phrase)
        target = stopped_source(phrase)
        scene.stopped.update(kin(_noun(target.split()[-1])) if target else ())
        # "around midnight the wind picks up ... and the crickets go silent": what went on
        # from before stops as the scene turns
        turned = scene.index > 0 and scene.opened_by == TIME \
            and clause.sentence == scene.sentence \
            and end_beds([e for e in events if e.scene < clause.scene], phrase,
                         first_rank.get(clause.scene, clause.rank), 0.0)
        if kind is not None and kind[0] in (POWER, PLACE_EMPTIED, ALL, EVENT):
            _end_by_kind(events, kind[0], clause.rank, offset)
            end_beds(events, phrase, clause.rank, offset)  # "the generator dies": it too
            if kind[0] == PLACE_EMPTIED:
                scene.emptied_places.add(_place_of(kind[1]))
            if kind[0] == EVENT and scene.place:  # its crowd has gone from the place
                scene.emptied_places.add(scene.place)
            continue
        if kind is not None and kind[0] == CONDITION and scene.opened_by == STOP:
            _end_condition(events, kind[1], clause.rank)
        ended = end_beds(events, phrase, clause.rank, offset) or turned
        if music_stop(phrase):
            ended |= _end_music(events, clause.rank, offset)
        ended |= _end_foreground(events, target, clause.rank)
        if not ended and target and not is_animate(target):
            ended = _end_most_like(events, target, clause.rank, offset)
        if ended or not target or is_animate(target) or not plain_stop(phrase) \
                or _heard_before(events, target):
            continue  # "the radio goes silent" after the power cut: it has stopped already
        caption = sound_of(target)
        judgement = catalogue().judge(embed_cached([caption]))[0]
        music = mentions(caption, vocabulary().language["music_words"])
        if judgement.soundness < MIN_SOUNDNESS and not music:
            continue
        kind = TrackKind.MUSIC if music else (
            TrackKind.EFFECTS if judgement.kind == TrackKind.SPEECH else judgement.kind)
        if kind == TrackKind.MUSIC and not music:
            kind = TrackKind.AMBIENCE
        home = clause.scene - 1 if offset == 0.0 else clause.scene  # "At sunset the wind
        start = min(first_rank.get(home, clause.rank), clause.rank)  # drops": it blew before
        events.append(DraftEvent(caption=caption, kind=kind, rank=start, scene=home,
                                 bed=True, end_rank=clause.rank + offset, implied=True,
                                 soundness=judgement.soundness, cues=dict(cues),
                                 origin=STOPPED))


def drop_contradicted(events: list[DraftEvent], scenes: list[SceneDraft]) -> None:
    """A bed a scene's words implied ("night": crickets and insects) that the same scene's
    text silences ("the crickets go silent") was never there."""
    events[:] = [e for e in events if not (
        e.implied and e.origin == COMBINATION and names_of(e) & scenes[e.scene].stopped)]


def _heard_before(events: list[DraftEvent], target: str) -> bool:
    """The story has the stopped sound already ("the crying fades" after "the baby wails")."""
    heads = {word for head in _heads(target) for word in kin(head)}
    return any(heads & names_of(event) for event in events)


def end_beds(events: list[DraftEvent], phrase: Phrase, rank: float,
             offset: float = STOP_OFFSET) -> bool:
    """End every running bed the stop names ("the rain" also ends "a heavy downpour", "the
    machines" the machinery, "the fire" the campfire; "switches off the radio": the radio);
    False if none matches."""
    heads = _heads(stopped_source(phrase))
    if not heads:
        return False
    ended = False
    for event in _running(events, rank):
        names = names_of(event)
        if heads & names or any(_same_source(head, name) for head in heads for name in names):
            event.end_rank = rank + offset
            ended = True
    return ended


def _end_foreground(events: list[DraftEvent], target: str, rank: float) -> bool:
    """A stop that names a sound on the effects track ("the ringing stops", "the mower cuts
    out"): an earlier one ends there; one of the same moment ("whines past and fades into
    the distance") is left as it is. True when the stop named one."""
    heads = _heads(target)
    if not heads:
        return False
    named = False
    for event in events:
        if event.bed or event.rank > rank:
            continue
        names = names_of(event)
        if heads & names or any(_same_source(head, name) for head in heads for name in names):
            named = True
            if event.rank < rank:
                event.end_rank = rank + STOP_WITH_OFFSET
    return named


def _end_music(events: list[DraftEvent], rank: float, offset: float) -> bool:
    """End the music playing; True when there was music (ended now or already)."""
    for event in _running(events, rank):
        if event.kind == TrackKind.MUSIC:
            event.end_rank = rank + offset
    return any(e.kind == TrackKind.MUSIC and e.rank <= rank for e in events)


def hand_over_music(events: list[DraftEvent], clauses: list[Clause]) -> None:
    """One piece of music follows another: "the orchestra tunes up ... the violins begin a
    waltz" ends the tuning as the waltz begins (music of one moment plays together, and
    music that joins in leaves the rest playing)."""
    joining = {c.rank for c in clauses if re.search(r"\b(?:join|joins|joined|accompan)",
                                                     c.text, re.I)}
    music = sorted((e for e in events if e.kind == TrackKind.MUSIC and e.bed
                    and e.origin == TEXT), key=lambda e: e.rank)
    for later in music:
        if later.rank in joining:
            continue
        for earlier in music:
            if earlier.rank < later.rank and earlier.end_rank is None \
                    and earlier.scene == later.scene:
                earlier.end_rank = later.rank  # (crossfading into it: timing)


def _running(events: list[DraftEvent], rank: float) -> list[DraftEvent]:
    return [e for e in events if e.bed and e.end_rank is None and e.rank <= rank]


def names_of(event: DraftEvent) -> set[str]:
    """The nouns of a caption (and the verbs' nouns: "murmuring" is a murmur), and what it
    is part of ("storm")."""
    names = set(event.source)
    for word in words_of(event.caption.lower()):
        names.add(_noun(word))
        names.update(_lemmas(word).get("VERB", ()))
    return names


def _same_source(head: str, name: str) -> bool:
    """ "fire" and "campfire", "machine" and "machinery": one word builds on the other."""
    if len(head) < 4 or len(name) < 4:
        return False
    return name.endswith(head) or name.startswith(head) and len(name) - len(head) <= 3


def _end_by_kind(events: list[DraftEvent], kind: str, rank: float, offset: float) -> None:
    language = vocabulary().language
    for event in _running(events, rank):
        if kind == ALL:
            hit = True
        elif kind == POWER:
            hit = event.kind == TrackKind.MUSIC or bool(mentions(event.caption,
                                                                 language["electric_sounds"]))
        else:  # a place empties: its people and their music go
            hit = event.kind == TrackKind.MUSIC or bool(mentions(event.caption,
                                                                 language["people_sounds"]))
        if hit:
            event.end_rank = rank + offset


def _end_condition(events: list[DraftEvent], word: str, rank: float) -> None:
    """ "The storm passes": everything the storm brought ends with it."""
    for event in _running(events, rank):
        if event.origin == PHENOMENON and word in event.source:
            event.end_rank = rank


def _place_of(word: str) -> str:
    for entry in vocabulary().places:
        if word in entry.words:
            return entry.place
    return word


def end_departed(clauses: list[Clause], phrases: list[Phrase],
                 events: list[DraftEvent]) -> None:
    """ "Everyone gets off", "the guests leave": the voices of the people there go with them
    (their footsteps are heard; their chatter ends as they go)."""
    people = vocabulary().language["people_sounds"]
    for clause, phrase in zip(clauses, phrases):
        rest = phrase.rest.lower().split()
        leaving = phrase.verb in DEPARTURE_VERBS or phrase.verb == "get" and bool(rest) \
            and rest[0] in ("off", "out", "away") or phrase.verb == "go" and (
                not rest or rest[0] in ("home", "away", "off"))  # "the guests have gone"
        words = phrase.subject.lower().split()
        if not leaving or not words or not (_is_plural_noun(words[-1]) and is_animate(
                phrase.subject)):
            continue
        for event in _running(events, clause.rank):
            if event.rank < clause.rank and event.scene == clause.scene \
                    and (event.walla or mentions(event.caption, people)):
                event.end_rank = clause.rank + STOP_WITH_OFFSET


def end_until(clauses: list[Clause], events: list[DraftEvent]) -> None:
    """ "A chainsaw screams until the tree cracks", "music thumps and guests chatter until
    the power cuts out": what the sentence makes heard before "until" lasts until the
    clause after it begins (at once, when that clause opens a scene)."""
    for index, clause in enumerate(clauses):
        if not index or clause.connective not in ("until", "till"):
            continue
        before = {c.rank for c in clauses[:index] if c.sentence == clause.sentence}
        opens = clause.relation == NEXT and clause.scene != clauses[index - 1].scene
        for event in events:
            if event.bed and event.end_rank is None and event.rank in before \
                    and event.origin in (TEXT, PHENOMENON):  # not the place it happens in
                event.end_rank = clause.rank + (0.0 if opens else STOP_WITH_OFFSET)


def _heads(target: str) -> set[str]:
    """The words a stopped source goes by: its head noun and its kin, and the verb a
    gerund names ("the drilling stops" ends the drill)."""
    words = words_of(target.lower())
    if not words:
        return set()
    return kin(_noun(words[-1])) | set(_lemmas(words[-1]).get("VERB", ()))


def _end_most_like(events: list[DraftEvent], target: str, rank: float, offset: float) -> bool:
    """A stop whose words name no earlier sound ends the one it means by sense ("the
    shooting stops" ends the gunfire), when one is close enough; True when one was."""
    earlier = [e for e in events if e.rank <= rank and e.end_rank is None
               and (e.bed or e.rank < rank)]
    if not earlier:
        return False
    likeness = embed_cached([target]) @ embed_cached([e.caption for e in earlier]).T
    best = int(likeness[0].argmax())
    if likeness[0, best] < STOP_SIMILARITY:
        return False
    event = earlier[best]
    event.end_rank = rank + (offset if event.bed else STOP_WITH_OFFSET)
    return True


def _noun(word: str) -> str:
    nouns = _lemmas(word).get("NOUN")
    return nouns[0] if nouns else word
