"""Read a narrative into scenes and draft sound events: what is heard, in which order, on
which track, in which scene, and what the text ends where.

First every clause gets its phrase (subjects carried on), then its scene
(engine.planning.offline.scenes), then its rank; then sounds, the beds places imply, the
stops, and a bed for every scene still without one. Times are not set here, only ranks (the
order of the clauses, equal for "while"/"as") and which ranks a bed spans;
`engine.planning.offline.timing` turns ranks into seconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import getAllInflections

from engine.model.story import TrackKind
from engine.planning.offline.beds import add_place_beds, dedupe, fill_bare_scenes
from engine.planning.offline.captions import (
    FOOTSTEPS_OF,
    clause_captions,
    sound_of,
    speech_caption,
    spoken_alongside,
)
from engine.planning.offline.clauses import BEFORE, NEXT, SAME, Clause, split_clauses, words_of
from engine.planning.offline.drafts import PHENOMENON, STOP_OFFSET, DraftEvent
from engine.planning.offline.endings import (
    apply_stops,
    drop_contradicted,
    end_departed,
    end_until,
    hand_over_music,
)
from engine.planning.offline.phrasing import (
    PREPOSITIONS,
    Phrase,
    _lemmas,
    is_ambiguous,
    is_animate,
    is_person,
    named_character,
    phrase_of,
    verb_lemma,
)
from engine.planning.offline.placement import level_and_pan
from engine.planning.offline.places import places_in_order
from engine.planning.offline.scenes import (
    STOP,
    TIME,
    SceneDraft,
    moves_elsewhere,
    scene_title,
    segment,
)
from engine.planning.offline.semantics import MIN_SOUNDNESS, catalogue, embed_cached
from engine.planning.offline.speech import spoken_line
from engine.planning.offline.stops import is_stop
from engine.planning.offline.time_cues import UNTIL
from engine.planning.offline.tone import scene_tones
from engine.planning.offline.vocabulary import (
    ImpliedSounds,
    known_verbs,
    mentions,
    sound_verbs,
    vocabulary,
)

SPEECH_AFTER_ACTION = 0.25  # "laughs and asks": the words come after the laugh (slot fraction)
CORE_MARGIN = 0.8  # how sure a sound's source alone must be that it is a moment, not a bed

__all__ = ["DraftEvent", "Reading", "read_story", "STOP_OFFSET", "looks_english",
           "nearest_bed", "soundless_reason"]


@dataclass
class Reading:
    events: list[DraftEvent]
    scenes: list[SceneDraft]
    ranks_by_scene: dict[int, tuple[float, float]]  # first and last rank of each scene
    stop_ranks: frozenset[float] = frozenset()  # moments where the text ends a sound


def read_story(text: str) -> Reading:
    clauses = split_clauses(text)
    named = named_character(text)
    phrases = _phrases(clauses, named)
    scenes = segment(clauses, phrases)
    _join_stops(clauses, phrases)
    _assign_ranks(clauses)
    scene_text = _scene_texts(clauses, scenes)
    _describe_scenes(scenes, scene_text)
    events: list[DraftEvent] = []
    candidates: list[tuple[DraftEvent, Clause]] = []
    stops: list[tuple[Phrase, Clause, dict]] = []
    speaker_before = ""  # whom a quote that stands alone belongs to: the last one acting
    for clause, phrase in zip(clauses, phrases):
        if phrase.subject and is_animate(phrase.subject):
            speaker_before = phrase.subject
        cues = {**_scene_cues(scenes[clause.scene]), **_intensity(clause.text)}
        gain_db, pan = level_and_pan(clause.text)
        if clause.quote and is_animate(phrase.subject) and not is_person(phrase.subject):
            # 'the owl said "hoo-hoo"': the owl's call, not a line for a voice
            call = DraftEvent(caption=sound_of(phrase.subject), kind=TrackKind.EFFECTS,
                              rank=clause.rank, scene=clause.scene, cues=cues, gain_db=gain_db,
                              pan=pan)
            candidates.append((call, clause))
            continue
        if clause.quote:
            also = spoken_alongside(phrase)  # "her radio crackles": the radio is heard too
            events.append(DraftEvent(caption=speech_caption(clause, phrase),
                                     kind=TrackKind.SPEECH, rank=clause.rank,
                                     scene=clause.scene, cues=cues,
                                     offset=SPEECH_AFTER_ACTION if also else 0.0,
                                     gain_db=gain_db, pan=pan,
                                     line=spoken_line(clause, phrase, speaker_before)))
            if also:
                candidates.append((DraftEvent(caption=also, kind=TrackKind.EFFECTS,
                                              rank=clause.rank, scene=clause.scene,
                                              cues=cues, gain_db=gain_db, pan=pan), clause))
            continue
        if phrase.verb == "be" and not phrase.existential and _phenomenon(clause.text):
            events.extend(_implied(_phenomenon(clause.text), clause.rank, clause.scene,
                                   cues))  # "it was a dark and stormy night"
            continue
        if not clause.text or _is_silent(clause, phrase):
            continue  # "she stands on the deck", "snow falls silently", "dawn breaks"
        if is_stop(phrase):
            stops.append((phrase, clause, cues))  # "the rain stops": ends a bed, no new sound
            continue
        phenomenon = _phenomenon(clause.text)
        if phenomenon is not None and _names_phenomenon(phrase, phenomenon):
            events.extend(_implied(phenomenon, clause.rank, clause.scene, cues))
            continue
        if clause.heading:
            continue  # "A busy airport:" sets the scene; its places give the beds below
        weather = mentions(phrase.rest, vocabulary().language["weather_words"]) \
            if moves_elsewhere(phrase) else None
        if weather:  # "I step out into the rain": the rain is heard from then on
            candidates.append((DraftEvent(caption=sound_of(weather), kind=TrackKind.AMBIENCE,
                                          rank=clause.rank, scene=clause.scene, cues=cues,
                                          bed=True), clause))
        for caption in clause_captions(clause, phrase):
            candidates.append((DraftEvent(caption=caption.text, kind=TrackKind.EFFECTS,
                                          rank=clause.rank, scene=clause.scene, cues=cues,
                                          impulsive=caption.impulsive, voice=caption.voice,
                                          walla=caption.walla,
                                          action=caption.action, gain_db=gain_db, pan=pan),
                               clause))
    _judge(_without_doubled_steps(candidates), events)
    hand_over_music(events, clauses)
    first_rank = {c.scene: c.rank for c in reversed(clauses)}
    add_place_beds(events, clauses, scene_text, scenes)
    apply_stops(stops, events, first_rank, scenes)
    drop_contradicted(events, scenes)
    end_until(clauses, events)
    end_departed(clauses, phrases, events)
    fill_bare_scenes(events, clauses, scene_text, scenes)
    dedupe(events)
    ranks: dict[int, tuple[float, float]] = {}
    for clause in clauses:
        low, high = ranks.get(clause.scene, (clause.rank, clause.rank))
        ranks[clause.scene] = (min(low, clause.rank), max(high, clause.rank))
    tones = scene_tones(scene_text)
    for scene in scenes:
        scene.tone = tones.get(scene.index, "neutral")
    for event in events:
        event.tone = tones.get(event.scene, "neutral")
    # a stop that opens a scene ("the storm passes") is a short pause, not a moment of its own
    opening = {first_rank[scene.index] for scene in scenes[1:]
               if scene.opened_by in (TIME, STOP) and scene.index in first_rank}
    return Reading(events=events, scenes=scenes, ranks_by_scene=ranks,
                   stop_ranks=frozenset(c.rank for _, c, _ in stops if c.rank not in opening))


def _phrases(clauses: list[Clause], named: str) -> list[Phrase]:
    """Each clause's phrase, with its subject carried on from the clauses before it."""
    language = vocabulary().language
    phrases: list[Phrase] = []
    previous: Phrase | None = None
    main: Phrase | None = None
    character = ""  # the last someone (or animal) who acted: whom "he" or "she" means
    after_subordinate = False
    previous_connective = ""
    for clause in clauses:
        subordinate = clause.connective in language["simultaneous"]
        goes_on = clause.connective == "and" and after_subordinate \
            and previous_connective in ("while", "whilst", "as")  # "while he strummed and sang"
        previous_connective = clause.connective
        carried = (previous if subordinate or goes_on else main) if clause.continuation else None
        if carried is None:
            # a new sentence goes on from the last one's main clause: "The smith hammers a
            # blade while the forge roars. He plunges it into water" plunges the blade
            carried = main if after_subordinate else previous
        phrase = _best_reading(clause, carried or previous, named or character)
        previous = _listener(phrase) if phrase.heard and phrase.hearer else phrase
        after_subordinate = subordinate
        if not subordinate:
            main = previous
        if previous.verb and is_animate(previous.subject):
            character = previous.subject
        phrases.append(phrase)
    return phrases


