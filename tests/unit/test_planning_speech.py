"""Dialogue and narration in plans: quoted words become speech events with their exact text,
speaker and delivery; the story casts every speaker a voice of their own; a narrator can
read the whole text instead, or no words are spoken at all."""
from __future__ import annotations

import pytest

from engine.model.story import TrackKind
from engine.planning import PlanRequest, get_planner, story_from_plan, validate_plan
from engine.planning.narration import narrate

DIALOGUE = ('The old captain said, "Hold fast, lads, the storm is coming." Thunder rolled over '
            'the harbour. "We will make it," his daughter whispered. The first mate shouted, '
            '"Reef the sails!"')


@pytest.fixture(scope="module")
def plan():
    return get_planner("offline").plan(PlanRequest(DIALOGUE, 40.0, 2))


def lines(plan):
    return [e for e in plan.events if e.text]


def test_quoted_words_are_lines_with_their_speaker_and_delivery(plan):
    said = {e.text: (e.speaker, e.delivery, e.track) for e in lines(plan)}
    assert said["Hold fast, lads, the storm is coming."] == ("old captain", "", TrackKind.SPEECH)
    assert said["We will make it."] == ("daughter", "whispered", TrackKind.SPEECH)
    assert said["Reef the sails!"][0] == "first mate"
    assert said["Reef the sails!"][1] == "shouted"
    for event in lines(plan):  # a line lasts about as long as it takes to say
        assert 0.3 * len(event.text.split()) < event.duration_s < 0.6 * len(event.text.split()) + 1


def test_a_tag_with_its_verb_first_names_the_speaker_and_the_verb_keeps_its_meaning():
    story = ('"Only the sea," whispers the girl. "Come inside," said the old man. Whispers fill '
             'the hall.')
    plan = get_planner("offline").plan(PlanRequest(story, 20.0, 1))
    said = {e.text: (e.speaker, e.delivery) for e in lines(plan)}
    assert said == {"Only the sea.": ("girl", "whispered"), "Come inside.": ("old man", "")}
    assert any(e.caption.startswith("whispers filling") for e in plan.events)


def test_every_speaker_is_cast_a_voice_and_keeps_it(plan):
    story = story_from_plan(plan, DIALOGUE, seed=2)
    spoken = [e for e in story.events if e.text]
    assert {e.generator for e in spoken} == {"speech"}
    voices = {e.speaker: e.generator_settings["voice"] for e in spoken}
    assert len(set(voices.values())) == len(voices) == 3  # nobody shares a voice
    assert voices["daughter"].startswith("female-")
    other = story_from_plan(plan, DIALOGUE, seed=2)
    assert [e.generator_settings for e in other.events] == \
        [e.generator_settings for e in story.events]  # the same plan casts the same way
    assert all(e.render_key() != e.model_copy(update={"text": "Hello"}).render_key()
               for e in spoken)  # editing the words makes the take stale


def test_llm_plans_with_quoted_captions_get_their_words_and_speaker():
    raw = {"events": [{"caption": 'captain shouting "Hold on tight!"', "track": "speech",
                       "start_s": 1, "duration_s": 2},
                      {"caption": "a child laughing", "track": "speech", "start_s": 4,
                       "duration_s": 2},
                      {"caption": "rain", "track": "ambience", "start_s": 0,
                       "duration_s": 10, "text": "not speech"}]}
    plan = validate_plan(raw, 10.0)
    first, laugh, rain = sorted(plan.events, key=lambda e: e.start_s)[1], \
        sorted(plan.events, key=lambda e: e.start_s)[2], plan.events[0]
    assert (first.text, first.speaker) == ("Hold on tight!", "captain")
    assert laugh.text == "" and rain.text == ""  # no words: a voice, and a bed
    explicit = validate_plan({"events": [{"caption": "a greeting", "track": "speech",
                                          "start_s": 0, "duration_s": 2, "text": "Hello!",
                                          "speaker": "the keeper", "delivery": "calm"}]}, 5.0)
    line = explicit.events[0]
    assert (line.text, line.speaker, line.delivery) == ("Hello!", "the keeper", "calm")


def test_a_narrator_reads_the_whole_text_or_no_words_are_spoken(plan):
    full = narrate(plan, DIALOGUE, "full")
    read = [e for e in full.events if e.text]
    assert {e.speaker for e in read} == {"narrator"}
    assert " ".join(e.text for e in read) == " ".join(DIALOGUE.split())
    starts = [e.start_s for e in read]
    assert starts == sorted(starts) and starts[-1] > full.duration_s / 2  # spread over it
    assert [e.caption for e in full.events if not e.text] == \
        [e.caption for e in plan.events if not e.text]  # the sounds stay
    story = story_from_plan(full, DIALOGUE, seed=2)
    assert {e.generator_settings["voice"] for e in story.events if e.text} == {"narrator-1"} or \
        len({e.generator_settings["voice"] for e in story.events if e.text}) == 1
    silent = narrate(plan, DIALOGUE, "none")
    assert not [e for e in silent.events if e.text] and silent.events
    short = narrate(plan.model_copy(update={"duration_s": 6.0}), DIALOGUE, "full")
    assert any("longer than the 6 s story" in w for w in short.warnings)
    with pytest.raises(ValueError, match="narration must be one of"):
        narrate(plan, DIALOGUE, "sometimes")
