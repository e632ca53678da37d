"""The offline planner on varied prompts: what a sound designer would expect to see."""
from __future__ import annotations

import json
import random

import pytest

from engine.errors import Cancelled, InvalidInput
from engine.planning import PlanRequest, get_planner, story_from_plan, validate_plan
from engine.progress import CancelToken
from engine.story import TrackKind

from .conftest import run_cli


@pytest.fixture(scope="module")
def planner():
    return get_planner("offline")


def plan_of(planner, prompt: str, duration_s: float = 60.0):
    plan = planner.plan(PlanRequest(prompt, duration_s))
    assert plan == validate_plan(plan, duration_s, "offline")  # already clean: nothing changes
    return plan


def find(plan, *words: str):
    """The first event whose caption has all the words."""
    for event in plan.events:
        if all(word in event.caption.lower() for word in words):
            return event
    raise AssertionError(f"no event with {words} in {[e.caption for e in plan.events]}")


def end(event) -> float:
    return event.start_s + event.duration_s


def test_a_storm_implies_rain_wind_and_thunder_over_a_harbour_bed(planner):
    plan = plan_of(planner, "A storm rolls over the harbour at night.")
    rain, wind, water = find(plan, "rain"), find(plan, "wind"), find(plan, "harbour")
    thunder = find(plan, "thunder")
    assert {rain.track, wind.track, water.track} == {TrackKind.AMBIENCE}
    assert thunder.track == TrackKind.EFFECTS
    assert water.start_s == 0 and end(water) == 60  # the place's bed spans the story
    assert rain.start_s <= thunder.start_s < end(rain)  # thunder sits inside the storm
    assert rain.cues["time_of_day"] == "night" and rain.cues["place"] == "harbour"


def test_then_orders_events_and_while_overlaps_them(planner):
    plan = plan_of(planner, "A dog barks, then a door slams while a phone rings, and finally "
                            "a car drives away.", 40)
    dog, door = find(plan, "dog"), find(plan, "door")
    phone, car = find(plan, "phone"), find(plan, "car")
    assert dog.start_s < door.start_s < car.start_s
    assert abs(phone.start_s - door.start_s) < 5 and phone.start_s < end(door) + 5
    assert phone.start_s < car.start_s


def test_after_puts_the_later_clause_first(planner):
    plan = plan_of(planner, "A child laughs after a balloon pops.", 20)
    assert find(plan, "balloon").start_s < find(plan, "child").start_s


def test_captions_say_source_and_action(planner):
    plan = plan_of(planner, "The old floorboards creak. Someone knocks on the heavy oak door.")
    assert find(plan, "floorboards creaking")
    knock = find(plan, "knocking on the heavy oak door")
    assert knock.track == TrackKind.EFFECTS and knock.duration_s <= 3.0  # a knock is short
    assert all(len(e.caption.split()) <= 25 for e in plan.events)


def test_a_bed_ends_where_the_text_ends_it(planner):
    plan = plan_of(planner, "Rain pours down on the village. Later the rain stops and the "
                            "church bells ring.", 60)
    rain, bells = find(plan, "rain"), find(plan, "bells")
    assert rain.track == TrackKind.AMBIENCE and rain.start_s == 0
    assert end(rain) < 50 and bells.start_s >= end(rain) - 5  # the rain stops, then bells
    assert not any("stopping" in e.caption for e in plan.events)  # no "rain stopping" event


def test_quoted_dialogue_goes_on_the_speech_track(planner):
    plan = plan_of(planner, 'The captain grips the wheel. "Hold on!" she shouts as waves '
                            'crash over the deck.', 30)
    speech = [e for e in plan.events if e.track == TrackKind.SPEECH]
    assert len(speech) == 1 and '"Hold on!"' in speech[0].caption
    assert "captain" in speech[0].caption  # "she" is the captain
    assert find(plan, "waves").start_s <= speech[0].start_s + 5


def test_music_the_text_names_goes_on_the_music_track(planner):
    plan = plan_of(planner, "A violin plays a slow waltz in the ballroom while glasses clink.")
    assert find(plan, "violin").track == TrackKind.MUSIC
    assert find(plan, "glasses").track == TrackKind.EFFECTS


def test_paragraphs_are_scenes_with_their_own_beds(planner):
    plan = plan_of(planner, "Waves wash onto the beach as gulls cry.\n\nIn the busy city, "
                            "car horns honk and a siren wails.", 80)
    beach, city = find(plan, "waves"), find(plan, "city")
    assert beach.track == city.track == TrackKind.AMBIENCE
    assert beach.start_s == 0 and end(beach) <= city.start_s + 10  # scene one hands over
    assert end(city) == 80 and find(plan, "siren").start_s > end(beach) - 10


