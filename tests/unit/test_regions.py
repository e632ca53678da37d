"""Composite takes on the procedural engine (a backend that cannot inpaint): regions laid
over the earlier take with crossfades, extensions, variations, refused ranges. Every check
reads the take files back from the project folder, as the mixer does."""
from __future__ import annotations

import numpy as np
import pytest

from engine.errors import InvalidInput
from engine.generation.procedural import ProceduralGenerator
from engine.mix.fades import fade_in_gains, fade_out_gains
from engine.model.story import Event, FadeCurve, Story, Track, TrackKind
from engine.project.folder import Project, attach_take
from engine.render.context import render_request
from engine.render.regions import (
    DEFAULT_CROSSFADE_S,
    RegionSpan,
    attach_composite,
    crossfade_in,
    extension_edit,
    region_edit,
    render_composite,
    variation_edit,
)
from engine.render.take import render_take
from tests.conftest import sine

SR = 48_000
GENERATOR = ProceduralGenerator()


@pytest.fixture
def project(tmp_path) -> Project:
    """A rain bed (0-6 s) and dog barks (7-10 s, starting 7 s in), both rendered."""
    story = Story(title="Yard", sample_rate=SR, duration=12 * SR, seed=4, tracks=[
        Track(id="amb", name="Ambience", kind=TrackKind.AMBIENCE),
        Track(id="fx", name="Effects", kind=TrackKind.EFFECTS)], events=[
        Event(id="rain", track_id="amb", start=0, duration=6 * SR,
              caption="steady rain on a tin roof", seed=21),
        Event(id="dog", track_id="fx", start=7 * SR, duration=3 * SR,
              caption="a dog barks in the yard", seed=22)])
    project = Project.create(tmp_path / "yard", story)
    for event in story.events:
        attach_take(event, render_take(project, render_request(story, event), GENERATOR))
    return project


def regenerate(project: Project, event_id: str, spans, **options):
    event = project.story.event(event_id)
    edit = region_edit(project.story, event, spans, **options)
    return attach_composite(event, render_composite(project, edit, GENERATOR))


def audio_of(project: Project, take) -> np.ndarray:
    audio, rate = project.read_take(take)
    assert rate == take.sample_rate
    return audio


def changed_samples(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.any(before != after, axis=0))


def test_a_region_changes_only_its_stretch_and_crossfades(project):
    event = project.story.event("rain")
    base = event.active_take()
    composite = regenerate(project, "rain", [RegionSpan(2.0, 4.0, 99)])
    before, after = audio_of(project, base), audio_of(project, composite)
    assert after.shape == before.shape  # full length, aligned sample for sample
    fade = int(DEFAULT_CROSSFADE_S * SR)
    changed = changed_samples(before, after)
    assert changed.min() >= 2 * SR - fade and changed.max() < 4 * SR + fade
    inside = after[:, 2 * SR:4 * SR] != before[:, 2 * SR:4 * SR]
    assert inside.mean() > 0.99  # the whole region is new audio
    # the earlier take stays, on disk and in the list; the composite says what it is
    assert [t.id for t in event.takes] == [base.id, composite.id]
    assert event.active_take_id == composite.id and project.take_available(base)
    assert composite.base_take_id == base.id and composite.frames == base.frames
    (region,) = composite.regions
    assert (region.kind, region.start, region.end, region.seed, region.crossfade) == (
        "replace", 2 * SR, 4 * SR, 99, fade)
    assert region.parameters["generator"] == "procedural"
    assert region.parameters["method"] == "render with context"
    assert region.parameters["request"]["seed"] == 99
    assert region.parameters["request"]["start_s"] == pytest.approx(2.0)
    # as current as the take it came from: nothing asks for a render
    assert composite.render_key == base.render_key and composite.seed == base.seed
    assert not project.needs_render(event)


def test_the_crossfades_are_equal_power_and_begin_on_the_takes_own_samples(project):
    base = project.story.event("rain").active_take()
    composite = regenerate(project, "rain", [RegionSpan(2.0, 4.0, 99)], crossfade_s=0.2)
    before, after = audio_of(project, base), audio_of(project, composite)
    fade = int(0.2 * SR)
    changed = changed_samples(before, after)
    assert changed.min() == 2 * SR - fade + 1 and changed.max() == 4 * SR + fade - 2
    gains_in = fade_in_gains(fade, FadeCurve.EQUAL_POWER)
    gains_out = fade_out_gains(fade, FadeCurve.EQUAL_POWER)
    assert np.allclose(gains_in ** 2 + gains_out ** 2, 1.0, atol=1e-6)
    # the new audio's own level across the region is close to the take's around it
    level = [float(np.sqrt(np.mean(x ** 2))) for x in
             (before[:, SR:2 * SR], after[:, 2 * SR:4 * SR], before[:, 4 * SR:5 * SR])]
    assert abs(20 * np.log10(level[1] / level[0])) < 3.0


