"""Caption -> recipes: accuracy on labelled captions, modifiers, layering, the fallback,
and the stored description embeddings staying in step with the catalogue."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.generation.procedural.catalogue import catalogue_texts
from engine.generation.procedural.matching import EMBEDDINGS_FILE, matcher, stem, texts_digest
from engine.generation.procedural.modifiers import parse_modifiers
from engine.text.embeddings import embed
from tests.support.procedural import render

CAPTIONS = Path(__file__).parent / "data" / "procedural_captions.tsv"
MIN_ACCURACY = 0.85


def labelled_captions() -> list[tuple[str, str, set[str]]]:
    rows = []
    for line in CAPTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            caption, kind, expected = line.split("\t")
            rows.append((caption, kind, set(expected.split("|"))))
    return rows


def test_caption_matcher_accuracy_on_labelled_captions(capsys):
    rows = labelled_captions()
    assert len(rows) >= 150
    misses = []
    matches = matcher().match_many([row[0] for row in rows], [row[1] for row in rows])
    for (caption, _kind, expected), match in zip(rows, matches):
        got = match.primary.entry.name
        if got not in expected:
            misses.append(f"{caption!r}: {got} (wanted {'|'.join(sorted(expected))})")
    accuracy = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\ncaption matcher accuracy: {accuracy:.3f} on {len(rows)} labelled captions")
    assert accuracy >= MIN_ACCURACY, "\n".join(misses)


def test_every_label_names_a_real_recipe():
    names = {entry.name for entry in matcher().entries}
    for caption, _, expected in labelled_captions():
        assert expected <= names, (caption, expected - names)


def test_stored_description_embeddings_match_the_catalogue():
    texts = catalogue_texts()
    with np.load(EMBEDDINGS_FILE) as stored:
        assert str(stored["digest"]) == texts_digest(texts), (
            "resources/sounds/catalogue.json changed: run `python -m engine.generation.procedural`")
        vectors = stored["vectors"]
    assert vectors.shape == (len(texts), 384)
    sample = np.random.default_rng(0).choice(len(texts), 24, replace=False)
    fresh = embed([texts[i][1] for i in sample])
    assert np.min(np.sum(fresh * vectors[sample], axis=1)) > 0.9999


@pytest.mark.parametrize("caption, expected", [
    ("a dog barks twice in the distance", {"count": 2, "distance": 0.8}),
    ("heavy footsteps on wooden stairs, slowly",
     {"intensity": 0.85, "size": 0.72, "material": "wood", "speed": 0.2}),
    ("a car approaching", {"motion": "approaching"}),
    ("a train passes by", {"motion": "passing"}),
    ("the boat sails away", {"motion": "receding"}),
    ("the music fades away", {"envelope": "fade_out"}),
    ("an ominous rumble building", {"envelope": "swell"}),
    ("muffled voices from the next room", {"muffled": True}),
    ("the bell tolls twelve times", {"count": 12}),
    ("three knocks at the door", {"count": 3}),
    ("a gunshot", {"count": 1}),
    ("footsteps crunching through the snow", {"material": "snow"}),
    ("a tiny bell", {"size": 0.2}),
    ("a shrill whistle", {"brightness": 0.82}),
])
def test_modifiers_are_read_from_the_caption(caption, expected):
    found = parse_modifiers(caption)
    for key, value in expected.items():
        assert found.get(key) == value, (caption, key, found)


def test_plain_caption_changes_nothing():
    assert parse_modifiers("a dog barks") == {}


def test_stemming_makes_word_forms_meet():
    assert stem("barking") == stem("barks") == stem("bark")
    assert stem("crackling") == stem("crackle")
    assert stem("glass") == "glass"


def test_a_caption_naming_several_sources_renders_them_layered():
    match = matcher().match("heavy rain and distant thunder", "ambience")
    layers = {layer.entry.name: layer for layer in match.layers}
    assert set(layers) == {"rain_heavy", "thunder_far"}
    assert layers["rain_heavy"].modifiers.get("intensity") == 0.85
    assert layers["thunder_far"].modifiers.get("distance") == 0.8
    result = render("a dog barks as a car passes", 5.0)
    assert result.metadata["recipes"] == ["dog_bark", "car_pass_by"]


def test_a_place_named_in_a_caption_is_not_a_sound():
    match = matcher().match("seagulls crying over the harbour", "effects")
    assert [layer.entry.name for layer in match.layers] == ["gulls"]


def test_modifiers_choose_the_family_variant():
    assert matcher().match("footsteps on the gravel path", "effects").primary.entry.name \
        == "footsteps_gravel"
    assert matcher().match("thunder far away", "effects").primary.entry.name == "thunder_far"
    assert matcher().match("thunder right overhead", "effects").primary.entry.name \
        == "thunder_near"


def test_a_caption_matching_nothing_renders_the_closest_ambience_and_says_so():
    result = render("she remembers her childhood", 3.0)
    assert result.metadata["matched"] is False
    assert result.metadata["recipes"][0] in {e.name for e in matcher().entries
                                             if e.category == "ambiences"}
    assert result.notes and "no sound recipe matched" in result.notes[0]
    assert np.sqrt(np.mean(result.audio ** 2)) > 1e-3, "never silence"


def test_track_kind_steers_an_ambiguous_caption():
    assert matcher().match("drums", "music").primary.entry.kind == "music"
    assert matcher().match('a voice says "hello"', "speech").primary.entry.name == "voice_talking"
