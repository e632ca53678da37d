"""The AudioStory model: the released checkpoint layout, the token protocol, rendering an
event in its story, regenerating one event, and the model's reasoning as a planner."""
from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine.checkpoints import Placement
from engine.generation import NeighbourEvent, RenderRequest
from engine.generation.audiostory import tokens
from engine.generation.audiostory.generator import AudioStoryGenerator
from engine.generation.audiostory.loader import (
    LoadReport,
    load_audiostory,
    load_released_state,
    shared_bundle,
)
from engine.generation.audiostory.reasoning import QueryRunProcessor, parse_story, query_runs
from engine.generation.audiostory.sequence import (
    IGNORE,
    StoryEvent,
    build_sequence,
    default_reasoning,
    token_id,
)
from engine.generation.tangoflux.components import CheckpointError, read_weights
from engine.planning.audiostory import plan_from_draft
from engine.render.events import render_events
from tests.conftest import ROOT, make_story
from tests.support.tiny_models import cli_env

pytestmark = pytest.mark.tiny_model

CPU = Placement("cpu", "fp32", False)
_generator = AudioStoryGenerator()


def bundle():
    return shared_bundle("audiostory-3b", CPU)


def test_synthetic_checkpoint_in_the_released_layout_loads_with_every_key(tiny_models):
    folder = tiny_models / "audiostory-3b"
    assert {p.name for p in folder.iterdir()} >= {"config.yaml", "pytorch_model.bin",
                                                  "tokenizer", "Flux_detokenizer"}
    state = torch.load(folder / "pytorch_model.bin", weights_only=True)
    assert not any(".base_layer." in key for key in state)  # peft 0.4 names, as released
    assert any(k.startswith("seedx.llm.base_model.model.model.layers.0.self_attn.q_proj."
                            "lora_A.default") for k in state)
    assert {"seedx.projector.0.weight", "seedx.projector.2.weight",
            "seedx.audio_projector.0.weight", "multihead_attention.in_proj_weight",
            "tangoflux.duration_emebdder.time_positional_embedding.0.weights",
            "tangoflux.fc.0.weight"} <= set(state)
    loaded = load_audiostory(folder, CPU)
    report = loaded.report
    assert report.missing == [] and report.unexpected == [] and report.from_base == 0
    assert report.loaded == len(loaded.model.state_dict())
    assert report.text_encoder_keys > 0  # Flan-T5 weights saved with the model were used
    model_q = loaded.model.seedx.llm.base_model.model.model.layers[0].self_attn.q_proj
    released_q = state["seedx.llm.base_model.model.model.layers.0.self_attn.q_proj.weight"]
    assert torch.equal(model_q.base_layer.weight, released_q)


def test_unused_modules_are_skipped_and_foreign_keys_refused(tiny_models):
    model = bundle().model
    state = torch.load(tiny_models / "audiostory-3b" / "pytorch_model.bin", weights_only=True)
    state["seedx.whisper_resampler_llava.proj.weight"] = torch.zeros(2, 2)
    report = load_released_state(model, dict(state))
    assert report.skipped == {"audio-understanding input resampler": 1}
    with pytest.raises(CheckpointError, match="1 unknown keys .*seedx.extra_head.weight"):
        load_released_state(model, {**state, "seedx.extra_head.weight": torch.zeros(1)})
    del state["seedx.audio_projector.2.bias"]
    with pytest.raises(CheckpointError, match="1 trained weights missing .*audio_projector"):
        load_released_state(model, state)
    # frozen base-LLM weights may be left out: the base LLM folder supplies them
    without_base = {k: v for k, v in state.items()
                    if not (k.startswith("seedx.llm.") and k.endswith("self_attn.q_proj.weight"))}
    without_base["seedx.audio_projector.2.bias"] = torch.zeros(32)
    report = load_released_state(model, without_base)
    assert isinstance(report, LoadReport) and report.from_base == 2


def test_pickled_code_in_a_checkpoint_is_never_run(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("this must not run",))

    torch.save({"weight": Payload()}, tmp_path / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match="cannot read the weights"):
        read_weights(tmp_path / "pytorch_model.bin")


def test_token_protocol_and_sequence_positions(tiny_models):
    tokenizer = bundle().tokenizer
    assert len(tokens.special_tokens()) == 612
    events = [StoryEvent("rain on a roof", 4.0), StoryEvent("a door slams", 1.5)]
    sequence = build_sequence(tokenizer, "a storm", 5.5, default_reasoning(events), events, 4, 2)
    assert len(sequence.semantic_positions) == 2 and len(sequence.semantic_positions[0]) == 4
    for positions, pattern in ((sequence.semantic_positions, tokens.SEMANTIC_QUERY),
                               (sequence.residual_positions, tokens.RESIDUAL_QUERY)):
        for event_positions in positions:
            assert [sequence.ids[p] for p in event_positions] == tokenizer.convert_tokens_to_ids(
                [pattern.format(i) for i in range(len(event_positions))])
            assert all(sequence.labels[p] == IGNORE for p in event_positions)
    text = tokenizer.decode(sequence.ids)
    assert "a door slams<timestamp>1.5</timestamp><t5><t5_00000>" in text
    assert text.endswith("</aud><|/gen|><|im_end|>")
    assert tokens.split_caption("a dog barks <timestamp> 4.5 </timestamp>") == ("a dog barks", 4.5)


