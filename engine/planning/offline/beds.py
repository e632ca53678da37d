"""Beds under the story: the ones its places imply, and a bed for a scene that has none of its
own once the text's stops have ended what they end (carried on from the scene before, the
place it still plays in, or a fitting general bed; a room tone only where the story calls the
scene quiet). Duplicates of the sounds the text names are dropped."""
from __future__ import annotations

import re

from engine.model.story import TrackKind
from engine.planning.offline.clauses import Clause
from engine.planning.offline.drafts import COMBINATION, FALLBACK, PHENOMENON, PLACE, TEXT, DraftEvent
from engine.planning.offline.endings import names_of
from engine.planning.offline.phrasing import _lemmas
from engine.planning.offline.places import place_word, places_in_order
from engine.planning.offline.scenes import MOVE, STOP, TIME, SceneDraft
from engine.planning.offline.semantics import embed_cached, similar
from engine.planning.offline.stops import ALL, CONDITION, EVENT, POWER, kin
from engine.planning.offline.vocabulary import ImpliedSounds, mentions, vocabulary

DUPLICATE_SIMILARITY = 0.62  # an implied sound this close to one the text names is that one


def add_place_beds(events: list[DraftEvent], clauses: list[Clause],
                   scene_text: dict[int, str], scenes: list[SceneDraft]) -> None:
    """Beds the places and combinations of each scene imply (see resources/planning). A
    scene that names no place of its own keeps the place beds of the scene before (the
    place goes on under it), and so does one that names the same place again. Run before
    the stops (the café that empties ends its murmur), and `fill_bare_scenes` after."""
    vocab = vocabulary()
    first = {c.scene: c.rank for c in reversed(clauses)}
    for scene, text in scene_text.items():
        in_order = places_in_order(text)  # the first place the scene names is where it is
        named = {id(entry): word for entry, word in in_order}
        own_place = bool(named)
        goes_on = scenes[scene].opened_by == STOP and scenes[scene].ended_kind in (
            CONDITION, EVENT)  # "the storm passes" ends the storm; the rest goes on
        if scene > 0 and scenes[scene].opened_by != MOVE:
            for event in _ending_in(events, scene - 1):
                if event.origin == PLACE and not own_place or goes_on:
                    event.end_scene = scene
        text = _with_place(text, scenes[scene], own_place)
        # a bed from the scene's first moment: later beds ("later, rain begins") leave the
        # opening bare, and a generic bed for the place fills it
        has_bed = _bed_at(events, scene, first[scene]) or _carried_into(events, scene)
        implied: list[DraftEvent] = []
        # generic combinations ("night": distant insects) last: only a scene that no place
        # or signature bed speaks for gets one
        generic = [e for e in vocab.combinations if not e.signature]
        signature = [e for e in vocab.combinations if e.signature]
        for entry in (*[entry for entry, _ in in_order], *signature, *generic):
            if entry.all_of:
                if not all(mentions(text, group) for group in entry.all_of):
                    continue
                if entry.none_of and mentions(text, entry.none_of):
                    continue
                rank = first[scene]
            else:
                word = named[id(entry)]
                if _goes_on(events, scene, entry):
                    has_bed = True
                    continue
                sounding = _place_sounding(events, scene, word, entry)
                if sounding is not None:
                    # "a stream babbles nearby": the place is the sound, there all along
                    sounding.rank = min(sounding.rank, first[scene])
                    has_bed = True
                    continue
                rank = _arrival_rank(clauses, scene, word, first[scene])
            if not entry.signature and has_bed:
                continue
            if entry.quiet and not _said_quiet(text):
                continue  # a room tone only where the scene is quiet (see fill_bare_scenes)
            cues = {"place": entry.place} if entry.place else {}
            describe = _described_as(text, word) if not entry.all_of else ""
            if not entry.all_of and entry.own_word and " " not in word:
                beds = tuple(re.sub(rf"\b{re.escape(entry.place)}\b", word.lower(), c)
                             for c in entry.beds)  # "busy café chatter"
            else:
                beds = entry.beds
            implied.extend(DraftEvent(caption=_with_adjective(c, describe),
                                      kind=TrackKind.AMBIENCE, rank=rank, scene=scene, bed=True,
                                      implied=True, cues=cues,
                                      origin=COMBINATION if entry.all_of else PLACE)
                           for c in beds)
            has_bed = True  # one implied bed per scene is enough, besides signature ones
        events.extend(implied)


