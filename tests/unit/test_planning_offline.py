"""The offline planner on varied prompts: what a sound designer would expect to see."""
from __future__ import annotations

import random
import re

import pytest

from engine.errors import Cancelled, InvalidInput
from engine.model.story import TrackKind
from engine.planning import PlanRequest, get_planner, story_from_plan, validate_plan
from engine.progress import CancelToken


@pytest.fixture(scope="module")
def planner():
    return get_planner("offline")


def plan_of(planner, prompt: str, duration_s: float = 60.0):
    plan = planner.plan(PlanRequest(prompt, duration_s))
    assert plan == validate_plan(plan, duration_s, "offline")  # already clean: nothing changes
    return plan


def find(plan, *words: str):
    """The first event whose caption has all the words (as words: "door" is not "indoor")."""
    for event in plan.events:
        if all(re.search(rf"\b{re.escape(word)}", event.caption.lower()) for word in words):
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


# --- real prompts: verbless phrases, stops, storms, grammar, tone, long stories -------------

def test_verbless_phrases_that_name_sounds_are_sounds(planner):
    plan = plan_of(planner, "Rain over a fishing village at night; a dog barks, footsteps on the "
                            "pier, then a bell rings and the rain stops", 20)
    rain = find(plan, "rain")
    assert rain.track == TrackKind.AMBIENCE and rain.start_s == 0  # a bed from the start
    assert find(plan, "footsteps", "pier").track == TrackKind.EFFECTS
    assert find(plan, "harbour").track == TrackKind.AMBIENCE  # a fishing village: water
    assert find(plan, "night").track == TrackKind.AMBIENCE  # and the night around it
    dog, bell = find(plan, "dog", "barking"), find(plan, "bell", "ringing")
    assert dog.start_s < find(plan, "footsteps").start_s < bell.start_s

    plan = plan_of(planner, "Traffic, car horns, sirens in the distance.", 20)
    captions = sorted(e.caption for e in plan.events)
    assert find(plan, "traffic").track == TrackKind.AMBIENCE
    assert find(plan, "car horns honking").track == TrackKind.EFFECTS
    assert find(plan, "sirens wailing in the distance").track == TrackKind.EFFECTS
    assert not any("horning" in c for c in captions), captions


def test_a_stop_ends_the_bed_it_names_and_adds_no_event(planner):
    plan = plan_of(planner, "Rain over a fishing village at night; a dog barks, footsteps on the "
                            "pier, then a bell rings and the rain stops", 40)
    rain = find(plan, "rain")
    assert rain.start_s == 0 and 30 <= end(rain) < 40  # it rains until the rain stops
    assert find(plan, "bell").start_s < end(rain)
    assert end(find(plan, "harbour")) == 40  # the harbour goes on
    assert not any("stop" in e.caption for e in plan.events)

    # nothing named the music before it stops: it was playing until then
    plan = plan_of(planner, "Music plays in the hall. The music stops and a glass shatters.", 30)
    music = find(plan, "music")
    assert music.track == TrackKind.MUSIC and music.start_s == 0 and end(music) < 30
    assert find(plan, "glass").start_s >= end(music) - 5
    assert not any("stopping" in e.caption for e in plan.events)

    # someone who stops makes no sound
    plan = plan_of(planner, "A hunter walks through the snow. He stops.", 20)
    assert not any("stop" in e.caption for e in plan.events)


def test_a_storm_has_thunder_early_and_again_through_a_long_storm(planner):
    plan = plan_of(planner, "A thunderstorm rolls over a farmhouse at night.", 40)
    thunder = sorted((e for e in plan.events if "thunder" in e.caption),
                     key=lambda e: e.start_s)
    assert thunder and thunder[0].start_s <= 4  # the storm is heard from the start
    assert len(thunder) >= 2 and thunder[-1].start_s >= 20  # and again later
    assert all(e.track == TrackKind.EFFECTS for e in thunder)
    assert find(plan, "rain").track == find(plan, "wind").track == TrackKind.AMBIENCE
    assert not any("insects" in e.caption or "crickets" in e.caption for e in plan.events)
    assert {e.tone for e in plan.events} == {"tense"}

    plan = plan_of(planner, "A storm rages over the sea. Later the storm passes and gulls cry.",
                   180)
    thunder = sorted((e for e in plan.events if "thunder" in e.caption),
                     key=lambda e: e.start_s)
    rain = find(plan, "rain")
    assert 3 <= len(thunder) <= 10  # several, not a constant roll
    assert all(rain.start_s <= e.start_s and end(e) <= end(rain) + 1e-6 for e in thunder)
    assert end(rain) < find(plan, "gulls").start_s + 30  # the storm ends where it passes
    gaps = [b.start_s - a.start_s for a, b in zip(thunder, thunder[1:])]
    assert min(gaps) >= 8  # spread through the storm


