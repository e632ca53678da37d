"""Scenes through the one validator and into the story: ordered, covering, every event in one."""
from __future__ import annotations

import numpy as np
import pytest

from engine.mix.mixer import Mixer
from engine.model.story import FadeCurve, TrackKind
from engine.model.tones import TONE_NAMES
from engine.planning import PlanError, story_from_plan, validate_plan
from tests.conftest import sine


def event(**overrides):
    base = {"caption": "rain on a tin roof", "track": "ambience", "start_s": 0, "duration_s": 10}
    return {**base, **overrides}


def scene(start_s, end_s, **overrides):
    return {"title": f"from {start_s}", "start_s": start_s, "end_s": end_s, **overrides}


def test_a_plan_without_scenes_is_one_scene_in_the_events_usual_tone():
    plan = validate_plan({"events": [event(tone="tense"), event(caption="thunder", start_s=3,
                                                                track="effects", tone="tense"),
                                     event(caption="bell", start_s=20, tone="calm")]}, 30)
    assert len(plan.scenes) == 1
    assert (plan.scenes[0].start_s, plan.scenes[0].end_s, plan.scenes[0].tone) == (0, 30, "tense")
    assert {e.scene for e in plan.events} == {0}


def test_scenes_are_put_in_order_cut_where_they_overlap_and_stretched_over_gaps():
    plan = validate_plan({"scenes": [scene(20, 30, title="Dawn"), scene(2, 12, title="Night"),
                                     scene(11, 18, title="Storm")],
                          "events": [event(scene=1), event(caption="gulls", start_s=21, scene=0),
                                     event(caption="thunder", track="effects", start_s=13,
                                           scene=2)]}, 30)
    assert [(s.title, s.start_s, s.end_s) for s in plan.scenes] == [
        ("Night", 0, 11), ("Storm", 11, 20), ("Dawn", 20, 30)]
    by_caption = {e.caption: e.scene for e in plan.events}
    assert by_caption == {"rain on a tin roof": 0, "thunder": 1, "gulls": 2}  # renumbered
    assert any("out of story order" in w for w in plan.warnings)
    assert any("overlapped" in w for w in plan.warnings)
    assert any("uncovered" in w for w in plan.warnings)


def test_an_event_joins_the_scene_it_starts_in_when_it_names_another_or_none():
    plan = validate_plan({"scenes": [scene(0, 15), scene(15, 30)],
                          "events": [event(caption="gulls", start_s=20, scene=0),
                                     event(caption="waves", start_s=16, scene="s2"),
                                     event(caption="bell", track="effects", start_s=5, scene=7),
                                     event(caption="calm sea", start_s=13.5, scene=1),
                                     event(caption="wind", start_s=2)]}, 30)
    by_caption = {e.caption: e.scene for e in plan.events}
    # "s2" is the story's id of the second scene; a bed may start a little before its scene
    assert by_caption == {"gulls": 1, "waves": 1, "bell": 0, "calm sea": 1, "wind": 0}
    assert any("2 event(s) named a scene they do not play in" in w for w in plan.warnings)


@pytest.mark.parametrize("scenes, reason", [
    ("dawn", "not a list"),
    (["dawn"], "scene 1 is not an object"),
    ([{"start_s": "early", "end_s": 10}], "scene 1 start_s is not a number"),
    ([{"start_s": 0, "end_s": float("inf")}], "not a finite number"),
])
def test_unusable_scenes_are_rejected_with_the_reason(scenes, reason):
    with pytest.raises(PlanError, match=reason):
        validate_plan({"scenes": scenes, "events": [event()]}, 30)


def test_scenes_outside_the_story_leave_one_scene_and_say_so():
    plan = validate_plan({"scenes": [scene(40, 50)], "events": [event()]}, 30)
    assert [(s.start_s, s.end_s) for s in plan.scenes] == [(0, 30)]
    assert any("outside the story" in w for w in plan.warnings)


def test_tones_come_from_the_tone_table():
    plan = validate_plan({"scenes": [scene(0, 30, tone="Ominous")],
                          "events": [event(tone="serene"), event(caption="x", tone="grumpy")]}, 30)
    assert plan.scenes[0].tone == "tense"
    assert sorted(e.tone for e in plan.events) == ["calm", "neutral"]
    assert any("tone table" in w and "grumpy" in w for w in plan.warnings)
    assert {e.tone for e in plan.events} <= set(TONE_NAMES)