def fill_bare_scenes(events: list[DraftEvent], clauses: list[Clause],
                     scene_text: dict[int, str], scenes: list[SceneDraft]) -> None:
    """A bed for every scene that still has none under its start, once the stops have
    ended what they end (a text with no sound at all gets none)."""
    if not events:
        return
    vocab = vocabulary()
    first = {c.scene: c.rank for c in reversed(clauses)}
    for scene, text in scene_text.items():
        own_place = bool(places_in_order(text))
        text = _with_place(text, scenes[scene], own_place)
        following = first.get(scene + 1)
        if not _covered(events, scene, first[scene], following) \
                and not _carried_into(events, scene):
            stopped = [e.end_rank for e in events if e.bed and e.scene == scene
                       and e.kind == TrackKind.AMBIENCE and e.rank <= first[scene]
                       and e.end_rank is not None]
            count = len(events)
            _fill_bare_scene(events, scene, text, first[scene], vocab.fallbacks,
                             scenes[scene], scenes[scene - 1] if scene else None,
                             _emptied(scenes, scene))
            for event in events[count:]:  # the quiet after the bed the text stopped
                event.from_rank = max(stopped) if stopped else None


def _said_quiet(text: str) -> bool:
    language = vocabulary().language
    return mentions(text, [*language["silence_words"], *language["quiet_words"]]) is not None


def _room_tone(where: str) -> str:
    """ "kitchen " -> "kitchen room tone"; "living room " -> "living room tone"."""
    return f"{where}tone" if where.rstrip().endswith("room") else f"{where}room tone"


def _with_place(text: str, scene: SceneDraft, own_place: bool) -> str:
    """A scene's words with the place it still plays in ("morning" + the farm)."""
    return text if own_place or not scene.place_word else f"{text} {scene.place_word}"


def _ending_in(events: list[DraftEvent], scene: int) -> list[DraftEvent]:
    """Ambience beds that run to the end of `scene` (the text does not stop them)."""
    return [e for e in events if e.bed and e.kind == TrackKind.AMBIENCE and e.end_rank is None
            and (e.end_scene if e.end_scene is not None else e.scene) == scene]


def _carried_into(events: list[DraftEvent], scene: int) -> bool:
    return any(e.end_scene == scene and e.end_rank is None for e in events)


def _goes_on(events: list[DraftEvent], scene: int, entry: ImpliedSounds) -> bool:
    """The scene before plays in the same place: its bed goes on (no second bed)."""
    going = [e for e in _ending_in(events, scene - 1)
             if e.origin == PLACE and e.cues.get("place") == entry.place] if scene else []
    for event in going:
        event.end_scene = scene
    return bool(going)


def _place_sounding(events: list[DraftEvent], scene: int, word: str,
                    entry: ImpliedSounds) -> DraftEvent | None:
    """The text's own bed of the scene whose source is the place itself ("stream babbling
    nearby" for a stream, "waves crashing" by the sea), or None. (A market that bustles is
    its crowd, not its place.)"""
    if not entry.sounding:
        return None
    water = {w for place in (word.lower(), *entry.words) for w in kin(place)}
    for event in events:
        if event.origin == TEXT and event.bed and event.kind == TrackKind.AMBIENCE \
                and event.scene == scene:
            source = re.split(r"\s+\w+ing\b", event.caption.lower(), maxsplit=1)[0].split()
            if source and mentions(source[-1], sorted(water)):
                return event
    return None