@pytest.mark.parametrize("prompt, expected, unwanted", [
    ("car horns", ["car horns honking"], ["horning"]),
    ("A dog, a cat and a cow making noise in the farmyard.",
     ["dog barking", "cat meowing", "cow mooing"], ["dog a cat", "making noise"]),
    ("An explosion rocks the hangar, alarms blare.", ["explosion rocking the hangar",
                                                      "alarms blaring"], ["alarming"]),
    ("Saloon doors swing, a piano plays inside, and spurs jingle on the wooden boardwalk.",
     ["spurs jingling on the wooden boardwalk", "piano playing"], ["spurring"]),
    ("Church bells ringing.", ["church bells ringing"], ["belling"]),
    ("church bells in the distance", ["church bells ringing in the distance"], []),
    ("The wind and rain lash the windows.", ["wind lashing the windows",
                                             "rain lashing the windows"], ["rain lash "]),
    ("The lights buzz and flicker out.", ["lights buzzing and flickering out"], ["and flicker "]),
    ("A thunderstorm breaks: tent flaps snap in the wind.", ["tent flaps snapping in the wind"],
     ["flapping snap"]),
    ("The ship's horn sounds.", ["ship's horn sounding"], ["horning"]),
    ("Typewriter keys clack.", ["typewriter keys clacking"], ["keying"]),
    ("The fire alarm goes off.", ["fire alarm going off"], ["goes off"]),
    ("Strange creatures chitter in the distance.", ["creatures chittering in the distance"],
     []),
    ("Every morning the birds sang.", ["birds singing"], ["morning the birds"]),
    ("One day he heard a bee buzzing.", ["bee buzzing"], ["hearing", "day he"]),
    ("In the long grass a lion roars.", ["lion roaring"], ["grass a lion"]),
    ("A creaking door.", ["creaking door"], ["door creaking"]),
    ("A bell can be heard in the distance.", ["bell ringing in the distance"], ["heard"]),
])
def test_generated_captions_are_grammatical(planner, prompt, expected, unwanted):
    captions = [e.caption for e in plan_of(planner, prompt, 30).events]
    for phrase in expected:
        assert any(phrase in caption for caption in captions), (phrase, captions)
    for phrase in unwanted:
        assert not any(phrase in caption for caption in captions), (phrase, captions)


def test_a_list_of_sources_gives_one_event_each(planner):
    plan = plan_of(planner, "A dog, a cat and a cow making noise in the farmyard.", 45)
    animals = [find(plan, "dog"), find(plan, "cat"), find(plan, "cow")]
    assert all(e.track == TrackKind.EFFECTS for e in animals)
    assert len({e.caption for e in animals}) == 3
    assert find(plan, "farmyard").track == TrackKind.AMBIENCE


def test_a_solemn_scene_is_solemn_and_begins_to_sing_starts_the_singing(planner):
    plan = plan_of(planner, "Footsteps echo in an empty cathedral, a door creaks open, and a "
                            "choir begins to sing.", 60)
    assert {e.tone for e in plan.events} == {"solemn"}
    choir = find(plan, "choir singing")
    assert choir.track == TrackKind.MUSIC
    assert choir.start_s > find(plan, "door").start_s and end(choir) == 60  # from then on
    assert find(plan, "cathedral", "room tone").track == TrackKind.AMBIENCE  # its own word


@pytest.mark.parametrize("prompt, words", [
    ("An old woman hums a lullaby by the fire.", ("woman", "humming")),
    ("A boy whistles a tune as he walks down the lane.", ("boy", "whistling")),
    ("A man sings a song in the shower.", ("man", "singing")),
])
def test_one_person_carrying_a_tune_is_a_voice_not_a_music_bed(planner, prompt, words):
    voice = find(plan_of(planner, prompt), *words)
    assert voice.track == TrackKind.SPEECH and end(voice) < 60  # a voice, not music to the end


def test_a_choir_or_an_instrument_stays_music(planner):
    assert find(plan_of(planner, "The choir sings a hymn in the church."),
                "choir").track == TrackKind.MUSIC
    assert find(plan_of(planner, "An old man plays a tune on his violin."),
                "violin").track == TrackKind.MUSIC


def test_the_wind_the_text_names_is_the_storms_wind(planner):
    plan = plan_of(planner, "A storm batters the old mansion: shutters bang and the wind moans "
                            "through the halls.")
    winds = [e for e in plan.events if "wind" in e.caption]
    assert [w.caption for w in winds] == ["wind moaning through the halls"]  # not a second one
    assert winds[0].start_s == 0 and winds[0].track == TrackKind.AMBIENCE  # with the storm