def test_several_regions_each_with_their_own_seed(project):
    base = project.story.event("rain").active_take()
    spans = [RegionSpan(0.5, 1.5, 1), RegionSpan(3.0, 3.5, 2)]
    first = regenerate(project, "rain", spans)
    project.story.event("rain").use_take(base.id)
    second = regenerate(project, "rain", [spans[0], RegionSpan(3.0, 3.5, 3)])
    before, one, two = (audio_of(project, t) for t in (base, first, second))
    assert [r.seed for r in first.regions] == [1, 2] and len(first.regions) == 2
    fade = int(DEFAULT_CROSSFADE_S * SR)
    between = slice(int(1.5 * SR) + fade, 3 * SR - fade)
    assert np.array_equal(one[:, between], before[:, between])
    assert np.array_equal(one[:, :int(1.5 * SR)], two[:, :int(1.5 * SR)])  # same seed there
    assert not np.array_equal(one[:, 3 * SR:int(3.5 * SR)], two[:, 3 * SR:int(3.5 * SR)])


def test_a_region_of_a_trimmed_clip_is_measured_from_the_clip_start(project):
    event = project.story.event("rain")
    base = event.active_take()
    event.offset, event.start, event.duration = SR, SR, 5 * SR  # left-trimmed by 1 s
    composite = regenerate(project, "rain", [RegionSpan(1.0, 2.0, 5)])
    changed = changed_samples(audio_of(project, base), audio_of(project, composite))
    fade = int(DEFAULT_CROSSFADE_S * SR)
    assert changed.min() >= 2 * SR - fade and changed.max() < 3 * SR + fade
    assert (event.offset, event.start, event.duration) == (SR, SR, 5 * SR)


def test_extending_right_keeps_the_original_samples(project):
    event = project.story.event("dog")
    base = event.active_take()
    edit = extension_edit(project.story, event, "right", 1.5, seed=8)
    composite = attach_composite(event, render_composite(project, edit, GENERATOR))
    before, after = audio_of(project, base), audio_of(project, composite)
    fade = int(DEFAULT_CROSSFADE_S * SR)
    assert after.shape[1] == before.shape[1] + int(1.5 * SR)
    assert np.array_equal(after[:, :before.shape[1] - fade], before[:, :-fade])
    assert np.abs(after[:, before.shape[1]:]).max() > 1e-3  # the continuation is heard
    assert (event.start, event.duration) == (7 * SR, int(4.5 * SR))
    assert composite.regions[0].kind == "extend_right"
    assert (composite.regions[0].start, composite.regions[0].end) == (
        before.shape[1], after.shape[1])
    assert not project.needs_render(event)


def test_extending_left_moves_the_clip_and_keeps_its_audio_in_place(project):
    event = project.story.event("dog")
    base = event.active_take()
    edit = extension_edit(project.story, event, "left", 0.5, seed=8)
    composite = attach_composite(event, render_composite(project, edit, GENERATOR))
    before, after = audio_of(project, base), audio_of(project, composite)
    added, fade = SR // 2, int(DEFAULT_CROSSFADE_S * SR)
    assert np.array_equal(after[:, added + fade:], before[:, fade:])
    assert (event.start, event.duration, event.offset) == (int(6.5 * SR), int(3.5 * SR), 0)
    assert (composite.regions[0].kind, composite.regions[0].end) == ("extend_left", added)


def test_an_extension_at_another_rate_stays_on_its_story_samples(tmp_path, project):
    """A 44.1 kHz take on a 48 kHz story: the new stretch is a whole number of samples in
    both, so the take's old samples keep their story times exactly."""
    path = tmp_path / "tone.wav"
    import soundfile

    soundfile.write(str(path), sine(330.0, 3.0, 44_100).T, 44_100, subtype="FLOAT")
    event = project.story.event("dog")
    event.caption = "a low hum"
    base = project.import_take(path, event)
    edit = extension_edit(project.story, event, "left", 0.301, seed=3)
    composite = attach_composite(event, render_composite(project, edit, GENERATOR))
    story_shift = 7 * SR - event.start
    take_shift = composite.frames - base.frames
    assert story_shift * 44_100 == take_shift * SR  # exact: no drift against the story
    assert abs(story_shift / SR - 0.301) < 0.004
    before, after = audio_of(project, base), audio_of(project, composite)
    fade = int(round(DEFAULT_CROSSFADE_S * 44_100))
    assert np.array_equal(after[:, take_shift + fade:], before[:, fade:])