def _covered(events: list[DraftEvent], scene: int, rank: float, following: float | None) -> bool:
    """A bed of the scene from its start that lasts until the next scene (or the end)."""
    return any(e.bed and e.scene == scene and e.kind == TrackKind.AMBIENCE and e.rank <= rank
               and (e.end_rank is None or following is not None and e.end_rank >= following)
               for e in events)


def _bed_at(events: list[DraftEvent], scene: int, rank: float) -> bool:
    """A bed under the scene from its start that the text does not stop part way."""
    return any(e.bed and e.scene == scene and e.kind == TrackKind.AMBIENCE and e.rank <= rank
               and e.end_rank is None for e in events)


def _emptied(scenes: list[SceneDraft], scene: int) -> set[str]:
    """The places whose people have left by this scene."""
    return {place for draft in scenes[:scene + 1] for place in draft.emptied_places}


def _fill_bare_scene(events: list[DraftEvent], scene: int, text: str, rank: float,
                     fallbacks: tuple[ImpliedSounds, ...], draft: SceneDraft,
                     previous: SceneDraft | None, emptied: set[str]) -> None:
    """A scene with no bed of its own: the beds of the scene before carry on under it (after
    a change of time, only those of its place: the night's insects do not); else the place
    it still plays in gets its bed again (an emptied one, a quiet room tone of it); a scene
    in no known place gets the general bed whose words fit it best (a quiet room tone by
    default), a quiet one only where the scene's words say it is quiet."""
    if draft.opened_by == STOP and draft.ended_kind in (POWER, ALL):  # the hum is gone too
        where = f"{draft.place_word} " if draft.place_word else ""
        caption = f"silent dark {_room_tone(where)}" if draft.ended_kind == POWER \
            else f"near silent {where}ambience"
        events.append(DraftEvent(caption=caption, kind=TrackKind.AMBIENCE, rank=rank,
                                 scene=scene, bed=True, implied=True, origin=FALLBACK,
                                 cues={"place": draft.place} if draft.place else {},
                                 fresh=True))
        return
    carried = [e for e in _ending_in(events, scene - 1)
               if draft.opened_by != TIME or e.origin in (PLACE, FALLBACK)] \
        if draft.opened_by != MOVE else []  # who went elsewhere left the sounds there
    if carried:
        for event in carried:
            event.end_scene = scene
        return
    entry = next((e for e in vocabulary().places if e.place == draft.place), None)
    if entry is not None and draft.place_word and place_word(text, entry) is None:
        entry = None  # "the church bell rings": a bell, no church
    if entry is not None and any(e.origin == PLACE and e.scene == scene and e.rank > rank
                                 and e.cues.get("place") == entry.place for e in events):
        entry = None  # "then he drives into the city": the city is heard once he is there
    ended_here = any(e.bed and e.scene == scene and e.end_rank is not None for e in events)
    if entry is not None and entry.quiet and not _said_quiet(text) and not ended_here \
            and (previous is None or draft.opened_by == MOVE):
        return  # "in the living room a clock ticks", "when he gets home": its sounds carry it
        # (after time moves on or a stop, the room's quiet is what is left)
    if entry is not None:
        word = draft.place_word or entry.place
        quiet = _room_tone(f"{word} ") if entry.indoors else f"{word} ambience"
        beds = entry.beds
        if entry.place in emptied:
            beds = (f"quiet empty {quiet}",)
        elif previous is None:  # the first scene's bed was the text's, and it stopped:
            beds = (f"quiet {quiet}",)  # the quiet of the place is left ("the kitchen")
        elif any(names_of(DraftEvent(caption=c, kind=TrackKind.AMBIENCE, rank=0, scene=0))
                 & draft.stopped for c in beds):
            beds = (f"quiet {word} ambience",)  # the machines wound down: the hall is quiet
        events.extend(DraftEvent(caption=c, kind=TrackKind.AMBIENCE, rank=rank,
                                 scene=scene, bed=True, implied=True, origin=PLACE,
                                 cues={"place": entry.place}, fresh=beds != entry.beds)
                      for c in beds)
        return
    if not fallbacks:
        return
    scores = [sum(1 for word in entry.words if mentions(text, [word])) for entry in fallbacks]
    best = max(range(len(fallbacks)), key=lambda i: (scores[i], -i))
    entry = fallbacks[best]
    if entry.quiet and not _said_quiet(text):
        return  # the story's own sounds carry a scene it does not call quiet
    cues = {"place": entry.place} if entry.place else {}
    events.extend(DraftEvent(caption=c, kind=TrackKind.AMBIENCE, rank=rank, scene=scene,
                             bed=True, implied=True, cues=cues, origin=FALLBACK)
                  for c in entry.beds)


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
        if clause.scene != scene:
            continue
        match = re.search(rf"\b{re.escape(word)}", clause.text, re.I)
        if match:
            arriving = _ARRIVAL.search(clause.text[:match.start()])
            return clause.rank if arriving and clause.rank > first else first
    return first