@pytest.mark.parametrize("prompt, bed, not_there", [
    ("Smoke drifts over the ruins and a crow caws.", "ruins", "interior"),
    ("A prisoner rattles his chains in the dungeon.", "dungeon", "building"),
    ("A clock ticks in the old mansion and a floorboard creaks.", "old house", "building"),
    ("The captain hurries down the spaceship corridor.", "spaceship", "building"),
])
def test_a_place_bed_is_that_kind_of_place(planner, prompt, bed, not_there):
    beds = [e.caption for e in plan_of(planner, prompt).events if e.track == TrackKind.AMBIENCE]
    assert any(bed in caption for caption in beds), beds
    assert not any(not_there in caption for caption in beds), beds


def test_the_first_place_named_is_where_the_story_is(planner):
    plan = plan_of(planner, "Children splash in a swimming pool, a lifeguard blows a whistle, "
                            "and an ice cream truck plays its jingle in the street.")
    assert find(plan, "pool", "ambience").track == TrackKind.AMBIENCE
    assert not any("city" in e.caption for e in plan.events)  # the truck's street is no city
    assert plan.scenes[0].place == "pool"


def test_a_street_musician_is_a_person_not_a_street(planner):
    plan = plan_of(planner, "In a crowded market, vendors shout prices, a bicycle bell rings, "
                            "and later a street musician starts playing an accordion.")
    market = find(plan, "market")
    assert market.track == TrackKind.AMBIENCE and end(market) == 60  # the market goes on
    assert find(plan, "accordion").start_s > 30
    assert not any("city" in e.caption or "traffic" in e.caption for e in plan.events)


def test_a_place_busy_with_sounds_is_those_sounds_heard_there(planner):
    plan = plan_of(planner, "The night market bustles with vendors calling and sizzling woks.")
    assert find(plan, "woks sizzling") and find(plan, "vendors calling")
    assert not any("market sizzling" in e.caption for e in plan.events)


def test_thunder_comes_back_through_a_long_storm_about_every_half_minute(planner):
    plan = plan_of(planner, "A thunderstorm rolls over a farmhouse at night.", 150)
    claps = [e for e in plan.events if "thunder" in e.caption]
    assert 2 <= len(claps) <= 5  # heard through the storm, not a clap every few seconds
    assert all(TrackKind.EFFECTS == e.track for e in claps)
    assert max(e.start_s for e in claps) > 75  # still coming in the storm's second half


@pytest.mark.parametrize("prompt, tones", [
    ("A thunderstorm rolls over a farmhouse at night.", {"tense"}),
    ("In the abandoned asylum, water drips somewhere in the dark.", {"eerie"}),
    ("A toddler bangs on pots with a wooden spoon while the dog howls along, and Mum laughs.",
     {"playful"}),
    ("Snow falls silently on a mountain cabin. Inside, a fire crackles in the hearth.",
     {"calm"}),
    ("Strange creatures chitter in the distance on the alien planet.", {"mysterious"}),
    ("Wind sweeps across the empty battlefield at dusk, and far away a bugle plays the last "
     "post.", {"melancholic", "solemn"}),
])
def test_tone_follows_the_words_of_the_scene(planner, prompt, tones):
    plan = plan_of(planner, prompt, 30)
    assert {e.tone for e in plan.events} <= tones, [(e.caption, e.tone) for e in plan.events]


def test_a_scene_without_tone_words_keeps_the_mood_of_the_story(planner):
    plan = plan_of(planner, "The haunted house creaks in the wind.\n\nA door opens slowly.", 40)
    assert {e.tone for e in plan.events} == {"eerie"}


def test_speech_goes_to_whoever_says_it(planner):
    plan = plan_of(planner, 'At the fish market a vendor shouts, "Fresh fish!" and a customer '
                            'laughs and asks, "Are they fresh?"', 40)
    assert find(plan, "vendor shouting", "fresh fish").track == TrackKind.SPEECH
    asks = find(plan, "customer asking", "are they fresh")
    laugh = find(plan, "customer laughing")
    assert asks.track == TrackKind.SPEECH and laugh.track == TrackKind.EFFECTS
    assert laugh.start_s < asks.start_s  # laughs, then asks
    plan = plan_of(planner, 'Her radio crackles: "Base, do you copy?" Then the doorbell rings.',
                   30)
    assert find(plan, "radio crackling").track == TrackKind.EFFECTS
    assert find(plan, "base, do you copy").track == TrackKind.SPEECH
    assert not any("doorbell" in e.caption and e.track == TrackKind.SPEECH
                   for e in plan.events)
    plan = plan_of(planner, "Someone curses under their breath.", 20)
    assert find(plan, "cursing").track == TrackKind.SPEECH  # one voice, no quote


