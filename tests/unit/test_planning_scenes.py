"""The offline planner reads the story's time: scenes, sounds that stop, beds handed over."""
from __future__ import annotations

import json
import re

import pytest

from engine.model.story import TrackKind
from engine.model.tones import TONE_NAMES, tone_shift
from engine.planning import PlanRequest, get_planner, story_from_plan, validate_plan
from engine.planning.offline.timing import HANDOVER_S
from engine.planning.offline.vocabulary import RESOURCES

LIGHTHOUSE = ("A storm rolls over a lighthouse at night; the keeper climbs the iron stairs as "
              "the foghorn sounds, and at dawn gulls cry over a calm sea")


@pytest.fixture(scope="module")
def planner():
    return get_planner("offline")


def plan_of(planner, prompt: str, duration_s: float = 60.0):
    plan = planner.plan(PlanRequest(prompt, duration_s))
    assert plan == validate_plan(plan, duration_s, "offline")  # already clean
    return plan


def find(plan, *words: str):
    for event in plan.events:
        if all(re.search(rf"\b{re.escape(word)}", event.caption.lower()) for word in words):
            return event
    raise AssertionError(f"no event with {words} in {[e.caption for e in plan.events]}")


def end(event) -> float:
    return event.start_s + event.duration_s


def test_the_lighthouse_storm_ends_at_dawn_and_dawn_brings_gulls_and_a_calm_sea(planner):
    plan = plan_of(planner, LIGHTHOUSE, 60)
    assert [s.title for s in plan.scenes] == ["Night storm", "Dawn"]
    night, dawn = plan.scenes
    assert (night.time_of_day, dawn.time_of_day) == ("night", "dawn")
    assert (night.tone, dawn.tone) == ("tense", "calm")
    for words in (("rain",), ("wind",), ("waves", "rocks")):  # the storm's rain, wind, surf
        bed = find(plan, *words)
        assert bed.track == TrackKind.AMBIENCE and bed.scene == 0 and bed.start_s == 0
        assert dawn.start_s < end(bed) <= dawn.start_s + HANDOVER_S  # a crossfade, no more
        assert bed.fade_out_s > 0
    steps = find(plan, "footsteps", "iron stairs")
    assert steps.track == TrackKind.EFFECTS and steps.scene == 0
    assert find(plan, "foghorn").scene == 0
    for words in (("gulls",), ("calm", "waves")):
        event = find(plan, *words)
        assert event.scene == 1 and event.start_s == dawn.start_s and end(event) == 60
    thunder = [e for e in plan.events if "thunder" in e.caption]
    assert thunder and all(end(e) <= dawn.start_s + HANDOVER_S for e in thunder)
    captions = " ".join(e.caption for e in plan.events)
    assert "dawn" not in captions and "night" not in captions  # scene cues, not sounds
    assert "drum" not in captions  # rain is not drums


def test_the_lighthouse_story_hands_its_beds_over_on_their_lanes(planner):
    story = story_from_plan(plan_of(planner, LIGHTHOUSE, 60), LIGHTHOUSE)
    assert [s.id for s in story.scenes] == ["s1", "s2"]
    dawn = story.scenes[1]
    incoming = [e for e in story.events if e.scene_id == "s2"
                and story.track(e.track_id).kind == TrackKind.AMBIENCE]
    outgoing = {e.track_id: e for e in story.events if e.scene_id == "s1"
                and story.track(e.track_id).kind == TrackKind.AMBIENCE}
    assert incoming and all(e.start == dawn.start for e in incoming)
    for bed in incoming:  # each dawn bed crossfades with a storm bed on the same lane
        assert bed.track_id in outgoing and outgoing[bed.track_id].end > dawn.start


@pytest.mark.parametrize("prompt, titles", [
    ("Rain pours on the city at night and traffic hisses on wet roads. By morning the rain "
     "has stopped; a street sweeper whirs past.", ["Night rain", "Morning"]),
    ("A storm rages over the sea. Hours later the storm passes and gulls cry.",
     ["Storm", "Hours later"]),
    ("Party music thumps and guests chatter in the flat until the power cuts out. In the "
     "sudden silence a dog whimpers.", ["Party", "Power cut"]),
    ("Wolves howl in the forest. Night falls and an owl hoots.", ["Forest", "Night"]),
    ("A marching band plays in the town square. When the parade passes, pigeons coo.",
     ["Town square", "After the parade"]),
    ("Engines scream past and the crowd roars. After the chequered flag the cars slow down.",
     ["Scene 1", "After the chequered flag"]),
    ("Rain falls on the town. After the storm, birds sing.", ["Rain", "After the storm"]),
    ("Music plays in the bar. Later a glass breaks.", ["Bar", "Later"]),
])
def test_time_and_state_cues_start_scenes(planner, prompt, titles):
    plan = plan_of(planner, prompt, 60)
    assert [s.title for s in plan.scenes] == titles
    assert plan.scenes[0].start_s == 0 and plan.scenes[-1].end_s == 60
    assert all(a.end_s == b.start_s for a, b in zip(plan.scenes, plan.scenes[1:]))


