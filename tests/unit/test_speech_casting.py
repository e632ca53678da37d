"""The cast: every speaker of a story gets a voice of their kind, distinct from the others,
kept for the whole story."""
from __future__ import annotations

from engine.generation.speech.casting import cast_speakers, kind_of, persona_for, persona_of, voice_name
from engine.generation.speech.engines import EspeakNG, Flite, Persona


def test_kinds_come_from_the_speakers_words():
    assert kind_of("the old captain") == "male"
    assert kind_of("his daughter") == "female"
    assert kind_of("a little girl") == "child"
    assert kind_of("the narrator") == "narrator"
    assert kind_of("") == "male"


def test_every_speaker_gets_a_distinct_voice_in_order_of_appearance():
    cast = cast_speakers(["the captain", "the mate", "his daughter", "The Captain",
                          "a sailor", "the widow"], story_seed=4)
    assert set(cast) == {"captain", "mate", "his daughter", "sailor", "widow"}
    assert len(set(cast.values())) == len(cast)  # nobody shares a voice
    assert cast["his daughter"].startswith("female-") and cast["widow"].startswith("female-")
    assert cast_speakers(["the captain", "the mate"], 4) == {
        "captain": cast["captain"], "mate": cast["mate"]}  # a later speaker changes nobody


def test_a_stored_voice_round_trips_and_maps_onto_every_engine():
    persona = Persona("female", 2)
    assert persona_of(voice_name(persona)) == persona
    assert persona_of("robot-1") is None
    for engine in (EspeakNG("espeak-ng"), Flite("flite")):
        assert engine.voice_of(persona) == engine.voice_of(persona_of("female-3"))
        assert engine.voice_of(Persona("male", 0)) != engine.voice_of(Persona("female", 0))


def test_an_uncast_speaker_keeps_one_voice_for_the_story():
    assert persona_for("the keeper", 9) == persona_for("The keeper", 9)
    assert persona_for("his wife", 9).kind == "female"
