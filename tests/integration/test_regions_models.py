"""Regions and variations on a model backend that cannot inpaint or vary a take (TangoFlux,
tiny random weights in the real layout): the region is rendered with its context and
crossfaded in; the variation is a fresh render, and the take says so."""
from __future__ import annotations

import numpy as np
import pytest

from engine.generation.tangoflux.generator import TangoFluxGenerator
from engine.model.story import Event, Story, Track, TrackKind
from engine.project.folder import Project, attach_take
from engine.render.context import render_request
from engine.render.regions import (
    RegionSpan,
    attach_composite,
    region_edit,
    render_composite,
    variation_edit,
)
from engine.render.take import render_take

pytestmark = pytest.mark.tiny_model


@pytest.fixture
def project(tiny_models, tmp_path):
    story = Story(sample_rate=48_000, duration=10 * 48_000, tracks=[
        Track(id="fx", name="Effects", kind=TrackKind.EFFECTS)], events=[
        Event(id="door", track_id="fx", start=0, duration=3 * 48_000,
              caption="a wooden door slams in the wind", seed=4, generator="tangoflux",
              generator_settings={"steps": 2})])
    project = Project.create(tmp_path / "doors", story)
    event = story.event("door")
    attach_take(event, render_take(project, render_request(story, event), TangoFluxGenerator()))
    return project


def test_a_region_on_a_backend_without_inpainting_is_rendered_with_context(project):
    generator = TangoFluxGenerator()
    event = project.story.event("door")
    base = event.active_take()
    edit = region_edit(project.story, event, [RegionSpan(1.0, 2.0, 9)], crossfade_s=0.02)
    composite = attach_composite(event, render_composite(project, edit, generator))
    before, rate = project.read_take(base)
    after, _ = project.read_take(composite)
    assert rate == 16_000 and after.shape == before.shape  # the take's own rate
    changed = np.flatnonzero(np.any(before != after, axis=0))
    fade = int(0.02 * rate)
    assert changed.min() >= rate - fade and changed.max() < 2 * rate + fade
    assert composite.regions[0].parameters["method"] == "render with context"
    assert composite.regions[0].parameters["generator"] == "tangoflux"


def test_a_variation_on_a_backend_that_cannot_vary_is_a_fresh_render_that_says_so(project):
    generator = TangoFluxGenerator()
    event = project.story.event("door")
    composite = render_composite(project, variation_edit(project.story, event, 0.3, 5),
                                 generator)
    assert composite.take.regions[0].parameters["method"] == "new seed"
    assert any("cannot vary a take by an amount" in note for note in composite.notes)