def test_a_variation_keeps_the_recipe_and_the_scene(project):
    event = project.story.event("dog")
    base = event.active_take()
    made = []
    for seed in (31, 31, 32):
        event.use_take(base.id)
        edit = variation_edit(project.story, event, 0.3, seed)
        made.append(attach_composite(event, render_composite(project, edit, GENERATOR)))
    before = audio_of(project, base)
    first, again, other = (audio_of(project, take) for take in made)
    assert first.shape == before.shape and not np.array_equal(first, before)
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    (region,) = made[0].regions
    assert (region.kind, region.start, region.end, region.seed) == ("variation", 0,
                                                                    base.frames, 31)
    assert region.parameters["similarity"] == pytest.approx(0.7)
    request = render_request(project.story, event)
    plain = GENERATOR.render(request)
    varied = GENERATOR.vary(request, before, SR, 0.7, 31)
    assert varied.metadata["recipes"] == plain.metadata["recipes"]
    assert varied.metadata["scene"] == plain.metadata["scene"]
    assert varied.metadata["variation"] == {"amount": pytest.approx(0.3), "seed": 31}


def test_the_amount_sets_how_much_of_the_performance_changes(project):
    """Amount 0.2 keeps most of the take's own samples (its barks where they were); 0.9
    plays the new performance nearly throughout; the switches are crossfaded."""
    event = project.story.event("dog")
    request = render_request(project.story, event)
    plain = GENERATOR.render(request).audio
    kept = [float(np.mean(np.all(GENERATOR.vary(request, plain, SR, 1 - amount, 5).audio
                                 == plain, axis=0))) for amount in (0.2, 0.5, 0.9)]
    assert kept[0] > 0.6 and kept[0] > kept[1] > kept[2] and kept[2] < 0.3
    whole = GENERATOR.vary(request, plain, SR, 0.0, 5).audio  # amount 1: all new
    assert np.mean(np.all(whole == plain, axis=0)) < 0.01
    short = plain[:, :SR // 2]  # shorter than one stretch: even a little changes it
    assert not np.array_equal(GENERATOR.vary(request, short, SR, 0.95, 5).audio, short)
    varied = GENERATOR.vary(request, plain, SR, 0.5, 5).audio
    steps = np.abs(np.diff(varied, axis=1)).max()
    assert steps < 2 * np.abs(np.diff(plain, axis=1)).max() + 0.05  # no click at a switch


@pytest.mark.parametrize("spans, message", [
    ([RegionSpan(2.0, 7.0, 1)], "between 0 and 6.000 s"),
    ([RegionSpan(-1.0, 1.0, 1)], "between 0 and 6.000 s"),
    ([RegionSpan(3.0, 3.0, 1)], "at least 0.01 s apart"),
    ([RegionSpan(1.0, 3.0, 1), RegionSpan(2.0, 4.0, 2)], "overlap"),
    ([], "at least one region"),
])
def test_bad_regions_are_refused_with_the_valid_range(project, spans, message):
    with pytest.raises(InvalidInput, match=message):
        region_edit(project.story, project.story.event("rain"), spans)


def test_bad_extensions_variations_and_clips_without_takes_are_refused(project):
    story = project.story
    rain, dog = story.event("rain"), story.event("dog")
    with pytest.raises(InvalidInput, match="starts at 0 s: there is no room"):
        extension_edit(story, rain, "left", 1.0, seed=1)
    with pytest.raises(InvalidInput, match="at most 7.000 s"):
        extension_edit(story, dog, "left", 8.0, seed=1)
    with pytest.raises(InvalidInput, match="more than 0"):
        extension_edit(story, dog, "right", 0.0, seed=1)
    with pytest.raises(InvalidInput, match="from just above 0"):
        variation_edit(story, dog, 0.0, seed=1)
    with pytest.raises(InvalidInput, match="crossfade runs from 0 to 5 s"):
        region_edit(story, rain, [RegionSpan(1, 2, 1)], crossfade_s=9.0)
    dog.takes, dog.active_take_id = [], None
    with pytest.raises(InvalidInput, match="has no take yet; render it first"):
        region_edit(story, dog, [RegionSpan(0.5, 1.0, 1)])


def test_composite_takes_survive_a_save_and_reopen(project):
    composite = regenerate(project, "rain", [RegionSpan(1.0, 2.0, 7)])
    project.save()
    reopened = Project.open(project.folder)
    take = reopened.story.event("rain").active_take()
    assert take == composite and reopened.warnings == []
    assert np.array_equal(audio_of(reopened, take), audio_of(project, composite))


def test_crossfade_in_starts_and_ends_on_the_base():
    base = np.full((2, 100), 0.25, np.float32)
    new = np.full((2, 100), -0.5, np.float32)
    out = crossfade_in(base, new, 10, 20)
    assert np.array_equal(out[:, 0], base[:, 0]) and np.array_equal(out[:, -1], base[:, -1])
    assert np.array_equal(out[:, 10:80], new[:, 10:80])