def bed_coverage(plan) -> float:
    spans = sorted((e.start_s, end(e)) for e in plan.events if e.track == TrackKind.AMBIENCE)
    covered, reached = 0.0, 0.0
    for start, stop in spans:
        if stop > reached:
            covered += stop - max(start, reached)
            reached = stop
    return covered / plan.duration_s


@pytest.mark.parametrize("prompt", [
    "In the quiet flat a man wakes up and stretches, yawning loudly. He showers, humming to "
    "himself, and then fries eggs for breakfast. Finally he grabs his keys and slams the door "
    "on his way out.",
    "The referee blows the whistle, the crowd roars, and the striker smashes the ball into the "
    "net. Later the fans sing. At the end the players shake hands.",
    "Waves crash on the beach as a dog barks.\n\nA man whistles.\n\nThen the phone rings.",
])
def test_long_stories_keep_a_bed_under_every_moment(planner, prompt):
    plan = plan_of(planner, prompt, 180)
    assert bed_coverage(plan) == pytest.approx(1.0)
    foreground = sorted((e for e in plan.events if e.track != TrackKind.AMBIENCE),
                        key=lambda e: e.start_s)
    assert foreground[0].start_s < 30 and foreground[-1].start_s > 120  # spread over the story


def test_a_room_tone_goes_only_under_a_scene_the_story_calls_quiet(planner):
    knock = ("Someone knocks on a wooden door, it creaks open, and footsteps walk across a "
             "hardwood floor before a chair is pulled out.")
    assert not [e.caption for e in plan_of(planner, knock, 30).events
                if e.track == TrackKind.AMBIENCE]  # no invented near-silence to delete
    plan = plan_of(planner, '"Are you there?" she whispers into the phone. Then the doorbell '
                   "rings.", 30)
    beds = [e for e in plan.events if e.track == TrackKind.AMBIENCE]
    assert [e.caption for e in beds] == ["quiet indoor room tone"]
    assert beds[0].start_s == 0 and end(beds[0]) == pytest.approx(30)
    plan = plan_of(planner, "The baby giggles, then slowly falls asleep.", 30)
    assert any("room tone" in e.caption for e in plan.events)


def test_a_walker_whose_feet_are_heard_is_heard_once(planner):
    for prompt in ("Snow crunches under his boots as he walks home.",
                   "He walks home, his boots crunching in the snow."):
        captions = [e.caption for e in plan_of(planner, prompt, 30).events]
        assert sum("crunching" in c and "boots" in c for c in captions) == 1
        assert not any(c.startswith("footsteps of") for c in captions)  # the same steps
    plan = plan_of(planner, "The hunter walks between the pines and the horse's hooves thud "
                   "behind.", 30)
    find(plan, "footsteps of a hunter")  # the horse's hooves are not his feet
    find(plan, "hooves thudding")
    plan = plan_of(planner, "The horse walks slowly, its hooves clopping on the cobbles.", 30)
    find(plan, "hooves clopping on the cobbles")  # an -ing word it does not know stays as is


def test_a_place_that_bursts_into_a_sound_is_that_sound_heard_there(planner):
    plan = plan_of(planner, "A violinist plays, slow and sad, and at the end the hall erupts "
                   "in applause.", 40)
    applause = find(plan, "applause")
    assert applause.caption == "applause erupting in the hall"  # no "end", no "hall erupting"
    assert applause.start_s > find(plan, "violinist").start_s
    plan = plan_of(planner, "The music stops and the room fills with laughter.", 30)
    assert find(plan, "laughter").caption == "laughter filling the room"  # after the stop
    plan = plan_of(planner, "The church bell rings with a deep tone.", 30)
    find(plan, "church bell ringing")  # a bell is no place
    plan = plan_of(planner, "At the end of the corridor a door creaks open.", 30)
    assert find(plan, "door creaking").caption == "door creaking open"  # "at the end of": where


def test_a_place_the_story_goes_to_is_heard_from_the_arrival(planner):
    plan = plan_of(planner, "A dog barks. Then a man drives into the city.", 40)
    city = find(plan, "city traffic")
    drive = find(plan, "driving into the city")
    assert drive.track == TrackKind.EFFECTS  # a moment, not a bed
    assert city.start_s == pytest.approx(drive.start_s, abs=2)  # the bed opens the moment
    assert find(plan, "dog barking").start_s < city.start_s  # the dog is not in the city