def test_one_sentence_and_several_paragraphs_fill_the_duration(planner):
    for prompt, duration in [("A kettle whistles.", 12),
                             ("Thunder rolls over the hills. Rain falls on the barn roof. "
                              "A horse whinnies in its stall.\n\nBy morning, birds sing in "
                              "the orchard and a farmer whistles a tune.", 180)]:
        plan = plan_of(planner, prompt, duration)
        assert all(0 <= e.start_s and end(e) <= duration + 1e-6 for e in plan.events)
        last_end = max(end(e) for e in plan.events)
        assert last_end >= 0.5 * duration  # the story is used, not just its start
    beds = [e for e in plan.events if e.track == TrackKind.AMBIENCE]
    covered = sum(min(end(e), duration) - e.start_s for e in beds)
    assert covered >= duration  # beds cover the whole long story (overlaps included)


def test_a_text_without_sound_words_gets_a_room_tone_and_a_message(planner):
    plan = plan_of(planner, "She remembers the meaning of forgiveness and decides to hope.", 30)
    assert [e.track for e in plan.events] == [TrackKind.AMBIENCE]
    assert "room tone" in plan.events[0].caption and plan.events[0].duration_s == 30
    assert "found no sounds" in plan.warnings[0]


def test_non_english_text_gets_one_bed_and_a_clear_warning(planner):
    plan = plan_of(planner, "Il pleut sur la ville et un chien aboie dans la rue.", 30)
    assert len(plan.events) == 1 and plan.events[0].track == TrackKind.AMBIENCE
    assert "does not look like English" in plan.warnings[0]
    plan = plan_of(planner, "雨が降っている。犬が吠える。", 30)
    assert "does not look like English" in plan.warnings[0]


@pytest.mark.parametrize("prompt, message", [
    ("", "prompt is empty"),
    ("   \n\t ", "prompt is empty"),
    ("?!... ,,, --- !!!", "no words to plan from"),
    ("🙂 🙂 ★", "no words to plan from"),
    ("rain " * 30_000, "at most 100,000"),
])
def test_unusable_prompts_are_clear_errors(planner, prompt, message):
    with pytest.raises(InvalidInput, match=message):
        planner.plan(PlanRequest(prompt, 30))


def test_twenty_kilobytes_of_text_give_a_plan_that_fits(planner):
    rng = random.Random(4)
    sources = ["a dog", "the wind", "a bell", "an old truck", "the crowd", "a crow", "the rain",
               "a kettle", "the engine", "a child", "the river", "a door", "the fire"]
    verbs = ["barks", "howls", "rings", "rumbles", "cheers", "caws", "falls", "whistles",
             "roars", "laughs", "flows", "creaks", "crackles"]
    places = ["in the valley", "near the mill", "by the station", "across the square",
              "behind the barn", "in the distance"]
    sentences = []
    while sum(len(s) for s in sentences) < 20_000:
        sentences.append(f"{rng.choice(sources).capitalize()} {rng.choice(verbs)} "
                         f"{rng.choice(places)}, then {rng.choice(sources)} "
                         f"{rng.choice(verbs)}.")
    text = " ".join(sentences)
    assert len(text) >= 20_000
    plan = plan_of(planner, text, 60)
    assert 5 <= len(plan.events) <= 100
    assert all(end(e) <= 60 + 1e-6 for e in plan.events)
    assert "more sounds than a 60 s story has room for" in plan.warnings[0]


def test_plans_are_deterministic(planner):
    prompt = "A train pulls into the station; doors slide open and a whistle blows."
    first = planner.plan(PlanRequest(prompt, 45)).model_dump()
    assert get_planner("offline").plan(PlanRequest(prompt, 45)).model_dump() == first


def test_cancel_stops_planning(planner):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        planner.plan(PlanRequest("A dog barks.", 10), cancel=token)


def test_progress_is_reported(planner):
    seen = []
    planner.plan(PlanRequest("A dog barks.", 10), progress=lambda f, m: seen.append((f, m)))
    assert seen[0][0] == 0.0 and seen[-1][0] == 1.0


def test_the_plan_becomes_a_story_with_layered_tracks(planner):
    plan = plan_of(planner, "A campfire crackles while crickets chirp; an owl hoots.", 30)
    story = story_from_plan(plan, "campfire", seed=2)
    kinds = {track.kind for track in story.tracks}
    assert TrackKind.AMBIENCE in kinds and TrackKind.EFFECTS in kinds
    assert len([t for t in story.tracks if t.kind == TrackKind.AMBIENCE]) == 2  # two beds


def test_the_cli_prints_the_plan_for_bad_and_good_prompts():
    result = run_cli("plan", "A dog barks, then a door slams.", "--duration", "10", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert [e["track"] for e in plan["events"]] == ["effects", "effects"]
    assert plan["reasoning"].startswith("A 10 s story with 2 sound events")
    result = run_cli("plan", "?!?!", "--duration", "10")
    assert result.returncode == 2 and "no words to plan from" in result.stderr