def _join_stops(clauses: list[Clause], phrases: list[Phrase]) -> None:
    """ "Thunder rumbles, the crickets fall silent": a stop joined to the clause before it
    (no "then") happens with it, so what it ends ends as that clause's sound begins."""
    sequential = set(vocabulary().language["sequential"])
    for index, (clause, phrase) in enumerate(zip(clauses, phrases)):
        if index == 0 or not is_stop(phrase) or clause.connective in sequential:
            continue
        before = clauses[index - 1]
        if before.sentence == clause.sentence and before.scene == clause.scene:
            clause.relation = SAME
            clause.with_previous = True


def _describe_scenes(scenes: list[SceneDraft], scene_text: dict[int, str]) -> None:
    """Place, time of day and title of each scene; a scene that names neither keeps those of
    the scene before (the story is still there)."""
    previous: SceneDraft | None = None
    for scene in scenes:
        text = scene_text.get(scene.index, "")
        named = places_in_order(text)
        if named:
            entry, word = named[0]  # the first place the scene names is where it is
            scene.place, scene.place_word = entry.place, word
        if not scene.time_of_day:
            for name, words in vocabulary().language["time_of_day"].items():
                if mentions(text, words):
                    scene.time_of_day = name
                    break
        if previous is not None:
            scene.place = scene.place or previous.place
            scene.place_word = scene.place_word or previous.place_word
            if not scene.time_of_day and scene.opened_by != TIME:
                scene.time_of_day = previous.time_of_day
        scene.title = scene_title(scene, text)
        previous = scene