def test_decoding_forces_the_query_runs_whatever_the_weights(tiny_models):
    b = bundle()
    tokenizer = b.tokenizer
    prompt = tokens.prompt_text("a storm", 5.0) + "rain" + tokens.THINK_CLOSE + tokens.GEN_OPEN \
        + "rain" + tokens.SEMANTIC_OPEN
    ids = torch.tensor([tokenizer.encode(prompt, add_special_tokens=False)])
    from transformers import LogitsProcessorList

    out = b.model.seedx.llm.generate(
        input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=9, do_sample=False,
        logits_processor=LogitsProcessorList([QueryRunProcessor(query_runs(tokenizer, 4, 2))]),
        pad_token_id=0)
    written = tokenizer.decode(out[0, ids.shape[1]:])
    assert written == "<t5_00000><t5_00001><t5_00002><t5_00003></t5><aud><aud_00000><aud_00001></aud>"


def test_the_models_writing_becomes_a_validated_plan(tiny_models):
    tokenizer = bundle().tokenizer
    events = [StoryEvent("rain on a roof", 6.0), StoryEvent("piano music plays", 3.0),
              StoryEvent("a voice says hello", 3.0)]
    sequence = build_sequence(tokenizer, "x", 12, "three events", events, 4, 2)
    start = sequence.labels.index(next(x for x in sequence.labels if x != IGNORE))
    draft = parse_story(tokenizer, sequence.ids[start:], token_id(tokenizer, tokens.CHAT_END))
    assert draft.complete and draft.reasoning == "three events"
    assert [(e.caption, e.duration_s) for e in draft.events] == [
        ("rain on a roof", 6.0), ("piano music plays", 3.0), ("a voice says hello", 3.0)]
    plan = plan_from_draft(draft, 24.0, "audiostory")
    assert [(e.track.value, e.start_s, e.duration_s) for e in plan.events] == [
        ("effects", 0.0, 12.0), ("music", 12.0, 6.0), ("speech", 18.0, 6.0)]
    assert "scaled them to the story's 24 s" in plan.warnings[0]


@pytest.mark.slow  # the random tiny LLM writes its full 1600-token budget first
def test_planner_is_selectable_and_fails_clearly_when_the_model_writes_nothing(tiny_models):
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "plan", "a storm over the sea", "--planner",
         "audiostory", "--duration", "20", "--quiet"], capture_output=True, text=True,
        env=cli_env(tiny_models), timeout=600)
    # random tiny weights write no event: the user gets one line saying what to do
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: the AudioStory model wrote no complete event for this prompt; rephrase it, or "
        "plan with another planner (--planner offline)."]


def request(seed=3, context=(), caption="a wooden door slams", duration_s=1.0):
    return RenderRequest(caption=caption, duration_s=duration_s, seed=seed,
                         settings={"steps": 2}, context=context,
                         story_prompt="a storm at the harbour", start_s=4.0)


def test_renders_deterministically_and_the_story_so_far_matters(tiny_models):
    before = (NeighbourEvent("steady rain falls", "ambience", 0.0, 4.0, "calm", "before"),)
    other = (NeighbourEvent("a crowd cheers", "effects", 0.0, 4.0, "calm", "before"),)
    first = _generator.render(request(context=before))
    assert first.sample_rate == 16000 and first.audio.shape == (2, 16000)
    assert first.metadata["story_events_before"] == 1
    assert np.array_equal(first.audio, _generator.render(request(context=before)).audio)
    assert not np.allclose(first.audio, _generator.render(request(seed=4, context=before)).audio)
    assert not np.allclose(first.audio, _generator.render(request(context=other)).audio)
    long = _generator.render(request(duration_s=6.0))
    assert long.audio.shape == (2, 96000) and long.metadata["windows"] == 2


def test_regenerating_one_event_changes_only_that_event(tiny_models, tmp_path):
    from engine.project.folder import Project

    story = make_story(duration_s=6.0)
    for event in story.events:
        event.generator, event.generator_settings = "audiostory", {"steps": 2}
    project = Project.create(tmp_path / "harbour", story)
    report = render_events(project, project.stale_events(), generator_for=lambda _: _generator)
    assert report.failed == {} and sorted(report.rendered) == ["e1", "e2", "e3"]
    before = {e.id: project.read_take(e.active_take())[0] for e in project.story.events}
    target = project.story.event("e2")
    target.seed = 99  # "regenerate" = a new seed for this event
    assert [e.id for e in project.stale_events()] == ["e2"]
    render_events(project, project.stale_events(), generator_for=lambda _: _generator)
    after = {e.id: project.read_take(e.active_take())[0] for e in project.story.events}
    assert not np.allclose(before["e2"], after["e2"])
    assert np.array_equal(before["e1"], after["e1"]) and np.array_equal(before["e3"], after["e3"])
    take = target.active_take()
    assert take.id == "t2" and take.seed == 99
    # the take records the story it was rendered in: the harbour bed that began before it
    assert "waves lapping in a harbour" in [n["caption"] for n in take.parameters["context"]]


def test_the_checkpoint_can_come_from_tangoflux_when_it_has_no_detokenizer(tiny_models_root,
                                                                          tmp_path, monkeypatch):
    from tests.support.tiny_checkpoints import tiny_tangoflux

    models = tmp_path / "models"
    shutil.copytree(tiny_models_root, models)
    shutil.rmtree(models / "audiostory-3b" / "Flux_detokenizer")
    shutil.rmtree(models / "tangoflux")
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(models))
    with pytest.raises(Exception, match="python main.py models download tangoflux"):
        load_audiostory(models / "audiostory-3b", CPU)
    tiny_tangoflux(models / "tangoflux")
    assert load_audiostory(models / "audiostory-3b", CPU).sample_rate == 16000