@pytest.mark.parametrize("prompt, not_heard", [
    ("It's late at night on the hospital ward. A heart monitor beeps steadily.", "it's"),
    ("Sitting in the car as it rolls into the car wash, water jets blast the windows.",
     "sitting"),
    ("When the sun went down, all the animals went to sleep and only the owl said \"hoo\". "
     "Goodnight, little farm.", "sleep"),
    ("The owl hoots. Goodnight, little farm.", "goodnight"),
    ("High on the glacier, the wind sweeps across the ice.", "high"),
    ("The radio plays jazz. Then everything goes quiet and a car rolls out into the street.",
     "everything"),
])
def test_words_that_only_set_the_scene_make_no_clip(planner, prompt, not_heard):
    captions = [e.caption.lower() for e in plan_of(planner, prompt).events]
    assert captions and not any(not_heard in c.split() for c in captions), captions


def test_a_sound_the_power_cut_already_ended_is_not_heard_again(planner):
    plan = plan_of(planner, "The radio plays jazz and the fridge hums. Suddenly the power cuts "
                            "out. The radio and the fridge go silent.")
    cut = plan.scenes[1].start_s
    assert all(end(e) <= cut + 2 for e in plan.events if "radio" in e.caption
               or "fridge" in e.caption)  # silent from the cut on, not a second bed of them


@pytest.mark.parametrize("prompt, wanted", [
    ("In the kitchen there is the hiss of frying onions.", "frying onions hissing"),
    ("There's a constant hum of traffic and people talking on the sidewalk.", "traffic humming"),
    ("The clatter of hooves on the cobbles.", "hooves clattering on the cobbles"),
    ("By nightfall the wind has dropped and crickets start up.", "crickets chirping"),
    ("The buzzer sounds and the whole arena erupts in cheers.", "cheers erupting"),
])
def test_a_sound_is_said_as_its_source_making_it(planner, prompt, wanted):
    captions = [e.caption for e in plan_of(planner, prompt).events]
    assert any(wanted in c for c in captions), captions
    assert not any("snake" in c or "buzzer cheering" in c for c in captions), captions


def test_the_home_crowd_is_no_home(planner):
    plan = plan_of(planner, "Sneakers squeak on the court and the home crowd roars.")
    assert not any("room tone" in e.caption for e in plan.events)
    assert find(plan, "crowd").track == TrackKind.AMBIENCE


@pytest.mark.parametrize("prompt, silenced", [
    ("The TV blares a football match. Dad turns the TV off and climbs the stairs.", "tv"),
    ("A playlist thumps from the speaker. Later Lena switches the music off.", "playlist"),
])
def test_someone_switching_a_sound_off_ends_it_and_makes_no_clip_of_their_own(
        planner, prompt, silenced):
    plan = plan_of(planner, prompt)
    sound = find(plan, silenced)
    assert end(sound) < 55
    assert not any("turning" in e.caption or "switching" in e.caption for e in plan.events)


def test_the_guests_who_have_gone_take_their_chatter_with_them(planner):
    plan = plan_of(planner, "Laughter and chatter fill the flat. Once the last guests have gone, "
                            "the front door clicks shut.")
    assert end(find(plan, "chatter")) <= find(plan, "door").start_s + 1


@pytest.mark.parametrize("prompt, wanted", [
    ("For a while the only sound in the kitchen was the clock ticking above the door.",
     "clock ticking above the door"),
    ("In the dark all you can hear is the rain tapping on the window.",
     "rain tapping on the window"),
    ("In the hospital waiting room a vending machine hums and the wall clock ticks.",
     "vending machine humming"),
    ("In the ferry cabin the diesel engine throbs under the floor and a vending machine clunks.",
     "diesel engine throbbing"),
    ("Sam gets on the train.", "footsteps of Sam"),
])
def test_what_is_heard_is_read_through_the_sentence_around_it(planner, prompt, wanted):
    captions = [e.caption for e in plan_of(planner, prompt).events]
    assert any(wanted in c for c in captions), captions
    assert not any(c.startswith("being ") or "a Sam" in c for c in captions), captions


def test_a_place_bed_takes_only_words_that_say_how_it_sounds(planner):
    beds = [e.caption for e in plan_of(planner, "On a little farm the rooster crows. In the "
                                                 "living room a clock ticks.").events
            if e.track == TrackKind.AMBIENCE]
    assert beds and not any("little" in c or "living indoor" in c for c in beds), beds
    busy = plan_of(planner, "In the busy kitchen a pot bubbles.")
    assert find(busy, "busy kitchen").track == TrackKind.AMBIENCE