def _best_reading(clause: Clause, previous: Phrase | None, character: str) -> Phrase:
    """The clause's phrase; where word order allows two readings ("church bells ring" /
    "the radio plays jazz"), the one whose verb names a sound or an audible action, else the
    one whose caption sounds more like a sound."""
    phrase = phrase_of(clause.text, clause.continuation, previous, character)
    if not is_ambiguous(clause.text, clause.continuation):
        return phrase
    other = phrase_of(clause.text, clause.continuation, previous, character,
                      plural_subject=False)
    if bool(phrase.verb) != bool(other.verb):
        return phrase if phrase.verb else other  # "creatures chitter": a verb the lists lack
    known = known_verbs()
    if (phrase.verb in known) != (other.verb in known):
        return phrase if phrase.verb in known else other
    if _verb_left_over(other) and not _verb_left_over(phrase):
        return phrase  # not "tent flapping snap in the wind": "tent flaps snapping"
    if _dangling(other) != _dangling(phrase):
        return other if _dangling(phrase) else phrase  # not "ice groans and creaking"
    if _possessive_alone(other) != _possessive_alone(phrase):
        return other if _possessive_alone(phrase) else phrase  # not "farmer's booting"
    first, second = catalogue().judge(embed_cached([phrase.caption, other.caption]))
    return other if second.soundness > first.soundness else phrase


def _dangling(phrase: Phrase) -> bool:
    """A subject that ends in "and" or "or" lost the verb it joins: a misreading."""
    return phrase.subject.lower().split()[-1:] in (["and"], ["or"])