def test_level_and_pan_are_kept_in_range_and_must_be_numbers():
    plan = validate_plan({"events": [event(gain_db=-80, pan=3), event(caption="b", gain_db=-6,
                                                                    pan=-0.5)]}, 30)
    levels = {e.caption: (e.gain_db, e.pan) for e in plan.events}
    assert levels == {"rain on a tin roof": (-40.0, 1.0), "b": (-6.0, -0.5)}
    assert sum("outside" in w for w in plan.warnings) == 2
    with pytest.raises(PlanError, match="pan is not a number"):
        validate_plan({"events": [event(pan="left")]}, 30)


def test_a_validated_plan_passes_again_unchanged():
    plan = validate_plan({"scenes": [scene(5, 14), scene(14, 30, tone="calm")],
                          "events": [event(scene=1, gain_db=-3, pan=0.2, fade_out_s=2),
                                     event(caption="gulls", start_s=14, scene=1)]}, 30)
    assert validate_plan(plan, 30) == plan


def test_the_story_gets_the_plans_scenes_levels_pans_and_fades():
    plan = validate_plan({"scenes": [scene(0, 20, title="Night storm", place="coast",
                                           time_of_day="night", tone="tense"),
                                     scene(20, 30, title="Dawn", tone="calm")],
                          "events": [event(duration_s=21.5, fade_out_s=1.5),
                                     event(caption="thunder", track="effects", start_s=4,
                                           duration_s=3, gain_db=-6, pan=-0.5),
                                     event(caption="calm sea", start_s=20, duration_s=10,
                                           fade_in_s=1.5)]}, 30)
    story = story_from_plan(plan, "a storm, then dawn", seed=3)
    assert [(s.id, s.title, s.start, s.end, s.tone) for s in story.scenes] == [
        ("s1", "Night storm", 0, 20 * 48_000, "tense"), ("s2", "Dawn", 20 * 48_000,
                                                        30 * 48_000, "calm")]
    assert story.scenes[0].place == "coast" and story.scenes[0].time_of_day == "night"
    by_caption = {e.caption: e for e in story.events}
    assert by_caption["thunder"].scene_id == "s1" and by_caption["calm sea"].scene_id == "s2"
    assert (by_caption["thunder"].gain_db, by_caption["thunder"].pan) == (-6.0, -0.5)
    assert by_caption["calm sea"].fade_in_s == 1.5
    assert by_caption["calm sea"].fade_curve == FadeCurve.EQUAL_POWER
    # the dawn bed takes over the storm bed's lane: the mixer crossfades the two
    assert by_caption["calm sea"].track_id == by_caption["rain on a tin roof"].track_id


def test_a_scene_hand_over_crossfades_at_an_even_level():
    plan = validate_plan({"scenes": [scene(0, 5), scene(5, 10)],
                          "events": [event(duration_s=6.5, fade_out_s=1.5),
                                     event(caption="calm sea", start_s=5, duration_s=5,
                                           fade_in_s=1.5)]}, 10)
    story = story_from_plan(plan, "rain, then a calm sea")
    assert len({e.track_id for e in story.events}) == 1
    rate = story.sample_rate
    takes = {"rain on a tin roof": sine(300, 6.5, rate, 1, 0.2),
             "calm sea": sine(520, 5.0, rate, 1, 0.2)}
    master = Mixer().mix(story, lambda e: (takes[e.caption], rate)).master[0]
    window = rate // 20
    levels = [np.sqrt(np.mean(master[i:i + window] ** 2))
              for i in range(int(4 * rate), int(7 * rate), window)]
    steady = np.sqrt(np.mean(master[rate:2 * rate] ** 2))
    assert min(levels) > steady * 10 ** (-1.5 / 20)  # no dip through the hand-over
    assert max(levels) < steady * 10 ** (1.5 / 20)   # and no bump


def test_beds_that_overlap_for_long_stay_on_their_own_lanes():
    plan = validate_plan({"scenes": [scene(0, 10), scene(10, 30)],
                          "events": [event(duration_s=20), event(caption="sea", start_s=10,
                                                                 duration_s=20)]}, 30)
    story = story_from_plan(plan, "rain and sea")
    assert len({e.track_id for e in story.events}) == 2
    assert all(t.kind == TrackKind.AMBIENCE for t in story.tracks)