def test_one_source_with_two_verbs_is_one_clip_and_i_goes_on_after_and(planner):
    plan = plan_of(planner, "I'm stuck in the laundromat, dryers tumbling and rumbling all "
                            "around me. I shove the glass door open and step out into the rain.")
    assert len([e for e in plan.events if "dryers" in e.caption]) == 1
    door, steps = find(plan, "shoving", "door"), find(plan, "footsteps", "stepping out")
    assert "stepping" not in door.caption and door.start_s < steps.start_s


def test_a_room_tone_names_its_room_once(planner):
    plan = plan_of(planner, "The TV blares in the living room. Suddenly the power cuts out.")
    assert not any("room room" in e.caption for e in plan.events)
    assert find(plan, "living room tone").start_s >= 30


def test_a_person_being_moved_is_silent_but_dragging_is_heard(planner):
    plan = plan_of(planner, '"Mr. Harris?" a nurse calls, and he is pulled back to the present.')
    assert [e.track for e in plan.events] == [TrackKind.SPEECH]
    assert find(plan_of(planner, "A sack is dragged down the corridor."), "dragged")


def test_an_animal_that_says_something_makes_its_call(planner):
    plan = plan_of(planner, 'When the sun went down, only the owl said "hoo-hoo".')
    owl = find(plan, "owl")
    assert owl.track == TrackKind.EFFECTS and owl.caption == "owl hooting"
    dog = find(plan_of(planner, '"Woof!" barks the dog.'), "dog")
    assert dog.caption == "dog barking"


def test_handling_an_instrument_is_an_effect_playing_it_is_music(planner):
    plan = plan_of(planner, "Dad winds up the music box and the lullaby plays. Later he snaps "
                            "the guitar case shut.")
    assert find(plan, "winding", "music box").track == TrackKind.EFFECTS
    assert find(plan, "guitar case").track == TrackKind.EFFECTS
    assert find(plan, "lullaby").track == TrackKind.MUSIC
    assert find(plan_of(planner, "The pianist plays a waltz."), "waltz").track == TrackKind.MUSIC


def test_and_after_a_while_clause_goes_on_with_its_subject(planner):
    plan = plan_of(planner, "We sat around the campfire while my uncle strummed his guitar and "
                            "sang an old folk song.")
    assert find(plan, "uncle", "singing").track == TrackKind.SPEECH
    assert not any(e.caption.startswith("old folk song") for e in plan.events)


def test_sounds_a_turning_scene_silences_stop_as_it_turns(planner):
    plan = plan_of(planner, "The tent flaps gently in a light breeze and crickets chirp in the "
                            "field. Around midnight the wind picks up, rain starts lashing the "
                            "tent and the crickets go silent. By morning it has all blown over, "
                            "and birds are singing in the hedges.", 90)
    night, morning = plan.scenes[1], plan.scenes[2]
    crickets = [e for e in plan.events if "crickets" in e.caption]
    assert crickets and all(end(e) <= night.start_s + 2 for e in crickets)  # none invented
    assert end(find(plan, "rain", "tent")) <= morning.start_s + 2  # "it has all blown over"
    assert not any("blowing" in e.caption for e in plan.events)
    assert find(plan, "birds", "hedges").start_s >= morning.start_s


def test_going_somewhere_else_leaves_the_sounds_there(planner):
    plan = plan_of(planner, "Traffic roars down the high street and a bus hisses past. She "
                            "ducks into the bakery, the little bell over the door jingles, and "
                            "the street noise is shut out behind her: just the hum of the ovens "
                            "and a soft jazz song on the shop speaker.")
    assert [s.place for s in plan.scenes] == ["city", "shop"]
    inside = plan.scenes[1].start_s
    assert end(find(plan, "traffic")) <= inside + 2
    assert find(plan, "bell", "jingling").start_s >= inside
    assert find(plan, "ovens humming") and find(plan, "jazz song").track == TrackKind.MUSIC
    assert not any("city" in e.caption and e.start_s >= inside for e in plan.events)


def test_once_inside_the_rain_on_the_car_stops(planner):
    plan = plan_of(planner, "Rain drums on the roof of the car as we pull into the driveway. We "
                            "make a run for the front door, and once we're inside, the fire is "
                            "crackling in the living room.")
    assert len(plan.scenes) == 2
    assert end(find(plan, "rain")) <= plan.scenes[1].start_s + 2
    assert find(plan, "fire crackling").start_s >= plan.scenes[1].start_s


def test_passengers_stepping_onto_the_platform_do_not_move_the_story(planner):
    plan = plan_of(planner, "A train pulls into a snowy station at dusk; the doors slide open "
                            "and passengers step onto the platform.")
    assert len(plan.scenes) == 1