def _possessive_alone(phrase: Phrase) -> bool:
    """A subject that ends in a possessive ("the farmer's") lacks its noun: a misreading."""
    return bool(re.search(r"['’]s$", phrase.subject))


def _verb_left_over(phrase: Phrase) -> bool:
    """The reading leaves a bare verb right after its own ("... flapping snap")."""
    first = phrase.rest.split()[:1]
    lemma = verb_lemma(first[0]) if first else None
    return lemma in known_verbs() and first[0] in getAllInflections(lemma).get("VB", ())


def _listener(phrase: Phrase) -> Phrase:
    """ "he heard a bee buzzing, and followed it": the next clause goes on with the one who
    heard, and "it" is what was heard."""
    return Phrase(subject=phrase.hearer, verb="hear", participle="hearing", rest=phrase.subject)


def _is_silent(clause: Clause, phrase: Phrase) -> bool:
    """Nothing is heard: a silent verb, "it was a cold night", "snow falls silently", or
    time passing ("dawn breaks", "night falls")."""
    language = vocabulary().language
    if phrase.heard:
        return False
    if phrase.verb in set(language["silent_verbs"]):
        return True
    rest = phrase.rest.lower().split()
    if phrase.verb in ("go", "get", "drift") and rest[:1] == ["to"] and rest[1:2] \
            and (rest[1] == "bed" or verb_lemma(rest[1]) in set(language["silent_verbs"])):
        return True  # "the animals went to sleep", "he goes to bed"
    if phrase.verb == "be" and not phrase.existential:
        return True
    if phrase.passive and is_person(phrase.subject) and phrase.verb not in sound_verbs():
        return True  # "he is pulled back to the present", "she was taken"
    particle = f"{phrase.verb} {rest[0]}" if rest else ""
    if phrase.subject in ("people", "a person") and (
            phrase.verb in language["journey_verbs"]["verbs"]
            or particle in language["journey_verbs"]["verbs"]):
        return True  # "we pull away", "we dock": the ferry is what is heard
    if re.search(rf"\b(?:is|are|was|were|be|been|lies|lay)\s+(?:now\s+|all\s+|so\s+)?"
                 rf"(?:{'|'.join(language['state_adjectives'])})\W*$", clause.text, re.I):
        return True  # "the road is empty": a state, no sound
    if mentions(clause.text, language["silent_adverbs"]):
        return True
    if _head_noun(phrase.subject) in set(language["silent_subjects"]) \
            and phrase.verb not in language["verb_qualities"] \
            and phrase.verb not in set(language["impulsive_verbs"]):
        return True  # "smoke drifts over the ruins"; "red lights buzz" are heard
    subject = phrase.subject.split()
    return bool(phrase.verb and subject
                and subject[-1].lower() in set(language["scene_time_subjects"]))


def _head_noun(noun_phrase: str) -> str:
    """ "thick smoke in the room" -> "smoke": the last word before a preposition, singular."""
    words = []
    for word in words_of(noun_phrase.lower()):
        if word in PREPOSITIONS:
            break
        words.append(word)
    if not words:
        return ""
    return (_lemmas(words[-1]).get("NOUN") or (words[-1],))[0]


def _assign_ranks(clauses: list[Clause]) -> None:
    rank = 0.0
    for index, clause in enumerate(clauses):
        if index and clause.scene != clauses[index - 1].scene:
            clause.relation = NEXT  # a new scene follows the one before
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


def _scene_texts(clauses: list[Clause], scenes: list[SceneDraft]) -> dict[int, str]:
    """Each scene's words, with the time of day its cues name ("... at dawn")."""
    texts: dict[int, list[str]] = {scene.index: [] for scene in scenes}
    for clause in clauses:
        texts[clause.scene].append(clause.text)
        texts[clause.scene].extend(cue.time_of_day for cue in clause.time_cues
                                   if cue.time_of_day and cue.kind != UNTIL)
    for scene in scenes:
        if scene.time_of_day:
            texts[scene.index].append(scene.time_of_day)
    # "; " keeps a clause's last word from running into the next ("a market; vendors shout")
    return {scene: "; ".join(p for p in parts if p) for scene, parts in texts.items()}