def test_after_a_moment_the_sounds_of_the_scene_before_end(planner):
    plan = plan_of(planner, "Engines scream past and the crowd roars. After the chequered "
                            "flag the cars slow down and the fans sing.", 60)
    assert end(find(plan, "crowd", "roaring")) <= plan.scenes[1].start_s + HANDOVER_S
    assert not any("flag" in e.caption for e in plan.events)  # a moment, not a sound

    plan = plan_of(planner, "A crowd waits on the platform. After the last train leaves, "
                            "the station falls silent.", 40)
    find(plan, "train", "leaving")  # "after" a clause: the train is heard leaving


def test_one_piece_of_music_crossfades_into_the_next_and_stops_when_the_text_says(planner):
    plan = plan_of(planner, "The orchestra tunes up and the audience murmurs. The violins "
                            "begin a slow waltz. When the last note ends, the audience "
                            "bursts into applause.", 90)
    tuning, waltz = find(plan, "tuning"), find(plan, "waltz")
    assert waltz.start_s < end(tuning) <= waltz.start_s + HANDOVER_S  # a crossfade
    assert end(waltz) <= find(plan, "applause").start_s


def test_the_quiet_a_stop_leaves_is_the_quiet_of_the_place(planner):
    plan = plan_of(planner, "A campfire crackles in the woods. Soon the fire goes cold and "
                            "an owl hoots.", 40)
    fire, quiet = find(plan, "campfire"), find(plan, "quiet", "woods")
    assert fire.start_s < quiet.start_s <= end(fire)  # the quiet takes over from the fire
    assert not any("room tone" in e.caption for e in plan.events)  # outdoors
    assert find(plan_of(planner, "A tractor starts up.", 20), "tractor", "starting up")


def test_a_bed_the_text_stops_ends_and_the_quiet_after_it_begins(planner):
    plan = plan_of(planner, "Party music thumps and guests chatter in the flat until the "
                            "power cuts out. In the sudden silence someone lights a match.", 45)
    cut = plan.scenes[1].start_s
    for words in (("party", "music"), ("guests", "chattering")):
        assert cut - 1 < end(find(plan, *words)) <= cut + HANDOVER_S
    silence = find(plan, "silent", "room tone")
    assert silence.start_s == cut and silence.scene == 1

    plan = plan_of(planner, "In the busy café, an espresso machine hisses. Later the café "
                            "empties and chairs scrape.", 40)
    assert plan.scenes[1].title == "Empty café"
    murmur = find(plan, "busy", "murmur")
    assert end(murmur) <= plan.scenes[1].start_s + HANDOVER_S
    assert find(plan, "quiet empty café").start_s == plan.scenes[1].start_s

    plan = plan_of(planner, "Rain drums on the tin roof until the church bell rings.", 30)
    rain, bell = find(plan, "rain"), find(plan, "bell")
    assert rain.start_s == 0 and bell.start_s < end(rain) <= bell.start_s + 2
    assert "drum" not in rain.caption and "pattering" in rain.caption
    assert not any("church interior" in e.caption for e in plan.events)  # bells, not a church


def test_the_crickets_fall_silent_as_the_thunder_comes(planner):
    plan = plan_of(planner, "Crickets chirp in the meadow at dusk. Then thunder rumbles, the "
                            "crickets fall silent, and heavy rain begins to pour.", 60)
    crickets, thunder = find(plan, "crickets"), find(plan, "thunder")
    assert thunder.start_s < end(crickets) <= thunder.start_s + 2


def test_a_stop_named_by_another_word_ends_the_sound_it_means(planner):
    plan = plan_of(planner, "The dentist's drill whines while soft music plays. The drilling "
                            "stops and the patient rinses and spits.", 40)
    drill, rinse = find(plan, "drill"), find(plan, "rinsing")
    assert end(drill) <= rinse.start_s
    assert not any(e.caption.lower() == "drilling" for e in plan.events)  # no second drill

    plan = plan_of(planner, "Gunfire and explosions shake the village. At dawn the shooting "
                            "stops and a child cries somewhere.", 60)
    assert end(find(plan, "gunfire")) <= plan.scenes[1].start_s + HANDOVER_S
    assert not any("shooting" in e.caption for e in plan.events)


