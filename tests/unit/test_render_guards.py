"""Guards on every render, whatever the generator: a silent, clipped, noisy (where a tone was
asked), short or non-finite render is tried once more with the next seed, and otherwise fails
with its reason while the event keeps its previous take."""
from __future__ import annotations

import numpy as np
import pytest

from engine.errors import RenderError
from engine.generation.base import GeneratedAudio, RenderRequest
from engine.generation.procedural import ProceduralGenerator
from engine.project.folder import Project, attach_take, take_is_current
from engine.render.context import render_request
from engine.render.events import render_events
from engine.render.guards import audio_problem, clipped_samples, tonal_share
from engine.render.take import guarded_render, render_take
from tests.conftest import make_story, sine


def _silent(audio, request):
    return np.zeros_like(audio)


def _clipped(audio, request):  # a decoder that overshoots and is cut off at full scale
    return np.clip(audio * 40, -1, 1)


def _noise(audio, request):  # a model that lost its conditioning: noise at the same level
    rng = np.random.default_rng(0)
    return (rng.standard_normal(audio.shape) * np.std(audio)).astype(np.float32)


def _short(audio, request):
    return audio[:, : audio.shape[1] // 2].copy()


def _not_finite(audio, request):
    broken = audio.copy()
    broken[0, 1000] = np.nan
    broken[1, 2000] = np.inf
    return broken


FAULTS = {"silent": (_silent, "silent"), "clipped": (_clipped, "clipped"),
          "noise": (_noise, "noise where a tonal sound was asked"),
          "short": (_short, "shorter than"), "not finite": (_not_finite, "NaN or infinite")}


class Misfiring:
    """The real procedural engine, damaged for some seeds the way model backends misfire.
    With `says_tonal` False it reports nothing of what it rendered, like a model backend."""

    name = "misfiring"
    version = "test"

    def __init__(self, fault, bad_seeds, says_tonal: bool = True) -> None:
        self.fault, self.bad_seeds, self.says_tonal = fault, set(bad_seeds), says_tonal
        self.seeds: list[int] = []
        self.engine = ProceduralGenerator()

    def render(self, request, progress=None, cancel=None) -> GeneratedAudio:
        self.seeds.append(request.seed)
        good = self.engine.render(request, progress, cancel)
        metadata = dict(good.metadata)
        if not self.says_tonal:
            metadata = {}
        if request.seed not in self.bad_seeds:
            return GeneratedAudio(good.audio, good.sample_rate, metadata, good.notes)
        return GeneratedAudio(self.fault(good.audio, request), good.sample_rate, metadata,
                              good.notes)


def _project(tmp_path, caption: str) -> tuple[Project, object]:
    story = make_story(4.0)
    event = story.events[1]
    event.caption, event.generator = caption, Misfiring.name
    return Project.create(tmp_path / "p", story), event


CAPTION = "a small bell rings twice"  # tonal: every fault applies


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_damaged_render_is_rendered_again_with_the_next_seed(tmp_path, fault):
    damage, reason = FAULTS[fault]
    project, event = _project(tmp_path, CAPTION)
    generator = Misfiring(damage, bad_seeds={event.seed})
    take = render_take(project, render_request(project.story, event), generator)
    assert generator.seeds == [event.seed, event.seed + 1]
    assert take.seed == event.seed + 1 and take.parameters["seed"] == event.seed + 1
    assert any(reason in note and f"seed {event.seed}" in note for note in take.notes), take.notes
    assert (project.folder / take.path).exists()
    attach_take(event, take)
    assert event.seed == take.seed, "the event takes the seed of the take it uses"
    assert take_is_current(event, event.active_take(), project.story.sample_rate)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_render_damaged_twice_fails_with_its_reason_and_keeps_the_previous_take(tmp_path,
                                                                                  fault):
    damage, reason = FAULTS[fault]
    project, event = _project(tmp_path, CAPTION)
    render_events(project, [event], generator_for=lambda name: Misfiring(damage, set()))
    previous = event.active_take()
    files_before = sorted((project.folder / "takes").iterdir())
    broken = Misfiring(damage, bad_seeds={event.seed, event.seed + 1})
    report = render_events(project, [event], generator_for=lambda name: broken)
    assert broken.seeds == [event.seed, event.seed + 1], "one retry, no more"
    assert event.id in report.failed and reason in report.failed[event.id]
    assert "\n" not in report.failed[event.id], "one line for the user"
    assert event.active_take() == previous, "the previous take stays the event's take"
    assert sorted((project.folder / "takes").iterdir()) == files_before, "no damaged take file"


def test_a_good_render_is_not_rendered_twice(tmp_path):
    project, event = _project(tmp_path, CAPTION)
    generator = Misfiring(_silent, bad_seeds=set())
    take = render_take(project, render_request(project.story, event), generator)
    assert generator.seeds == [event.seed] and take.seed == event.seed
    assert not any("rejected" in note for note in take.notes)


def test_noise_is_a_fault_only_where_a_tone_was_asked():
    noisy = Misfiring(_noise, bad_seeds={1, 2}, says_tonal=False)  # a backend that says nothing
    rain = RenderRequest("rain on the roof", 2.0, seed=1)
    guarded_render(noisy, rain)  # noise is what rain is
    with pytest.raises(RenderError, match="noise where a tonal sound was asked"):
        guarded_render(noisy, RenderRequest("a church bell tolls", 2.0, seed=1))  # by its words


def test_loud_but_limited_sounds_are_not_clipped_and_overs_are_not_clips():
    for caption in ("a huge explosion", "a pistol shot", "a door slams"):
        result = ProceduralGenerator().render(RenderRequest(caption, 3.0, seed=1))
        assert clipped_samples(result.audio) == 0, caption
    loud_sine = sine(220, 1.0, 48_000, channels=2, level=1.5)  # a float take above 0 dBFS
    assert clipped_samples(loud_sine) == 0
    assert clipped_samples(np.clip(loud_sine, -1, 1)) > 1000


def test_tonal_share_tells_tones_from_noise():
    rng = np.random.default_rng(3)
    tone = sine(440, 2.0, 48_000, channels=2) + sine(1320, 2.0, 48_000, channels=2, level=0.2)
    noise = rng.standard_normal((2, 96_000)).astype(np.float32)
    assert tonal_share(tone, 48_000) > 0.9
    assert tonal_share(noise, 48_000) < 0.03
    assert tonal_share(tone + 0.3 * noise, 48_000) > 0.5, "a tone in a little noise is a tone"


def test_every_guard_names_what_is_wrong():
    request = RenderRequest(CAPTION, 1.0, seed=1)
    good = ProceduralGenerator().render(request)
    assert audio_problem(good, request) is None
    for fault, (damage, reason) in FAULTS.items():
        damaged = GeneratedAudio(damage(good.audio, request), good.sample_rate, good.metadata)
        problem = audio_problem(damaged, request)
        assert problem is not None and reason in problem, (fault, problem)