def _phenomenon(text: str) -> ImpliedSounds | None:
    for entry in vocabulary().phenomena:
        if mentions(text, entry.words):
            return entry
    return None


def _names_phenomenon(phrase: Phrase, entry: ImpliedSounds) -> bool:
    """True when the phenomenon is what the clause is about, not a passing mention (nor
    what its music is: "party music thumps")."""
    head = phrase.subject.split()[-1:]
    if head and mentions(head[0], vocabulary().language["music_words"]):
        return False
    return bool(mentions(phrase.subject, entry.words)) or not phrase.verb


def _implied(entry: ImpliedSounds, rank: float, scene: int, cues: dict) -> list[DraftEvent]:
    source = tuple(entry.words)
    beds = [DraftEvent(caption=c, kind=TrackKind.AMBIENCE, rank=rank, scene=scene, bed=True,
                       implied=True, cues=dict(cues), source=source, origin=PHENOMENON)
            for c in entry.beds]
    hits = [DraftEvent(caption=c, kind=TrackKind.EFFECTS, rank=rank, scene=scene, implied=True,
                       offset=0.45, cues=dict(cues), origin=PHENOMENON) for c in entry.effects]
    if entry.recurring:  # thunder comes back while the storm lasts (engine.planning.offline.timing)
        hits.append(DraftEvent(caption=entry.recurring[0], kind=TrackKind.EFFECTS, rank=rank,
                               scene=scene, implied=True, cues=dict(cues),
                               recurring=entry.recurring, span_of=beds[0] if beds else None,
                               origin=PHENOMENON))
    return beds + hits


def _without_doubled_steps(candidates: list[tuple[DraftEvent, Clause]]
                           ) -> list[tuple[DraftEvent, Clause]]:
    """A walker's footsteps once: "snow crunches under his boots as he walks" hears his steps
    in the snow, so "footsteps of a man walking" from the same sentence goes."""
    steps = vocabulary().language["step_words"]
    heard = [(event.caption, clause.sentence) for event, clause in candidates
             if not event.caption.startswith(FOOTSTEPS_OF) and mentions(event.caption, steps)]

    def doubled(walk: DraftEvent, sentence: int) -> bool:
        return any(where == sentence and _owner_walks(caption, walk.caption, steps)
                   for caption, where in heard)
    return [(event, clause) for event, clause in candidates
            if not (event.caption.startswith(FOOTSTEPS_OF) and doubled(event, clause.sentence))]


def _owner_walks(step_caption: str, walk_caption: str, steps) -> bool:
    """The feet in `step_caption` are the walker's: nobody else owns them ("his boots",
    "heavy boots"; not "the horse's hooves" for a hunter's walk)."""
    word = mentions(step_caption, steps)
    owner = re.search(rf"\b(\w+)['’]s\s+(?:\w+\s+)?{re.escape(word)}", step_caption, re.I)
    return owner is None or owner.group(1).lower() in walk_caption.lower().split()