def _described_as(text: str, word: str) -> str:
    """The adjective the text puts before a place word ("a busy kitchen" -> "busy"; not "the
    little farm": a size is not heard)."""
    match = re.search(rf"\b([a-z]+)\s+{re.escape(word)}s?\b", text, re.I)
    if match is None:
        return ""
    candidate = match.group(1).lower()
    unheard = vocabulary().language["unheard_adjectives"]
    return candidate if "ADJ" in _lemmas(candidate) and candidate not in unheard else ""


def _with_adjective(caption: str, adjective: str) -> str:
    """Put the text's own description of the place first: "busy kitchen ambience ..." """
    if not adjective or adjective in caption.split():
        return caption
    first, _, rest = caption.partition(" ")
    if "ADJ" in _lemmas(first):
        return f"{adjective} {rest}"
    return f"{adjective} {caption}"


def _same_weather(implied: DraftEvent, named: DraftEvent) -> bool:
    """ "a storm batters the house ... the wind moans through the halls": the storm's wind is
    the wind the text names (their captions are too different for the embedding to say so)."""
    if implied.origin != PHENOMENON or named.implied or not (implied.bed and named.bed) \
            or named.kind != TrackKind.AMBIENCE or named.scene != implied.scene:
        return False
    weather = [w for w in vocabulary().language["weather_words"] if w not in implied.source]
    own = mentions(implied.caption, weather)
    subject = re.split(r"\b\w+ing\b", named.caption, maxsplit=1)[0]  # "wind" of "wind moaning"
    return own is not None and mentions(subject, [own]) is not None


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
            if keep[j] and (scores[i, j] >= DUPLICATE_SIMILARITY
                            or _same_weather(events[i], events[j])):
                if events[i].bed and events[j].bed and events[i].kind != events[j].kind:
                    continue  # the music of a concert is not its hall's room tone
                if events[i].fresh and events[i].scene != events[j].scene:
                    continue  # the silence after the power cut is not the room before
                if events[i].bed and events[j].bed and events[i].scene != events[j].scene:
                    if events[j].end_rank is not None or events[i].scene < events[j].scene:
                        continue  # another stretch of it: rain again after the rain stopped
                    events[j].end_scene = max(events[i].scene, events[j].end_scene or 0)
                keep[i] = False
                replaced[id(events[i])] = events[j]
                if events[i].bed and events[j].kind == TrackKind.AMBIENCE:
                    events[j].rank = min(events[j].rank, events[i].rank)
                    events[j].source = tuple(dict.fromkeys((*events[j].source,
                                                            *events[i].source)))
                    if events[j].end_rank is None and events[i].end_scene is not None:
                        events[j].end_scene = max(events[i].end_scene,
                                                  events[j].end_scene or events[j].scene)
                break
    for event in events:  # a recurring sound whose bed was a duplicate lives in the original
        if event.span_of is not None and id(event.span_of) in replaced:
            event.span_of = replaced[id(event.span_of)]
    events[:] = [e for e, k in zip(events, keep) if k]