def test_a_generic_room_tone_or_night_bed_only_where_the_scene_is_quiet(planner):
    busy = plan_of(planner, "In the living room a clock ticks and the cat knocks a cup over.")
    assert not any("room tone" in e.caption for e in busy.events)
    quiet = plan_of(planner, "The house is silent. In the living room a clock ticks.")
    assert find(quiet, "room tone").track == TrackKind.AMBIENCE
    night = plan_of(planner, "At night a dog barks and a car door slams.")
    assert not any("insects" in e.caption for e in night.events)


def test_where_a_sound_happens_does_not_make_it_a_bed(planner):
    plan = plan_of(planner, "Without warning, a huge slab crashes into the sea below.")
    slab = find(plan, "slab")
    assert slab.track == TrackKind.EFFECTS and slab.duration_s < 20
    assert find(plan_of(planner, "Water drips from the leaves."), "dripping").track \
        == TrackKind.AMBIENCE


def test_a_sound_that_fades_under_another_name_is_not_invented_again(planner):
    plan = plan_of(planner, "Upstairs the baby is wailing. Dad winds up the music box; the "
                            "crying fades away as the lullaby plays.", 75)
    assert [e.caption for e in plan.events if "cry" in e.caption] == []
    assert find(plan, "baby wailing")


def test_two_sources_joined_by_and_a_are_two_clips(planner):
    plan = plan_of(planner, "Late night at the laundromat, dryers tumbling and a washing "
                            "machine on spin cycle.", 30)
    assert find(plan, "dryers tumbling") is not find(plan, "washing machine")


def test_stepping_out_into_the_rain_brings_the_rain_in(planner):
    plan = plan_of(planner, "The washer beeps three times and goes quiet. Then I shove the "
                            "glass door open and step out into the rain.", 50)
    rain = find(plan, "rain falling")
    assert rain.track == TrackKind.AMBIENCE and rain.start_s >= plan.scenes[-1].start_s - 1
    assert end(rain) == 50


def test_one_subject_with_two_verbs_is_read_as_both_verbs(planner):
    plan = plan_of(planner, "Deep within, the ice groans and creaks as it shifts under its own "
                            "weight.")
    assert find(plan, "ice groaning and creaking")
    assert not any("groans and" in e.caption or e.caption.startswith("creaking")
                   for e in plan.events)


@pytest.mark.parametrize("prompt, bed", [
    ("Surf pounds the empty beach.", "surf pounding the empty beach"),
    ("The rapids roar along the river.", "rapids roaring along the river"),
])
def test_the_water_the_text_names_is_the_places_bed(planner, prompt, bed):
    beds = [e.caption for e in plan_of(planner, prompt).events if e.track == TrackKind.AMBIENCE]
    assert beds == [bed], beds  # no second sea or river under the surf or the rapids


def test_a_crowd_voicing_is_a_bed_and_a_second_verb_with_an_object_a_clip(planner):
    plan = plan_of(planner, "As soon as the bell rings, everyone spills out into the hallway, "
                            "chattering and slamming lockers.")
    assert find(plan, "chattering").track == TrackKind.AMBIENCE
    assert find(plan, "slamming lockers").track == TrackKind.EFFECTS
    assert find(plan_of(planner, "The fans sing in the stands."), "fans singing").track \
        == TrackKind.AMBIENCE


def test_coming_home_brings_no_invented_room_tone(planner):
    plan = plan_of(planner, "The last train squeals in and the doors chime. When he gets home, "
                            "his key scrapes in the lock and the dog barks hello.", 60)
    assert len(plan.scenes) == 2
    assert not any("room tone" in e.caption for e in plan.events)
    assert find(plan, "key").start_s >= plan.scenes[1].start_s


def test_screenplay_sluglines_open_scenes_in_their_places(planner):
    plan = plan_of(planner, "INT. HOSPITAL WARD - NIGHT. A heart monitor beeps beside the "
                            "bed. A nurse whispers, \"Try to sleep.\"\nCUT TO: EXT. HOSPITAL CAR "
                            "PARK - DAWN. An ambulance pulls in.", 60)
    assert [(s.place, s.time_of_day) for s in plan.scenes] == [("hospital", "night"),
                                                                ("car park", "dawn")]
    ward, ambulance = find(plan, "hospital ward"), find(plan, "ambulance")
    assert end(ward) <= plan.scenes[1].start_s + 2 <= ambulance.start_s + 2  # left behind
    assert not any(word in e.caption.lower() for e in plan.events
                   for word in ("int", "ext", "cut to", "hospital car park"))