def _judge(candidates: list[tuple[DraftEvent, Clause]], events: list[DraftEvent]) -> None:
    """Keep the phrases that name sounds, each on the track its meaning belongs on."""
    if not candidates:
        return
    language = vocabulary().language
    music_words = language["music_words"]
    instruments = [w for w in music_words if w not in set(language["sung_words"])]
    music_verbs = set(language["music_verbs"])
    vectors = embed_cached([event.caption for event, _ in candidates])
    cores = catalogue().judge(embed_cached([_core(event.caption) for event, _ in candidates]))
    for (event, _clause), judgement, core in zip(candidates, catalogue().judge(vectors), cores):
        event.soundness = judgement.soundness
        music = mentions(event.caption, music_words)
        if judgement.soundness < MIN_SOUNDNESS and not (music or event.voice or event.action):
            continue  # what someone does with their hands or feet is heard, whatever it is
        kind = judgement.kind
        if kind == TrackKind.AMBIENCE and core.kind == TrackKind.EFFECTS \
                and (core.kind_margin > CORE_MARGIN or event.impulsive):
            kind = TrackKind.EFFECTS  # what sounds says the track, not where ("into the sea")
        if event.action and judgement.soundness < MIN_SOUNDNESS:
            kind = TrackKind.EFFECTS
        if music and _handled(event.caption, music_verbs):
            music = None  # "he snaps the guitar case shut": handling, not music
        if event.voice and not mentions(event.caption, instruments):
            kind = TrackKind.SPEECH  # one person's voice: "he curses", "she hums a lullaby"
        elif music and kind != TrackKind.SPEECH:
            kind = TrackKind.MUSIC
        elif event.voice:
            kind = TrackKind.SPEECH
        elif event.walla:
            kind = TrackKind.AMBIENCE  # "passengers talk": the murmur of a crowd
        elif kind in (TrackKind.MUSIC, TrackKind.SPEECH):
            kind = TrackKind.EFFECTS  # music and speech need their words (above) or quotes
        if kind == TrackKind.AMBIENCE and event.impulsive and judgement.kind_margin < 0.8:
            kind = TrackKind.EFFECTS  # "the crowd gasps": a moment, not a bed
        event.kind = kind
        event.bed = kind in (TrackKind.AMBIENCE, TrackKind.MUSIC)
        event.impulsive = event.impulsive and kind == TrackKind.EFFECTS
        events.append(event)


def _core(caption: str) -> str:
    """ "huge slab crashing into the sea below" -> "huge slab crashing": the source and its
    sound, without where it is."""
    words = caption.split()
    at = _first_ing(words)
    if at is None:
        return caption
    cut = next((i for i in range(at + 1, len(words)) if words[i].lower() in PREPOSITIONS),
               len(words))
    return " ".join(words[:cut])


def _first_ing(words: list[str]) -> int | None:
    """Where a caption's sound is said: its first -ing word ("dad *winding* up ...")."""
    return next((i for i, w in enumerate(words) if w.lower().endswith("ing")), None)


def _handled(caption: str, music_verbs: set[str]) -> bool:
    """ "dad winding up the music box": someone doing to an instrument what does not play it."""
    words = caption.split()
    at = _first_ing(words)
    if not at or not is_person(" ".join(words[:at])):
        return False
    return verb_lemma(words[at].lower()) not in music_verbs


def _scene_cues(scene: SceneDraft) -> dict[str, str]:
    """Where and when a scene plays (the cues every event of the scene carries)."""
    cues: dict[str, str] = {}
    if scene.place:
        cues["place"] = scene.place
    if scene.time_of_day:
        cues["time_of_day"] = scene.time_of_day
    return cues


def _intensity(clause_text: str) -> dict[str, str]:
    levels = vocabulary().language["intensity"]
    for level in ("high", "low"):
        if mentions(clause_text, levels[level]):
            return {"intensity": level}
    return {}


def soundless_reason(text: str) -> str:
    """Why nothing was heard in a text, for the user."""
    return ("found no sounds, places or weather in the text; planned a quiet room tone. "
            "Name what is heard (\"rain on a tin roof\", \"a dog barks\") for a richer plan.")


def looks_english(text: str) -> bool:
    """Most words are English (known to the word lists) - the offline planner reads English."""
    from engine.planning.offline.phrasing import _lemmas

    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if not words:
        return False
    vocabulary_words = _vocabulary_words()
    known = sum(1 for w in words
                if _lemmas(w) or w in _FUNCTION_WORDS or w in vocabulary_words)
    return known / len(words) >= 0.6


@lru_cache(maxsize=1)
def _vocabulary_words() -> frozenset[str]:
    """Words the planner's own data knows ("cafe", "savanna") count as English too."""
    vocab = vocabulary()
    phrases = [w for entry in (*vocab.places, *vocab.phenomena) for w in entry.words]
    phrases += list(vocab.language["source_sounds"]) + vocab.language["music_words"]
    return frozenset(word for phrase in phrases for word in phrase.split())


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