def test_voices_saying_words_are_speech_and_it_is_never_a_person(planner):
    plan = plan_of(planner, "Soldiers shout orders as the crowd shouts. Somebody sighs. The "
                            "printer jams; somebody kicks it.", 40)
    assert find(plan, "soldiers", "orders").track == TrackKind.SPEECH
    assert find(plan, "sighing").track == TrackKind.SPEECH
    assert find(plan, "crowd").track != TrackKind.SPEECH  # a crowd's roar, not lines
    assert not any(re.search(r"kicking (?:a|the) person", e.caption) for e in plan.events)

    plan = plan_of(planner, "A blacksmith hammers a blade on the anvil while the forge roars. "
                            "He plunges it into a bucket of water.", 40)
    find(plan, "plunging", "blade")  # the blade, not the forge


def test_what_fills_a_place_is_heard_there_and_silent_things_are_not(planner):
    plan = plan_of(planner, "The ballroom is full of waltz music and laughter. Smoke drifts "
                            "over the dance floor.", 40)
    music, laughter = find(plan, "waltz", "ballroom"), find(plan, "laughter", "ballroom")
    assert music.track == TrackKind.MUSIC and laughter.start_s < end(music)
    assert not any("full" in e.caption or "smoke" in e.caption for e in plan.events)
    assert find(plan_of(planner, "The air is filled with the buzz of bees.", 20),
                "bees", "buzzing")


def test_a_room_at_midnight_keeps_its_room_tone_and_hears_no_insects(planner):
    plan = plan_of(planner, "A radio plays in the room. At midnight the clock strikes twelve.")
    room = find(plan, "room tone")
    assert end(room) == plan.duration_s and not any("insects" in e.caption for e in plan.events)


def test_what_people_do_with_their_hands_and_feet_is_heard(planner):
    plan = plan_of(planner, "The keeper climbs the iron stairs. She opens the drawer and picks "
                            "up a key. He lights a match.", 40)
    find(plan, "footsteps", "stairs")
    assert find(plan, "drawer").track == TrackKind.EFFECTS
    assert find(plan, "key").track == TrackKind.EFFECTS
    assert find(plan, "match").track == TrackKind.EFFECTS


def test_people_coming_and_going_are_heard_as_footsteps(planner):
    plan = plan_of(planner, "At the last stop everyone gets off. The guests arrive and a dog "
                            "barks. The train leaves the station.", 40)
    find(plan, "footsteps", "getting off")
    find(plan, "footsteps", "guests", "arriving")
    assert "footsteps" not in find(plan, "train").caption  # a train leaving is the train

    plan = plan_of(planner, "Children play in the schoolyard. A bell rings and they run "
                            "inside. A clock strikes and he leaves.", 40)
    find(plan, "footsteps of children running")  # "they": the children, not the bell
    assert find(plan, "footsteps", "leaving").caption.startswith("footsteps of a man")


def test_a_place_that_sounds_itself_is_one_bed_from_the_start(planner):
    plan = plan_of(planner, "A hiker crunches along a gravel path. A stream babbles nearby "
                            "and a woodpecker taps.", 40)
    beds = [e for e in plan.events if e.track == TrackKind.AMBIENCE]
    assert [e.caption for e in beds] == ["stream babbling nearby"] and beds[0].start_s == 0


def test_people_talking_are_a_bed_that_leaves_with_them(planner):
    plan = plan_of(planner, "A train rattles through the tunnel while passengers talk. At the "
                            "last stop everyone gets off and the doors close.", 60)
    talk, off = find(plan, "passengers", "talking"), find(plan, "footsteps", "getting off")
    assert talk.track == TrackKind.AMBIENCE and talk.start_s == 0
    assert off.start_s < end(talk) <= off.start_s + 2  # their voices go as they get off


def test_what_dies_or_passes_ends_even_when_the_text_says_it(planner):
    plan = plan_of(planner, "The generator hums all night. At 5 a.m. it sputters and dies, "
                            "and birds begin to sing.", 60)
    sputter, birds = find(plan, "generator", "sputtering"), find(plan, "birds")
    assert end(sputter) < birds.start_s and end(sputter) - sputter.start_s < 5

    plan = plan_of(planner, "A thunderstorm shakes the cabin. When it passes, crickets "
                            "start to sing.", 60)
    assert [s.title for s in plan.scenes] == ["Storm", "After the storm"]
    assert end(find(plan, "rain")) <= plan.scenes[1].start_s + HANDOVER_S
    assert not any("cabin passing" in e.caption for e in plan.events)