def test_a_buildings_word_before_another_place_names_which_one(planner):
    plan = plan_of(planner, "On the airport tarmac a jet taxis past.", 30)
    assert find(plan, "tarmac").track == TrackKind.AMBIENCE
    assert not any("terminal" in e.caption for e in plan.events)
    cabin = plan_of(planner, "Snow falls silently on a mountain cabin. Inside, a fire crackles.", 30)
    assert find(cabin, "mountain wind")  # an outdoor place's sound is heard inside


@pytest.mark.parametrize("prompt, left", [
    ("The music stops, and all that's left is the wind flapping the tents.", "wind flapping"),
    ("The hum dies, and only the hiss of emergency life support remains.", "life support"),
    ("He flicks off the fan, and the kitchen goes quiet except for the dishwasher churning.",
     "dishwasher churning"),
    ("Inside, just the air conditioner humming.", "air conditioner humming"),
])
def test_what_is_left_after_a_stop_is_heard_and_the_rest_ends(planner, prompt, left):
    plan = plan_of(planner, prompt, 40)
    remaining = find(plan, *left.split())
    assert not any(w in e.caption for e in plan.events for w in ("left is", "remains", "except"))
    assert all(end(e) <= remaining.start_s + 2 for e in plan.events
               if e is not remaining and e.track != TrackKind.AMBIENCE)


def test_switching_a_fan_off_ends_it_after_a_clause_without_a_comma(planner):
    plan = plan_of(planner, "The extractor fan roars overhead. When the last ticket is done he "
                            "flicks off the fan.", 40)
    fan = find(plan, "extractor fan")
    assert end(fan) < 40
    assert not any("ticket" in e.caption or "flick" in e.caption for e in plan.events)


def test_a_sound_verb_the_dictionary_knows_only_as_a_noun_splits_its_clause(planner):
    plan = plan_of(planner, 'A timer dings and he calls out, "First batch is done!"', 30)
    assert find(plan, "timer ding").track == TrackKind.EFFECTS
    assert find(plan, "first batch").track == TrackKind.SPEECH
    assert not any("timer" in e.caption and "batch" in e.caption for e in plan.events)


@pytest.mark.parametrize("prompt", ["Woodshop, afternoon. A table saw whines through a plank.",
                                    "Mechanic's garage. An impact wrench rattles."])
def test_a_place_named_as_a_heading_sets_the_scene_and_is_no_clip(planner, prompt):
    plan = plan_of(planner, prompt, 30)
    assert plan.scenes[0].place == "workshop"
    assert not any(word in e.caption.lower() for e in plan.events
                   for word in ("woodshop", "garage"))


def test_a_line_a_person_barks_is_one_spoken_line(planner):
    plan = plan_of(planner, 'The captain barks, "Shields up!"', 20)
    assert [(e.track, e.caption) for e in plan.events] == [
        (TrackKind.SPEECH, 'captain barking "Shields up!"')]


def test_what_someone_leaves_behind_ends_there(planner):
    plan = plan_of(planner, "The diesel engines throb below deck. The ramp clanks down, and we "
                            "drive off onto the quay, leaving the throb of the engines behind, "
                            "our tyres rumbling over the stones.", 60)
    assert end(find(plan, "engines")) <= find(plan, "tyres").start_s + 2
    assert not any("behind" in e.caption for e in plan.events)


def test_a_sound_someone_shouts_over_is_heard_too(planner):
    plan = plan_of(planner, '"Pass me the whisk!" Marco shouts over the sizzle of the pans.', 30)
    assert find(plan, "pans sizzling").track != TrackKind.SPEECH
    assert find(plan_of(planner, "The owl flies over the roof of the barn.", 30), "owl") \
        .caption == "owl flying over the roof of the barn"  # a roof is no sound


def test_how_we_travel_is_no_clip_of_people(planner):
    plan = plan_of(planner, "We board the ferry as the engines rumble. A horn blasts twice and "
                            "we pull away. An hour later we dock; ropes thud onto the pier.", 90)
    assert find(plan, "engines") and find(plan, "horn") and find(plan, "ropes")
    assert not any(e.caption.startswith("people") for e in plan.events), \
        [e.caption for e in plan.events]


def test_a_script_in_capitals_keeps_its_scenes_and_prose_keeps_int_and_fade(planner):
    plan = plan_of(planner, "INT. DINER - NIGHT. A JUKEBOX PLAYS.\nEXT. PARKING LOT - LATER. "
                            "RAIN FALLS.", 30)
    assert [s.place for s in plan.scenes] == ["restaurant", "car park"]
    assert find(plan_of(planner, "int. the cat purrs.", 20), "cat purring")
    with pytest.raises(InvalidInput, match="only screenplay transitions"):
        planner.plan(PlanRequest("CUT TO:\nFADE OUT.", 20))