def test_a_murmuring_tv_is_no_speaker_and_a_classroom_is_a_room(planner):
    plan = plan_of(planner, "Grandpa snores in his armchair as the TV murmurs.", 30)
    assert find(plan, "tv").track != TrackKind.SPEECH  # an acronym is not a name
    plan = plan_of(planner, "A girl whispers to her friend in the back of the classroom.", 30)
    assert find(plan, "classroom", "room tone") and not any(
        "playground" in e.caption for e in plan.events)


def test_where_when_and_how_often_are_no_sounds(planner):
    plan = plan_of(planner, "It is a hot afternoon in the desert. Inside the tent, a radio "
                            "crackles every few seconds. Now and then a pipe drips.", 40)
    captions = [e.caption.lower() for e in plan.events]
    assert "tent" not in captions  # "Inside the tent" says where, it is no sound
    for wrong in ("hotting", "afternoon", "seconding", "now and then"):
        assert not any(wrong in caption for caption in captions)
    find(plan, "radio", "crackling")
    find(plan, "pipe", "dripping")
    assert len(plan.scenes) == 1  # how often moves no scene on


def test_a_ticking_clock_is_a_spot_effect_not_a_bed(planner):
    plan = plan_of(planner, "In the dark kitchen the old clock ticks on the wall.", 30)
    assert find(plan, "clock", "ticking").track == TrackKind.EFFECTS


def test_words_set_the_level_and_the_side_of_a_sound(planner):
    plan = plan_of(planner, "A dog barks to the left. A siren wails far away. A twig snaps "
                            "close by. A bell rings.", 40)
    dog, siren, twig, bell = (find(plan, "dog"), find(plan, "siren"), find(plan, "twig"),
                              find(plan, "bell"))
    assert dog.pan < 0 and bell.pan == 0
    assert siren.gain_db < bell.gain_db == 0 < twig.gain_db
    story = story_from_plan(plan, "sounds")
    by_caption = {e.caption: e for e in story.events}
    assert by_caption[dog.caption].pan == dog.pan
    assert by_caption[siren.caption].gain_db == siren.gain_db


@pytest.mark.parametrize("prompt, duration", [
    (LIGHTHOUSE, 20), (LIGHTHOUSE, 600),
    ("A dog barks.", 5),
    ("Hours later. At dawn. By morning. At noon. At dusk. At night. Then the next day.", 6),
    ("Snow falls on the village at evening.\n\nBy morning the church bells ring.\n\nAt noon "
     "children laugh as they sledge.", 90),
])
def test_every_plan_is_told_in_scenes_that_cover_it(planner, prompt, duration):
    plan = plan_of(planner, prompt, duration)
    assert plan.scenes and plan.scenes[0].start_s == 0 and plan.scenes[-1].end_s == duration
    assert all(a.end_s == b.start_s < b.end_s for a, b in zip(plan.scenes, plan.scenes[1:]))
    for event in plan.events:
        home = plan.scenes[event.scene]
        assert home.start_s - 3 <= event.start_s < home.end_s
    assert all(scene.title for scene in plan.scenes)


def test_every_tone_the_planner_can_emit_is_in_the_tone_table():
    language = json.loads((RESOURCES / "language.json").read_text(encoding="utf-8"))
    scenes = json.loads((RESOURCES / "scenes.json").read_text(encoding="utf-8"))
    emitted = {"neutral", *language["tone_words"],
               *(entry["tone"] for entry in scenes["phenomena"] if entry.get("tone"))}
    assert emitted <= set(TONE_NAMES), emitted - set(TONE_NAMES)
    for tone in emitted - {"neutral"}:
        assert tone_shift(tone) != (0.0, 0.0), tone  # every tone changes the sound


def test_the_plan_json_names_each_events_scene(planner):
    data = plan_of(planner, LIGHTHOUSE, 60).model_dump(mode="json")
    assert [s["title"] for s in data["scenes"]] == ["Night storm", "Dawn"]
    assert set(data["scenes"][0]) == {"title", "start_s", "end_s", "place", "time_of_day",
                                      "tone"}
    assert {e["scene"] for e in data["events"]} == {0, 1}
    assert all({"gain_db", "pan"} <= set(e) for e in data["events"])
